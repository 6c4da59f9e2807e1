package io.jtun.device.offload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.jtun.fuzz.FuzzFindings;
import io.jtun.packet.Checksum;
import io.jtun.tun.TunDevice;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Fuzz target: the offload code between the device and the tunnel, on the inputs each side
 * hands it. Every packet lies in a native segment of exactly its size, so a read or write past
 * it throws (IndexOutOfBoundsException) and counts as a crash. The first byte picks:
 *
 * <ul>
 *   <li>even: a device read as {@code OutboundLoop} takes it, a virtio-net header (10 bytes) and
 *       a packet: a TCP or UDP super-packet is cut by {@link TcpSegmenter} / {@link UdpSegmenter}
 *       (as the header's GSO type says), or a partial checksum is completed
 *       ({@link TcpSegmenter#completeChecksum}). Every segment must fit the batch slot the loop
 *       writes it to, carry all of the payload exactly once, and have valid IP and TCP/UDP
 *       checksums and lengths: a receiver drops anything else.</li>
 *   <li>odd: packets out of the tunnel, each {@code [length u16][owner][bytes]}, through
 *       {@link TcpCoalescer#add} and {@link TcpCoalescer#flush}: every packet taken is written
 *       exactly once, inside its buffer, to its owner, with the IP length the write says.</li>
 * </ul>
 */
@ExtendWith(FuzzFindings.class)
class OffloadFuzzTest {
    /** What OutboundLoop leaves in front of a packet in its slot: the largest codec headroom. */
    private static final int HEADROOM = 16;
    private static final int SLOT_ROOM = TunDevice.READ_BUFFER_SIZE + 64 - HEADROOM;
    private static final Arena ARENA = Arena.ofShared();
    private static final MemorySegment SLOT = ARENA.allocate(SLOT_ROOM);
    private static final TcpSegmenter TCP = new TcpSegmenter();
    private static final UdpSegmenter UDP = new UdpSegmenter();

    @AfterAll
    static void free() {
        ARENA.close();
    }

    @FuzzTest
    void offload(byte[] input) {
        if (input.length == 0) {
            return;
        }
        if ((input[0] & 1) == 0) {
            deviceRead(input);
        } else {
            tunnelPackets(input);
        }
    }

    private static void deviceRead(byte[] input) {
        int length = input.length - 1 - VirtioNetHeader.SIZE;
        if (length <= 0 || length > TunDevice.READ_BUFFER_SIZE - VirtioNetHeader.SIZE) {
            return;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment read = arena.allocate(input.length - 1);
            MemorySegment.copy(input, 1, read, ValueLayout.JAVA_BYTE, 0, input.length - 1);
            int gso = VirtioNetHeader.gsoType(read, 0) & ~VirtioNetHeader.GSO_ECN;
            if (gso == VirtioNetHeader.GSO_NONE) {
                if ((VirtioNetHeader.flags(read, 0) & VirtioNetHeader.F_NEEDS_CSUM) != 0) {
                    TcpSegmenter.completeChecksum(read, VirtioNetHeader.SIZE, length,
                            VirtioNetHeader.csumStart(read, 0), VirtioNetHeader.csumOffset(read, 0));
                }
                return;
            }
            boolean udp = gso == VirtioNetHeader.GSO_UDP_L4;
            Segmenter segmenter = udp ? UDP : TCP;
            if (!udp && gso != VirtioNetHeader.GSO_TCPV4 && gso != VirtioNetHeader.GSO_TCPV6) {
                return;
            }
            if (!segmenter.prepare(read, VirtioNetHeader.SIZE, length, VirtioNetHeader.gsoSize(read, 0))) {
                return;
            }
            byte[] packet = new byte[length];
            MemorySegment.copy(read, ValueLayout.JAVA_BYTE, VirtioNetHeader.SIZE, packet, 0, length);
            int headers = headersOf(packet, udp);
            int payload = 0;
            for (int i = 0; i < segmenter.segments(); i++) {
                int written = segmenter.write(i, SLOT, 0);
                assertTrue(written >= headers && written <= SLOT_ROOM, "segment " + i + " of " + written + " bytes");
                byte[] segment = SLOT.asSlice(0, written).toArray(ValueLayout.JAVA_BYTE);
                assertValid(segment, udp);
                int body = written - headers;
                for (int j = 0; j < body; j++) {
                    assertEquals(packet[headers + payload + j], segment[headers + j], "payload byte " + (payload + j));
                }
                payload += body;
            }
            assertEquals(length - headers, payload, "payload carried");
        }
    }

    /** IP header plus TCP/UDP header of the (prepared, so well-formed) super-packet. */
    private static int headersOf(byte[] p, boolean udp) {
        int ip = (p[0] & 0xf0) == 0x40 ? (p[0] & 0x0f) * 4 : 40;
        return ip + (udp ? 8 : ((p[ip + 12] & 0xf0) >>> 4) * 4);
    }

    /** A segment a receiver accepts: lengths that match, IPv4 header and TCP/UDP checksums that verify. */
    private static void assertValid(byte[] s, boolean udp) {
        boolean ipv4 = (s[0] & 0xf0) == 0x40;
        int ip = ipv4 ? (s[0] & 0x0f) * 4 : 40;
        int upper = s.length - ip;
        int protocol = udp ? 17 : 6;
        if (ipv4) {
            assertEquals(s.length, u16(s, 2), "IPv4 total length");
            assertEquals(0, Checksum.compute(s, 0, ip), "IPv4 header checksum");
            assertEquals(0, Checksum.compute(Checksum.ipv4PseudoHeader(s, 0, protocol, upper), s, ip, upper),
                    "TCP/UDP checksum");
        } else {
            assertEquals(upper, u16(s, 4), "IPv6 payload length");
            assertEquals(0, Checksum.compute(Checksum.ipv6PseudoHeader(s, 0, protocol, upper), s, ip, upper),
                    "TCP/UDP checksum");
        }
        if (udp) {
            assertEquals(upper, u16(s, ip + 4), "UDP length");
        }
    }

    private static void tunnelPackets(byte[] input) {
        int[] taken = new int[2];
        long[] writes = new long[2];
        try (Arena arena = Arena.ofConfined()) {
            TcpCoalescer<Integer> coalescer = new TcpCoalescer<>(arena, (data, offset, length, owner, packets, bytes) -> {
                assertTrue(offset >= 0 && length >= VirtioNetHeader.SIZE + 20 && offset + length <= data.byteSize(),
                        "write of " + length + " at " + offset);
                long ipLength = ipLength(data, offset + VirtioNetHeader.SIZE);
                assertEquals(length - VirtioNetHeader.SIZE, ipLength, "IP length of the write");
                assertTrue(packets >= 1 && bytes >= length - VirtioNetHeader.SIZE, packets + " packets, " + bytes);
                writes[0] += packets;
                writes[1] += bytes;
            });
            int at = 1;
            while (at + 3 <= input.length) {
                int length = Math.min(((input[at] & 0xff) << 8) | (input[at + 1] & 0xff), input.length - at - 3);
                int owner = input[at + 2] & 1;
                MemorySegment packet = arena.allocate(Math.max(length, 1));
                MemorySegment.copy(input, at + 3, packet, ValueLayout.JAVA_BYTE, 0, length);
                at += 3 + length;
                if (coalescer.add(packet, 0, length, owner)) {
                    taken[0]++;
                    taken[1] += length;
                }
            }
            coalescer.flush();
        }
        assertEquals(taken[0], writes[0], "packets taken and written");
        assertEquals(taken[1], writes[1], "bytes taken and written");
    }

    private static long ipLength(MemorySegment data, long at) {
        int version = (data.get(ValueLayout.JAVA_BYTE, at) & 0xf0) >>> 4;
        return version == 4 ? Checksums.readU16(data, at + 2) : 40 + Checksums.readU16(data, at + 4);
    }

    private static int u16(byte[] b, int at) {
        return ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff);
    }
}
