package io.jtun.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ChecksumTest {

    @Test
    void rfc1071Example() {
        // RFC 1071 section 3: these bytes sum to ddf2, so the checksum is its complement 220d.
        byte[] b = HexFormat.of().parseHex("0001f203f4f5f6f7");
        assertEquals(0xddf2L, fold(Checksum.sum(0, b, 0, b.length)));
        assertEquals(0x220d, Checksum.finish(Checksum.sum(0, b, 0, b.length)));
        assertEquals(0x220d, Checksum.compute(b, 0, b.length));
    }

    @Test
    void knownIpv4Header() {
        byte[] header = HexFormat.of().parseHex("450000730000400040110000c0a80001c0a800c7");
        assertEquals(0xb861, Checksum.compute(header, 0, header.length));
        Bytes.put16(header, 10, 0xb861);
        assertEquals(0, Checksum.compute(header, 0, header.length));
    }

    @Test
    void realPingChecksumsVerify() {
        byte[] p = PacketSummaryTest.REAL_PING;
        assertEquals(0, Checksum.compute(p, 0, 20));
        assertEquals(0, Checksum.compute(p, 20, 64));
    }

    @Test
    void oddLengthPadsWithZero() {
        byte[] odd = {0x12, 0x34, 0x56};
        byte[] even = {0x12, 0x34, 0x56, 0x00};
        assertEquals(Checksum.compute(even, 0, 4), Checksum.compute(odd, 0, 3));
        assertEquals(~0x1234 & 0xffff, Checksum.compute(odd, 0, 2));
        assertEquals(0xffff, Checksum.compute(odd, 0, 0));
    }

    @Test
    void matchesSimpleWordByWordSum() {
        Random random = new Random(7);
        for (int i = 0; i < 2000; i++) {
            byte[] b = new byte[random.nextInt(200)];
            random.nextBytes(b);
            int off = b.length == 0 ? 0 : random.nextInt(b.length);
            int len = random.nextInt(b.length - off + 1);
            assertEquals(reference(b, off, len), Checksum.compute(b, off, len));
        }
    }

    @Test
    void ipv6PseudoHeader() {
        // Sums are only defined up to folding: the implementation may add 32-bit chunks.
        byte[] p = PacketBuilder.ipv6("fe80::1", "ff02::2", 58, PacketBuilder.bytes(133, 0, 0, 0, 0, 0, 0, 0));
        long pseudo = Checksum.ipv6PseudoHeader(p, 0, 58, 8);
        long expected = reference16(p, 8, 32) + 8 + 58;
        assertEquals(fold(expected), fold(pseudo));
        assertEquals(0, Checksum.compute(pseudo, p, 40, 8));
    }

    @Test
    void ipv4PseudoHeaderVerifiesUdp() {
        byte[] p = PacketBuilder.ipv4("10.0.0.1", "10.0.0.2", 17, PacketBuilder.udp(1, 2, new byte[5]));
        long pseudo = Checksum.ipv4PseudoHeader(p, 0, 17, 13);
        assertEquals(fold(reference16(p, 12, 8) + 17 + 13), fold(pseudo));
        assertEquals(0, Checksum.compute(pseudo, p, 20, 13));
    }

    private static long fold(long sum) {
        while (sum >> 16 != 0) {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        return sum;
    }

    private static long reference16(byte[] b, int off, int len) {
        long sum = 0;
        for (int i = 0; i < len; i += 2) {
            int hi = b[off + i] & 0xff;
            int lo = i + 1 < len ? b[off + i + 1] & 0xff : 0;
            sum += hi << 8 | lo;
        }
        return sum;
    }

    private static int reference(byte[] b, int off, int len) {
        return (int) (~fold(reference16(b, off, len)) & 0xffff);
    }
}
