package io.jtun.device.l2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FrameCompressorTest {
    private static final int MAX_FRAME = 65_536 + 64;
    private static final int ETHERNET_MAX_FRAME = 1514;
    private static final byte UNTOUCHED = 0x5a;
    /** Bytes after the area a call may write to, checked to still be {@link #UNTOUCHED}. */
    private static final int GUARD = 64;
    /** Where frames and blocks start in their segments: anywhere but 0. */
    private static final long SRC_AT = 7;
    private static final long DST_AT = 13;

    private final Arena arena = Arena.ofConfined();
    private final FrameCompressor compressor = new FrameCompressor(MAX_FRAME);

    @AfterEach
    void closeArena() {
        arena.close();
    }

    @Test
    void httpFrameRoundTripsAtLessThanHalfItsSize() {
        byte[] frame = SampleFrames.httpOverTcp(ETHERNET_MAX_FRAME);
        assertTrue(roundTrip(frame) < frame.length / 2);
    }

    @Test
    void zerosShrinkToAFewBytes() {
        assertTrue(roundTrip(new byte[ETHERNET_MAX_FRAME]) < 32);
    }

    @Test
    void randomFrameIsNotCompressedAndDstIsLeftAlone() {
        byte[] frame = SampleFrames.random(ETHERNET_MAX_FRAME, 1);
        MemorySegment dst = untouched(frame.length + GUARD);
        assertEquals(-1, compressor.compress(holding(frame), SRC_AT, frame.length, dst, 0));
        assertAllUntouched(dst, 0);
    }

    @Test
    void compressesAndDecompressesInPlace() {
        byte[] frame = SampleFrames.httpOverTcp(ETHERNET_MAX_FRAME);
        MemorySegment segment = holding(frame);
        int compressed = compressor.compress(segment, SRC_AT, frame.length, segment, SRC_AT);
        assertTrue(compressed > 0 && compressed < frame.length);
        assertEquals(frame.length, compressor.decompress(segment, SRC_AT, compressed, segment, SRC_AT, frame.length));
        assertArrayEquals(frame, bytes(segment, SRC_AT, frame.length));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, FrameCompressor.MIN_FRAME - 1})
    void framesBelowTheMinimumAreNotAttempted(int length) {
        assertEquals(-1, compressor.compress(holding(new byte[length]), SRC_AT, length, untouched(GUARD), 0));
    }

    @ParameterizedTest
    @ValueSource(ints = {FrameCompressor.MIN_FRAME, ETHERNET_MAX_FRAME, 9000, 65_535, MAX_FRAME})
    void everySizeFromTheMinimumToTheMaximumIsCompressedOrLeftAlone(int length) {
        roundTrip(new byte[length]);
        byte[] random = SampleFrames.random(length, length);
        MemorySegment dst = untouched(length);
        assertEquals(-1, compressor.compress(holding(random), SRC_AT, length, dst, 0));
        assertAllUntouched(dst, 0);
    }

    @ParameterizedTest
    @ValueSource(ints = {ETHERNET_MAX_FRAME, 9000, 65_535, MAX_FRAME})
    void httpFramesOfEverySizeRoundTrip(int length) {
        roundTrip(SampleFrames.httpOverTcp(length));
    }

    @Test
    void framesLongerThanTheScratchAreACallersBug() {
        MemorySegment frame = holding(new byte[MAX_FRAME + 1]);
        assertThrows(IllegalArgumentException.class,
                () -> compressor.compress(frame, 0, MAX_FRAME + 1, frame, 0));
    }

    @Test
    void decompressRefusesFramesLongerThanMaxLength() {
        byte[] frame = SampleFrames.httpOverTcp(ETHERNET_MAX_FRAME);
        MemorySegment block = arena.allocate(frame.length);
        int compressed = compressor.compress(holding(frame), SRC_AT, frame.length, block, 0);
        MemorySegment dst = untouched(DST_AT + frame.length + GUARD);
        assertEquals(-1, compressor.decompress(block, 0, compressed, dst, DST_AT, frame.length - 1));
        assertAllUntouched(dst, 0);
        assertEquals(frame.length, compressor.decompress(block, 0, compressed, dst, DST_AT, frame.length));
    }

    @Test
    void blocksNoFrameCouldCompressToAreRefused() {
        MemorySegment block = holding(new byte[MAX_FRAME]);
        MemorySegment dst = untouched(MAX_FRAME + GUARD);
        assertEquals(-1, compressor.decompress(block, SRC_AT, 0, dst, 0, MAX_FRAME));
        assertEquals(-1, compressor.decompress(block, SRC_AT, MAX_FRAME, dst, 0, MAX_FRAME));
        assertAllUntouched(dst, 0);
    }

    /**
     * Blocks as a peer could send them after authentication: valid ones mutated, truncated,
     * extended, or plain noise. None may make decompress throw, return more than maxLength, or
     * write past it.
     */
    @Test
    void mangledBlocksNeverThrowNorOverrunMaxLength() {
        int largest = 9000;
        byte[][] blocks = {
            compressed(SampleFrames.httpOverTcp(ETHERNET_MAX_FRAME)),
            compressed(SampleFrames.httpOverTcp(200)),
            compressed(new byte[largest]),
        };
        SplittableRandom random = new SplittableRandom(42);
        MemorySegment src = arena.allocate(MAX_FRAME);
        MemorySegment dst = arena.allocate(DST_AT + largest + GUARD);
        for (int round = 0; round < 20_000; round++) {
            byte[] block = mangled(blocks[random.nextInt(blocks.length)], random);
            MemorySegment.copy(block, 0, src, ValueLayout.JAVA_BYTE, 0, block.length);
            int maxLength = random.nextInt(largest + 1);
            dst.fill(UNTOUCHED);
            int frame = compressor.decompress(src, 0, block.length, dst, DST_AT, maxLength);
            assertTrue(frame == -1 || frame >= 0 && frame <= maxLength, "decompressed " + frame + " > " + maxLength);
            assertAllUntouched(dst, DST_AT + maxLength);
        }
    }

    private static byte[] mangled(byte[] block, SplittableRandom random) {
        byte[] copy = block.clone();
        switch (random.nextInt(5)) {
            case 0 -> {
                for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
                    copy[random.nextInt(copy.length)] ^= (byte) (1 + random.nextInt(255));
                }
            }
            case 1 -> copy = Arrays.copyOf(copy, random.nextInt(copy.length));
            case 2 -> {
                copy = Arrays.copyOf(copy, copy.length + 1 + random.nextInt(64));
                random.nextBytes(copy);
                System.arraycopy(block, 0, copy, 0, block.length);
            }
            // Long runs of 255 claim huge literal or match lengths.
            case 3 -> Arrays.fill(copy, random.nextInt(copy.length), copy.length, (byte) 0xff);
            default -> random.nextBytes(copy);
        }
        return copy;
    }

    /**
     * Once compiled, neither a successful compression, one that does not shrink, nor a
     * decompression allocates: they run for every frame.
     */
    @Test
    void steadyStateAllocatesNothing() {
        byte[] frame = SampleFrames.httpOverTcp(ETHERNET_MAX_FRAME);
        MemorySegment text = holding(frame);
        MemorySegment noise = holding(SampleFrames.random(ETHERNET_MAX_FRAME, 3));
        MemorySegment block = arena.allocate(ETHERNET_MAX_FRAME);
        MemorySegment dst = arena.allocate(ETHERNET_MAX_FRAME);
        Runnable round = () -> {
            int compressed = compressor.compress(text, SRC_AT, frame.length, block, 0);
            compressor.compress(noise, SRC_AT, frame.length, block, 0);
            compressor.decompress(block, 0, compressed, dst, 0, frame.length);
        };
        for (int i = 0; i < 20_000; i++) {
            round.run();
        }
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        int rounds = 10_000;
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < rounds; i++) {
            round.run();
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        // Under one byte a round: what the bean's own bookkeeping costs, never a buffer per call.
        assertTrue(allocated < rounds, "allocated " + allocated + " bytes in " + rounds + " rounds");
        assertArrayEquals(frame, bytes(dst, 0, frame.length));
    }

    /** Compresses and decompresses {@code frame} between three segments; returns the compressed length. */
    private int roundTrip(byte[] frame) {
        MemorySegment block = untouched(DST_AT + frame.length + GUARD);
        int compressed = compressor.compress(holding(frame), SRC_AT, frame.length, block, DST_AT);
        assertTrue(compressed > 0 && compressed < frame.length, "compressed " + frame.length + " to " + compressed);
        assertAllUntouched(block, DST_AT + compressed);
        MemorySegment restored = untouched(frame.length + GUARD);
        assertEquals(frame.length, compressor.decompress(block, DST_AT, compressed, restored, 0, frame.length));
        assertArrayEquals(frame, bytes(restored, 0, frame.length));
        return compressed;
    }

    private byte[] compressed(byte[] frame) {
        MemorySegment block = arena.allocate(frame.length);
        int length = compressor.compress(holding(frame), SRC_AT, frame.length, block, 0);
        return bytes(block, 0, length);
    }

    /** A segment holding {@code data} at {@link #SRC_AT}, between bytes that are not part of it. */
    private MemorySegment holding(byte[] data) {
        MemorySegment segment = untouched(SRC_AT + data.length + GUARD);
        MemorySegment.copy(data, 0, segment, ValueLayout.JAVA_BYTE, SRC_AT, data.length);
        return segment;
    }

    private MemorySegment untouched(long size) {
        return arena.allocate(size).fill(UNTOUCHED);
    }

    private static void assertAllUntouched(MemorySegment segment, long from) {
        for (long i = from; i < segment.byteSize(); i++) {
            if (segment.get(ValueLayout.JAVA_BYTE, i) != UNTOUCHED) {
                fail("byte " + i + " was written");
            }
        }
    }

    private static byte[] bytes(MemorySegment segment, long from, int length) {
        return segment.asSlice(from, length).toArray(ValueLayout.JAVA_BYTE);
    }
}
