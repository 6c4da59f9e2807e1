package io.jtun.device.l2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Probe runs that wrap past the end of the array, which random MACs in a big table seldom build. */
class MacSlotsTest {
    private static final int CAPACITY = 64;
    private static final int LAST = CAPACITY - 1;

    private final MacSlots slots = new MacSlots(CAPACITY);
    private final List<Long> taken = new ArrayList<>();

    /** A new MAC whose home is {@code home}: where it lands when added to an empty table. */
    private long macAt(int home) {
        MacSlots scratch = new MacSlots(CAPACITY);
        for (long mac = 0x0200_0000_0000L; ; mac++) {
            if (!taken.contains(mac) && scratch.add(mac, "probe", 0) == home) {
                taken.add(mac);
                return mac;
            }
            scratch.removeIf(slot -> true, port -> { });
        }
    }

    private void assertFound(long mac, int slot) {
        assertEquals(slot, slots.indexOf(mac), MacAddress.format(mac));
    }

    @Test
    void deletingAtTheEndPullsBackEntriesThatWrapped() {
        long a = macAt(LAST - 1);
        long b = macAt(LAST - 1);
        long c = macAt(LAST);
        long d = macAt(0);
        for (long mac : new long[] {a, b, c, d}) {
            slots.add(mac, MacAddress.format(mac), 0);
        }
        assertFound(c, 0);
        assertFound(d, 1);

        slots.removeIf(slot -> slots.mac(slot) == a, port -> { });
        assertEquals(-1, slots.indexOf(a));
        assertFound(b, LAST - 1);
        assertFound(c, LAST);
        assertFound(d, 0);
        assertEquals(3, slots.size());
    }

    @Test
    void aSweepAcrossTheWrapRemovesExactlyTheDoomed() {
        long[] run = {macAt(LAST - 2), macAt(LAST - 2), macAt(LAST - 1), macAt(LAST), macAt(0), macAt(LAST), macAt(1)};
        for (int i = 0; i < run.length; i++) {
            slots.add(run[i], "p" + i, i);
        }
        Set<Integer> doomed = Set.of(0, 3, 4); // by lastSeen, which travels with its entry
        List<Object> removed = new ArrayList<>();
        slots.removeIf(slot -> doomed.contains((int) slots.lastSeen(slot)), removed::add);

        assertEquals(Set.of("p0", "p3", "p4"), Set.copyOf(removed));
        for (int i = 0; i < run.length; i++) {
            int slot = slots.indexOf(run[i]);
            if (doomed.contains(i)) {
                assertEquals(-1, slot);
            } else {
                assertEquals("p" + i, slots.port(slot));
                assertEquals(i, slots.lastSeen(slot));
            }
        }
        assertEquals(run.length - doomed.size(), slots.size());
    }

    @Test
    void theAllZeroMacIsNotAnEmptySlot() {
        assertEquals(-1, slots.indexOf(0));
        int slot = slots.add(0, "zero", 0);
        assertEquals(slot, slots.indexOf(0));
        assertEquals(0, slots.mac(slot));
    }

    @Test
    void aResizedCopyHoldsTheSameEntries() {
        for (int i = 0; i < 20; i++) {
            slots.add(macAt(i % 3), "p" + i, i);
        }
        MacSlots bigger = slots.resized(CAPACITY * 4);
        assertEquals(slots.size(), bigger.size());
        for (int i = 0; i < taken.size(); i++) {
            int slot = bigger.indexOf(taken.get(i));
            assertEquals("p" + i, bigger.port(slot));
            assertEquals(i, bigger.lastSeen(slot));
        }
    }

    @Test
    void capacityMustBeAPowerOfTwo() {
        assertThrows(IllegalArgumentException.class, () -> new MacSlots(48));
    }
}
