package io.jtun.conn;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemorySegment;

/**
 * The two ancillary messages of the UDP offloads, written and read in place in a
 * {@link MessageVector}'s control area: UDP_SEGMENT (sent: "cut this message into datagrams of
 * n bytes") and UDP_GRO (received: "this message holds datagrams of n bytes").
 *
 * <p>Layout of LP64 Linux: {@code struct cmsghdr { size_t cmsg_len; int cmsg_level; int cmsg_type; }}
 * (16 bytes) followed by the data; each message is padded to 8 bytes (CMSG_ALIGN).
 */
final class ControlMessages {
    /** The socket option level of UDP (IPPROTO_UDP). */
    static final int SOL_UDP = 17;
    /** Socket option and ancillary message: the segment size for sending (linux/udp.h). */
    static final int UDP_SEGMENT = 103;
    /** Socket option to receive coalesced trains, and the ancillary message that describes one. */
    static final int UDP_GRO = 104;
    /** msg_flags bit: the control buffer was too small for what the kernel wanted to say. */
    static final int MSG_CTRUNC = 0x8;

    /** sizeof(struct cmsghdr), already a multiple of the 8-byte alignment: CMSG_LEN(0). */
    static final int HEADER_SIZE = 16;
    /** CMSG_LEN(sizeof(uint16_t)): what the kernel insists cmsg_len of UDP_SEGMENT is. */
    static final int SEGMENT_LENGTH = HEADER_SIZE + Short.BYTES;
    /** CMSG_SPACE(sizeof(uint16_t)): the msg_controllen of a message carrying UDP_SEGMENT. */
    static final int SEGMENT_SPACE = 24;
    /**
     * Control room per message: the 24 bytes UDP_GRO needs (CMSG_SPACE(sizeof(int))) with room
     * to spare, so an unexpected extra message never truncates the one that matters; one cache line.
     */
    static final int ROOM = 64;

    private static final long LEN = 0;
    private static final long LEVEL = 8;
    private static final long TYPE = 12;
    private static final int ALIGN_MASK = 7;
    private static final int SEGMENT_MASK = 0xffff;

    private ControlMessages() {
    }

    /**
     * Writes a UDP_SEGMENT message for {@code segmentSize} at {@code off}.
     *
     * @return the msg_controllen to use: {@link #SEGMENT_SPACE}
     */
    static int writeSegmentSize(MemorySegment control, long off, int segmentSize) {
        control.set(JAVA_LONG, off + LEN, SEGMENT_LENGTH);
        control.set(JAVA_INT, off + LEVEL, SOL_UDP);
        control.set(JAVA_INT, off + TYPE, UDP_SEGMENT);
        control.set(JAVA_SHORT, off + HEADER_SIZE, (short) segmentSize);
        // The padding after the value is never read; clear it anyway so the buffer is deterministic.
        control.set(JAVA_SHORT, off + HEADER_SIZE + Short.BYTES, (short) 0);
        control.set(JAVA_INT, off + HEADER_SIZE + Integer.BYTES, 0);
        return SEGMENT_SPACE;
    }

    /**
     * The size of each datagram of a received train: the value of the UDP_GRO message among the
     * {@code length} bytes of control data at {@code off}, or 0 when there is none.
     */
    static int receivedSegmentSize(MemorySegment control, long off, long length) {
        long at = 0;
        while (at + HEADER_SIZE <= length) {
            long messageLength = control.get(JAVA_LONG, off + at + LEN);
            if (messageLength < HEADER_SIZE || at + messageLength > length) {
                return 0;
            }
            if (control.get(JAVA_INT, off + at + LEVEL) == SOL_UDP && control.get(JAVA_INT, off + at + TYPE) == UDP_GRO
                    && messageLength >= HEADER_SIZE + Integer.BYTES) {
                return control.get(JAVA_INT, off + at + HEADER_SIZE);
            }
            at += (messageLength + ALIGN_MASK) & ~ALIGN_MASK;
        }
        return 0;
    }

    /** The segment size a UDP_SEGMENT message at {@code off} carries (for tests and checks). */
    static int segmentSize(MemorySegment control, long off) {
        return control.get(JAVA_SHORT, off + HEADER_SIZE) & SEGMENT_MASK;
    }
}
