package io.jtun.device.l2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.ThreadMXBean;
import io.jtun.device.l2.MacTable.Entry;
import io.jtun.device.l2.MacTable.Learning;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class MacTableTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final long AGE = 300 * SECOND;
    private static final long T0 = 1_000 * SECOND;
    private static final long MAC_A = 0x0200_0000_000aL;
    private static final long MAC_B = 0x0200_0000_000bL;
    private static final long MAC_C = 0x0200_0000_000cL;

    /** Ports are identities; a name only makes failures readable. */
    private record Port(String name) {
        @Override
        public boolean equals(Object other) {
            return this == other;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(this);
        }
    }

    private record Move(long mac, Port from, Port to) {
    }

    private final Port left = new Port("left");
    private final Port right = new Port("right");
    private final List<Move> moves = new ArrayList<>();
    private final MacTable<Port> table = new MacTable<>(1_000, AGE, (mac, from, to) -> moves.add(new Move(mac, from, to)));

    /**
     * A distinct unicast MAC for each {@code n}, scrambled (by MurmurHash3's bijective finalizer):
     * consecutive MACs times the table's multiplicative hash would land in evenly spaced slots and
     * never collide, leaving probing and deletion untested.
     */
    private static long mac(int n) {
        int h = n;
        h ^= h >>> 16;
        h *= 0x85eb_ca6b;
        h ^= h >>> 13;
        h *= 0xc2b2_ae35;
        h ^= h >>> 16;
        return 0x0200_0000_0000L | Integer.toUnsignedLong(h);
    }

    @Test
    void learnsAndLooksUp() {
        assertEquals(Learning.LEARNED, table.learn(MAC_A, left, T0));
        assertSame(left, table.lookup(MAC_A, T0));
        assertNull(table.lookup(MAC_B, T0));
        assertEquals(1, table.size(T0));
        assertEquals(1, table.count(left));
        assertEquals(0, table.count(right));
    }

    @Test
    void theAllZeroMacIsAnOrdinaryAddress() {
        assertNull(table.lookup(0, T0));
        assertEquals(Learning.LEARNED, table.learn(0, left, T0));
        assertSame(left, table.lookup(0, T0));
    }

    @Test
    void seeingAMacAgainOnItsPortRefreshesIt() {
        table.learn(MAC_A, left, T0);
        assertEquals(Learning.REFRESHED, table.learn(MAC_A, left, T0 + 1));
        assertEquals(Learning.REFRESHED, table.learn(MAC_A, left, T0 + AGE / 2));
        assertSame(left, table.lookup(MAC_A, T0 + AGE + SECOND), "the refresh at AGE/2 extended its life");
        assertNull(table.lookup(MAC_A, T0 + AGE / 2 + AGE));
        assertEquals(1, table.count(left));
    }

    @Test
    void anEntryNotSeenForTheAgeingTimeIsAbsent() {
        table.learn(MAC_A, left, T0);
        assertSame(left, table.lookup(MAC_A, T0 + AGE - 1));
        assertNull(table.lookup(MAC_A, T0 + AGE));
        assertEquals(0, table.size(T0 + AGE));
        assertEquals(List.of(), table.entries(T0 + AGE));
        assertEquals(Learning.LEARNED, table.learn(MAC_A, left, T0 + AGE), "aged, so new again");
        assertSame(left, table.lookup(MAC_A, T0 + AGE));
        assertEquals(1, table.count(left));
    }

    @Test
    void agingWorksAcrossTheWrapOfTheNanosecondClock() {
        long start = Long.MAX_VALUE - AGE / 2;
        table.learn(MAC_A, left, start);
        assertSame(left, table.lookup(MAC_A, start + AGE - 1));
        assertNull(table.lookup(MAC_A, start + AGE));
    }

    @Test
    void aMoveIsCountedAndReportedBothWays() {
        table.learn(MAC_A, left, T0);
        assertEquals(Learning.MOVED, table.learn(MAC_A, right, T0 + SECOND));
        assertSame(right, table.lookup(MAC_A, T0 + SECOND));
        assertEquals(0, table.count(left));
        assertEquals(1, table.count(right));

        assertEquals(Learning.MOVED, table.learn(MAC_A, left, T0 + 2 * SECOND));
        assertSame(left, table.lookup(MAC_A, T0 + 2 * SECOND));
        assertEquals(2, table.moves());
        assertEquals(List.of(new Move(MAC_A, left, right), new Move(MAC_A, right, left)), moves);
    }

    @Test
    void anAgedMacReappearingElsewhereIsLearnedNotMoved() {
        table.learn(MAC_A, left, T0);
        assertEquals(Learning.LEARNED, table.learn(MAC_A, right, T0 + AGE));
        assertSame(right, table.lookup(MAC_A, T0 + AGE));
        assertEquals(0, table.moves());
        assertEquals(List.of(), moves);
        assertEquals(0, table.count(left));
        assertEquals(1, table.count(right));
    }

    @Test
    void aPortAtItsLimitLearnsNothingNewWhileOthersStillDo() {
        MacTable<Port> small = new MacTable<>(2, AGE);
        small.learn(MAC_A, left, T0);
        small.learn(MAC_B, left, T0);
        assertEquals(Learning.LIMITED, small.learn(MAC_C, left, T0));
        assertNull(small.lookup(MAC_C, T0));
        assertEquals(Learning.REFRESHED, small.learn(MAC_A, left, T0), "known MACs still refresh");
        assertEquals(Learning.LEARNED, small.learn(MAC_C, right, T0));
        assertEquals(Learning.LIMITED, small.learn(MAC_C, left, T0), "nor may a MAC move onto a full port");
        assertSame(right, small.lookup(MAC_C, T0));
        assertEquals(2, small.limited());
        assertEquals(0, small.moves());
        assertEquals(2, small.count(left));
    }

    @Test
    void agedEntriesMakeRoomUnderTheLimit() {
        MacTable<Port> small = new MacTable<>(2, AGE);
        small.learn(MAC_A, left, T0);
        small.learn(MAC_B, left, T0 + AGE / 2);
        assertEquals(Learning.LIMITED, small.learn(MAC_C, left, T0 + AGE - 1));
        assertEquals(Learning.LEARNED, small.learn(MAC_C, left, T0 + AGE), "MAC_A has aged out");
        assertEquals(2, small.count(left));
        assertNull(small.lookup(MAC_A, T0 + AGE));
        assertSame(left, small.lookup(MAC_B, T0 + AGE));
        assertSame(left, small.lookup(MAC_C, T0 + AGE));
    }

    @Test
    void removingAPortMakesRoomUnderTheLimit() {
        MacTable<Port> small = new MacTable<>(1, AGE);
        small.learn(MAC_A, left, T0);
        assertEquals(Learning.LIMITED, small.learn(MAC_B, left, T0));
        small.removePort(left);
        assertEquals(0, small.count(left));
        assertEquals(Learning.LEARNED, small.learn(MAC_B, left, T0));
    }

    @Test
    void multicastSourcesAreNeverLearned() {
        assertEquals(Learning.IGNORED, table.learn(MacAddress.parse("01:00:5e:00:00:01"), left, T0));
        assertEquals(Learning.IGNORED, table.learn(MacAddress.BROADCAST, left, T0));
        assertNull(table.lookup(MacAddress.BROADCAST, T0));
        assertEquals(0, table.size(T0));
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> new MacTable<Port>(0, AGE));
        assertThrows(IllegalArgumentException.class, () -> new MacTable<Port>(1, 0));
        assertThrows(NullPointerException.class, () -> table.learn(MAC_A, null, T0));
        assertThrows(IllegalArgumentException.class, () -> table.learn(1L << MacAddress.BITS, left, T0));
    }

    @Test
    void removePortForgetsOnlyThatPort() {
        for (int i = 0; i < 100; i++) {
            table.learn(mac(i), i % 2 == 0 ? left : right, T0);
        }
        table.removePort(left);
        for (int i = 0; i < 100; i++) {
            assertEquals(i % 2 == 0 ? null : right, table.lookup(mac(i), T0), MacAddress.format(mac(i)));
        }
        assertEquals(50, table.size(T0));
        assertEquals(0, table.count(left));
        assertEquals(50, table.count(right));
    }

    @Test
    void growsFarPastItsInitialCapacity() {
        MacTable<Port> big = new MacTable<>(10_000, AGE);
        Port[] ports = {new Port("p0"), new Port("p1"), new Port("p2"), new Port("p3"), new Port("p4")};
        int macs = 10_000;
        for (int i = 0; i < macs; i++) {
            assertEquals(Learning.LEARNED, big.learn(mac(i), ports[i % ports.length], T0));
        }
        for (int i = 0; i < macs; i++) {
            assertSame(ports[i % ports.length], big.lookup(mac(i), T0));
        }
        assertEquals(macs, big.size(T0));
        for (Port port : ports) {
            assertEquals(macs / ports.length, big.count(port));
        }
    }

    /** Each MAC gets a port of its own, so removePort deletes single entries in a random order. */
    @Test
    void deletionsInRandomOrderKeepTheRestReachable() {
        Random random = new Random(7);
        MacTable<Port> churn = new MacTable<>(1, AGE);
        Map<Long, Port> model = new HashMap<>();
        List<Long> present = new ArrayList<>();
        for (int round = 0; round < 20_000; round++) {
            if (present.isEmpty() || random.nextInt(5) < 3) {
                long mac = mac(random.nextInt(1 << 16));
                if (!model.containsKey(mac)) {
                    Port port = new Port(Long.toHexString(mac));
                    assertEquals(Learning.LEARNED, churn.learn(mac, port, T0));
                    model.put(mac, port);
                    present.add(mac);
                }
            } else {
                long victim = present.remove(random.nextInt(present.size()));
                churn.removePort(model.remove(victim));
                assertNull(churn.lookup(victim, T0));
            }
            if (round % 500 == 0) {
                model.forEach((mac, port) -> assertSame(port, churn.lookup(mac, T0), MacAddress.format(mac)));
                assertEquals(model.size(), churn.size(T0));
            }
        }
    }

    /** A port at its limit makes the table sweep: every aged entry goes, every live one stays reachable. */
    @Test
    void aSweepReclaimsEveryAgedEntryAndKeepsTheRest() {
        Random random = new Random(11);
        int macs = 3_000;
        MacTable<Port> full = new MacTable<>(macs / 2, AGE);
        long[] seen = new long[macs];
        for (int i = 0; i < macs; i++) {
            seen[i] = T0 + random.nextLong(AGE);
            full.learn(mac(i), i % 2 == 0 ? left : right, seen[i]);
        }
        long later = T0 + AGE + AGE / 2;
        assertEquals(Learning.LEARNED, full.learn(mac(macs), left, later), "aged entries made room");

        int[] live = new int[2];
        for (int i = 0; i < macs; i++) {
            boolean fresh = later - seen[i] < AGE;
            live[i % 2] += fresh ? 1 : 0;
            assertEquals(fresh ? (i % 2 == 0 ? left : right) : null, full.lookup(mac(i), later));
        }
        assertEquals(live[0] + 1, full.count(left), "only live entries are still held");
        assertEquals(live[1], full.count(right));
        assertEquals(live[0] + live[1] + 1, full.size(later));
    }

    /** Growth sweeps first, so the table keeps what is live through the aging of older entries. */
    @Test
    void growingPastAgedEntriesKeepsTheLiveOnes() {
        MacTable<Port> roomy = new MacTable<>(10_000, AGE);
        for (int i = 0; i < 2_000; i++) {
            roomy.learn(mac(i), left, T0 + i);
        }
        long later = T0 + AGE + 1_000;
        for (int i = 0; i < 2_000; i++) {
            roomy.learn(mac(10_000 + i), right, later);
        }
        for (int i = 0; i < 2_000; i++) {
            assertEquals(i > 1_000 ? left : null, roomy.lookup(mac(i), later));
            assertSame(right, roomy.lookup(mac(10_000 + i), later));
        }
        assertEquals(2_999, roomy.size(later));
    }

    @Test
    void entriesAreSortedByMacWithTheirAgeAndSkipAgedOnes() {
        table.learn(MAC_C, left, T0);
        table.learn(MAC_A, right, T0 + 2 * SECOND);
        table.learn(MAC_B, left, T0 - AGE);
        long now = T0 + 5 * SECOND;
        assertEquals(List.of(new Entry<>(MAC_A, right, 3 * SECOND), new Entry<>(MAC_C, left, 5 * SECOND)), table.entries(now));
    }

    /** The per-frame calls allocate nothing: fewer bytes in all than one object per thousand calls would take. */
    @Test
    void lookupAndRefreshDoNotAllocate() {
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (int i = 0; i < 64; i++) {
            table.learn(mac(i), i % 2 == 0 ? left : right, T0);
        }
        int calls = 100_000;
        long before = 0;
        for (int pass = 0; pass < 2; pass++) { // the first pass warms up: class loading and linking allocate
            before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < calls; i++) {
                int n = i & 63;
                Port port = n % 2 == 0 ? left : right;
                assertSame(port, table.lookup(mac(n), T0 + i));
                assertSame(Learning.REFRESHED, table.learn(mac(n), port, T0 + i));
                assertNull(table.lookup(mac(1_000 + n), T0 + i));
            }
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < calls / 1_000 * 16, allocated + " bytes allocated");
    }

    /**
     * Two data-path threads learn their own MACs and fight over shared ones while a control
     * thread churns a third port and lists the table. No timing is asserted: only that nothing
     * throws and that what must be stable is.
     */
    @Test
    void concurrentLearnersAndAControlThreadStayConsistent() throws Exception {
        int own = 500;
        int shared = 200;
        AtomicLong clock = new AtomicLong(T0);
        AtomicLong reported = new AtomicLong();
        MacTable<Port> live = new MacTable<>(own + shared + 1, AGE, (mac, from, to) -> reported.incrementAndGet());
        Port churnPort = new Port("churn");
        CyclicBarrier start = new CyclicBarrier(3);

        Callable<Void> control = () -> {
            start.await();
            for (int round = 0; round < 200; round++) {
                for (int i = 0; i < 2 * own; i++) {
                    live.learn(mac(0x80000 + i), churnPort, clock.get());
                }
                List<Entry<Port>> entries = live.entries(clock.get());
                for (int i = 1; i < entries.size(); i++) {
                    assertTrue(entries.get(i - 1).mac() < entries.get(i).mac());
                }
                live.removePort(churnPort);
            }
            return null;
        };
        try (ExecutorService pool = Executors.newFixedThreadPool(3)) {
            List<Future<Void>> results = List.of(
                    pool.submit(learner(live, left, 0x10000, own, shared, clock, start)),
                    pool.submit(learner(live, right, 0x20000, own, shared, clock, start)),
                    pool.submit(control));
            for (Future<Void> result : results) {
                result.get(2, TimeUnit.MINUTES);
            }
        }

        long now = clock.get();
        for (int i = 0; i < own; i++) {
            assertSame(left, live.lookup(mac(0x10000 + i), now));
            assertSame(right, live.lookup(mac(0x20000 + i), now));
        }
        for (int i = 0; i < shared; i++) {
            Port port = live.lookup(mac(i), now);
            assertTrue(port == left || port == right, "shared MAC lost");
        }
        assertEquals(0, live.count(churnPort));
        assertEquals(2 * own + shared, live.size(now));
        assertEquals(live.size(now), live.count(left) + live.count(right));
        assertEquals(live.entries(now).size(), live.size(now));
        assertEquals(reported.get(), live.moves());
        assertTrue(live.limited() > 0, "the churn port went over its limit");
    }

    /** Learns its own MACs and the shared ones on {@code port}, checking its own stay put. */
    private static Callable<Void> learner(
            MacTable<Port> table, Port port, int base, int own, int shared, AtomicLong clock, CyclicBarrier start) {
        return () -> {
            start.await();
            for (int round = 0; round < 200; round++) {
                // 50 ms a round: some refreshes write, and nothing comes near aging.
                long now = clock.addAndGet(SECOND / 20);
                for (int i = 0; i < own; i++) {
                    table.learn(mac(base + i), port, now);
                    assertSame(port, table.lookup(mac(base + i), now));
                }
                for (int i = round % 2; i < shared; i += 2) {
                    table.learn(mac(i), port, now);
                    assertTrue(table.lookup(mac(i), now) != null);
                }
            }
            return null;
        };
    }
}
