package io.jtun.packet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PcapWriterTest {
    /** 2024-06-10T06:13:20.123456Z. */
    private static final long T0 = 1_718_000_000_123_456L;

    @TempDir
    Path dir;

    @Test
    void writesGlobalHeaderAndRecords() throws Exception {
        Path file = dir.resolve("a.pcap");
        byte[] big = PacketBuilder.sequence(PcapWriter.SNAPLEN + 100);
        byte[] framed = PacketBuilder.concat(new byte[5], PacketSummaryTest.REAL_PING, new byte[3]);
        try (PcapWriter w = new PcapWriter(file, LinkType.RAW_IP)) {
            w.write(T0, framed, 5, PacketSummaryTest.REAL_PING.length);
            // Written through: visible in the file before close.
            assertEquals(24 + 16 + 84, Files.size(file));
            w.write(T0 + 1_000_001, new byte[0], 0, 0);
            w.write(-1, big, 0, big.length);
        }

        byte[] raw = Files.readAllBytes(file);
        assertArrayEquals(new byte[] {(byte) 0xd4, (byte) 0xc3, (byte) 0xb2, (byte) 0xa1}, Arrays.copyOf(raw, 4));
        ByteBuffer in = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0xa1b2c3d4, in.getInt());
        assertEquals(2, in.getShort());
        assertEquals(4, in.getShort());
        assertEquals(0, in.getInt(), "thiszone");
        assertEquals(0, in.getInt(), "sigfigs");
        assertEquals(262144, in.getInt(), "snaplen");
        assertEquals(101, in.getInt(), "network");

        assertRecord(in, 1_718_000_000, 123_456, PacketSummaryTest.REAL_PING, 84);
        assertRecord(in, 1_718_000_001, 123_457, new byte[0], 0);
        // -1 µs is one microsecond before the epoch: second -1, 999999 µs.
        assertRecord(in, -1, 999_999, Arrays.copyOf(big, PcapWriter.SNAPLEN), big.length);
        assertEquals(0, in.remaining());
    }

    @Test
    void ethernetLinkType() throws Exception {
        Path file = dir.resolve("e.pcap");
        PcapWriter w = new PcapWriter(file, LinkType.ETHERNET);
        assertEquals(24, Files.size(file));
        w.close();
        ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(1, in.getInt(20));
    }

    @Test
    void truncatesExistingFile() throws Exception {
        Path file = dir.resolve("t.pcap");
        Files.write(file, new byte[1000]);
        new PcapWriter(file, LinkType.RAW_IP).close();
        assertEquals(24, Files.size(file));
    }

    @Test
    void errorsAreUnchecked() {
        assertThrows(UncheckedIOException.class, () -> new PcapWriter(dir.resolve("missing/x.pcap"), LinkType.RAW_IP));
        PcapWriter w = new PcapWriter(dir.resolve("c.pcap"), LinkType.RAW_IP);
        w.close();
        assertThrows(UncheckedIOException.class, () -> w.write(0, new byte[1], 0, 1));
        assertThrows(IndexOutOfBoundsException.class, () -> {
            try (PcapWriter w2 = new PcapWriter(dir.resolve("d.pcap"), LinkType.RAW_IP)) {
                w2.write(0, new byte[4], 2, 3);
            }
        });
    }

    @Test
    void tcpdumpReadsTheFileWhileItIsOpen() throws Exception {
        Optional<Path> tcpdump = Tcpdump.find();
        Assumptions.assumeTrue(tcpdump.isPresent(), "tcpdump not installed");
        Path file = dir.resolve("live.pcap");
        try (PcapWriter w = new PcapWriter(file, LinkType.RAW_IP)) {
            w.write(T0, PacketSummaryTest.REAL_PING, 0, PacketSummaryTest.REAL_PING.length);
            List<String> lines = Tcpdump.read(tcpdump.get(), file, "-n", "-tt");
            assertEquals(1, lines.size(), lines.toString());
            assertEquals("1718000000.123456 " + PacketSummaryTest.REAL_PING_SUMMARY, lines.getFirst());
        }
    }

    @Test
    void tcpdumpReadsEthernetFile() throws Exception {
        Optional<Path> tcpdump = Tcpdump.find();
        Assumptions.assumeTrue(tcpdump.isPresent(), "tcpdump not installed");
        Path file = dir.resolve("ether.pcap");
        byte[] frame = PacketBuilder.ethernet("02:00:00:00:00:02", "02:00:00:00:00:01", 0x0800,
                PacketSummaryTest.REAL_PING);
        try (PcapWriter w = new PcapWriter(file, LinkType.ETHERNET)) {
            w.write(T0, frame, 0, frame.length);
        }
        List<String> lines = Tcpdump.read(tcpdump.get(), file, "-n", "-t");
        assertEquals(List.of(PacketSummaryTest.REAL_PING_SUMMARY), lines);
    }

    private static void assertRecord(ByteBuffer in, long sec, int usec, byte[] data, int origLen) {
        assertEquals(sec, in.getInt(), "ts_sec");
        assertEquals(usec, in.getInt(), "ts_usec");
        assertEquals(data.length, in.getInt(), "incl_len");
        assertEquals(origLen, in.getInt(), "orig_len");
        byte[] got = new byte[data.length];
        in.get(got);
        assertArrayEquals(data, got);
        assertTrue(in.remaining() >= 0);
    }
}
