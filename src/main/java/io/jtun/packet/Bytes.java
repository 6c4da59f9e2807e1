package io.jtun.packet;

import java.util.Arrays;

/**
 * Big-endian (network order) field access on byte arrays. Callers check bounds first; these
 * helpers stay tiny so the JIT inlines them into the decoders.
 */
public final class Bytes {
    private static final int BYTE_MASK = 0xff;
    private static final int BITS_PER_BYTE = 8;
    private static final long U32_MASK = 0xffff_ffffL;

    private Bytes() {
    }

    /** Unsigned byte at {@code off}. */
    public static int u8(byte[] b, int off) {
        return b[off] & BYTE_MASK;
    }

    /** Unsigned big-endian 16-bit value at {@code off}. */
    public static int u16(byte[] b, int off) {
        return (u8(b, off) << BITS_PER_BYTE) | u8(b, off + 1);
    }

    /** Unsigned big-endian 32-bit value at {@code off}; a long because Java has no unsigned int. */
    public static long u32(byte[] b, int off) {
        return ((long) u16(b, off) << Short.SIZE | u16(b, off + Short.BYTES)) & U32_MASK;
    }

    /** Stores the low 16 bits of {@code value} big-endian at {@code off}. */
    public static void put16(byte[] b, int off, int value) {
        b[off] = (byte) (value >>> BITS_PER_BYTE);
        b[off + 1] = (byte) value;
    }

    /** Stores the low 32 bits of {@code value} big-endian at {@code off}. */
    public static void put32(byte[] b, int off, long value) {
        put16(b, off, (int) (value >>> Short.SIZE));
        put16(b, off + Short.BYTES, (int) value);
    }

    /** Swaps {@code len} bytes between two non-overlapping ranges of the same array. */
    public static void swap(byte[] b, int offA, int offB, int len) {
        for (int i = 0; i < len; i++) {
            byte t = b[offA + i];
            b[offA + i] = b[offB + i];
            b[offB + i] = t;
        }
    }

    /** True if every byte in the range is zero. */
    public static boolean isZero(byte[] b, int off, int len) {
        for (int i = 0; i < len; i++) {
            if (b[off + i] != 0) {
                return false;
            }
        }
        return true;
    }

    /** True if the two ranges hold the same bytes. */
    public static boolean equal(byte[] b, int offA, int offB, int len) {
        return Arrays.equals(b, offA, offA + len, b, offB, offB + len);
    }
}
