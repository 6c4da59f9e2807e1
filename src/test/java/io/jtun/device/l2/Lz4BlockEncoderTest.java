package io.jtun.device.l2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;
import org.junit.jupiter.api.Test;

/** The encoder against lz4-java, the reference for the block format here. */
class Lz4BlockEncoderTest {
    private static final int LARGEST_INPUT = 70_000;

    private final Lz4BlockEncoder encoder = new Lz4BlockEncoder();
    private final LZ4SafeDecompressor decoder = LZ4Factory.safeInstance().safeDecompressor();
    private final LZ4Compressor lz4Java = LZ4Factory.safeInstance().fastCompressor();
    private final byte[] block = new byte[lz4Java.maxCompressedLength(LARGEST_INPUT)];

    /**
     * Inputs of every kind and length through one encoder, so that its table is always full of
     * positions from earlier inputs: each block must be well-formed and decode to its input.
     */
    @Test
    void blocksOfMixedInputsDecodeToTheirInput() {
        SplittableRandom random = new SplittableRandom(7);
        for (int round = 0; round < 3000; round++) {
            int length = random.nextInt(round % 10 == 0 ? LARGEST_INPUT : 3000);
            byte[] input = mixed(length, random);
            int encoded = encoder.encode(input, length, block, block.length);
            assertTrue(encoded > 0, "no block for " + length + " bytes");
            assertWellFormed(block, encoded, length);
            assertArrayEquals(input, decoded(block, encoded, length));
        }
    }

    @Test
    void aBlockThatWouldPassTheLimitIsAbandonedWithinIt() {
        SplittableRandom random = new SplittableRandom(8);
        for (int round = 0; round < 1000; round++) {
            byte[] input = mixed(100 + random.nextInt(3000), random);
            int encoded = encoder.encode(input, input.length, block, block.length);
            // An array exactly as long as the limit: a write past it would throw.
            byte[] tooShort = new byte[random.nextInt(encoded)];
            assertEquals(-1, encoder.encode(input, input.length, tooShort, tooShort.length));
        }
    }

    /** Offsets have 16 bits: a repeat 65,540 bytes back must be written out, not referenced. */
    @Test
    void repeatsBeyondTheLongestOffsetAreLiterals() {
        byte[] input = new byte[LARGEST_INPUT];
        byte[] far = SampleFrames.random(1000, 9);
        System.arraycopy(far, 0, input, 0, far.length);
        System.arraycopy(far, 0, input, Lz4BlockEncoder.MAX_OFFSET + 5, far.length);
        int encoded = encoder.encode(input, input.length, block, block.length);
        assertWellFormed(block, encoded, input.length);
        assertArrayEquals(input, decoded(block, encoded, input.length));
    }

    /** Greedy matching may cost a little ratio, never much: not over 10 % more than lz4-java's block. */
    @Test
    void compressesFramesAboutAsWellAsLz4Java() {
        for (byte[] frame : new byte[][] {SampleFrames.httpOverTcp(1514), SampleFrames.httpOverTcp(9000), new byte[1514]}) {
            int ours = encoder.encode(frame, frame.length, block, block.length);
            int theirs = lz4Java.compress(frame, 0, frame.length, new byte[block.length], 0, block.length);
            assertTrue(ours <= theirs * 1.1, "ours " + ours + " bytes, lz4-java's " + theirs);
        }
    }

    /** Random runs of new bytes, repeats of earlier ones from near and far, and runs of one byte. */
    private static byte[] mixed(int length, SplittableRandom random) {
        byte[] input = new byte[length];
        int at = 0;
        while (at < length) {
            int run = Math.min(length - at, 1 + random.nextInt(random.nextBoolean() ? 20 : 600));
            int kind = random.nextInt(3);
            if (kind == 0 || at == 0) {
                byte[] fresh = new byte[run];
                random.nextBytes(fresh);
                System.arraycopy(fresh, 0, input, at, run);
            } else if (kind == 1) {
                int from = at - 1 - random.nextInt(Math.min(at, Lz4BlockEncoder.MAX_OFFSET));
                for (int i = 0; i < run; i++) {
                    input[at + i] = input[from + i]; // overlapping on purpose: runs of a pattern
                }
            } else {
                Arrays.fill(input, at, at + run, (byte) random.nextInt(256));
            }
            at += run;
        }
        return input;
    }

    private byte[] decoded(byte[] encoded, int encodedLength, int length) {
        byte[] output = new byte[length];
        assertEquals(length, decoder.decompress(encoded, 0, encodedLength, output, 0, length));
        return output;
    }

    /**
     * Walks the block's sequences and checks what a lenient decoder might let pass: offsets within
     * what is decoded so far, no match starting in the last 12 bytes or ending in the last 5, and
     * nothing after the literals-only last sequence.
     */
    private static void assertWellFormed(byte[] block, int blockLength, int length) {
        int[] at = {0};
        int decoded = 0;
        while (true) {
            int token = block[at[0]++] & 0xff;
            int literals = lengthFrom(token >>> 4, block, at);
            at[0] += literals;
            decoded += literals;
            if (at[0] == blockLength) {
                break;
            }
            int offset = (block[at[0]] & 0xff) | (block[at[0] + 1] & 0xff) << 8;
            at[0] += 2;
            int match = Lz4BlockEncoder.MIN_MATCH + lengthFrom(token & 0xf, block, at);
            assertTrue(offset >= 1 && offset <= decoded, "offset " + offset + " at " + decoded);
            assertTrue(decoded <= length - Lz4BlockEncoder.MATCH_START_LIMIT, "a match starts at " + decoded);
            decoded += match;
            assertTrue(decoded <= length - Lz4BlockEncoder.LAST_LITERALS, "a match ends at " + decoded);
        }
        assertEquals(length, decoded);
    }

    private static int lengthFrom(int nibble, byte[] block, int[] at) {
        int length = nibble;
        if (nibble == 15) {
            int more;
            do {
                more = block[at[0]++] & 0xff;
                length += more;
            } while (more == 255);
        }
        return length;
    }
}
