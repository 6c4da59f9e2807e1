package io.jtun.device.l2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.jtun.fuzz.FuzzFindings;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Fuzz target: what a {@code Mode = tap} interface does with a decrypted type-5 message before
 * the frame reaches the switch: the {@link FrameHeader} (length, flags), and for a compressed
 * frame {@link FrameCompressor#decompress} of an LZ4 block that any peer can craft. Also the
 * other way, {@link FrameCompressor#compress} of any frame, in place as the sender does it.
 *
 * <p>Input: byte 0 bit 0 picks received (0) or sent (1); received inputs are the message content
 * (header, then the frame or LZ4 block, then padding), after a 2-byte limit standing for the
 * longest frame the caller accepts. Buffers are native segments of exactly their size, so any
 * access past them throws.
 *
 * <p>The property: a header's length never exceeds what arrived; decompression returns -1 or a
 * length within the limit and writes nothing past it (a guard area behind it stays intact);
 * compressing then decompressing gives the frame back.
 */
@ExtendWith(FuzzFindings.class)
class FrameFuzzTest {
    /** As InboundLoop sizes its decompressor and frame buffer: a batch slot. */
    private static final int SLOT = 65536 + 64 + 64;
    private static final int GUARD = 256;
    private static final FrameCompressor COMPRESSOR = new FrameCompressor(SLOT);

    @FuzzTest
    void frame(byte[] input) {
        if (input.length == 0) {
            return;
        }
        try (Arena arena = Arena.ofConfined()) {
            if ((input[0] & 1) == 0) {
                received(arena, input);
            } else {
                sent(arena, input);
            }
        }
    }

    private static void received(Arena arena, byte[] input) {
        if (input.length < 3) {
            return;
        }
        int limit = ((input[1] & 0xff) << 8 | (input[2] & 0xff)) % (FrameHeader.MAX_LENGTH + 1);
        int available = input.length - 3;
        MemorySegment content = arena.allocate(Math.max(available, 1));
        MemorySegment.copy(input, 3, content, ValueLayout.JAVA_BYTE, 0, available);
        int message = FrameHeader.messageLength(content, 0, available);
        assertTrue(message == -1 || message >= FrameHeader.SIZE && message <= available, "message of " + message);
        if (message < 0 || !FrameHeader.compressed(content, 0)) {
            return;
        }
        int block = message - FrameHeader.SIZE;
        MemorySegment out = arena.allocate(limit + GUARD);
        out.fill((byte) 0xa5);
        int frame = COMPRESSOR.decompress(content, FrameHeader.SIZE, block, out, 0, limit);
        assertTrue(frame == -1 || frame >= 0 && frame <= limit, "frame of " + frame + ", limit " + limit);
        for (long i = Math.max(frame, 0); i < out.byteSize(); i++) {
            assertEquals((byte) 0xa5, out.get(ValueLayout.JAVA_BYTE, i), "byte " + i + " past the frame");
        }
        if (frame > 0) {
            // What came out goes back in and out unchanged.
            roundTrip(arena, out.asSlice(0, frame).toArray(ValueLayout.JAVA_BYTE));
        }
    }

    private static void sent(Arena arena, byte[] input) {
        byte[] frame = new byte[input.length - 1];
        System.arraycopy(input, 1, frame, 0, frame.length);
        roundTrip(arena, frame);
    }

    private static void roundTrip(Arena arena, byte[] frame) {
        if (frame.length > FrameHeader.MAX_LENGTH) {
            return;
        }
        MemorySegment buffer = arena.allocate(Math.max(frame.length, 1));
        MemorySegment.copy(frame, 0, buffer, ValueLayout.JAVA_BYTE, 0, frame.length);
        int compressed = COMPRESSOR.compress(buffer, 0, frame.length, buffer, 0); // in place, as the sender does
        if (compressed < 0) {
            assertArrayEquals(frame, buffer.asSlice(0, frame.length).toArray(ValueLayout.JAVA_BYTE), "left untouched");
            return;
        }
        assertTrue(compressed < frame.length, compressed + " of " + frame.length);
        MemorySegment out = arena.allocate(frame.length + GUARD);
        int back = COMPRESSOR.decompress(buffer, 0, compressed, out, 0, FrameHeader.MAX_LENGTH);
        assertEquals(frame.length, back, "decompressed length");
        assertArrayEquals(frame, out.asSlice(0, back).toArray(ValueLayout.JAVA_BYTE), "decompressed frame");
    }
}
