package io.jtun.noise;

import static io.jtun.noise.Hex.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class Tai64nTest {
    @Test
    void encoding() {
        assertEquals("400000000000000a00000000", hex(Tai64n.of(0, 0)));
        // 2^24 ns granularity: 123456789 ns -> 117440512 (0x07000000).
        assertEquals("400000000000000b07000000", hex(Tai64n.of(1, 123_456_789)));
        Instant t = Instant.parse("2024-05-01T12:00:00.999999999Z");
        long nanos = t.getEpochSecond() * 1_000_000_000L + t.getNano();
        byte[] stamp = Tai64n.fromEpochNanos(nanos);
        assertEquals(String.format("%016x", 0x400000000000000aL + t.getEpochSecond()) + "3b000000", hex(stamp));
        assertEquals(Tai64n.SIZE, stamp.length);
    }

    @Test
    void negativeEpochNanosFloor() {
        // One nanosecond before 1970 is second -1 plus 999999999 ns (whitened).
        assertEquals(hex(Tai64n.of(-1, 999_999_999)), hex(Tai64n.fromEpochNanos(-1)));
    }

    @Test
    void ordering() {
        byte[] a = Tai64n.of(1000, 0);
        byte[] b = Tai64n.of(1000, 20_000_000);
        byte[] c = Tai64n.of(1001, 0);
        assertTrue(Tai64n.isAfter(b, a));
        assertTrue(Tai64n.isAfter(c, b));
        assertFalse(Tai64n.isAfter(a, a));
        assertFalse(Tai64n.isAfter(a, c));
        assertEquals(0, Tai64n.compare(Tai64n.of(1000, 1), a), "within the whitening granule: equal");
        assertTrue(Tai64n.isAfter(a, new byte[Tai64n.SIZE]), "anything is newer than the zero timestamp");
    }
}
