package io.jtun.device;

import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.random.RandomGenerator;

/**
 * Receiver indices: the random 32-bit numbers WireGuard puts in every message so the receiver
 * finds the handshake or session it belongs to without trying keys.
 *
 * <p>An open-addressing hash table whose reads take no lock and allocate nothing (the inbound
 * path looks up every data packet here), while writes (one per handshake) take a lock. Each slot
 * holds an immutable entry, replaced by one reference write, so a reader sees either the old
 * entry or the new one; removal leaves a tombstone so probe chains stay intact; a resize builds
 * a new array and publishes it.
 *
 * @param <V> what an index leads to
 */
public final class IndexTable<V> {
    private static final int INITIAL_CAPACITY = 64;
    private static final int MAX_LOAD_PERCENT = 50;

    private record Entry<V>(int index, V value) {
    }

    private static final Entry<Object> TOMBSTONE = new Entry<>(0, null);

    private final RandomGenerator random;
    private volatile AtomicReferenceArray<Entry<V>> slots = new AtomicReferenceArray<>(INITIAL_CAPACITY);
    private int used; // live entries plus tombstones, guarded by this
    private int size;

    public IndexTable() {
        this(new SecureRandom());
    }

    IndexTable(RandomGenerator random) {
        this.random = random;
    }

    /** Stores {@code value} under a fresh random index and returns the index. */
    public synchronized int add(V value) {
        while (true) {
            int index = random.nextInt();
            if (find(slots, index) == null) {
                insert(index, value);
                return index;
            }
        }
    }

    /** Points an existing index at a new value (a handshake that became a session). */
    public synchronized void replace(int index, V value) {
        AtomicReferenceArray<Entry<V>> table = slots;
        int slot = slotOf(table, index);
        if (slot < 0) {
            throw new IllegalArgumentException("index " + Integer.toUnsignedString(index) + " is not in use");
        }
        table.set(slot, new Entry<>(index, value));
    }

    /** Frees an index; a no-op when it is not in use. */
    @SuppressWarnings("unchecked")
    public synchronized void remove(int index) {
        AtomicReferenceArray<Entry<V>> table = slots;
        int slot = slotOf(table, index);
        if (slot >= 0) {
            table.set(slot, (Entry<V>) (Entry<?>) TOMBSTONE);
            size--;
        }
    }

    /** The value stored under {@code index}, or null. Lock-free, allocation-free. */
    public V get(int index) {
        Entry<V> entry = find(slots, index);
        return entry == null ? null : entry.value();
    }

    public synchronized int size() {
        return size;
    }

    private static <V> Entry<V> find(AtomicReferenceArray<Entry<V>> table, int index) {
        int mask = table.length() - 1;
        for (int slot = mix(index) & mask, probes = 0; probes < table.length(); slot = (slot + 1) & mask, probes++) {
            Entry<V> entry = table.get(slot);
            if (entry == null) {
                return null;
            }
            if (entry != TOMBSTONE && entry.index() == index) {
                return entry;
            }
        }
        return null;
    }

    private static <V> int slotOf(AtomicReferenceArray<Entry<V>> table, int index) {
        int mask = table.length() - 1;
        for (int slot = mix(index) & mask, probes = 0; probes < table.length(); slot = (slot + 1) & mask, probes++) {
            Entry<V> entry = table.get(slot);
            if (entry == null) {
                return -1;
            }
            if (entry != TOMBSTONE && entry.index() == index) {
                return slot;
            }
        }
        return -1;
    }

    private void insert(int index, V value) {
        if ((used + 1) * 100L > (long) slots.length() * MAX_LOAD_PERCENT) {
            rehash();
        }
        AtomicReferenceArray<Entry<V>> table = slots;
        int mask = table.length() - 1;
        int slot = mix(index) & mask;
        while (true) {
            Entry<V> entry = table.get(slot);
            if (entry == null || entry == TOMBSTONE) {
                if (entry == null) {
                    used++;
                }
                table.set(slot, new Entry<>(index, value));
                size++;
                return;
            }
            slot = (slot + 1) & mask;
        }
    }

    /** A fresh array without tombstones, doubled when live entries need it; then published. */
    private void rehash() {
        AtomicReferenceArray<Entry<V>> old = slots;
        int capacity = old.length();
        while ((size + 1) * 100L > (long) capacity * MAX_LOAD_PERCENT / 2) {
            capacity *= 2;
        }
        AtomicReferenceArray<Entry<V>> fresh = new AtomicReferenceArray<>(capacity);
        int mask = capacity - 1;
        for (int i = 0; i < old.length(); i++) {
            Entry<V> entry = old.get(i);
            if (entry != null && entry != TOMBSTONE) {
                int slot = mix(entry.index()) & mask;
                while (fresh.get(slot) != null) {
                    slot = (slot + 1) & mask;
                }
                fresh.set(slot, entry);
            }
        }
        used = size;
        slots = fresh;
    }

    /** Indices are random already; the mix only guards against a poor generator. */
    private static int mix(int index) {
        int h = index * 0x9E3779B9;
        return h ^ (h >>> 16);
    }
}
