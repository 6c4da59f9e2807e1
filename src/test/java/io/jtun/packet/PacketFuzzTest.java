package io.jtun.packet;

import static io.jtun.packet.PacketBuilder.ICMP;
import static io.jtun.packet.PacketBuilder.ICMPV6;
import static io.jtun.packet.PacketBuilder.TCP;
import static io.jtun.packet.PacketBuilder.UDP;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Throws random and mutated packets at the decoder and the responder. The decoder is called
 * without {@link PacketSummary#describe}'s safety net so any exception shows up here.
 */
class PacketFuzzTest {
    private static final LinkType[] LINKS = LinkType.values();

    @Test
    void randomBytes() {
        Random random = new Random(0x6a74756eL);
        for (int i = 0; i < 100_000; i++) {
            byte[] buf = new byte[random.nextInt(400)];
            random.nextBytes(buf);
            int offset = buf.length == 0 ? 0 : random.nextInt(buf.length + 1);
            int length = random.nextInt(buf.length - offset + 1);
            LinkType link = LINKS[random.nextInt(LINKS.length)];
            // Give random bytes a plausible first nibble most of the time so they reach the IP decoders.
            if (length > 0 && link == LinkType.RAW_IP && random.nextInt(4) != 0) {
                buf[offset] = (byte) ((random.nextBoolean() ? 0x40 : 0x60) | (buf[offset] & 0x0f));
            }
            check(buf, offset, length, link);
        }
    }

    @Test
    void mutatedPackets() {
        Random random = new Random(42);
        List<Sample> corpus = corpus();
        for (int i = 0; i < 300_000; i++) {
            Sample sample = corpus.get(random.nextInt(corpus.size()));
            byte[] p = sample.bytes().clone();
            int mutations = 1 + random.nextInt(4);
            for (int m = 0; m < mutations && p.length > 0; m++) {
                // Headers are where the decoders branch, so aim most mutations at the first 80 bytes.
                int at = random.nextInt(random.nextInt(3) == 0 ? p.length : Math.min(p.length, 80));
                switch (random.nextInt(4)) {
                    case 0 -> p[at] = (byte) random.nextInt(256);
                    case 1 -> p[at] ^= (byte) (1 << random.nextInt(8));
                    case 2 -> p[at] = (byte) (random.nextBoolean() ? 0 : 0xff);
                    default -> p[at] = (byte) (p[at] + (random.nextBoolean() ? 1 : -1));
                }
            }
            int length = random.nextInt(3) == 0 ? random.nextInt(p.length + 1) : p.length;
            byte[] framed = new byte[length + 16];
            int offset = random.nextInt(17);
            System.arraycopy(p, 0, framed, offset, length);
            check(framed, offset, length, sample.link());
        }
    }

    @Test
    void unmutatedCorpusDecodesWithoutFallback() {
        for (Sample s : corpus()) {
            String summary = PacketSummary.decode(s.bytes(), 0, s.bytes().length, s.link());
            assertFalse(summary.startsWith("unknown"), summary);
        }
    }

    private static void check(byte[] buf, int offset, int length, LinkType link) {
        String summary;
        try {
            summary = PacketSummary.decode(buf, offset, length, link);
        } catch (RuntimeException e) {
            throw new AssertionError("decoder threw on " + link + " "
                    + HexFormat.of().formatHex(buf, offset, offset + length), e);
        }
        assertFalse(summary.isEmpty());
        assertFalse(summary.contains("\n"), summary);
        assertEquals(summary, PacketSummary.describe(buf, offset, length, link));

        byte[] before = buf.clone();
        int reply;
        try {
            reply = EchoResponder.reply(buf, offset, length, link);
        } catch (RuntimeException e) {
            throw new AssertionError("responder threw on " + link + " "
                    + HexFormat.of().formatHex(before, offset, offset + length), e);
        }
        if (reply < 0) {
            assertArrayEquals(before, buf, "a refused packet must be left untouched");
        } else {
            assertTrue(offset + reply <= buf.length);
            String answer = PacketSummary.decode(buf, offset, reply, link);
            if (!answer.toLowerCase(Locale.ROOT).contains("reply") && !answer.contains("advertisement")) {
                fail("odd reply " + answer + " to " + summary);
            }
        }
    }

    record Sample(byte[] bytes, LinkType link) {
    }

    private static List<Sample> corpus() {
        List<byte[]> ip = new ArrayList<>();
        ip.add(PacketSummaryTest.REAL_PING);
        ip.add(PacketBuilder.ipv4("10.0.0.1", "10.0.0.2", TCP, PacketBuilder.tcp(1, 2, 3, 4, 0x18, 5, 3, new byte[30])));
        ip.add(PacketBuilder.ipv4("10.0.0.1", "10.0.0.2").options(new byte[8]).packet(UDP, PacketBuilder.udp(1, 2, new byte[9])));
        ip.add(PacketBuilder.ipv4("10.0.0.1", "10.0.0.2").id(9).fragment(0, true).packet(UDP, PacketBuilder.udp(1, 2, new byte[40])));
        ip.add(PacketBuilder.ipv4("10.0.0.1", "10.0.0.2").id(9).fragment(1480, false).packet(TCP, new byte[40]));
        ip.add(PacketBuilder.ipv4("10.0.0.1", "10.0.0.2", ICMP, PacketBuilder.icmp(3, 4, new byte[4], new byte[28])));
        ip.add(PacketBuilder.ipv4("10.0.0.1", "10.0.0.2", ICMP, PacketBuilder.icmp(12, 0, new byte[4], new byte[28])));
        ip.add(PacketBuilder.ipv4("10.0.0.1", "10.0.0.2", 4, PacketSummaryTest.REAL_PING));
        ip.add(PacketBuilder.ipv6("fd00::1", "fd00::2", ICMPV6, PacketBuilder.icmpv6Echo(true, 1, 2, new byte[20])));
        ip.add(PacketBuilder.ipv6("fd00::1", "ff02::1:ff00:2").hopLimit(255).packet(ICMPV6,
                PacketBuilder.neighborSolicitation("fd00::2", "02:00:00:00:00:01")));
        ip.add(PacketBuilder.ipv6("fd00::1", "fd00::2").extension(0, 1).extension(43, 2).extension(60, 1)
                .fragment(7, 0, true).packet(TCP, PacketBuilder.tcp(1, 2, 3, 4, 0x02, 5, new byte[0])));
        ip.add(PacketBuilder.ipv6("fd00::1", "fd00::2").fragment(7, 64, false).packet(UDP, new byte[30]));
        ip.add(PacketBuilder.ipv6("fd00::1", "fd00::2", ICMPV6, PacketBuilder.icmpv6(137, 0, new byte[36])));
        ip.add(PacketBuilder.ipv6("fd00::1", "fd00::2", 41,
                PacketBuilder.ipv6("fd00::3", "fd00::4", UDP, PacketBuilder.udp(1, 2, new byte[3]))));
        ip.add(PacketBuilder.ipv4("10.0.0.1", "10.0.0.2", 41,
                PacketBuilder.ipv6("fd00::3", "fd00::4", ICMPV6, PacketBuilder.icmpv6(2, 0, new byte[8]))));

        List<Sample> samples = new ArrayList<>();
        for (byte[] p : ip) {
            samples.add(new Sample(p, LinkType.RAW_IP));
            int type = (p[0] >> 4) == 6 ? 0x86dd : 0x0800;
            samples.add(new Sample(PacketBuilder.ethernet("02:00:00:00:00:02", "02:00:00:00:00:01", type, p),
                    LinkType.ETHERNET));
            samples.add(new Sample(PacketBuilder.ethernetVlan("02:00:00:00:00:02", "02:00:00:00:00:01", 5, 1, type, p),
                    LinkType.ETHERNET));
        }
        byte[] arp = PacketBuilder.arp(1, "02:00:00:00:00:01", "10.0.0.1", "00:00:00:00:00:00", "10.0.0.2");
        samples.add(new Sample(PacketBuilder.ethernet("ff:ff:ff:ff:ff:ff", "02:00:00:00:00:01", 0x0806, arp),
                LinkType.ETHERNET));
        samples.add(new Sample(PacketBuilder.ethernet("ff:ff:ff:ff:ff:ff", "02:00:00:00:00:01", 0x0806,
                PacketBuilder.concat(arp, new byte[18])), LinkType.ETHERNET));
        samples.add(new Sample(PacketBuilder.ethernet("33:33:ff:00:00:02", "02:00:00:00:00:01", 0x86dd,
                PacketBuilder.ipv6("fd00::1", "ff02::1:ff00:2").hopLimit(255).packet(ICMPV6,
                        PacketBuilder.neighborSolicitation("fd00::2", null))), LinkType.ETHERNET));
        return samples;
    }
}
