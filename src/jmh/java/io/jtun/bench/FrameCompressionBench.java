package io.jtun.bench;

import io.jtun.device.l2.FrameCompressor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * LZ4 compression of one 1400-byte Ethernet frame with {@link FrameCompressor}, between native
 * segments as on the data path:
 *
 * <ul>
 *   <li>{@code compressText}, {@code decompressText}: a frame of JSON log lines, which shrinks to
 *       about 40 % of its size (1400 to some 570 bytes, as with lz4-java's encoder);
 *   <li>{@code compressRandom}: a frame of random bytes (as encrypted or already compressed
 *       traffic is), which does not shrink: the cost of trying;
 *   <li>{@code lz4JavaCompressText}: for reference, lz4-java's pure-Java encoder on the same frame,
 *       array to array (it allocates a 16 KiB table per call, which is why FrameCompressor has its
 *       own encoder; run with {@code -prof gc} to see it).
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Thread)
public class FrameCompressionBench {
    static final int FRAME = 1400;
    static final int MAX_FRAME = 65536 + 64;
    static final int HEADERS = 14 + 20 + 20;

    private final FrameCompressor compressor = new FrameCompressor(MAX_FRAME);
    private final LZ4Compressor lz4Java = LZ4Factory.safeInstance().fastCompressor();
    private Arena arena;
    private MemorySegment text;
    private MemorySegment random;
    private MemorySegment block;
    private int blockLength;
    private MemorySegment frame;
    private byte[] textArray;
    private byte[] lz4JavaBlock;

    @Setup(Level.Trial)
    public void setUp() {
        arena = Arena.ofConfined();
        textArray = jsonLines(FRAME);
        text = arena.allocate(FRAME);
        MemorySegment.copy(textArray, 0, text, ValueLayout.JAVA_BYTE, 0, FRAME);
        byte[] noise = new byte[FRAME];
        new SplittableRandom(11).nextBytes(noise);
        random = arena.allocate(FRAME);
        MemorySegment.copy(noise, 0, random, ValueLayout.JAVA_BYTE, 0, FRAME);
        block = arena.allocate(FRAME);
        frame = arena.allocate(FRAME);
        blockLength = compressText();
        lz4JavaBlock = new byte[lz4Java.maxCompressedLength(FRAME)];
        if (blockLength < 0 || compressRandom() != -1 || decompressText() != FRAME) {
            throw new IllegalStateException("the samples do not behave as the benchmark assumes");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    /**
     * Log lines of one shape with varying values, after 54 random bytes standing for the frame's
     * Ethernet, IPv4 and TCP headers.
     */
    static byte[] jsonLines(int length) {
        SplittableRandom values = new SplittableRandom(5);
        byte[] frame = new byte[length];
        values.nextBytes(frame);
        StringBuilder lines = new StringBuilder();
        while (lines.length() < length - HEADERS) {
            lines.append("{\"ts\":").append(1_760_000_000 + values.nextInt(100_000))
                    .append(",\"host\":\"web-").append(values.nextInt(8))
                    .append("\",\"path\":\"/api/v1/items/").append(values.nextInt(10_000))
                    .append("\",\"status\":").append(values.nextBoolean() ? 200 : 404)
                    .append(",\"bytes\":").append(values.nextInt(65_536)).append("}\n");
        }
        byte[] text = lines.toString().getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(text, 0, frame, HEADERS, length - HEADERS);
        return frame;
    }

    @Benchmark
    public int compressText() {
        return compressor.compress(text, 0, FRAME, block, 0);
    }

    @Benchmark
    public int decompressText() {
        return compressor.decompress(block, 0, blockLength, frame, 0, FRAME);
    }

    @Benchmark
    public int compressRandom() {
        return compressor.compress(random, 0, FRAME, block, 0);
    }

    @Benchmark
    public int lz4JavaCompressText() {
        return lz4Java.compress(textArray, 0, FRAME, lz4JavaBlock, 0, lz4JavaBlock.length);
    }
}
