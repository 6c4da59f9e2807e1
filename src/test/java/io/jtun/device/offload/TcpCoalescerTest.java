package io.jtun.device.offload;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Segments made by {@link TcpSegmenter} from a known super-packet go through the coalescer;
 * what it writes is cut again by the segmenter and must give back exactly the same segments.
 */
class TcpCoalescerTest {
    private static final int ACK = 0x10;
    private static final int PSH_ACK = 0x18;
    private static final int SYN = 0x02;
    private static final String PEER_A = "a";
    private static final String PEER_B = "b";

    private final Arena arena = Arena.ofConfined();
    private final List<Written> written = new ArrayList<>();
    private final TcpCoalescer<String> coalescer = new TcpCoalescer<>(arena, (data, offset, length, owner, packets,
            bytes) -> written.add(new Written(data.asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE), owner,
                    packets, bytes)));

    record Written(byte[] bytes, String owner, int packets, int innerBytes) {
        int gsoType() {
            return bytes[1] & 0xff;
        }

        int gsoSize() {
            return (bytes[4] & 0xff) | (bytes[5] & 0xff) << 8;
        }

        byte[] packet() {
            return java.util.Arrays.copyOfRange(bytes, VirtioNetHeader.SIZE, bytes.length);
        }
    }

    @AfterEach
    void close() {
        arena.close();
    }

    @Test
    void consecutiveIpv4SegmentsBecomeOneSuperPacketThatSegmentsBackExactly() {
        List<byte[]> segments = segments(ipv4(payload(5000), PSH_ACK, 1000), 1400);
        addAll(segments, PEER_A);
        assertEquals(1, coalescer.heldFlows());
        coalescer.flush();

        assertEquals(1, written.size());
        Written w = written.get(0);
        assertEquals(VirtioNetHeader.GSO_TCPV4, w.gsoType());
        assertEquals(1400, w.gsoSize());
        assertEquals(VirtioNetHeader.F_NEEDS_CSUM, w.bytes()[0]);
        assertEquals(PEER_A, w.owner());
        assertEquals(4, w.packets());
        assertEquals(segments.stream().mapToInt(s -> s.length).sum(), w.innerBytes());
        assertSegmentsBack(w, segments);
    }

    @Test
    void ipv6SegmentsMergeToo() {
        List<byte[]> segments = segments(ipv6(payload(7000), ACK), 1380);
        addAll(segments, PEER_A);
        coalescer.flush();
        assertEquals(1, written.size());
        assertEquals(VirtioNetHeader.GSO_TCPV6, written.get(0).gsoType());
        assertSegmentsBack(written.get(0), segments);
    }

    @Test
    void aLoneSegmentIsWrittenAsItCameWithAnEmptyHeader() {
        byte[] only = segments(ipv4(payload(800), PSH_ACK, 7), 1400).get(0);
        assertTrue(add(only, PEER_A));
        coalescer.flush();
        Written w = written.get(0);
        assertArrayEquals(new byte[VirtioNetHeader.SIZE], java.util.Arrays.copyOf(w.bytes(), VirtioNetHeader.SIZE));
        assertArrayEquals(only, w.packet());
        assertEquals(1, w.packets());
    }

    @Test
    void aGapInTheSequenceStartsANewSuperPacketInOrder() {
        List<byte[]> segments = segments(ipv4(payload(6000), ACK, 1), 1000);
        addAll(List.of(segments.get(0), segments.get(1), segments.get(3), segments.get(4)), PEER_A);
        coalescer.flush();
        assertEquals(2, written.size());
        assertSegmentsBack(written.get(0), segments.subList(0, 2));
        assertSegmentsBack(written.get(1), segments.subList(3, 5));
    }

    @Test
    void aShortOrPshSegmentEndsTheSuperPacket() {
        List<byte[]> first = segments(ipv4(payload(2500), PSH_ACK, 1), 1000); // 1000, 1000, 500 + PSH
        List<byte[]> next = segments(ipv4(payload(2000), ACK, 1 + 2500), 1000);
        addAll(first, PEER_A);
        addAll(next, PEER_A);
        coalescer.flush();
        assertEquals(2, written.size());
        assertSegmentsBack(written.get(0), first);
        assertSegmentsBack(written.get(1), next);
    }

    @Test
    void interleavedFlowsAreMergedSeparately() {
        List<byte[]> a = segments(ipv4(payload(3000), ACK, 1), 1000);
        List<byte[]> b = segments(withPorts(ipv4(payload(3000), ACK, 9), 6000), 1000);
        for (int i = 0; i < a.size(); i++) {
            add(a.get(i), PEER_A);
            add(b.get(i), PEER_A);
        }
        coalescer.flush();
        assertEquals(2, written.size());
        assertSegmentsBack(written.get(0), a);
        assertSegmentsBack(written.get(1), b);
    }

    @Test
    void aPacketThatCannotMergeFlushesItsFlowFirst() {
        List<byte[]> data = segments(ipv4(payload(2000), ACK, 1), 1000);
        byte[] syn = segments(ipv4(new byte[0], SYN, 3001), 1000).get(0);
        addAll(data, PEER_A);
        assertFalse(add(syn, PEER_A), "a SYN is the caller's to write");
        assertEquals(1, written.size(), "the held segments went out before it");
        assertEquals(0, coalescer.heldFlows());
        assertSegmentsBack(written.get(0), data);
    }

    @Test
    void aDifferentAcknowledgementOrOwnerOrOptionsIsNotMerged() {
        List<byte[]> segments = segments(ipv4(payload(4000), ACK, 1), 1000);
        byte[] otherAck = segments.get(1).clone();
        otherAck[20 + 11] ^= 1;
        fixChecksums(otherAck);
        add(segments.get(0), PEER_A);
        add(otherAck, PEER_A);
        add(segments.get(2), PEER_B);
        coalescer.flush();
        assertEquals(3, written.size());
        assertEquals(PEER_B, written.get(2).owner());
    }

    @Test
    void neverBuildsMoreThan64Kilobytes() {
        List<byte[]> segments = segments(ipv4(payload(100_000), ACK, 1), 1400);
        addAll(segments, PEER_A);
        coalescer.flush();
        assertTrue(written.size() >= 2);
        int total = 0;
        for (Written w : written) {
            assertTrue(w.packet().length <= TcpCoalescer.MAX_PACKET);
            total += w.packets();
        }
        assertEquals(segments.size(), total);
        int at = 0;
        for (Written w : written) {
            assertSegmentsBack(w, segments.subList(at, at + w.packets()));
            at += w.packets();
        }
    }

    @Test
    void nonTcpAndShortGarbageAreLeftToTheCaller() {
        byte[] udp = ipv4(payload(100), ACK, 1);
        udp[9] = 17;
        assertFalse(add(udp, PEER_A));
        assertFalse(add(new byte[] {0x45, 0, 0}, PEER_A));
        assertFalse(add(new byte[] {0x60}, PEER_A));
        coalescer.flush();
        assertTrue(written.isEmpty());
    }

    @Test
    void moreFlowsThanSlotsFlushTheOldestInOrder() {
        List<List<byte[]>> flows = new ArrayList<>();
        for (int f = 0; f < TcpCoalescer.MAX_FLOWS + 2; f++) {
            flows.add(segments(withPorts(ipv4(payload(2000), ACK, 1), 7000 + f), 1000));
        }
        for (List<byte[]> flow : flows) {
            addAll(flow, PEER_A);
        }
        coalescer.flush();
        assertEquals(flows.size(), written.size());
        for (int f = 0; f < flows.size(); f++) {
            assertSegmentsBack(written.get(f), flows.get(f));
        }
    }

    @Test
    void mutatedSegmentsNeverThrowAndEveryPacketIsWrittenExactlyOnce() {
        // Real segments of several flows with random bytes flipped (lengths, flags, header sizes,
        // versions...): whatever the coalescer makes of them, nothing throws, and every packet it
        // takes comes out in exactly one write.
        Random random = new Random(42);
        List<byte[]> pool = new ArrayList<>(segments(ipv4(payload(20_000), ACK, 1), 1000));
        pool.addAll(segments(ipv6(payload(20_000), PSH_ACK), 1200));
        int offered = 0;
        int leftToCaller = 0;
        for (int round = 0; round < 20_000; round++) {
            byte[] packet = pool.get(random.nextInt(pool.size())).clone();
            int flips = random.nextInt(4);
            for (int f = 0; f < flips; f++) {
                packet[random.nextInt(Math.min(packet.length, 80))] = (byte) random.nextInt(256);
            }
            int length = random.nextInt(10) == 0 ? random.nextInt(packet.length + 1) : packet.length;
            byte[] cut = java.util.Arrays.copyOf(packet, length);
            offered++;
            if (!add(cut, random.nextBoolean() ? PEER_A : PEER_B)) {
                leftToCaller++;
            }
            if (random.nextInt(16) == 0) {
                coalescer.flush();
            }
        }
        coalescer.flush();
        int inWrites = written.stream().mapToInt(Written::packets).sum();
        assertEquals(offered, inWrites + leftToCaller);
        for (Written w : written) {
            assertTrue(w.packet().length <= TcpCoalescer.MAX_PACKET);
        }
    }

    // ---- helpers ----

    private void addAll(List<byte[]> packets, String owner) {
        for (byte[] p : packets) {
            assertTrue(add(p, owner));
        }
    }

    private boolean add(byte[] packet, String owner) {
        MemorySegment in = arena.allocate(packet.length + 32);
        MemorySegment.copy(packet, 0, in, ValueLayout.JAVA_BYTE, 16, packet.length);
        return coalescer.add(in, 16, packet.length, owner);
    }

    /** Cuts the written super-packet with the segmenter and compares with the originals byte for byte. */
    private void assertSegmentsBack(Written w, List<byte[]> expected) {
        byte[] packet = w.packet();
        if (expected.size() == 1) {
            assertArrayEquals(expected.get(0), packet);
            return;
        }
        MemorySegment in = arena.allocate(packet.length);
        MemorySegment.copy(packet, 0, in, ValueLayout.JAVA_BYTE, 0, packet.length);
        TcpSegmenter segmenter = new TcpSegmenter();
        assertTrue(segmenter.prepare(in, 0, packet.length, w.gsoSize()));
        assertEquals(expected.size(), segmenter.segments());
        MemorySegment out = arena.allocate(65536);
        for (int i = 0; i < expected.size(); i++) {
            int length = segmenter.write(i, out, 0);
            assertArrayEquals(expected.get(i), out.asSlice(0, length).toArray(ValueLayout.JAVA_BYTE), "segment " + i);
        }
    }

    private List<byte[]> segments(byte[] superPacket, int mss) {
        MemorySegment in = arena.allocate(superPacket.length);
        MemorySegment.copy(superPacket, 0, in, ValueLayout.JAVA_BYTE, 0, superPacket.length);
        TcpSegmenter segmenter = new TcpSegmenter();
        assertTrue(segmenter.prepare(in, 0, superPacket.length, mss));
        MemorySegment out = arena.allocate(65536);
        List<byte[]> result = new ArrayList<>();
        for (int i = 0; i < segmenter.segments(); i++) {
            int length = segmenter.write(i, out, 0);
            result.add(out.asSlice(0, length).toArray(ValueLayout.JAVA_BYTE));
        }
        return result;
    }

    private static byte[] payload(int n) {
        byte[] payload = new byte[n];
        new Random(n).nextBytes(payload);
        return payload;
    }

    /** An IPv4 TCP packet with a timestamp option (as Linux sends), 10.0.0.1:5000 → 10.0.0.2:50000. */
    private static byte[] ipv4(byte[] payload, int flags, long sequence) {
        int headers = 20 + 32;
        byte[] p = new byte[headers + payload.length];
        p[0] = 0x45;
        p[2] = (byte) (p.length >>> 8);
        p[3] = (byte) p.length;
        p[4] = 0x12;
        p[6] = 0x40; // DF
        p[8] = 64;
        p[9] = 6;
        p[12] = 10; p[15] = 1;
        p[16] = 10; p[19] = 2;
        tcp(p, 20, flags, sequence);
        System.arraycopy(payload, 0, p, headers, payload.length);
        return p;
    }

    private static byte[] ipv6(byte[] payload, int flags) {
        int headers = 40 + 32;
        byte[] p = new byte[headers + payload.length];
        p[0] = 0x60;
        int payloadLength = p.length - 40;
        p[4] = (byte) (payloadLength >>> 8);
        p[5] = (byte) payloadLength;
        p[6] = 6;
        p[7] = 64;
        p[8] = (byte) 0xfd; p[23] = 1;
        p[24] = (byte) 0xfd; p[39] = 2;
        tcp(p, 40, flags, 77);
        System.arraycopy(payload, 0, p, headers, payload.length);
        return p;
    }

    private static void tcp(byte[] p, int at, int flags, long sequence) {
        p[at] = 0x13; p[at + 1] = (byte) 0x88;
        p[at + 2] = (byte) 0xc3; p[at + 3] = 0x50;
        p[at + 4] = (byte) (sequence >>> 24); p[at + 5] = (byte) (sequence >>> 16);
        p[at + 6] = (byte) (sequence >>> 8); p[at + 7] = (byte) sequence;
        p[at + 11] = 5; // ack 5
        p[at + 12] = (byte) 0x80; // 32-byte header
        p[at + 13] = (byte) flags;
        p[at + 14] = (byte) 0xff; p[at + 15] = (byte) 0xff;
        // NOP, NOP, timestamps (kind 8, length 10), 12 bytes of options in all.
        p[at + 20] = 1; p[at + 21] = 1; p[at + 22] = 8; p[at + 23] = 10;
        p[at + 27] = 42; p[at + 31] = 7;
    }

    private static byte[] withPorts(byte[] packet, int sourcePort) {
        int ipHeader = (packet[0] & 0xf0) == 0x40 ? 20 : 40;
        packet[ipHeader] = (byte) (sourcePort >>> 8);
        packet[ipHeader + 1] = (byte) sourcePort;
        return packet;
    }

    /** Recomputes a hand-edited segment's TCP checksum (by segmenting it as a one-segment packet). */
    private void fixChecksums(byte[] packet) {
        List<byte[]> fixed = segments(packet, 65000);
        System.arraycopy(fixed.get(0), 0, packet, 0, packet.length);
    }
}
