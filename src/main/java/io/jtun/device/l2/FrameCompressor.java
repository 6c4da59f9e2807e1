package io.jtun.device.l2;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

/**
 * LZ4 block compression of one Ethernet frame, from one place in native memory to another, for the
 * optional compression of frames on encrypted TAP interfaces. The caller flags which frames it
 * sent compressed, and counts.
 *
 * <p>Compression is {@link Lz4BlockEncoder}'s; decompression is lz4-java's pure-Java safe decoder
 * ({@link LZ4Factory#safeInstance()}: no JNI, since jtun reaches native code only through FFM, and no
 * {@code sun.misc.Unsafe}, which JDK 25 warns about). Both work on heap arrays, so each call copies
 * its input into a scratch array and its result out of one: that is also what makes it safe to
 * compress or decompress a frame in place.
 *
 * <p>Not thread-safe: the scratch arrays and the encoder's table are the instance's own; give each
 * thread its own instance. Once warmed up, no call allocates.
 */
public final class FrameCompressor {
    /**
     * Frames shorter than this are not compressed. Ethernet's smallest frame is 60 bytes, so these
     * are minimum-size frames (ARP, a bare TCP ACK padded to 60): headers of addresses, sequence
     * numbers and checksums with hardly a four-byte repeat for LZ4 to find, and a saving of a few
     * bytes at most on a packet that carries some 60 bytes of tunnel overhead anyway.
     */
    public static final int MIN_FRAME = 64;

    private final Lz4BlockEncoder encoder = new Lz4BlockEncoder();
    private final LZ4SafeDecompressor decoder = LZ4Factory.safeInstance().safeDecompressor();
    private final byte[] in;
    private final byte[] out;

    /**
     * @param maxFrame the longest frame this instance compresses or decompresses, e.g. 65536 + 64;
     *     it sizes the two scratch arrays
     */
    public FrameCompressor(int maxFrame) {
        if (maxFrame < MIN_FRAME) {
            throw new IllegalArgumentException("maxFrame " + maxFrame + " is below " + MIN_FRAME);
        }
        in = new byte[maxFrame];
        out = new byte[maxFrame];
    }

    /**
     * Compresses {@code src[from, from + length)} and writes the result at {@code dst[to]} if it is
     * strictly shorter than {@code length}. {@code src} and {@code dst} may be the same segment,
     * overlapping ranges included.
     *
     * @param length the frame's length, at most {@code maxFrame}
     * @return the compressed length, or -1 if the frame is shorter than {@link #MIN_FRAME} or would
     *     not shrink; then {@code dst} is left untouched
     * @throws IllegalArgumentException if {@code length} is negative or above {@code maxFrame}
     */
    public int compress(MemorySegment src, long from, int length, MemorySegment dst, long to) {
        if (length < 0 || length > in.length) {
            throw new IllegalArgumentException("frame length " + length + " is not in [0, " + in.length + "]");
        }
        if (length < MIN_FRAME) {
            return -1;
        }
        MemorySegment.copy(src, ValueLayout.JAVA_BYTE, from, in, 0, length);
        int compressed = encoder.encode(in, length, out, length - 1);
        if (compressed < 0) {
            return -1;
        }
        MemorySegment.copy(out, 0, dst, ValueLayout.JAVA_BYTE, to, compressed);
        return compressed;
    }

    /**
     * Decompresses the LZ4 block {@code src[from, from + length)} to {@code dst[to]}. The block comes
     * from the network, so whatever it holds this returns -1 rather than throw, and never writes past
     * {@code dst[to + maxLength)}. The ranges may overlap.
     *
     * @param length the compressed length
     * @param maxLength the longest frame the caller accepts; {@code dst} must have room for it (or
     *     for {@code maxFrame} bytes, if that is less)
     * @return the frame's length, or -1 if the block is empty, malformed, {@code maxFrame} bytes or
     *     longer (no frame compresses to that), or decompresses to more than {@code maxLength} or
     *     {@code maxFrame} bytes
     * @throws IllegalArgumentException if {@code length} or {@code maxLength} is negative
     */
    public int decompress(MemorySegment src, long from, int length, MemorySegment dst, long to, int maxLength) {
        if (length < 0 || maxLength < 0) {
            throw new IllegalArgumentException("negative length " + length + " or maxLength " + maxLength);
        }
        // A compressed frame is shorter than the frame, so never as long as the scratch array.
        if (length == 0 || length >= in.length) {
            return -1;
        }
        MemorySegment.copy(src, ValueLayout.JAVA_BYTE, from, in, 0, length);
        int frame;
        try {
            frame = decoder.decompress(in, 0, length, out, 0, Math.min(maxLength, out.length));
        } catch (RuntimeException malformed) {
            // LZ4Exception as a rule; anything else a crafted block might provoke is just as malformed.
            return -1;
        }
        MemorySegment.copy(out, 0, dst, ValueLayout.JAVA_BYTE, to, frame);
        return frame;
    }
}
