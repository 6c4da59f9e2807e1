package io.jtun.conn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jtun.sys.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * UDP segmentation (UDP_SEGMENT) and receive coalescing (UDP_GRO) on loopback, unprivileged.
 *
 * <p>Loopback passes a segmented message to the receiving socket whole and never coalesces
 * separate datagrams (it has no GRO stage), so a receiver with coalescing on sees each message
 * exactly as it was sent: one slot per message, {@link PacketBatch#segmentCount} datagrams in it.
 * That makes the kernel, not our own bookkeeping, the witness of how slots were grouped.
 */
class UdpTransportOffloadTest {
    private static final long TIMEOUT_MILLIS = 5000;
    /** Room for any coalesced train; the device's slots are larger still. */
    private static final int BIG_SLOT = UdpTransport.COALESCED_ROOM + 64;
    private static final int WARMUP_ROUNDS = 10_000;
    private static final long MAX_BYTES_PER_DATAGRAM = 8;

    private static UdpTransport open(UdpOffloads offloads) {
        UdpTransport t = UdpTransport.open(0, offloads);
        if (offloads.segmentation()) {
            assumeTrue(t.segmentation(), "this kernel has no UDP_SEGMENT");
        }
        if (offloads.receiveCoalescing()) {
            assumeTrue(t.receiveCoalescing(), "this kernel has no UDP_GRO");
        }
        return t;
    }

    private static UdpTransport sender() {
        return open(new UdpOffloads(true, false));
    }

    private static UdpTransport coalescingReceiver() {
        return open(new UdpOffloads(false, true));
    }

    private static SocketEndpoint endpoint(String host, int port) throws Exception {
        return SocketEndpoint.of(new InetSocketAddress(InetAddress.getByName(host), port));
    }

    /** Payload of datagram {@code n}: its number, then a pattern, so order and content both show. */
    private static byte[] content(int n, int size) {
        byte[] b = new byte[size];
        for (int j = 0; j < size; j++) {
            b[j] = (byte) (n * 31 + j * 7);
        }
        if (size >= 2) {
            b[0] = (byte) (n >> 8);
            b[1] = (byte) n;
        }
        return b;
    }

    private static void put(PacketBatch batch, int i, byte[] payload, SocketEndpoint to) {
        batch.setLength(i, payload.length);
        batch.payload(i).copyFrom(MemorySegment.ofArray(payload));
        batch.setAddress(i, to);
    }

    /** A slot as the receiver saw it: the datagrams of its train (one when not coalesced). */
    private record Message(SocketEndpoint source, int segmentSize, List<byte[]> datagrams) {
    }

    /** Receives until {@code datagrams} datagrams arrived (in however many slots), splitting trains. */
    private static List<Message> receiveMessages(UdpTransport t, PacketBatch in, int datagrams) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MILLIS);
        List<Message> got = new ArrayList<>();
        int total = 0;
        while (total < datagrams && System.nanoTime() < deadline) {
            int n = t.receive(in);
            if (n == 0) {
                Polling.await(t.fds(), Libc.POLLIN, 100);
            }
            for (int i = 0; i < n; i++) {
                byte[] payload = in.payload(i).toArray(ValueLayout.JAVA_BYTE);
                int segment = in.segmentSize(i);
                List<byte[]> parts = new ArrayList<>();
                if (segment == 0) {
                    parts.add(payload);
                } else {
                    assertTrue(segment < payload.length, "a train holds two or more datagrams");
                    for (int at = 0; at < payload.length; at += segment) {
                        parts.add(java.util.Arrays.copyOfRange(payload, at, Math.min(payload.length, at + segment)));
                    }
                }
                assertEquals(parts.size(), in.segmentCount(i));
                got.add(new Message(in.endpoint(i), segment, parts));
                total += parts.size();
            }
        }
        return got;
    }

    private static List<byte[]> datagrams(List<Message> messages) {
        return messages.stream().flatMap(m -> m.datagrams().stream()).toList();
    }

    private static void assertDatagrams(List<byte[]> expected, List<byte[]> got) {
        assertEquals(expected.size(), got.size(), "datagrams");
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i), got.get(i), "datagram " + i);
        }
    }

    private static PacketBatch bigBatch(Arena arena, int capacity) {
        return new PacketBatch(arena, capacity, BIG_SLOT);
    }

    /** 20 datagrams of 1000 bytes and one of 300, all to {@code to}: one run. */
    private static List<byte[]> fillRun(PacketBatch out, SocketEndpoint to) {
        List<byte[]> sent = new ArrayList<>();
        for (int i = 0; i < 21; i++) {
            byte[] payload = content(i, i == 20 ? 300 : 1000);
            put(out, i, payload, to);
            sent.add(payload);
        }
        out.setCount(21);
        return sent;
    }

    @Test
    void aRunLeavesAsOneMessageAndArrivesAsSeparateDatagrams() throws Exception {
        try (Arena arena = Arena.ofConfined(); UdpTransport a = sender(); UdpTransport b = UdpTransport.open(0)) {
            PacketBatch out = new PacketBatch(arena, 32, 2048);
            // An IPv4 peer: on the dual-stack socket the run goes to ::ffff:127.0.0.1.
            List<byte[]> sent = fillRun(out, endpoint("127.0.0.1", b.localPort()));
            for (int i = 0; i < 21; i++) {
                out.setOffset(i, 8);
                out.payload(i).copyFrom(MemorySegment.ofArray(sent.get(i)));
            }

            assertEquals(21, a.send(out));
            assertEquals(21, a.counters().sent());
            assertEquals(1, a.counters().gsoSends(), "the 21 slots went as one segmented message");
            assertEquals(0, a.counters().gsoFallbacks());
            // The message as the kernel got it: all 21 payload iovecs and a 1000-byte segment size.
            assertEquals(21, out.vector().slots(0));
            assertEquals(1000, ControlMessages.segmentSize(out.vector().controls(), out.vector().controlOffset(0)));

            // A receiver without coalescing gets the datagrams one by one, in order.
            List<Message> got = receiveMessages(b, new PacketBatch(arena, 64, 2048), 21);
            assertDatagrams(sent, datagrams(got));
            assertEquals(21, got.size());
            for (Message m : got) {
                assertEquals(0, m.segmentSize());
                assertEquals(endpoint("127.0.0.1", a.localPort()), m.source());
            }
            assertEquals(21, b.counters().received());
            assertEquals(0, b.counters().groReceives());
        }
    }

    @Test
    void aCoalescingReceiverGetsTheRunAsOneTrain() throws Exception {
        try (Arena arena = Arena.ofConfined(); UdpTransport a = sender(); UdpTransport b = coalescingReceiver()) {
            PacketBatch out = new PacketBatch(arena, 32, 2048);
            List<byte[]> sent = fillRun(out, endpoint("127.0.0.1", b.localPort()));
            assertEquals(21, a.send(out));

            PacketBatch in = bigBatch(arena, 4);
            List<Message> got = receiveMessages(b, in, 21);
            assertEquals(1, got.size(), "one slot holds the train");
            assertEquals(1000, got.get(0).segmentSize());
            assertEquals(20 * 1000 + 300, in.length(0));
            assertEquals(21, in.segmentCount(0));
            assertEquals(endpoint("127.0.0.1", a.localPort()), got.get(0).source());
            assertDatagrams(sent, datagrams(got));
            // Counted as datagrams, so the figures match a receiver without coalescing.
            assertEquals(21, b.counters().received());
            assertEquals(1, b.counters().groReceives());
        }
    }

    @Test
    void aCoalescingReceiverMarksSingleDatagramsWithZero() throws Exception {
        try (Arena arena = Arena.ofConfined(); UdpTransport a = UdpTransport.open(0); UdpTransport b = coalescingReceiver()) {
            PacketBatch out = new PacketBatch(arena, 8, 2048);
            List<byte[]> sent = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                sent.add(content(i, 1000));
                put(out, i, sent.get(i), endpoint("::1", b.localPort()));
            }
            out.setCount(5);
            assertEquals(5, a.send(out));
            PacketBatch in = bigBatch(arena, 8);
            // A stale layout in the receiving slots must not survive.
            for (int i = 0; i < in.capacity(); i++) {
                in.setSegmentSize(i, 7);
            }
            List<Message> got = receiveMessages(b, in, 5);
            assertEquals(5, got.size());
            got.forEach(m -> assertEquals(0, m.segmentSize()));
            assertDatagrams(sent, datagrams(got));
            assertEquals(0, b.counters().groReceives());
        }
    }

    @Test
    void runsBreakAtEachChangeOfPeerLengthCountOrTotalSize() throws Exception {
        assumeTrue(hasIpv6());
        try (Arena arena = Arena.ofConfined(); UdpTransport a = sender(); UdpTransport b = coalescingReceiver()) {
            SocketEndpoint v4 = endpoint("127.0.0.1", b.localPort());
            SocketEndpoint v6 = endpoint("::1", b.localPort());
            PacketBatch out = new PacketBatch(arena, 256, 2048);
            List<byte[]> sent = new ArrayList<>();
            List<Integer> expectedRuns = new ArrayList<>();
            int[] next = {0};
            java.util.function.BiConsumer<SocketEndpoint, int[]> run = (to, lengths) -> {
                for (int length : lengths) {
                    byte[] payload = content(next[0], length);
                    put(out, next[0]++, payload, to);
                    sent.add(payload);
                }
            };
            run.accept(v4, repeat(3, 1000));                   // a run of 3
            expectedRuns.add(3);
            run.accept(v6, repeat(2, 1000));                   // same length, other peer: a new run of 2
            expectedRuns.add(2);
            run.accept(v4, new int[] {1000, 1000, 400, 400});  // the short one ends the run: 3, then 1
            expectedRuns.add(3);
            expectedRuns.add(1);
            run.accept(v4, new int[] {500, 900, 900});         // longer than the run's first: 1, then 2
            expectedRuns.add(1);
            expectedRuns.add(2);
            run.accept(v6, repeat(70, 100));                   // at most 64 segments: 64, then 6
            expectedRuns.add(64);
            expectedRuns.add(6);
            run.accept(v4, repeat(40, 2000));                  // at most 65507 bytes: 32, then 8
            expectedRuns.add(32);
            expectedRuns.add(8);
            run.accept(v4, new int[] {0, 0});                  // empty datagrams never group
            expectedRuns.add(1);
            expectedRuns.add(1);
            out.setCount(next[0]);

            assertEquals(next[0], Polling.sendAll(a, out, TIMEOUT_MILLIS));
            List<Message> got = receiveMessages(b, bigBatch(arena, 8), next[0]);
            assertEquals(expectedRuns, got.stream().map(m -> m.datagrams().size()).toList(),
                    "datagrams per message, as the receiving kernel saw them");
            assertDatagrams(sent, datagrams(got));
            assertEquals(expectedRuns.stream().filter(n -> n > 1).count(), a.counters().gsoSends());
            assertEquals(next[0], a.counters().sent());
            assertEquals(next[0], b.counters().received());
            assertEquals(0, a.counters().sendErrors());
        }
    }

    private static int[] repeat(int n, int length) {
        int[] lengths = new int[n];
        java.util.Arrays.fill(lengths, length);
        return lengths;
    }

    private static boolean hasIpv6() {
        try (UdpTransport t = UdpTransport.open(0)) {
            return t.family() == Libc.AF_INET6;
        }
    }

    @Test
    void aRunThatFailsSkipsAllItsSlotsAndKeepsSegmentationOn() throws Exception {
        try (Arena arena = Arena.ofConfined(); UdpTransport a = sender(); UdpTransport b = coalescingReceiver()) {
            PacketBatch out = new PacketBatch(arena, 16, 2048);
            SocketEndpoint nowhere = endpoint("127.0.0.1", 0); // EINVAL: no such port, with or without segments
            SocketEndpoint toB = endpoint("127.0.0.1", b.localPort());
            for (int i = 0; i < 5; i++) {
                put(out, i, content(i, 600), nowhere);
            }
            List<byte[]> sent = new ArrayList<>();
            for (int i = 5; i < 9; i++) {
                sent.add(content(i, 600));
                put(out, i, sent.getLast(), toB);
            }
            out.setCount(9);

            assertEquals(9, a.send(out), "failed slots are consumed too");
            assertEquals(5, a.counters().sendOther());
            assertEquals(5, a.counters().sendErrors());
            assertEquals(4, a.counters().sent());
            assertEquals(1, a.counters().gsoFallbacks(), "the refused run was tried once more, one by one");
            assertEquals(0, a.counters().gsoDisabled(), "the peer was at fault, not segmentation");
            assertTrue(a.segmentation());
            assertEquals(1, a.counters().gsoSends(), "the good run still went as one message");

            List<Message> got = receiveMessages(b, bigBatch(arena, 4), 4);
            assertEquals(1, got.size());
            assertDatagrams(sent, datagrams(got));
        }
    }

    @Test
    void withoutOffloadsEverySlotIsItsOwnMessage() throws Exception {
        try (Arena arena = Arena.ofConfined(); UdpTransport a = UdpTransport.open(0); UdpTransport b = UdpTransport.open(0)) {
            assertFalse(a.segmentation());
            assertFalse(a.receiveCoalescing());
            PacketBatch out = new PacketBatch(arena, 32, 2048);
            List<byte[]> sent = fillRun(out, endpoint("127.0.0.1", b.localPort()));
            assertEquals(21, a.send(out));
            for (int i = 0; i < 21; i++) {
                assertEquals(1, out.vector().slots(i), "entry " + i);
            }
            assertEquals(0, a.counters().gsoSends());
            List<Message> got = receiveMessages(b, new PacketBatch(arena, 32, 2048), 21);
            assertEquals(21, got.size());
            assertDatagrams(sent, datagrams(got));
        }
        try (UdpTransport none = UdpTransport.open(0, UdpOffloads.NONE)) {
            assertFalse(none.segmentation());
            assertFalse(none.receiveCoalescing());
        }
    }

    @Test
    void switchesAreIndependent() throws Exception {
        try (Arena arena = Arena.ofConfined(); UdpTransport a = coalescingReceiver(); UdpTransport b = coalescingReceiver()) {
            assertFalse(a.segmentation(), "receive coalescing alone does not segment sends");
            PacketBatch out = new PacketBatch(arena, 32, 2048);
            List<byte[]> sent = fillRun(out, endpoint("127.0.0.1", b.localPort()));
            assertEquals(21, a.send(out));
            assertEquals(0, a.counters().gsoSends());
            List<Message> got = receiveMessages(b, bigBatch(arena, 32), 21);
            assertEquals(21, got.size(), "nothing to coalesce: loopback delivers each datagram alone");
            assertDatagrams(sent, datagrams(got));
        }
    }

    @Test
    void coalescingNeedsRoomForAWholeTrain() {
        try (Arena arena = Arena.ofConfined(); UdpTransport b = coalescingReceiver()) {
            PacketBatch small = new PacketBatch(arena, 2, 2048);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.receive(small));
            assertEquals("slot 0 has room for 2048 bytes; with receive coalescing every slot needs 65535", e.getMessage());
            PacketBatch big = bigBatch(arena, 2);
            big.setOffset(1, 100);
            assertThrows(IllegalArgumentException.class, () -> b.receive(big), "the offset eats into the room");
            big.setOffset(1, 64);
            assertEquals(0, b.receive(big));
        }
    }

    @Test
    void offloadedSteadyStateAllocatesNothingPerDatagram() throws Exception {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (Arena arena = Arena.ofConfined(); UdpTransport a = open(UdpOffloads.ALL); UdpTransport b = open(UdpOffloads.ALL)) {
            int slots = 32;
            PacketBatch out = new PacketBatch(arena, slots, 2048);
            PacketBatch in = bigBatch(arena, slots);
            SocketEndpoint toB = endpoint("127.0.0.1", b.localPort());
            for (int i = 0; i < slots; i++) {
                // Runs of 8 (the length changes every 8 slots), each a train at the receiver.
                put(out, i, content(i, 1000 + 100 * (i / 8)), toB);
            }
            out.setCount(slots);
            int[] fds = b.fds();
            for (int i = 0; i < WARMUP_ROUNDS; i++) {
                int sent = a.send(out);
                long got = b.counters().received() + sent;
                while (b.counters().received() < got) {
                    if (b.receive(in) == 0) {
                        Polling.await(fds, Libc.POLLIN, TIMEOUT_MILLIS);
                    }
                }
            }
            int rounds = 1000;
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < rounds; i++) {
                int sent = a.send(out);
                long got = b.counters().received() + sent;
                while (b.counters().received() < got) {
                    b.receive(in);
                }
            }
            long perDatagram = (threads.getCurrentThreadAllocatedBytes() - before) / ((long) rounds * slots);
            assertTrue(perDatagram < MAX_BYTES_PER_DATAGRAM, "allocated " + perDatagram + " bytes per datagram");
            assertEquals((long) (WARMUP_ROUNDS + rounds) * 4, a.counters().gsoSends());
            assertTrue(b.counters().groReceives() > 0);
        }
    }
}
