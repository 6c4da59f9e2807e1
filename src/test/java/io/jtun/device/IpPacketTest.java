package io.jtun.device;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

class IpPacketTest {
    /** An IPv4 header: version 4, header length {@code ihl} words, total length {@code total}, then {@code size} bytes in all. */
    private static MemorySegment ipv4(int ihl, int total, int size) {
        byte[] b = new byte[size];
        b[0] = (byte) (0x40 | ihl);
        b[2] = (byte) (total >>> 8);
        b[3] = (byte) total;
        return MemorySegment.ofArray(b);
    }

    private static MemorySegment ipv6(int payload, int size) {
        byte[] b = new byte[size];
        b[0] = 0x60;
        b[4] = (byte) (payload >>> 8);
        b[5] = (byte) payload;
        return MemorySegment.ofArray(b);
    }

    private static int own(MemorySegment packet) {
        return IpPacket.ownLength(packet, 0, (int) packet.byteSize());
    }

    @Test
    void wholePacketsGiveTheirOwnLength() {
        assertEquals(84, own(ipv4(5, 84, 84)));
        assertEquals(60, own(ipv4(15, 60, 60)), "a 60-byte header with options and no payload");
        assertEquals(20, own(ipv4(5, 20, 20)));
        assertEquals(1280, own(ipv6(1240, 1280)));
        assertEquals(40, own(ipv6(0, 40)));
        assertEquals(65535, own(ipv4(5, 65535, 65535)));
        assertEquals(65575, own(ipv6(65535, 65575)));
    }

    @Test
    void bytesAfterThePacketAreNoPartOfIt() {
        assertEquals(84, own(ipv4(5, 84, 96)), "WireGuard pads to 16 bytes");
        assertEquals(1280, own(ipv6(1240, 1300)));
    }

    @Test
    void brokenHeadersAreRefused() {
        assertEquals(-1, own(ipv4(5, 84, 10)), "cut inside the header");
        assertEquals(-1, own(ipv4(5, 1000, 100)), "claims more than there is");
        assertEquals(-1, own(ipv4(5, 10, 100)), "total length inside the header");
        assertEquals(-1, own(ipv4(3, 100, 100)), "header length under 20 bytes");
        assertEquals(-1, own(ipv4(15, 40, 100)), "header longer than the packet");
        assertEquals(-1, own(ipv6(100, 39)), "cut inside the header");
        assertEquals(-1, own(ipv6(100, 120)), "claims more than there is");
        byte[] seven = ipv4(5, 84, 84).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
        seven[0] = 0x75;
        assertEquals(-1, own(MemorySegment.ofArray(seven)), "version 7");
        assertEquals(-1, own(MemorySegment.ofArray(new byte[0])), "nothing");
        assertEquals(-1, IpPacket.ownLength(ipv4(5, 84, 84), 0, 0), "nothing available");
    }

    @Test
    void looksOnlyInsideTheBytesItIsGiven() {
        MemorySegment slot = MemorySegment.ofArray(new byte[200]);
        MemorySegment.copy(ipv4(5, 84, 84), 0, slot, 50, 84);
        assertEquals(84, IpPacket.ownLength(slot, 50, 84));
        assertEquals(-1, IpPacket.ownLength(slot, 50, 83));
    }
}
