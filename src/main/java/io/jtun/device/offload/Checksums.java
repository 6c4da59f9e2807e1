package io.jtun.device.offload;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The Internet checksum (RFC 1071) over native memory, eight bytes at a time: segmentation
 * recomputes a TCP checksum per segment, so this is on the data path.
 */
public final class Checksums {
    private static final ValueLayout.OfLong LONG_BE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt INT_BE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfShort SHORT_BE =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private Checksums() {
    }

    /**
     * Adds {@code data[offset..offset+length)} as big-endian 16-bit words to {@code sum}. The
     * result is an unfolded 64-bit accumulator; {@link #fold} turns it into a checksum. Long
     * words are split into 32-bit halves so no carry is ever lost.
     */
    public static long add(long sum, MemorySegment data, long offset, int length) {
        long s = sum;
        long i = offset;
        long end = offset + length;
        while (end - i >= 8) {
            long word = data.get(LONG_BE, i);
            s += (word >>> 32) + (word & 0xffffffffL);
            i += 8;
        }
        if (end - i >= 4) {
            s += data.get(INT_BE, i) & 0xffffffffL;
            i += 4;
        }
        if (end - i >= 2) {
            s += data.get(SHORT_BE, i) & 0xffffL;
            i += 2;
        }
        if (end - i == 1) {
            s += (data.get(ValueLayout.JAVA_BYTE, i) & 0xffL) << 8;
        }
        return s;
    }

    /** Folds an accumulator to 16 bits, not yet complemented. */
    public static int fold(long sum) {
        long s = sum;
        while ((s >>> 16) != 0) {
            s = (s & 0xffff) + (s >>> 16);
        }
        return (int) s;
    }

    /** The checksum field value for an accumulated sum. */
    public static short finish(long sum) {
        return (short) (~fold(sum) & 0xffff);
    }

    public static int readU16(MemorySegment data, long offset) {
        return data.get(SHORT_BE, offset) & 0xffff;
    }

    public static void writeU16(MemorySegment data, long offset, int value) {
        data.set(SHORT_BE, offset, (short) value);
    }

    public static long readU32(MemorySegment data, long offset) {
        return data.get(INT_BE, offset) & 0xffffffffL;
    }

    public static void writeU32(MemorySegment data, long offset, long value) {
        data.set(INT_BE, offset, (int) value);
    }
}
