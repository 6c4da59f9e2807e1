package io.jtun.conn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtun.sys.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class PacketBatchTest {
    private static SocketEndpoint endpoint(String host, int port) throws Exception {
        return SocketEndpoint.of(new InetSocketAddress(InetAddress.getByName(host), port));
    }

    @Test
    void slotsAreSeparateFixedBuffers() {
        try (Arena arena = Arena.ofConfined()) {
            PacketBatch batch = new PacketBatch(arena, 4, 100);
            assertEquals(4, batch.capacity());
            assertEquals(100, batch.slotSize());
            assertEquals(0, batch.count());
            for (int i = 0; i < 4; i++) {
                assertEquals(100, batch.slot(i).byteSize());
                assertEquals(PacketBatch.ADDRESS_SIZE, batch.address(i).byteSize());
                batch.slot(i).fill((byte) i);
                assertEquals(batch.slot(i).address(), batch.data().address() + batch.slotStart(i));
            }
            for (int i = 0; i < 4; i++) {
                assertEquals(-1, batch.slot(i).mismatch(MemorySegment.ofArray(filled(100, i))), "slot " + i);
            }
            assertTrue(batch.slot(1).address() - batch.slot(0).address() >= 100);
            assertThrows(IndexOutOfBoundsException.class, () -> batch.slot(4));
            assertThrows(IndexOutOfBoundsException.class, () -> batch.length(-1));
        }
    }

    private static byte[] filled(int n, int value) {
        byte[] b = new byte[n];
        java.util.Arrays.fill(b, (byte) value);
        return b;
    }

    @Test
    void keepsOffsetsAndLengthsInsideTheSlot() {
        try (Arena arena = Arena.ofConfined()) {
            PacketBatch batch = new PacketBatch(arena, 2, 100);
            assertEquals(0, batch.offset(0));
            assertEquals(100, batch.room(0));
            batch.setOffset(0, 16);
            batch.setLength(0, 84);
            assertEquals(84, batch.room(0));
            assertThrows(IllegalArgumentException.class, () -> batch.setLength(0, 85));
            assertThrows(IllegalArgumentException.class, () -> batch.setOffset(0, 17));
            assertThrows(IllegalArgumentException.class, () -> batch.setOffset(0, -1));
            assertThrows(IllegalArgumentException.class, () -> batch.setLength(0, -1));
            // Prepending a header: move the offset back and grow the length, no copy.
            batch.slot(0).set(ValueLayout.JAVA_BYTE, 16, (byte) 0x55);
            batch.setOffset(0, 8);
            batch.setLength(0, 92);
            MemorySegment payload = batch.payload(0);
            assertEquals(92, payload.byteSize());
            assertEquals(0x55, payload.get(ValueLayout.JAVA_BYTE, 8));
            assertEquals(batch.slot(0).address() + 8, payload.address());
            assertEquals(batch.slotStart(0) + 8, batch.payloadStart(0));
            assertEquals(0, batch.offset(1));
            assertEquals(0, batch.length(1));
        }
    }

    @Test
    void countStaysWithinCapacity() {
        try (Arena arena = Arena.ofConfined()) {
            PacketBatch batch = new PacketBatch(arena, 3, 10);
            batch.setCount(3);
            assertEquals(3, batch.count());
            batch.setCount(0);
            assertThrows(IllegalArgumentException.class, () -> batch.setCount(4));
            assertThrows(IllegalArgumentException.class, () -> batch.setCount(-1));
            assertThrows(IllegalArgumentException.class, () -> new PacketBatch(arena, 0, 10));
            assertThrows(IllegalArgumentException.class, () -> new PacketBatch(arena, 1, 0));
        }
    }

    @Test
    void addressesSlotsAndComparesWithoutDecoding() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            PacketBatch batch = new PacketBatch(arena, 2, 10);
            SocketEndpoint v4 = endpoint("198.18.0.2", 51820);
            SocketEndpoint v6 = endpoint("fd00::2", 51820);
            assertEquals(0, batch.addressLength(0));
            assertEquals(0, batch.addressFamily(0));
            assertFalse(batch.addressEquals(0, v4));

            batch.setAddress(0, v4);
            batch.setAddress(1, v6);
            assertEquals(16, batch.addressLength(0));
            assertEquals(28, batch.addressLength(1));
            assertEquals(Libc.AF_INET, batch.addressFamily(0));
            assertEquals(Libc.AF_INET6, batch.addressFamily(1));
            assertTrue(batch.addressEquals(0, v4));
            assertTrue(batch.addressEquals(1, v6));
            assertFalse(batch.addressEquals(0, v6));
            assertFalse(batch.addressEquals(0, endpoint("198.18.0.2", 51821)));
            assertFalse(batch.addressEquals(0, endpoint("198.18.0.3", 51820)));
            assertFalse(batch.addressEquals(1, endpoint("fd00::3", 51820)));
            assertEquals(v4, batch.endpoint(0));
            assertEquals(v6, batch.endpoint(1));

            // The flow label is not part of the peer's identity.
            batch.address(1).set(ValueLayout.JAVA_INT_UNALIGNED, 4, 0x12345);
            assertTrue(batch.addressEquals(1, v6));
            // Re-addressing a slot from IPv6 to IPv4 leaves no IPv6 residue that matters.
            batch.setAddress(1, v4);
            assertTrue(batch.addressEquals(1, v4));
            assertEquals(v4, batch.endpoint(1));
        }
    }

    @Test
    void normalizesReceivedMappedAddressesInPlace() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            PacketBatch batch = new PacketBatch(arena, 1, 10);
            SocketEndpoint v4 = endpoint("198.18.0.2", 51820);
            MemorySegment.copy(v4.encodeFor(Libc.AF_INET6), 0, batch.address(0), 0, 28);
            int length = Sockaddr.normalize(batch.addresses(), batch.addressOffset(0), 28);
            assertEquals(16, length);
            batch.received(0, 0, length);
            assertTrue(batch.addressEquals(0, v4));
            // A genuine IPv6 address is left alone.
            SocketEndpoint v6 = endpoint("fd00::2", 1);
            MemorySegment.copy(v6.sockaddr(), 0, batch.address(0), 0, 28);
            assertEquals(28, Sockaddr.normalize(batch.addresses(), batch.addressOffset(0), 28));
        }
    }

    @Test
    void copiesASlotKeepingTheTargetOffset() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            PacketBatch batch = new PacketBatch(arena, 2, 32);
            SocketEndpoint v6 = endpoint("fd00::9", 9);
            batch.setOffset(0, 4);
            batch.setLength(0, 3);
            batch.payload(0).copyFrom(MemorySegment.ofArray(new byte[] {1, 2, 3}));
            batch.setAddress(0, v6);
            batch.setOffset(1, 8);
            batch.copySlot(0, 1);
            assertEquals(8, batch.offset(1));
            assertEquals(3, batch.length(1));
            assertEquals(3, batch.slot(1).get(ValueLayout.JAVA_BYTE, 10));
            assertTrue(batch.addressEquals(1, v6));
            batch.setLength(0, 28);
            assertThrows(IllegalArgumentException.class, () -> batch.copySlot(0, 1));
        }
    }

    @Test
    void aSlotHoldsOneDatagramUnlessATrainWasReceived() {
        try (Arena arena = Arena.ofConfined()) {
            PacketBatch batch = new PacketBatch(arena, 3, 4000);
            for (int i = 0; i < 3; i++) {
                assertEquals(0, batch.segmentSize(i));
                assertEquals(1, batch.segmentCount(i));
            }
            // A train of 3 x 1000 + 300: datagram k at k * 1000.
            batch.received(0, 3300, 16, 1000);
            assertEquals(1000, batch.segmentSize(0));
            assertEquals(4, batch.segmentCount(0));
            batch.received(1, 2000, 16, 1000);
            assertEquals(2, batch.segmentCount(1), "the last datagram may be full-sized too");
            // copySlot carries the layout along with the payload.
            batch.copySlot(0, 2);
            assertEquals(1000, batch.segmentSize(2));
            assertEquals(4, batch.segmentCount(2));
            // What other transports record is always a single datagram.
            batch.received(2, 3300, 16);
            assertEquals(0, batch.segmentSize(2));
            batch.setSegmentSize(1, 0);
            assertEquals(1, batch.segmentCount(1));
            batch.copySlot(1, 0);
            assertEquals(0, batch.segmentSize(0));
            assertThrows(IllegalArgumentException.class, () -> batch.setSegmentSize(0, -1));
            assertThrows(IndexOutOfBoundsException.class, () -> batch.segmentSize(3));
        }
    }

    @Test
    void comparesSlotAddressesByteForByte() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            PacketBatch batch = new PacketBatch(arena, 4, 10);
            batch.setAddress(0, endpoint("198.18.0.2", 51820));
            batch.setAddress(1, endpoint("198.18.0.2", 51820));
            batch.setAddress(2, endpoint("198.18.0.2", 51821));
            assertTrue(batch.sameAddress(0, 1));
            assertFalse(batch.sameAddress(0, 2));
            batch.setAddress(2, endpoint("fd00::2", 51820));
            batch.setAddress(3, endpoint("fd00::2", 51820));
            assertFalse(batch.sameAddress(0, 2));
            assertTrue(batch.sameAddress(2, 3));
            batch.setAddress(3, endpoint("fd00::3", 51820));
            assertFalse(batch.sameAddress(2, 3));
        }
    }
}
