package io.jtun.device.l2;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * A greedy encoder of the LZ4 block format that keeps its hash table from call to call, so that it
 * allocates nothing. Any LZ4 block decoder reads what it writes; {@link FrameCompressor} uses
 * lz4-java's.
 *
 * <p>Why not lz4-java's own pure-Java encoder: it allocates a fresh 16 KiB hash table on every call,
 * which on the per-frame path means 16 KiB of garbage a frame. A table kept between calls needs no
 * clearing either: an entry is only a hint where the same four bytes were last seen, and every hint
 * is checked against the current input (it must point before the current position and its four
 * bytes must be equal), so one left over from an earlier frame costs a miss and nothing more.
 *
 * <p>The block format, in short: a block is a run of sequences, each a token byte (high nibble: the
 * number of literals, low nibble: the match length minus {@value #MIN_MATCH}; a nibble of 15 means
 * more length bytes follow, 255 meaning "and more"), the literals, a two-byte little-endian offset
 * back to the match and the match length's extra bytes. The last sequence has literals only. So
 * that decoders may copy in wide words, the last {@value #LAST_LITERALS} bytes are always literals
 * and no match starts in the last {@value #MATCH_START_LIMIT} bytes.
 *
 * <p>Not thread-safe: one instance per thread.
 */
final class Lz4BlockEncoder {
    static final int MIN_MATCH = 4;
    static final int LAST_LITERALS = 5;
    static final int MATCH_START_LIMIT = 12;
    static final int MAX_OFFSET = 65_535;
    /** A length nibble of this value says that extra length bytes follow. */
    private static final int LENGTH_NIBBLE_MAX = 15;
    private static final int EXTRA_LENGTH_BYTE_MAX = 255;
    /** Bytes of a sequence besides its literals and extra length bytes: the token and the offset. */
    private static final int TOKEN_AND_OFFSET = 3;
    /** 4096 entries: enough for jumbo frames, and 16 KiB stays in the L1 or L2 cache. */
    private static final int HASH_BITS = 12;
    /** Knuth's multiplicative hash constant (2^32 divided by the golden ratio, made odd). */
    private static final int HASH_MULTIPLIER = 0x9E37_79B1;
    /**
     * After every 2^6 positions without a match the search steps one byte further: incompressible
     * frames are given up on quickly, at a small loss on frames with sparse repeats.
     */
    private static final int SKIP_SHIFT = 6;

    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final int[] lastSeen = new int[1 << HASH_BITS];

    /**
     * Encodes {@code in[0, length)} as one LZ4 block into {@code out} from index 0.
     *
     * @param limit the most bytes the block may take; {@code out} must have room for them
     * @return the block's length, or -1 if it would take more than {@code limit} bytes
     *     ({@code out} then holds a partial block)
     */
    int encode(byte[] in, int length, byte[] out, int limit) {
        int matchEndLimit = length - LAST_LITERALS;
        int lastMatchStart = length - MATCH_START_LIMIT;
        int anchor = 0;
        int o = 0;
        int i = 0;
        while (i <= lastMatchStart) {
            int quad = (int) INT.get(in, i);
            int slot = (quad * HASH_MULTIPLIER) >>> (Integer.SIZE - HASH_BITS);
            int ref = lastSeen[slot];
            lastSeen[slot] = i;
            if (ref >= i || i - ref > MAX_OFFSET || (int) INT.get(in, ref) != quad) {
                i += 1 + ((i - anchor) >>> SKIP_SHIFT);
                continue;
            }
            while (i > anchor && ref > 0 && in[i - 1] == in[ref - 1]) {
                i--;
                ref--;
            }
            int matchLength = MIN_MATCH + commonLength(in, ref + MIN_MATCH, i + MIN_MATCH, matchEndLimit);
            o = writeSequence(in, anchor, i - anchor, i - ref, matchLength, out, o, limit);
            if (o < 0) {
                return -1;
            }
            i += matchLength;
            anchor = i;
        }
        int literals = length - anchor;
        if (1 + extraLengthBytes(literals) + literals > limit - o) {
            return -1;
        }
        return writeLiterals(in, anchor, literals, 0, out, o);
    }

    /** How many bytes from {@code in[b]} on equal those from {@code in[a]} on ({@code a < b}), up to {@code end}. */
    private static int commonLength(byte[] in, int a, int b, int end) {
        int start = b;
        while (b <= end - Long.BYTES) {
            long difference = (long) LONG.get(in, a) ^ (long) LONG.get(in, b);
            if (difference != 0) {
                // Little-endian: the lowest set bit is in the first byte that differs.
                return b - start + (Long.numberOfTrailingZeros(difference) >>> 3);
            }
            a += Long.BYTES;
            b += Long.BYTES;
        }
        while (b < end && in[a] == in[b]) {
            a++;
            b++;
        }
        return b - start;
    }

    /** Writes a sequence at {@code out[o]}; returns where it ends, or -1 if that would pass {@code limit}. */
    private static int writeSequence(byte[] in, int from, int literals, int offset, int matchLength,
            byte[] out, int o, int limit) {
        int matchCode = matchLength - MIN_MATCH;
        int size = TOKEN_AND_OFFSET + extraLengthBytes(literals) + literals + extraLengthBytes(matchCode);
        if (size > limit - o) {
            return -1;
        }
        o = writeLiterals(in, from, literals, Math.min(matchCode, LENGTH_NIBBLE_MAX), out, o);
        out[o++] = (byte) offset;
        out[o++] = (byte) (offset >>> Byte.SIZE);
        return writeExtraLength(matchCode, out, o);
    }

    /** Writes the token (with the given low nibble), the literals' length and the literals. */
    private static int writeLiterals(byte[] in, int from, int literals, int matchNibble, byte[] out, int o) {
        out[o++] = (byte) (Math.min(literals, LENGTH_NIBBLE_MAX) << 4 | matchNibble);
        o = writeExtraLength(literals, out, o);
        System.arraycopy(in, from, out, o, literals);
        return o + literals;
    }

    private static int extraLengthBytes(int length) {
        return length < LENGTH_NIBBLE_MAX ? 0 : (length - LENGTH_NIBBLE_MAX) / EXTRA_LENGTH_BYTE_MAX + 1;
    }

    private static int writeExtraLength(int length, byte[] out, int o) {
        if (length < LENGTH_NIBBLE_MAX) {
            return o;
        }
        int rest = length - LENGTH_NIBBLE_MAX;
        for (; rest >= EXTRA_LENGTH_BYTE_MAX; rest -= EXTRA_LENGTH_BYTE_MAX) {
            out[o++] = (byte) EXTRA_LENGTH_BYTE_MAX;
        }
        out[o++] = (byte) rest;
        return o;
    }
}
