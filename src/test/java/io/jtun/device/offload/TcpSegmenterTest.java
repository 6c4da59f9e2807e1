package io.jtun.device.offload;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtun.packet.Checksum;
import java.io.ByteArrayOutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TcpSegmenterTest {
    private static final int PSH_ACK_FIN = 0x08 | 0x10 | 0x01;
    private static final int CWR_ACK = 0x80 | 0x10;

    private static byte[] ipv4Tcp(byte[] payload, int flags) {
        byte[] p = new byte[40 + payload.length];
        p[0] = 0x45;
        p[4] = 0x12;
        p[5] = 0x34; // id
        p[8] = 64;
        p[9] = 6;
        p[12] = 10; p[15] = 1; // 10.0.0.1
        p[16] = 10; p[19] = 2; // 10.0.0.2
        tcp(p, 20, flags);
        System.arraycopy(payload, 0, p, 40, payload.length);
        return p;
    }

    private static byte[] ipv6Tcp(byte[] payload, int flags) {
        byte[] p = new byte[60 + payload.length];
        p[0] = 0x60;
        p[6] = 6;
        p[7] = 64;
        p[8] = (byte) 0xfd; p[23] = 1; // fd00::1
        p[24] = (byte) 0xfd; p[39] = 2; // fd00::2
        tcp(p, 40, flags);
        System.arraycopy(payload, 0, p, 60, payload.length);
        return p;
    }

    private static void tcp(byte[] p, int at, int flags) {
        p[at] = 0x13; p[at + 1] = (byte) 0x88; // port 5000
        p[at + 2] = (byte) 0xc3; p[at + 3] = 0x50; // 50000
        p[at + 4] = 0; p[at + 5] = 0; p[at + 6] = 0x03; p[at + 7] = (byte) 0xe8; // seq 1000
        p[at + 12] = 0x50;
        p[at + 13] = (byte) flags;
        p[at + 14] = (byte) 0xff; p[at + 15] = (byte) 0xff;
    }

    private static byte[] randomPayload(int n) {
        byte[] payload = new byte[n];
        new Random(5).nextBytes(payload);
        return payload;
    }

    @Test
    void ipv4SuperPacketBecomesValidSegments() {
        byte[] payload = randomPayload(2500);
        check(ipv4Tcp(payload, PSH_ACK_FIN), payload, 1000, 20, true);
    }

    @Test
    void ipv6SuperPacketBecomesValidSegments() {
        byte[] payload = randomPayload(4000);
        check(ipv6Tcp(payload, CWR_ACK), payload, 1440, 40, false);
    }

    private static void check(byte[] packet, byte[] payload, int mss, int ipHeader, boolean ipv4) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment in = arena.allocate(packet.length + 100);
            MemorySegment.copy(packet, 0, in, ValueLayout.JAVA_BYTE, 50, packet.length);
            TcpSegmenter segmenter = new TcpSegmenter();
            assertTrue(segmenter.prepare(in, 50, packet.length, mss));
            int expected = (payload.length + mss - 1) / mss;
            assertEquals(expected, segmenter.segments());
            MemorySegment out = arena.allocate(70_000);
            ByteArrayOutputStream joined = new ByteArrayOutputStream();
            for (int i = 0; i < expected; i++) {
                int length = segmenter.write(i, out, 7);
                byte[] seg = out.asSlice(7, length).toArray(ValueLayout.JAVA_BYTE);
                int tcpLength = length - ipHeader;
                if (ipv4) {
                    assertEquals(length, ((seg[2] & 0xff) << 8) | (seg[3] & 0xff));
                    assertEquals(0x1234 + i, ((seg[4] & 0xff) << 8) | (seg[5] & 0xff));
                    assertEquals(0, Checksum.compute(seg, 0, 20), "IPv4 header checksum");
                    assertEquals(0, Checksum.compute(Checksum.ipv4PseudoHeader(seg, 0, 6, tcpLength), seg, 20, tcpLength),
                            "TCP checksum");
                } else {
                    assertEquals(length - 40, ((seg[4] & 0xff) << 8) | (seg[5] & 0xff));
                    assertEquals(0, Checksum.compute(Checksum.ipv6PseudoHeader(seg, 0, 6, tcpLength), seg, 40, tcpLength),
                            "TCP checksum");
                }
                long seq = ((seg[ipHeader + 4] & 0xffL) << 24) | ((seg[ipHeader + 5] & 0xffL) << 16)
                        | ((seg[ipHeader + 6] & 0xffL) << 8) | (seg[ipHeader + 7] & 0xffL);
                assertEquals(1000L + (long) i * mss, seq);
                int flags = seg[ipHeader + 13] & 0xff;
                boolean last = i == expected - 1;
                assertEquals(last && (packet[ipHeader + 13] & 0x01) != 0, (flags & 0x01) != 0, "FIN only on the last");
                assertEquals(last && (packet[ipHeader + 13] & 0x08) != 0, (flags & 0x08) != 0, "PSH only on the last");
                assertEquals(i == 0 && (packet[ipHeader + 13] & 0x80) != 0, (flags & 0x80) != 0, "CWR only on the first");
                joined.write(seg, ipHeader + 20, length - ipHeader - 20);
            }
            assertArrayEquals(payload, joined.toByteArray(), "the payload, reassembled");
        }
    }

    @Test
    void partialChecksumsAreCompleted() {
        byte[] payload = randomPayload(333);
        byte[] packet = ipv4Tcp(payload, 0x18);
        int tcpLength = packet.length - 20;
        // The kernel leaves the pseudo-header sum, folded but not complemented, in the field.
        long pseudo = Checksum.ipv4PseudoHeader(packet, 0, 6, tcpLength);
        int folded = ~Checksum.finish(pseudo) & 0xffff;
        packet[36] = (byte) (folded >>> 8);
        packet[37] = (byte) folded;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = arena.allocateFrom(ValueLayout.JAVA_BYTE, packet);
            assertTrue(TcpSegmenter.completeChecksum(data, 0, packet.length, 20, 16));
            byte[] done = data.toArray(ValueLayout.JAVA_BYTE);
            assertEquals(0, Checksum.compute(Checksum.ipv4PseudoHeader(done, 0, 6, tcpLength), done, 20, tcpLength));
            assertFalse(TcpSegmenter.completeChecksum(data, 0, packet.length, packet.length, 16));
        }
    }

    @Test
    void notTcpOrTooShortIsRefused() {
        try (Arena arena = Arena.ofConfined()) {
            byte[] udp = ipv4Tcp(new byte[10], 0);
            udp[9] = 17;
            MemorySegment data = arena.allocateFrom(ValueLayout.JAVA_BYTE, udp);
            assertFalse(new TcpSegmenter().prepare(data, 0, udp.length, 1000));
            assertFalse(new TcpSegmenter().prepare(data, 0, 10, 1000));
        }
    }
}
