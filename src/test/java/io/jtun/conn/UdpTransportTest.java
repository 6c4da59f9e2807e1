package io.jtun.conn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jtun.ExitCode;
import io.jtun.JtunException;
import io.jtun.sys.Errno;
import io.jtun.sys.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class UdpTransportTest {
    private static final int BATCH = 32;
    private static final int BIG = 65000;
    private static final int SLOT = 65536;
    private static final int SEND_OFFSET = 8;
    private static final int RECEIVE_OFFSET = 16;
    private static final long TIMEOUT_MILLIS = 5000;
    private static final int WARMUP_ROUNDS = 10_000;
    /** Well below any per-datagram object: what is left is a stray per-batch allocation at most. */
    private static final long MAX_BYTES_PER_DATAGRAM = 8;

    private static void assumeIpv6() {
        try (UdpTransport t = UdpTransport.open(0)) {
            assumeTrue(t.family() == Libc.AF_INET6, "this kernel has no IPv6");
        }
    }

    private static SocketEndpoint endpoint(String host, int port) throws Exception {
        return SocketEndpoint.of(new InetSocketAddress(InetAddress.getByName(host), port));
    }

    /** Distinct sizes 1..1441 and one near-maximal datagram, so the length identifies each. */
    private static int size(int i) {
        return i == BATCH - 1 ? BIG : 1 + i * 48;
    }

    private static byte[] content(int i, int size) {
        byte[] b = new byte[size];
        for (int j = 0; j < size; j++) {
            b[j] = (byte) (i * 7 + j * 13);
        }
        return b;
    }

    private static void put(PacketBatch batch, int i, byte[] payload, SocketEndpoint to) {
        batch.setLength(i, payload.length);
        batch.payload(i).copyFrom(java.lang.foreign.MemorySegment.ofArray(payload));
        batch.setAddress(i, to);
    }

    @Test
    void opensADualStackSocketOnAnEphemeralPort() {
        try (UdpTransport t = UdpTransport.open(0)) {
            assertTrue(t.localPort() > 0);
            assumeTrue(t.family() == Libc.AF_INET6, "this kernel has no IPv6: the socket fell back to AF_INET");
            assertEquals(UdpTransport.MAX_PAYLOAD, t.maxPayload());
            assertArrayEquals(new int[] {t.fd()}, t.fds());
            try (Arena arena = Arena.ofConfined()) {
                assertEquals(0, t.receive(new PacketBatch(arena, 4, 100)), "nothing was sent");
            }
        }
    }

    @Test
    void exchangesABatchOverIpv4Loopback() throws Exception {
        exchange("127.0.0.1");
    }

    @Test
    void exchangesABatchOverIpv6Loopback() throws Exception {
        assumeIpv6();
        exchange("::1");
    }

    private void exchange(String loopback) throws Exception {
        try (Arena arena = Arena.ofConfined(); UdpTransport a = UdpTransport.open(0); UdpTransport b = UdpTransport.open(0)) {
            SocketEndpoint toB = endpoint(loopback, b.localPort());
            SocketEndpoint fromA = endpoint(loopback, a.localPort());
            PacketBatch out = new PacketBatch(arena, BATCH, SLOT);
            for (int i = 0; i < BATCH; i++) {
                out.setOffset(i, SEND_OFFSET);
                put(out, i, content(i, size(i)), toB);
            }
            out.setCount(BATCH);
            assertEquals(BATCH, Polling.sendAll(a, out, TIMEOUT_MILLIS));

            // Half the capacity: the receiver needs several recvmmsg calls.
            PacketBatch in = new PacketBatch(arena, BATCH / 2, SLOT);
            for (int i = 0; i < in.capacity(); i++) {
                in.setOffset(i, RECEIVE_OFFSET);
            }
            List<Polling.Datagram> got = Polling.receive(b, in, BATCH, TIMEOUT_MILLIS);
            assertEquals(BATCH, got.size(), "datagrams received");
            Map<Integer, Integer> indexBySize = new HashMap<>();
            for (int i = 0; i < BATCH; i++) {
                indexBySize.put(size(i), i);
            }
            for (Polling.Datagram d : got) {
                Integer i = indexBySize.remove(d.payload().length);
                assertTrue(i != null, "unexpected or duplicate length " + d.payload().length);
                assertArrayEquals(content(i, size(i)), d.payload(), "datagram " + i);
                assertEquals(fromA, d.source());
                assertEquals(RECEIVE_OFFSET, d.offset());
            }
            assertEquals(fromA.toString(), got.get(0).source().toString());
            assertEquals(BATCH, a.counters().sent());
            assertEquals(BATCH, b.counters().received());
            assertEquals(0, a.counters().sendErrors());
            assertEquals(0, b.counters().receiveDrops());
        }
    }

    @Test
    void mixesIpv4AndIpv6PeersInOneBatch() throws Exception {
        assumeIpv6();
        try (Arena arena = Arena.ofConfined(); UdpTransport a = UdpTransport.open(0); UdpTransport b = UdpTransport.open(0)) {
            PacketBatch out = new PacketBatch(arena, 8, 64);
            for (int i = 0; i < 8; i++) {
                put(out, i, new byte[] {(byte) i}, endpoint(i % 2 == 0 ? "127.0.0.1" : "::1", b.localPort()));
            }
            out.setCount(8);
            assertEquals(8, Polling.sendAll(a, out, TIMEOUT_MILLIS));
            PacketBatch in = new PacketBatch(arena, 8, 64);
            List<Polling.Datagram> got = Polling.receive(b, in, 8, TIMEOUT_MILLIS);
            assertEquals(8, got.size());
            for (Polling.Datagram d : got) {
                int i = d.payload()[0];
                // The IPv4 source arrives as ::ffff:127.0.0.1 on the dual-stack socket.
                SocketEndpoint expected = endpoint(i % 2 == 0 ? "127.0.0.1" : "::1", a.localPort());
                assertEquals(expected, d.source());
                assertEquals(expected.toString(), d.source().toString());
            }
            // addressEquals sees the normalized slot addresses directly.
            assertEquals(8, a.send(out));
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MILLIS);
            int n = 0;
            while (n == 0 && System.nanoTime() < deadline) {
                Polling.await(b.fds(), Libc.POLLIN, TIMEOUT_MILLIS);
                n = b.receive(in);
            }
            assertTrue(n > 0, "the resent batch arrived");
            for (int i = 0; i < n; i++) {
                int tag = in.slot(i).get(ValueLayout.JAVA_BYTE, 0);
                assertTrue(in.addressEquals(i, endpoint(tag % 2 == 0 ? "127.0.0.1" : "::1", a.localPort())));
            }
        }
    }

    @Test
    void skipsDatagramsThatFailAloneAndSendsTheRest() throws Exception {
        try (Arena arena = Arena.ofConfined(); UdpTransport a = UdpTransport.open(0); UdpTransport b = UdpTransport.open(0)) {
            SocketEndpoint toB = endpoint("127.0.0.1", b.localPort());
            PacketBatch out = new PacketBatch(arena, 5, 70000);
            put(out, 0, new byte[] {0}, toB);
            put(out, 1, new byte[] {1}, endpoint("127.0.0.1", 0)); // EINVAL: no such port
            put(out, 2, new byte[] {2}, toB);
            put(out, 3, new byte[UdpTransport.MAX_PAYLOAD + 1], toB); // EMSGSIZE over IPv4
            put(out, 4, new byte[] {4}, toB);
            out.setCount(5);
            assertEquals(5, a.send(out));
            assertEquals(3, a.counters().sent());
            assertEquals(2, a.counters().sendErrors());
            assertEquals(1, a.counters().sendTooBig());
            assertEquals(1, a.counters().sendOther());
            assertEquals(Errno.EMSGSIZE, a.counters().lastSendErrno());

            List<Polling.Datagram> got = Polling.receive(b, new PacketBatch(arena, 8, 100), 3, TIMEOUT_MILLIS);
            assertEquals(List.of(0, 2, 4), got.stream().map(d -> (int) d.payload()[0]).toList());
        }
    }

    @Test
    void sendingToAClosedPortNeverThrows() throws Exception {
        int closed;
        try (UdpTransport t = UdpTransport.open(0)) {
            closed = t.localPort();
        }
        try (Arena arena = Arena.ofConfined(); UdpTransport a = UdpTransport.open(0); UdpTransport b = UdpTransport.open(0)) {
            PacketBatch out = new PacketBatch(arena, 2, 64);
            put(out, 0, new byte[] {1}, endpoint("127.0.0.1", closed));
            put(out, 1, new byte[] {2}, endpoint("::1", closed));
            out.setCount(2);
            PacketBatch in = new PacketBatch(arena, 4, 64);
            // The ICMP port unreachable replies come back while we keep sending and receiving.
            for (int round = 0; round < 5; round++) {
                assertEquals(2, a.send(out));
                assertEquals(0, a.receive(in));
                Thread.sleep(10);
            }
            out.setAddress(0, endpoint("127.0.0.1", b.localPort()));
            out.setCount(1);
            assertEquals(1, a.send(out));
            assertEquals(1, Polling.receive(b, in, 1, TIMEOUT_MILLIS).size());
        }
    }

    @Test
    void dropsDatagramsLargerThanTheSlotAndKeepsTheRestContiguous() throws Exception {
        try (Arena arena = Arena.ofConfined(); UdpTransport a = UdpTransport.open(0); UdpTransport b = UdpTransport.open(0)) {
            SocketEndpoint toB = endpoint("127.0.0.1", b.localPort());
            PacketBatch out = new PacketBatch(arena, 3, 300);
            put(out, 0, content(0, 300), toB);
            put(out, 1, content(1, 50), toB);
            put(out, 2, content(2, 200), toB);
            out.setCount(3);
            assertEquals(3, a.send(out));

            PacketBatch in = new PacketBatch(arena, 4, 200);
            List<Polling.Datagram> got = Polling.receive(b, in, 2, TIMEOUT_MILLIS);
            assertEquals(2, got.size());
            assertArrayEquals(content(1, 50), got.get(0).payload());
            assertArrayEquals(content(2, 200), got.get(1).payload());
            assertEquals(1, b.counters().receiveTruncated());
        }
    }

    @Test
    void refusesSlotsWithoutAnAddress() {
        try (Arena arena = Arena.ofConfined(); UdpTransport a = UdpTransport.open(0)) {
            PacketBatch out = new PacketBatch(arena, 1, 10);
            out.setLength(0, 1);
            out.setCount(1);
            assertThrows(IllegalArgumentException.class, () -> a.send(out));
            assertThrows(IndexOutOfBoundsException.class, () -> a.send(out, 2));
            assertEquals(0, a.send(out, 1));
        }
    }

    @Test
    void aPortInUseIsBusy() {
        try (UdpTransport a = UdpTransport.open(0)) {
            int port = a.localPort();
            JtunException e = assertThrows(JtunException.class, () -> UdpTransport.open(port));
            assertEquals(ExitCode.BUSY, e.exitCode());
            assertEquals("UDP port " + port + " is already in use: choose another ListenPort, or stop the program"
                    + " using it (ss -ulpn 'sport = :" + port + "')", e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> UdpTransport.open(65536));
    }

    @Test
    void closeIsIdempotent() {
        UdpTransport t = UdpTransport.open(0);
        t.close();
        t.close();
    }

    @Test
    void steadyStateAllocatesNothingPerDatagram() throws Exception {
        assumeIpv6();
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (Arena arena = Arena.ofConfined(); UdpTransport a = UdpTransport.open(0); UdpTransport b = UdpTransport.open(0)) {
            PacketBatch out = new PacketBatch(arena, BATCH, 256);
            PacketBatch in = new PacketBatch(arena, BATCH, 256);
            SocketEndpoint v4 = endpoint("127.0.0.1", b.localPort());
            SocketEndpoint v6 = endpoint("::1", b.localPort());
            for (int i = 0; i < BATCH; i++) {
                put(out, i, content(i, 100), i % 2 == 0 ? v4 : v6);
            }
            out.setCount(BATCH);
            int[] fds = b.fds();
            Runnable round = () -> {
                int sent = a.send(out);
                int got = 0;
                while (got < sent) {
                    int n = b.receive(in);
                    if (n == 0) {
                        Polling.await(fds, Libc.POLLIN, TIMEOUT_MILLIS);
                    }
                    got += n;
                }
            };
            // Until C2 compiles the call path, invocation plumbing allocates a little per call.
            for (int i = 0; i < WARMUP_ROUNDS; i++) {
                round.run();
            }
            int rounds = 1000;
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < rounds; i++) {
                // Polling.await allocates (it is test code); only count rounds that did not need it.
                int sent = a.send(out);
                int got = 0;
                while (got < sent) {
                    got += b.receive(in);
                }
            }
            long perDatagram = (threads.getCurrentThreadAllocatedBytes() - before) / ((long) rounds * BATCH);
            assertTrue(perDatagram < MAX_BYTES_PER_DATAGRAM, "allocated " + perDatagram + " bytes per datagram");
            assertNotEquals(0, b.counters().received());
        }
    }
}
