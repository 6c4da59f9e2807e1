package io.jtun.device.l2;

import java.util.function.Consumer;
import java.util.function.IntPredicate;

/**
 * The hash table under {@link MacTable}: MACs, ports and last-seen times in parallel arrays,
 * open addressing with linear probing, and backward-shift deletion, so no tombstones lengthen
 * the probe runs of a table whose entries come and go.
 *
 * <p>Not thread-safe: {@link MacTable} changes it only under its write lock. A reader holding an
 * optimistic stamp may see it in the middle of a change; the methods such a reader calls stay in
 * bounds and terminate whatever the arrays hold, so a torn view costs only a failed validation.
 */
final class MacSlots {
    /** Marks a used slot in {@code keys}, so that the all-zero MAC 00:00:00:00:00:00 is not "empty". */
    private static final long PRESENT = 1L << MacAddress.BITS;
    private static final long HASH_MULTIPLIER = 0x9e37_79b9_7f4a_7c15L;

    private final long[] keys;
    private final Object[] ports;
    private final long[] lastSeen;
    private final int mask;
    private int size;

    /** @param capacity a power of two, more than the entries it will hold */
    MacSlots(int capacity) {
        if (Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two, got " + capacity);
        }
        keys = new long[capacity];
        ports = new Object[capacity];
        lastSeen = new long[capacity];
        mask = capacity - 1;
    }

    int capacity() {
        return keys.length;
    }

    /** Used slots. */
    int size() {
        return size;
    }

    boolean used(int slot) {
        return keys[slot] != 0;
    }

    long mac(int slot) {
        return keys[slot] & ~PRESENT;
    }

    Object port(int slot) {
        return ports[slot];
    }

    void setPort(int slot, Object port) {
        ports[slot] = port;
    }

    long lastSeen(int slot) {
        return lastSeen[slot];
    }

    void setLastSeen(int slot, long time) {
        lastSeen[slot] = time;
    }

    /** The slot holding {@code mac}, or -1. The probe count is capped for readers of a torn view. */
    int indexOf(long mac) {
        long key = mac | PRESENT;
        int slot = home(key);
        for (int probes = 0; probes <= mask; probes++) {
            long found = keys[slot];
            if (found == key) {
                return slot;
            }
            if (found == 0) {
                return -1;
            }
            slot = (slot + 1) & mask;
        }
        return -1;
    }

    /** Stores a MAC known to be absent in the first free slot of its run and returns that slot; needs a free slot. */
    int add(long mac, Object port, long seen) {
        long key = mac | PRESENT;
        int slot = home(key);
        while (keys[slot] != 0) {
            slot = (slot + 1) & mask;
        }
        keys[slot] = key;
        ports[slot] = port;
        lastSeen[slot] = seen;
        size++;
        return slot;
    }

    /**
     * Deletes every entry whose slot {@code doomed} accepts, telling {@code removed} its port.
     * A deletion may shift a later entry of the run into the slot, so the same slot is tested
     * again; an entry shifted there from the start of the array (a run that wraps around) was
     * already tested once and is kept again.
     */
    void removeIf(IntPredicate doomed, Consumer<Object> removed) {
        for (int slot = 0; slot < keys.length; ) {
            if (keys[slot] != 0 && doomed.test(slot)) {
                removed.accept(ports[slot]);
                delete(slot);
            } else {
                slot++;
            }
        }
    }

    /** A copy with {@code capacity} slots, which must exceed {@link #size()}. */
    MacSlots resized(int capacity) {
        MacSlots copy = new MacSlots(capacity);
        for (int slot = 0; slot < keys.length; slot++) {
            if (keys[slot] != 0) {
                copy.add(mac(slot), ports[slot], lastSeen[slot]);
            }
        }
        return copy;
    }

    /** Empties {@code hole}, moving back each later entry of its run that may live there, so no lookup stops short. */
    private void delete(int hole) {
        for (int next = (hole + 1) & mask; keys[next] != 0; next = (next + 1) & mask) {
            int home = home(keys[next]);
            // The entry at next may fill the hole unless its home lies in (hole, next], cyclically.
            if (((next - home) & mask) >= ((next - hole) & mask)) {
                keys[hole] = keys[next];
                ports[hole] = ports[next];
                lastSeen[hole] = lastSeen[next];
                hole = next;
            }
        }
        keys[hole] = 0;
        ports[hole] = null;
        size--;
    }

    private int home(long key) {
        // The high half of the product depends on every bit of the key, and MACs from one vendor
        // differ only in their low bytes; consecutive ones land evenly spread.
        return (int) ((key * HASH_MULTIPLIER) >>> Integer.SIZE) & mask;
    }
}
