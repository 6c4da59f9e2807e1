package io.jtun.device.l2;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.StampedLock;

/**
 * The forwarding table of a learning switch: which port (a peer, or the local TAP device) each
 * MAC address was last seen behind, learned from the source address of the frames that port sends.
 *
 * <p>Entries age like a Linux bridge's {@code ageing_time}: one not refreshed for
 * {@code ageNanos} is treated as absent, so frames to it are flooded again and it is learned
 * afresh wherever it reappears. Each port may hold at most {@code limitPerPort} entries, so a peer
 * cannot exhaust the table (and every other peer's forwarding) by sending from many made-up
 * addresses. A MAC may move to another port, as a VM migrates or a laptop roams, but every move
 * is counted and reported to a {@link MoveListener}, so a peer that takes over another's address
 * does not do it silently.
 *
 * <p>Every frame passes through {@link #lookup} and {@link #learn}, on several threads at once,
 * so both use optimistic reads of a {@link StampedLock} and allocate nothing as long as nothing
 * changes. The write lock is taken for a new, moved or refreshed-long-ago entry, and for a new
 * MAC on a port at its limit (see {@link MacSlots} for the hash table itself).
 *
 * <p>Memory follows the live entries, at most the limit times the number of ports: the arrays
 * double when half full, a sweep reclaims aged entries whenever room is needed (to grow, or for a
 * port at its limit), and a sweep or {@link #removePort} that leaves them sparse shrinks them.
 * Time is always the caller's monotonic {@code now} (as from {@link System#nanoTime}), which makes
 * aging testable.
 *
 * @param <P> the port type; ports are identities, compared with {@code ==}
 */
public final class MacTable<P> {
    /** What {@link #learn} did with a source address. */
    public enum Learning {
        /** Already known behind this port. */
        REFRESHED,
        /** New, or aged out and now seen again. */
        LEARNED,
        /** It was live behind another port and now points to this one; counted and reported. */
        MOVED,
        /** This port already holds its limit of entries: not learned; counted. */
        LIMITED,
        /** A multicast source, which no real station sends from: never learned. */
        IGNORED
    }

    /** Told of each {@link Learning#MOVED}, after the table's lock is released. */
    @FunctionalInterface
    public interface MoveListener<P> {
        void moved(long mac, P from, P to);
    }

    /** One live entry as listed by {@link #entries}; {@code ageNanos} is the time since it was last seen. */
    public record Entry<P>(long mac, P port, long ageNanos) {
    }

    private static final int INITIAL_CAPACITY = 64;
    /** Growth keeps at most half the slots used, which keeps probe runs short, for misses too. */
    private static final int MAX_LOAD_DIVISOR = 2;
    /** Below one slot in this many used, a sweep or a port's removal shrinks the arrays. */
    private static final int SHRINK_DIVISOR = 8;
    private static final long MAX_REFRESH_INTERVAL = TimeUnit.SECONDS.toNanos(1);

    private final int limitPerPort;
    private final long ageNanos;
    private final long refreshNanos;
    private final MoveListener<? super P> listener;
    private final StampedLock lock = new StampedLock();
    private final LongAdder moves = new LongAdder();
    private final LongAdder limited = new LongAdder();

    // Changed only under the write lock; read under a read lock or an optimistic stamp.
    private MacSlots slots = new MacSlots(INITIAL_CAPACITY);
    /** Entries held per port, so the limit is checked in O(1); touched only on inserts and removals. */
    private final Map<Object, int[]> perPort = new IdentityHashMap<>();
    /**
     * While the table is not empty, no entry was last seen before this. Timestamps only move
     * forward, so it stays a lower bound, and a sweep before {@code oldestSeen + ageNanos} would
     * find nothing to reclaim.
     */
    private long oldestSeen;

    /** A table that reports moves nowhere; {@link #moves()} still counts them. */
    public MacTable(int limitPerPort, long ageNanos) {
        this(limitPerPort, ageNanos, (mac, from, to) -> { });
    }

    /**
     * @param limitPerPort most entries one port may hold
     * @param ageNanos     how long an entry lives without being seen (Linux bridges default to 300 s)
     * @param listener     told of every move, e.g. to log it; called on the learning thread
     */
    public MacTable(int limitPerPort, long ageNanos, MoveListener<? super P> listener) {
        if (limitPerPort <= 0 || ageNanos <= 0) {
            throw new IllegalArgumentException(
                    "limitPerPort and ageNanos must be positive, got " + limitPerPort + " and " + ageNanos);
        }
        this.limitPerPort = limitPerPort;
        this.ageNanos = ageNanos;
        // Writing the timestamp on every frame would turn every frame into a write-locked update.
        // Recording it at most once per interval lets an entry age up to this much early, which
        // a quarter of the ageing time (or a second, for long ones) keeps harmless.
        this.refreshNanos = Math.min(MAX_REFRESH_INTERVAL, ageNanos / 4);
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /**
     * The port {@code mac} was last seen behind, or null when unknown or aged out. Allocates
     * nothing, and takes a lock only when a writer got in the way of the optimistic read.
     */
    public P lookup(long mac, long now) {
        long stamp = lock.tryOptimisticRead();
        if (stamp != 0) {
            P port = livePort(slots, mac, now);
            if (lock.validate(stamp)) {
                return port;
            }
        }
        stamp = lock.readLock();
        try {
            return livePort(slots, mac, now);
        } finally {
            lock.unlockRead(stamp);
        }
    }

    /**
     * Records that a frame from {@code mac} arrived through {@code port}. A MAC already known
     * there and refreshed recently takes no lock and allocates nothing.
     */
    public Learning learn(long mac, P port, long now) {
        Objects.requireNonNull(port, "port");
        if (mac >>> MacAddress.BITS != 0) {
            throw new IllegalArgumentException("not a 48-bit MAC: " + Long.toHexString(mac));
        }
        if (MacAddress.isMulticast(mac)) {
            return Learning.IGNORED;
        }
        long stamp = lock.tryOptimisticRead();
        if (stamp != 0 && isRecent(slots, mac, port, now) && lock.validate(stamp)) {
            return Learning.REFRESHED;
        }
        return learnLocked(mac, port, now);
    }

    /** Forgets every entry behind {@code port}, e.g. when a peer is removed. */
    public void removePort(P port) {
        long stamp = lock.writeLock();
        try {
            MacSlots table = slots;
            table.removeIf(slot -> table.port(slot) == port, this::release);
            shrinkIfSparse();
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /** The live entries, sorted by MAC, for {@code jtun show}. */
    public List<Entry<P>> entries(long now) {
        List<Entry<P>> live = new ArrayList<>();
        long stamp = lock.readLock();
        try {
            MacSlots table = slots;
            for (int slot = 0; slot < table.capacity(); slot++) {
                if (table.used(slot) && isLive(table, slot, now)) {
                    live.add(new Entry<>(table.mac(slot), portAt(table, slot), Math.max(0, now - table.lastSeen(slot))));
                }
            }
        } finally {
            lock.unlockRead(stamp);
        }
        live.sort(Comparator.comparingLong(Entry::mac));
        return live;
    }

    /** How many entries are live at {@code now}; walks the whole table, so not for the data path. */
    public int size(long now) {
        long stamp = lock.readLock();
        try {
            MacSlots table = slots;
            int live = 0;
            for (int slot = 0; slot < table.capacity(); slot++) {
                if (table.used(slot) && isLive(table, slot, now)) {
                    live++;
                }
            }
            return live;
        } finally {
            lock.unlockRead(stamp);
        }
    }

    /**
     * How many entries {@code port} holds against its limit. Aged entries count until they are
     * reclaimed, which happens before any learn is refused for the limit, so they never block one.
     */
    public int count(P port) {
        long stamp = lock.readLock();
        try {
            return heldBy(port);
        } finally {
            lock.unlockRead(stamp);
        }
    }

    /** Moves since creation. */
    public long moves() {
        return moves.sum();
    }

    /** Learns refused for a port's limit since creation. */
    public long limited() {
        return limited.sum();
    }

    private Learning learnLocked(long mac, P port, long now) {
        Learning result;
        P from = null;
        long stamp = lock.writeLock();
        try {
            int slot = slots.indexOf(mac);
            if (slot >= 0 && slots.port(slot) == port) {
                result = isLive(slots, slot, now) ? Learning.REFRESHED : Learning.LEARNED;
                touch(slot, now);
                return result;
            }
            if (!hasRoom(port, now)) {
                limited.increment();
                return Learning.LIMITED;
            }
            slot = slots.indexOf(mac); // making room may have swept the old entry away or resized
            if (slot < 0) {
                insert(mac, port, now);
                return Learning.LEARNED;
            }
            if (isLive(slots, slot, now)) {
                from = portAt(slots, slot);
            }
            release(slots.port(slot));
            slots.setPort(slot, port);
            hold(port);
            touch(slot, now);
            result = from == null ? Learning.LEARNED : Learning.MOVED;
        } finally {
            lock.unlockWrite(stamp);
        }
        if (result == Learning.MOVED) {
            moves.increment();
            listener.moved(mac, from, port);
        }
        return result;
    }

    /** Whether {@code port} may take one more entry, reclaiming aged ones first if that could help. */
    private boolean hasRoom(P port, long now) {
        if (heldBy(port) < limitPerPort) {
            return true;
        }
        if (!sweepCouldFree(now)) {
            return false;
        }
        sweep(now);
        return heldBy(port) < limitPerPort;
    }

    private void insert(long mac, P port, long now) {
        if ((slots.size() + 1) * MAX_LOAD_DIVISOR > slots.capacity()) {
            if (sweepCouldFree(now)) {
                sweep(now);
            }
            if ((slots.size() + 1) * MAX_LOAD_DIVISOR > slots.capacity()) {
                slots = slots.resized(slots.capacity() * 2);
            }
        }
        if (slots.size() == 0 || now - oldestSeen < 0) {
            oldestSeen = now;
        }
        slots.add(mac, port, now);
        hold(port);
    }

    private boolean sweepCouldFree(long now) {
        return slots.size() > 0 && now - oldestSeen >= ageNanos;
    }

    /**
     * Deletes the aged entries and tightens {@code oldestSeen} to the oldest survivor. Called only
     * when room is needed, and then only if something may have aged since the last sweep, so a
     * full table costs at most one walk per ageing time even when the sweep frees nothing.
     */
    private void sweep(long now) {
        MacSlots table = slots;
        table.removeIf(slot -> !isLive(table, slot, now), this::release);
        oldestSeen = now;
        for (int slot = 0; slot < table.capacity(); slot++) {
            if (table.used(slot) && table.lastSeen(slot) - oldestSeen < 0) {
                oldestSeen = table.lastSeen(slot);
            }
        }
        shrinkIfSparse();
    }

    private void shrinkIfSparse() {
        if (slots.capacity() > INITIAL_CAPACITY && slots.size() * SHRINK_DIVISOR < slots.capacity()) {
            slots = slots.resized(capacityFor(slots.size()));
        }
    }

    /** At most a quarter used: room to double before growing again, so a table near a threshold does not flap. */
    private static int capacityFor(int entries) {
        int capacity = INITIAL_CAPACITY;
        while (capacity < entries * MAX_LOAD_DIVISOR * 2) {
            capacity <<= 1;
        }
        return capacity;
    }

    private P livePort(MacSlots table, long mac, long now) {
        int slot = table.indexOf(mac);
        return slot >= 0 && isLive(table, slot, now) ? portAt(table, slot) : null;
    }

    /** True when {@code mac} is behind {@code port} and its timestamp needs no update yet. */
    private boolean isRecent(MacSlots table, long mac, P port, long now) {
        int slot = table.indexOf(mac);
        return slot >= 0 && table.port(slot) == port && now - table.lastSeen(slot) < refreshNanos;
    }

    private boolean isLive(MacSlots table, int slot, long now) {
        return now - table.lastSeen(slot) < ageNanos;
    }

    /** Records {@code now} unless a thread with a later clock reading got there first: timestamps never go back. */
    private void touch(int slot, long now) {
        if (now - slots.lastSeen(slot) > 0) {
            slots.setLastSeen(slot, now);
        }
    }

    private int heldBy(Object port) {
        int[] count = perPort.get(port);
        return count == null ? 0 : count[0];
    }

    private void hold(Object port) {
        perPort.computeIfAbsent(port, unused -> new int[1])[0]++;
    }

    /** Drops a port's count, and the port itself at zero, so removed peers leave nothing behind. */
    private void release(Object port) {
        int[] count = perPort.get(port);
        if (--count[0] == 0) {
            perPort.remove(port);
        }
    }

    @SuppressWarnings("unchecked")
    private static <P> P portAt(MacSlots table, int slot) {
        return (P) table.port(slot);
    }
}
