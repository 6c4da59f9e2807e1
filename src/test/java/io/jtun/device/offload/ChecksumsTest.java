package io.jtun.device.offload;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jtun.packet.Checksum;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The data path's checksum over native memory against the packet package's array-based one. */
class ChecksumsTest {
    @Test
    void agreesWithThePlainChecksumForEveryLengthAndOffset() {
        Random random = new Random(11);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment memory = arena.allocate(4096);
            byte[] bytes = new byte[4096];
            for (int round = 0; round < 3000; round++) {
                random.nextBytes(bytes);
                if (round % 10 == 0) {
                    java.util.Arrays.fill(bytes, (byte) 0xff); // all-ones words: carries everywhere
                }
                MemorySegment.copy(bytes, 0, memory, ValueLayout.JAVA_BYTE, 0, bytes.length);
                int offset = random.nextInt(64);
                int length = round < 200 ? round : random.nextInt(4000);
                long initial = random.nextInt(1 << 20);
                assertEquals(Checksum.finish(Checksum.sum(initial, bytes, offset, length)),
                        Checksums.finish(Checksums.add(initial, memory, offset, length)) & 0xffff,
                        "offset " + offset + ", length " + length);
            }
        }
    }
}
