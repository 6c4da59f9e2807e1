package io.jtun.conn;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/** The cmsg layouts, byte by byte, as a C program using CMSG_FIRSTHDR/CMSG_NXTHDR would see them. */
class ControlMessagesTest {
    private static final int SOL_IP = 0;
    private static final int IP_TOS = 1;

    @Test
    void writesUdpSegmentAsTheKernelExpectsIt() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment control = arena.allocate(ControlMessages.ROOM * 2L, 8);
            control.fill((byte) 0x5a);
            assertEquals(24, ControlMessages.writeSegmentSize(control, 64, 1452));
            assertEquals(18L, control.get(JAVA_LONG, 64), "cmsg_len = CMSG_LEN(sizeof(uint16_t))");
            assertEquals(17, control.get(JAVA_INT, 72), "SOL_UDP");
            assertEquals(103, control.get(JAVA_INT, 76), "UDP_SEGMENT");
            assertEquals((short) 1452, control.get(JAVA_SHORT, 80));
            assertEquals(0, control.get(JAVA_SHORT, 82));
            assertEquals(0, control.get(JAVA_INT, 84));
            assertEquals(1452, ControlMessages.segmentSize(control, 64));
            assertEquals(0x5a5a5a5a, control.get(JAVA_INT, 60), "nothing written before the entry");
            assertEquals(0x5a5a5a5a, control.get(JAVA_INT, 88), "nothing written past CMSG_SPACE");
            ControlMessages.writeSegmentSize(control, 0, 65507);
            assertEquals(65507, ControlMessages.segmentSize(control, 0));
        }
    }

    private static long put(MemorySegment control, long at, int level, int type, int value, int dataLength) {
        long length = ControlMessages.HEADER_SIZE + dataLength;
        control.set(JAVA_LONG, at, length);
        control.set(JAVA_INT, at + 8, level);
        control.set(JAVA_INT, at + 12, type);
        control.set(JAVA_INT, at + 16, value);
        return at + ((length + 7) & ~7);
    }

    @Test
    void findsUdpGroAmongOtherMessages() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment control = arena.allocate(ControlMessages.ROOM, 8);
            assertEquals(0, ControlMessages.receivedSegmentSize(control, 0, 0), "no control data");

            long end = put(control, 0, 17, 104, 1000, Integer.BYTES);
            assertEquals(24, end, "CMSG_SPACE(sizeof(int))");
            assertEquals(1000, ControlMessages.receivedSegmentSize(control, 0, end));

            // Behind a message of another level (1-byte data, so the next one starts padded at 24).
            end = put(control, 0, SOL_IP, IP_TOS, 0, 1);
            end = put(control, end, 17, 104, 1280, Integer.BYTES);
            assertEquals(48, end);
            assertEquals(1280, ControlMessages.receivedSegmentSize(control, 0, end));
            // The same bytes, but msg_controllen says the second message was cut off.
            assertEquals(1280, ControlMessages.receivedSegmentSize(control, 0, end - 4), "its padding may be left out");
            assertEquals(0, ControlMessages.receivedSegmentSize(control, 0, end - 5));
            assertEquals(0, ControlMessages.receivedSegmentSize(control, 0, 24));
            // UDP_SEGMENT is not UDP_GRO.
            end = put(control, 0, 17, 103, 1000, Short.BYTES);
            assertEquals(0, ControlMessages.receivedSegmentSize(control, 0, end));
        }
    }

    @Test
    void stopsAtAMalformedLength() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment control = arena.allocate(ControlMessages.ROOM, 8);
            put(control, 0, 17, 104, 1000, Integer.BYTES);
            control.set(JAVA_LONG, 0, 8L); // shorter than a cmsghdr: would loop forever if trusted
            assertEquals(0, ControlMessages.receivedSegmentSize(control, 0, 24));
            control.set(JAVA_LONG, 0, 1L << 40);
            assertEquals(0, ControlMessages.receivedSegmentSize(control, 0, 24));
            control.set(JAVA_LONG, 0, 17L); // too short to hold an int
            assertEquals(0, ControlMessages.receivedSegmentSize(control, 0, 24));
        }
    }
}
