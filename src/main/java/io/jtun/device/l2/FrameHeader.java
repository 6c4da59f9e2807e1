package io.jtun.device.l2;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The 4 bytes in front of each Ethernet frame inside jtun's encrypted layer-2 message (type 5,
 * docs/protocol.md):
 *
 * <pre>
 * 0        1          2                3
 * | flags  | reserved | length (u16, big endian) | frame (or its LZ4 block) ... | zero padding
 * </pre>
 *
 * The length is explicit because WireGuard pads every message to a multiple of 16 and an
 * Ethernet frame, unlike an IP packet, does not say how long it is. Flag bit 0 marks an LZ4
 * block; every other bit, and the reserved byte, must be zero, so that a later version can give
 * them a meaning that an older receiver refuses rather than misreads. The first byte is never 4x
 * or 6x, so a frame can never pass for an IPv4 or IPv6 packet.
 */
public final class FrameHeader {
    public static final int SIZE = 4;
    /** The frame that follows is an LZ4 block; its decompressed length is found by decompressing. */
    public static final int COMPRESSED = 0x01;
    /** The most bytes a header can announce. */
    public static final int MAX_LENGTH = 0xffff;

    private static final int FLAGS = 0;
    private static final int RESERVED = 1;
    private static final int LENGTH = 2;
    private static final ValueLayout.OfShort SHORT_BE =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private FrameHeader() {
    }

    /** Writes a header at {@code at} for {@code length} bytes of frame data. */
    public static void write(MemorySegment data, long at, int flags, int length) {
        data.set(ValueLayout.JAVA_BYTE, at + FLAGS, (byte) flags);
        data.set(ValueLayout.JAVA_BYTE, at + RESERVED, (byte) 0);
        data.set(SHORT_BE, at + LENGTH, (short) length);
    }

    /**
     * The size of header and frame data together as the header at {@code at} announces them, or
     * -1 when fewer than that many bytes are {@code available}, or the header sets a flag or
     * reserved bit this version does not know.
     */
    public static int messageLength(MemorySegment data, long at, int available) {
        if (available < SIZE) {
            return -1;
        }
        int flags = data.get(ValueLayout.JAVA_BYTE, at + FLAGS) & 0xff;
        int reserved = data.get(ValueLayout.JAVA_BYTE, at + RESERVED);
        int total = SIZE + (data.get(SHORT_BE, at + LENGTH) & 0xffff);
        return (flags & ~COMPRESSED) != 0 || reserved != 0 || total > available ? -1 : total;
    }

    /** Whether the (valid) header at {@code at} marks an LZ4 block. */
    public static boolean compressed(MemorySegment data, long at) {
        return (data.get(ValueLayout.JAVA_BYTE, at + FLAGS) & COMPRESSED) != 0;
    }
}
