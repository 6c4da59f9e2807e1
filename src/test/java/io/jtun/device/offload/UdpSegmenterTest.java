package io.jtun.device.offload;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtun.packet.Checksum;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class UdpSegmenterTest {
    private static byte[] payload(int n) {
        byte[] payload = new byte[n];
        new Random(n).nextBytes(payload);
        return payload;
    }

    /** 10.0.0.1:5000 -> 10.0.0.2:6000, IP id 0x1234; lengths and checksums left stale, as the kernel leaves them. */
    private static byte[] ipv4Udp(byte[] payload) {
        byte[] p = new byte[28 + payload.length];
        p[0] = 0x45;
        p[4] = 0x12;
        p[5] = 0x34;
        p[8] = 64;
        p[9] = 17;
        p[12] = 10; p[15] = 1;
        p[16] = 10; p[19] = 2;
        p[20] = 0x13; p[21] = (byte) 0x88;
        p[22] = 0x17; p[23] = 0x70;
        System.arraycopy(payload, 0, p, 28, payload.length);
        return p;
    }

    private static byte[] ipv6Udp(byte[] payload) {
        byte[] p = new byte[48 + payload.length];
        p[0] = 0x60;
        p[6] = 17;
        p[7] = 64;
        p[8] = (byte) 0xfd; p[23] = 1;
        p[24] = (byte) 0xfd; p[39] = 2;
        p[40] = 0x13; p[41] = (byte) 0x88;
        p[42] = 0x17; p[43] = 0x70;
        System.arraycopy(payload, 0, p, 48, payload.length);
        return p;
    }

    @Test
    void ipv4SuperPacketBecomesValidDatagrams() {
        byte[] payload = payload(3000);
        byte[][] datagrams = cut(ipv4Udp(payload), 1200, 3);
        for (int i = 0; i < datagrams.length; i++) {
            byte[] d = datagrams[i];
            int expectedPayload = i < 2 ? 1200 : 600;
            assertEquals(28 + expectedPayload, u16(d, 2), "IP total length");
            assertEquals(0x1234 + i, u16(d, 4), "IP id");
            assertEquals(0, Checksum.compute(d, 0, 20), "IP header checksum");
            assertEquals(8 + expectedPayload, u16(d, 24), "UDP length");
            long pseudo = Checksum.sum(0, d, 12, 8) + 17 + 8 + expectedPayload;
            assertEquals(0, Checksum.compute(pseudo, d, 20, 8 + expectedPayload), "UDP checksum");
            assertArrayEquals(Arrays.copyOfRange(payload, i * 1200, i * 1200 + expectedPayload),
                    Arrays.copyOfRange(d, 28, d.length));
        }
    }

    @Test
    void ipv6SuperPacketBecomesValidDatagrams() {
        byte[] payload = payload(2500);
        byte[][] datagrams = cut(ipv6Udp(payload), 1000, 3);
        for (int i = 0; i < datagrams.length; i++) {
            byte[] d = datagrams[i];
            int expectedPayload = i < 2 ? 1000 : 500;
            assertEquals(8 + expectedPayload, u16(d, 4), "IPv6 payload length");
            assertEquals(8 + expectedPayload, u16(d, 44), "UDP length");
            long pseudo = Checksum.sum(0, d, 8, 32) + 17 + 8 + expectedPayload;
            assertEquals(0, Checksum.compute(pseudo, d, 40, 8 + expectedPayload), "UDP checksum");
            assertTrue(u16(d, 46) != 0, "IPv6 UDP never carries a zero checksum");
            assertArrayEquals(Arrays.copyOfRange(payload, i * 1000, i * 1000 + expectedPayload),
                    Arrays.copyOfRange(d, 48, d.length));
        }
    }

    @Test
    void refusesWhatIsNotUdp() {
        try (Arena arena = Arena.ofConfined()) {
            byte[] tcp = ipv4Udp(payload(100));
            tcp[9] = 6;
            MemorySegment in = arena.allocate(tcp.length);
            MemorySegment.copy(tcp, 0, in, ValueLayout.JAVA_BYTE, 0, tcp.length);
            UdpSegmenter segmenter = new UdpSegmenter();
            assertFalse(segmenter.prepare(in, 0, tcp.length, 50));
            assertFalse(segmenter.prepare(in, 0, 20, 50), "shorter than the headers");
            assertFalse(segmenter.prepare(in, 0, tcp.length, 0), "no segment size");
        }
    }

    private static byte[][] cut(byte[] superPacket, int size, int expectedCount) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment in = arena.allocate(superPacket.length + 7);
            MemorySegment.copy(superPacket, 0, in, ValueLayout.JAVA_BYTE, 7, superPacket.length);
            UdpSegmenter segmenter = new UdpSegmenter();
            assertTrue(segmenter.prepare(in, 7, superPacket.length, size));
            assertEquals(expectedCount, segmenter.segments());
            MemorySegment out = arena.allocate(65536);
            byte[][] result = new byte[expectedCount][];
            for (int i = 0; i < expectedCount; i++) {
                int length = segmenter.write(i, out, 3);
                result[i] = out.asSlice(3, length).toArray(ValueLayout.JAVA_BYTE);
            }
            return result;
        }
    }

    private static int u16(byte[] b, int at) {
        return (b[at] & 0xff) << 8 | (b[at + 1] & 0xff);
    }
}
