package io.jtun.conn;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jtun.sys.Errno;
import io.jtun.sys.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the sender does when the kernel refuses a segmented message, fails a run, or fills up.
 * Today's kernels accept UDP_SEGMENT on loopback whatever the device (since Linux 6.11 even
 * without checksum offload), and loopback never fills a send buffer, so those answers are played
 * by {@link RefusingKernel}: the real sendmmsg on a real socket, except that a message carrying
 * UDP_SEGMENT (or any message) fails with a chosen errno, exactly where the kernel would fail
 * it. {@link UdpTransportIT} provokes a full buffer and an MTU refusal in a namespace for real.
 */
class UdpTransportFallbackTest {
    private static final long TIMEOUT_MILLIS = 5000;
    /** 20 x 1000 + 300, then 5 x 500: two runs, 26 datagrams. */
    private static final int[] LENGTHS = lengths();

    private static int[] lengths() {
        int[] lengths = new int[26];
        for (int i = 0; i < 26; i++) {
            lengths[i] = i < 20 ? 1000 : i == 20 ? 300 : 500;
        }
        return lengths;
    }

    /** sendmmsg, but messages with UDP_SEGMENT fail with {@code errno}, as sendmmsg reports it. */
    static final class RefusingKernel implements UdpSender.SendCall {
        private static final long STRIDE = MessageVector.MMSGHDR.byteSize();
        private static final long CONTROLLEN =
                MessageVector.MMSGHDR.byteOffset(groupElement("msg_hdr"), groupElement("msg_controllen"));

        private final int errno;
        private final boolean everything;
        private int budget = Integer.MAX_VALUE;
        private int refused;

        /** Refuses segmented messages with {@code errno}; 0 refuses nothing. */
        RefusingKernel(int errno) {
            this(errno, false);
        }

        /** With {@code everything}, every message fails with {@code errno}. */
        RefusingKernel(int errno, boolean everything) {
            this.errno = errno;
            this.everything = everything;
        }

        /** Takes {@code messages} more messages, then answers EAGAIN as a full socket does. */
        RefusingKernel fillAfter(int messages) {
            budget = messages;
            return this;
        }

        private boolean refuses(MemorySegment vector, int i) {
            // Only UDP_SEGMENT ever puts ancillary data on a send.
            return errno != 0 && (everything || vector.get(ValueLayout.JAVA_LONG, STRIDE * i + CONTROLLEN) != 0);
        }

        @Override
        public int sendmmsg(int fd, MemorySegment vector, int count) {
            if (budget == 0) {
                return -Errno.EAGAIN;
            }
            int accepted = 0;
            while (accepted < count && !refuses(vector, accepted)) {
                accepted++;
            }
            if (accepted == 0) {
                refused++;
                return -errno;
            }
            // Like the kernel: the messages before the failing one go, its error comes next call.
            int n = Libc.sendmmsg(fd, vector, Math.min(accepted, budget), 0);
            budget -= Math.max(n, 0);
            return n;
        }
    }

    private static SocketEndpoint endpoint(String host, int port) throws Exception {
        return SocketEndpoint.of(new InetSocketAddress(InetAddress.getByName(host), port));
    }

    private static List<byte[]> fill(PacketBatch out, SocketEndpoint to) {
        List<byte[]> sent = new ArrayList<>();
        for (int i = 0; i < LENGTHS.length; i++) {
            byte[] payload = UdpOffloadSelfCheck.content(i, LENGTHS[i]);
            out.setLength(i, payload.length);
            out.payload(i).copyFrom(MemorySegment.ofArray(payload));
            out.setAddress(i, to);
            sent.add(payload);
        }
        out.setCount(LENGTHS.length);
        return sent;
    }

    private static UdpTransport sender(RefusingKernel kernel) {
        UdpTransport t = UdpTransport.open(0, new UdpOffloads(true, false), kernel);
        assumeTrue(t.segmentation(), "this kernel has no UDP_SEGMENT");
        return t;
    }

    /** Receives {@code n} datagrams (the receiver does not coalesce) and checks them against {@code sent}. */
    private static void assertReceived(UdpTransport receiver, PacketBatch in, List<byte[]> sent) {
        List<Polling.Datagram> got = Polling.receive(receiver, in, sent.size(), TIMEOUT_MILLIS);
        assertEquals(sent.size(), got.size());
        for (int i = 0; i < sent.size(); i++) {
            assertArrayEquals(sent.get(i), got.get(i).payload(), "datagram " + i);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {Errno.EIO, Errno.ENOPROTOOPT})
    void aKernelThatCannotSegmentTurnsSegmentationOffForGood(int errno) throws Exception {
        RefusingKernel kernel = new RefusingKernel(errno);
        try (Arena arena = Arena.ofConfined(); UdpTransport a = sender(kernel); UdpTransport b = UdpTransport.open(0)) {
            PacketBatch out = new PacketBatch(arena, 32, 2048);
            List<byte[]> sent = fill(out, endpoint("127.0.0.1", b.localPort()));
            PacketBatch in = new PacketBatch(arena, 64, 2048);

            assertEquals(26, a.send(out), "nothing lost: the refused run went again, one by one");
            assertEquals(1, kernel.refused, "the second run was not even tried as one message");
            assertFalse(a.segmentation());
            assertEquals(1, a.counters().gsoDisabled());
            assertEquals(1, a.counters().gsoFallbacks());
            assertEquals(0, a.counters().gsoSends());
            assertEquals(26, a.counters().sent());
            assertEquals(0, a.counters().sendErrors());
            assertReceived(b, in, sent);

            assertEquals(26, a.send(out));
            assertEquals(1, kernel.refused, "off for good");
            assertEquals(1, a.counters().gsoDisabled());
            assertEquals(1, a.counters().gsoFallbacks());
            assertReceived(b, in, sent);
        }
    }

    @Test
    void einvalForTheSegmentsButNotTheDatagramsTurnsSegmentationOff() throws Exception {
        RefusingKernel kernel = new RefusingKernel(Errno.EINVAL);
        try (Arena arena = Arena.ofConfined(); UdpTransport a = sender(kernel); UdpTransport b = UdpTransport.open(0)) {
            PacketBatch out = new PacketBatch(arena, 32, 2048);
            List<byte[]> sent = fill(out, endpoint("127.0.0.1", b.localPort()));

            assertEquals(26, a.send(out));
            // The run's first datagram went through alone: segmentation, not the peer, was refused.
            assertFalse(a.segmentation());
            assertEquals(1, kernel.refused, "the rest was planned anew, without segments");
            assertEquals(1, a.counters().gsoDisabled());
            assertEquals(1, a.counters().gsoFallbacks());
            assertEquals(26, a.counters().sent());
            assertEquals(0, a.counters().sendErrors());
            assertReceived(b, new PacketBatch(arena, 64, 2048), sent);
        }
    }

    @Test
    void emsgsizeResendsEachRunAndKeepsSegmentationOn() throws Exception {
        RefusingKernel kernel = new RefusingKernel(Errno.EMSGSIZE);
        try (Arena arena = Arena.ofConfined(); UdpTransport a = sender(kernel); UdpTransport b = UdpTransport.open(0)) {
            PacketBatch out = new PacketBatch(arena, 32, 2048);
            List<byte[]> sent = fill(out, endpoint("127.0.0.1", b.localPort()));

            // A segment above the route's MTU (Linux 6.14 on): about that peer's path, not segmentation.
            assertEquals(26, a.send(out));
            assertTrue(a.segmentation());
            assertEquals(2, kernel.refused, "each run was tried as one message, then resent one by one");
            assertEquals(0, a.counters().gsoDisabled());
            assertEquals(2, a.counters().gsoFallbacks());
            assertEquals(0, a.counters().sendTooBig(), "the datagrams themselves went through");
            assertEquals(26, a.counters().sent());
            assertReceived(b, new PacketBatch(arena, 64, 2048), sent);
        }
    }

    @Test
    void aRunThatFailsForItsPeerCountsEachOfItsDatagrams() throws Exception {
        RefusingKernel kernel = new RefusingKernel(Errno.ENETUNREACH, true);
        try (Arena arena = Arena.ofConfined(); UdpTransport a = sender(kernel)) {
            PacketBatch out = new PacketBatch(arena, 32, 2048);
            fill(out, endpoint("127.0.0.1", 9));

            assertEquals(26, a.send(out), "failed slots are consumed");
            assertEquals(2, kernel.refused, "one attempt per run: no resend for an error that is not about segments");
            assertEquals(26, a.counters().sendUnreachable());
            assertEquals(Errno.ENETUNREACH, a.counters().lastSendErrno());
            assertEquals(0, a.counters().sent());
            assertEquals(0, a.counters().gsoFallbacks());
            assertTrue(a.segmentation());
        }
    }

    @Test
    void aFullSocketStopsAtTheFirstSlotOfTheMessageNotSent() throws Exception {
        RefusingKernel kernel = new RefusingKernel(0).fillAfter(1);
        try (Arena arena = Arena.ofConfined(); UdpTransport a = sender(kernel); UdpTransport b = UdpTransport.open(0)) {
            PacketBatch out = new PacketBatch(arena, 32, 2048);
            List<byte[]> sent = fill(out, endpoint("127.0.0.1", b.localPort()));

            assertEquals(21, a.send(out), "the first run went; the second, all or nothing, did not");
            assertEquals(21, a.counters().sent());
            assertEquals(1, a.counters().gsoSends());
            assertEquals(0, a.send(out, 21), "still full");
            kernel.fillAfter(8);
            assertEquals(5, a.send(out, 21));
            assertEquals(2, a.counters().gsoSends());
            assertEquals(0, a.counters().sendErrors());
            assertReceived(b, new PacketBatch(arena, 64, 2048), sent);
        }
    }
}
