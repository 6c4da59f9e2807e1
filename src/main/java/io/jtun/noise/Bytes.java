package io.jtun.noise;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Little-endian field access and constant-time comparisons on byte arrays. Every multi-byte
 * integer on WireGuard's wire is little-endian (only TAI64N is big-endian, see {@link Tai64n}).
 */
final class Bytes {
    private static final VarHandle INT_LE =
            MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG_LE =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private Bytes() {
    }

    static int getIntLE(byte[] b, int off) {
        return (int) INT_LE.get(b, off);
    }

    static void putIntLE(byte[] b, int off, int value) {
        INT_LE.set(b, off, value);
    }

    static long getLongLE(byte[] b, int off) {
        return (long) LONG_LE.get(b, off);
    }

    static void putLongLE(byte[] b, int off, long value) {
        LONG_LE.set(b, off, value);
    }

    /**
     * Whether {@code a[aOff, aOff+len)} equals {@code b[bOff, bOff+len)}, in time that depends
     * only on {@code len}: MACs and tags are compared this way so that an attacker can not learn
     * how many leading bytes of a forgery were right.
     */
    static boolean constantTimeEquals(byte[] a, int aOff, byte[] b, int bOff, int len) {
        int diff = 0;
        for (int i = 0; i < len; i++) {
            diff |= a[aOff + i] ^ b[bOff + i];
        }
        return diff == 0;
    }

    /** Whether every byte is zero, in time that depends only on the length. */
    static boolean isZero(byte[] b) {
        int acc = 0;
        for (byte x : b) {
            acc |= x;
        }
        return acc == 0;
    }

    /** Whether {@code len} bytes from {@code off} fit in an array of {@code length} bytes. */
    static boolean fits(int length, int off, int len) {
        return off >= 0 && len >= 0 && off <= length - len;
    }
}
