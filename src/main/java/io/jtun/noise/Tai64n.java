package io.jtun.noise;

import java.util.Arrays;

/**
 * TAI64N timestamps, as the handshake initiation carries them (encrypted) so that the responder
 * can refuse a replayed initiation: it accepts only timestamps newer than the last one seen from
 * that peer. 12 bytes: 8 bytes big-endian seconds since 1970 plus 2^62 + 10 (TAI64's label for
 * those seconds, as WireGuard computes it), then 4 bytes big-endian nanoseconds.
 *
 * <p>The nanoseconds are rounded down to a multiple of 2^24 ns (about 16.8 ms), as wireguard-go
 * does: the precise clock reading would help fingerprint the host, and the responder only needs
 * the order. Being big-endian and fixed-length, timestamps compare as unsigned byte strings.
 */
public final class Tai64n {
    /** Bytes in a timestamp. */
    public static final int SIZE = 12;
    /** TAI64's label of the Unix epoch, plus the 10 seconds TAI was ahead of UTC in 1970. */
    static final long BASE = 0x400000000000000aL;
    /** Nanosecond bits dropped ("whitening"): the low 24. */
    static final int WHITENER_MASK = (1 << 24) - 1;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final int NANOS_OFFSET = 8;

    private Tai64n() {
    }

    /** The timestamp of a Unix time in nanoseconds (a wall clock reading, e.g. from Instant). */
    public static byte[] fromEpochNanos(long epochNanos) {
        return of(Math.floorDiv(epochNanos, NANOS_PER_SECOND), (int) Math.floorMod(epochNanos, NANOS_PER_SECOND));
    }

    /** The timestamp of {@code epochSeconds} plus {@code nanos} (0..999,999,999). */
    public static byte[] of(long epochSeconds, int nanos) {
        if (nanos < 0 || nanos >= NANOS_PER_SECOND) {
            throw new IllegalArgumentException("nanoseconds out of range: " + nanos);
        }
        byte[] t = new byte[SIZE];
        putLongBE(t, 0, BASE + epochSeconds);
        putIntBE(t, NANOS_OFFSET, nanos & ~WHITENER_MASK);
        return t;
    }

    /** Negative, zero or positive as {@code a} is older than, equal to or newer than {@code b}. */
    public static int compare(byte[] a, byte[] b) {
        return Arrays.compareUnsigned(a, b);
    }

    /** Whether {@code a} is strictly newer than {@code b}. */
    public static boolean isAfter(byte[] a, byte[] b) {
        return compare(a, b) > 0;
    }

    private static void putLongBE(byte[] b, int off, long v) {
        for (int i = 7; i >= 0; i--) {
            b[off + i] = (byte) v;
            v >>>= 8;
        }
    }

    private static void putIntBE(byte[] b, int off, int v) {
        for (int i = 3; i >= 0; i--) {
            b[off + i] = (byte) v;
            v >>>= 8;
        }
    }
}
