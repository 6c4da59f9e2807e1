package io.jtun.packet;

import static io.jtun.packet.PacketBuilder.ICMP;
import static io.jtun.packet.PacketBuilder.ICMPV6;
import static io.jtun.packet.PacketBuilder.TCP;
import static io.jtun.packet.PacketBuilder.arp;
import static io.jtun.packet.PacketBuilder.bytes;
import static io.jtun.packet.PacketBuilder.concat;
import static io.jtun.packet.PacketBuilder.ethernet;
import static io.jtun.packet.PacketBuilder.ethernetVlan;
import static io.jtun.packet.PacketBuilder.icmpEcho;
import static io.jtun.packet.PacketBuilder.icmpv6Echo;
import static io.jtun.packet.PacketBuilder.ipv4;
import static io.jtun.packet.PacketBuilder.ipv6;
import static io.jtun.packet.PacketBuilder.mac;
import static io.jtun.packet.PacketBuilder.neighborSolicitation;
import static io.jtun.packet.PacketBuilder.sequence;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class EchoResponderTest {
    private static final String M = EchoResponder.RESPONDER_MAC;
    private static final String PEER_MAC = "aa:bb:cc:dd:ee:01";
    private static final String LOCAL_MAC = "02:00:00:00:00:99";

    @Test
    void responderMacIsLocallyAdministeredUnicast() {
        byte[] m = EchoResponder.responderMac();
        assertArrayEquals(mac("02:6a:74:75:6e:01"), m);
        assertEquals(0x02, m[0] & 0x03, "locally administered, unicast");
        m[0] = 0x55;
        assertEquals(0x02, EchoResponder.responderMac()[0], "callers get a copy");
    }

    @Nested
    class RawIpv4 {
        @Test
        void realPing() {
            byte[] p = PacketSummaryTest.REAL_PING.clone();
            assertEquals(84, EchoResponder.reply(p, 0, p.length, LinkType.RAW_IP));
            assertEquals("IP 192.168.3.12 > 192.168.3.11: ICMP echo reply, id 24028, seq 1, length 64",
                    PacketSummary.describe(p, LinkType.RAW_IP));
            assertValidIpv4Icmp(p, 0);
            assertEquals(64, p[8]);
            // Only TTL, checksums, addresses and the ICMP type change; the payload is echoed as is.
            assertArrayEquals(Arrays.copyOfRange(PacketSummaryTest.REAL_PING, 24, 84), Arrays.copyOfRange(p, 24, 84));
            assertArrayEquals(Arrays.copyOfRange(PacketSummaryTest.REAL_PING, 0, 8), Arrays.copyOfRange(p, 0, 8));
        }

        @Test
        void replyAtOffsetLeavesSurroundingsAlone() {
            byte[] buf = concat(sequence(7), PacketSummaryTest.REAL_PING, sequence(9));
            assertEquals(84, EchoResponder.reply(buf, 7, 84, LinkType.RAW_IP));
            assertArrayEquals(sequence(7), Arrays.copyOf(buf, 7));
            assertArrayEquals(sequence(9), Arrays.copyOfRange(buf, 91, 100));
            assertValidIpv4Icmp(buf, 7);
        }

        @Test
        void optionsAreKept() {
            byte[] options = bytes(1, 1, 1, 0);
            byte[] p = ipv4("10.0.0.1", "10.0.0.2").ttl(3).options(options)
                    .packet(ICMP, icmpEcho(true, 5, 6, sequence(11)));
            assertEquals(p.length, EchoResponder.reply(p, 0, p.length, LinkType.RAW_IP));
            assertEquals("IP 10.0.0.2 > 10.0.0.1: ICMP echo reply, id 5, seq 6, length 19",
                    PacketSummary.describe(p, LinkType.RAW_IP));
            assertArrayEquals(options, Arrays.copyOfRange(p, 20, 24));
            assertValidIpv4Icmp(p, 0);
        }

        @Test
        void trailingBytesAreKeptInLength() {
            byte[] p = concat(PacketSummaryTest.REAL_PING, new byte[6]);
            assertEquals(90, EchoResponder.reply(p, 0, p.length, LinkType.RAW_IP));
            assertValidIpv4Icmp(p, 0);
        }

        @Test
        void refusals() {
            byte[] ping = PacketSummaryTest.REAL_PING;
            assertRefused(LinkType.RAW_IP, corrupt(ping, 30), "bad ICMP checksum");
            assertRefused(LinkType.RAW_IP, corrupt(ping, 5), "bad header checksum");
            assertRefused(LinkType.RAW_IP, Arrays.copyOf(ping, 83), "truncated");
            assertRefused(LinkType.RAW_IP, Arrays.copyOf(ping, 24), "no ICMP header");
            assertRefused(LinkType.RAW_IP, new byte[0], "empty");
            assertRefused(LinkType.RAW_IP, ipv4("10.0.0.1", "10.0.0.2", ICMP, icmpEcho(false, 1, 1, new byte[8])), "a reply");
            assertRefused(LinkType.RAW_IP, ipv4("10.0.0.1", "10.0.0.2", ICMP,
                    PacketBuilder.icmp(8, 1, new byte[4], new byte[0])), "code != 0");
            assertRefused(LinkType.RAW_IP, ipv4("10.0.0.1", "10.0.0.2").fragment(0, true)
                    .packet(ICMP, icmpEcho(true, 1, 1, new byte[8])), "first fragment");
            assertRefused(LinkType.RAW_IP, ipv4("10.0.0.1", "10.0.0.2").fragment(8, false)
                    .packet(ICMP, icmpEcho(true, 1, 1, new byte[8])), "later fragment");
            assertRefused(LinkType.RAW_IP, ipv4("10.0.0.1", "10.0.0.2", TCP,
                    PacketBuilder.tcp(1, 2, 3, 4, 2, 5, new byte[0])), "TCP");
            assertRefused(LinkType.RAW_IP, ipv4("10.0.0.1", "224.0.0.1", ICMP, icmpEcho(true, 1, 1, new byte[8])), "multicast");
            assertRefused(LinkType.RAW_IP, ipv4("10.0.0.1", "255.255.255.255", ICMP, icmpEcho(true, 1, 1, new byte[8])), "broadcast");
            assertRefused(LinkType.RAW_IP, ipv4("0.0.0.0", "10.0.0.1", ICMP, icmpEcho(true, 1, 1, new byte[8])), "from 0.0.0.0");
            byte[] badIhl = ping.clone();
            badIhl[0] = 0x44;
            assertRefused(LinkType.RAW_IP, badIhl, "IHL < 5");
            byte[] longTotal = ping.clone();
            Bytes.put16(longTotal, 2, 200);
            Bytes.put16(longTotal, 10, 0);
            Bytes.put16(longTotal, 10, Checksum.compute(longTotal, 0, 20));
            assertRefused(LinkType.RAW_IP, longTotal, "total length beyond buffer");
        }

        @Test
        void badArguments() {
            assertEquals(-1, EchoResponder.reply(null, 0, 0, LinkType.RAW_IP));
            assertEquals(-1, EchoResponder.reply(PacketSummaryTest.REAL_PING.clone(), 1, 84, LinkType.RAW_IP));
            assertEquals(-1, EchoResponder.reply(PacketSummaryTest.REAL_PING.clone(), 0, 84, null));
        }
    }

    @Nested
    class RawIpv6 {
        @Test
        void echo() {
            byte[] p = ipv6("fd00:3::11", "fd00:3::12").hopLimit(3).packet(ICMPV6, icmpv6Echo(true, 7, 1, sequence(56)));
            assertEquals(104, EchoResponder.reply(p, 0, p.length, LinkType.RAW_IP));
            assertEquals("IP6 fd00:3::12 > fd00:3::11: ICMP6, echo reply, id 7, seq 1, length 64",
                    PacketSummary.describe(p, LinkType.RAW_IP));
            assertEquals(64, p[7]);
            assertValidIcmpv6(p, 0);
        }

        @Test
        void refusals() {
            byte[] echo = ipv6("fd00::1", "fd00::2", ICMPV6, icmpv6Echo(true, 7, 1, new byte[8]));
            assertRefused(LinkType.RAW_IP, corrupt(echo, 50), "bad checksum");
            assertRefused(LinkType.RAW_IP, Arrays.copyOf(echo, echo.length - 1), "truncated");
            assertRefused(LinkType.RAW_IP, ipv6("fd00::1", "ff02::1", ICMPV6, icmpv6Echo(true, 7, 1, new byte[8])), "multicast");
            assertRefused(LinkType.RAW_IP, ipv6("::", "fd00::1", ICMPV6, icmpv6Echo(true, 7, 1, new byte[8])), "from ::");
            assertRefused(LinkType.RAW_IP, ipv6("fd00::1", "fd00::2").extension(60, 1)
                    .packet(ICMPV6, icmpv6Echo(true, 7, 1, new byte[8])), "behind an extension header");
            assertRefused(LinkType.RAW_IP, ipv6("fd00::1", "fd00::2", ICMPV6, icmpv6Echo(false, 7, 1, new byte[8])), "reply");
            // Neighbor discovery is answered only on Ethernet.
            assertRefused(LinkType.RAW_IP, ipv6("fd00::1", "ff02::1:ff00:2").hopLimit(255)
                    .packet(ICMPV6, neighborSolicitation("fd00::2", null)), "NS on TUN");
        }
    }

    @Nested
    class EthernetEcho {
        @Test
        void ipv4MacsSwapped() {
            byte[] f = ethernet(LOCAL_MAC, PEER_MAC, 0x0800, PacketSummaryTest.REAL_PING);
            assertEquals(98, EchoResponder.reply(f, 0, f.length, LinkType.ETHERNET));
            assertEquals(LOCAL_MAC + " > " + PEER_MAC + ", ethertype IPv4 (0x0800), length 98: "
                            + "IP 192.168.3.12 > 192.168.3.11: ICMP echo reply, id 24028, seq 1, length 64",
                    PacketSummary.describe(f, LinkType.ETHERNET));
            assertValidIpv4Icmp(f, 14);
        }

        @Test
        void ipv6MacsSwapped() {
            byte[] f = ethernet(LOCAL_MAC, PEER_MAC, 0x86dd, ipv6("fd00::1", "fd00::2", ICMPV6, icmpv6Echo(true, 1, 2, sequence(10))));
            assertEquals(f.length, EchoResponder.reply(f, 0, f.length, LinkType.ETHERNET));
            assertEquals(LOCAL_MAC + " > " + PEER_MAC + ", ethertype IPv6 (0x86dd), length 72: "
                            + "IP6 fd00::2 > fd00::1: ICMP6, echo reply, id 1, seq 2, length 18",
                    PacketSummary.describe(f, LinkType.ETHERNET));
            assertValidIcmpv6(f, 14);
        }

        @Test
        void vlanTagKept() {
            byte[] f = ethernetVlan(LOCAL_MAC, PEER_MAC, 10, 2, 0x0800, PacketSummaryTest.REAL_PING);
            assertEquals(102, EchoResponder.reply(f, 0, f.length, LinkType.ETHERNET));
            assertEquals(LOCAL_MAC + " > " + PEER_MAC + ", ethertype 802.1Q (0x8100), length 102: vlan 10, p 2, "
                            + "ethertype IPv4 (0x0800), IP 192.168.3.12 > 192.168.3.11: ICMP echo reply, id 24028, seq 1, length 64",
                    PacketSummary.describe(f, LinkType.ETHERNET));
            assertValidIpv4Icmp(f, 18);
        }

        @Test
        void refusals() {
            assertRefused(LinkType.ETHERNET, ethernet("ff:ff:ff:ff:ff:ff", PEER_MAC, 0x0800, PacketSummaryTest.REAL_PING),
                    "broadcast frame");
            assertRefused(LinkType.ETHERNET, ethernet(LOCAL_MAC, "01:00:5e:00:00:01", 0x0800, PacketSummaryTest.REAL_PING),
                    "group source MAC");
            assertRefused(LinkType.ETHERNET, ethernet(LOCAL_MAC, PEER_MAC, 0x88b5, PacketSummaryTest.REAL_PING),
                    "unknown ethertype");
            assertRefused(LinkType.ETHERNET, ethernet(LOCAL_MAC, PEER_MAC, 0x86dd, PacketSummaryTest.REAL_PING),
                    "IPv4 inside IPv6 ethertype");
            assertRefused(LinkType.ETHERNET, Arrays.copyOf(ethernet(LOCAL_MAC, PEER_MAC, 0x0800, PacketSummaryTest.REAL_PING), 13),
                    "short frame");
            assertRefused(LinkType.ETHERNET, Arrays.copyOf(ethernetVlan(LOCAL_MAC, PEER_MAC, 1, 0, 0x0800, PacketSummaryTest.REAL_PING), 16),
                    "short VLAN frame");
        }
    }

    @Nested
    class ArpRequests {
        private final byte[] request = ethernet("ff:ff:ff:ff:ff:ff", PEER_MAC, 0x0806,
                arp(1, PEER_MAC, "192.168.3.11", "00:00:00:00:00:00", "192.168.3.12"));

        @Test
        void answered() {
            byte[] f = request.clone();
            assertEquals(42, EchoResponder.reply(f, 0, f.length, LinkType.ETHERNET));
            assertArrayEquals(ethernet(PEER_MAC, M, 0x0806, arp(2, M, "192.168.3.12", PEER_MAC, "192.168.3.11")), f);
            assertEquals(M + " > " + PEER_MAC + ", ethertype ARP (0x0806), length 42: "
                    + "ARP, Reply 192.168.3.12 is-at " + M + ", length 28", PacketSummary.describe(f, LinkType.ETHERNET));
        }

        @Test
        void paddingKept() {
            byte[] f = concat(request, sequence(18));
            assertEquals(60, EchoResponder.reply(f, 0, f.length, LinkType.ETHERNET));
            assertArrayEquals(sequence(18), Arrays.copyOfRange(f, 42, 60));
        }

        @Test
        void repliesGoToTheArpSender() {
            byte[] f = ethernet("ff:ff:ff:ff:ff:ff", "02:00:00:00:00:55", 0x0806,
                    arp(1, PEER_MAC, "10.0.0.1", "00:00:00:00:00:00", "10.0.0.2"));
            assertEquals(42, EchoResponder.reply(f, 0, f.length, LinkType.ETHERNET));
            assertArrayEquals(mac(PEER_MAC), Arrays.copyOf(f, 6));
        }

        @Test
        void refusals() {
            assertRefused(LinkType.ETHERNET, ethernet("ff:ff:ff:ff:ff:ff", PEER_MAC, 0x0806,
                    arp(1, PEER_MAC, "10.0.0.1", "00:00:00:00:00:00", "10.0.0.1")), "gratuitous");
            assertRefused(LinkType.ETHERNET, ethernet("ff:ff:ff:ff:ff:ff", PEER_MAC, 0x0806,
                    arp(1, PEER_MAC, "0.0.0.0", "00:00:00:00:00:00", "10.0.0.1")), "probe");
            assertRefused(LinkType.ETHERNET, ethernet("ff:ff:ff:ff:ff:ff", PEER_MAC, 0x0806,
                    arp(2, PEER_MAC, "10.0.0.1", "00:00:00:00:00:00", "10.0.0.2")), "reply");
            assertRefused(LinkType.ETHERNET, ethernet("ff:ff:ff:ff:ff:ff", PEER_MAC, 0x0806,
                    arp(1, "01:00:5e:00:00:01", "10.0.0.1", "00:00:00:00:00:00", "10.0.0.2")), "group sender");
            byte[] nonEthernet = request.clone();
            nonEthernet[15] = 6;
            assertRefused(LinkType.ETHERNET, nonEthernet, "hardware type 6");
            assertRefused(LinkType.ETHERNET, Arrays.copyOf(request, 41), "truncated");
            assertRefused(LinkType.RAW_IP, Arrays.copyOfRange(request, 14, 42), "ARP on TUN");
        }
    }

    @Nested
    class NeighborSolicitations {
        private byte[] solicitation(String src, String target, String sourceMac, int hopLimit) {
            return ethernet("33:33:ff:00:00:02", PEER_MAC, 0x86dd,
                    ipv6(src, "ff02::1:ff00:2").hopLimit(hopLimit).packet(ICMPV6, neighborSolicitation(target, sourceMac)));
        }

        @Test
        void answeredWithSameLength() {
            byte[] f = solicitation("fd00::1", "fd00::2", "02:00:00:00:00:07", 255);
            assertEquals(86, f.length);
            assertEquals(86, EchoResponder.reply(f, 0, f.length, LinkType.ETHERNET));
            assertEquals(M + " > 02:00:00:00:00:07, ethertype IPv6 (0x86dd), length 86: "
                            + "IP6 fd00::2 > fd00::1: ICMP6, neighbor advertisement, tgt is fd00::2, length 32",
                    PacketSummary.describe(f, LinkType.ETHERNET));
            assertAdvertisement(f, 14);
        }

        @Test
        void withoutOptionGrowsWhenThereIsRoom() {
            byte[] request = solicitation("fe80::1", "fe80::2", null, 255);
            assertEquals(78, request.length);
            byte[] buf = Arrays.copyOf(request, 200);
            assertEquals(86, EchoResponder.reply(buf, 0, request.length, LinkType.ETHERNET));
            assertEquals(M + " > " + PEER_MAC + ", ethertype IPv6 (0x86dd), length 86: "
                            + "IP6 fe80::2 > fe80::1: ICMP6, neighbor advertisement, tgt is fe80::2, length 32",
                    PacketSummary.describe(buf, 0, 86, LinkType.ETHERNET));
            assertAdvertisement(buf, 14);

            assertRefused(LinkType.ETHERNET, request, "no room to grow");
        }

        @Test
        void extraOptionsShrink() {
            byte[] icmp = concat(neighborSolicitation("fd00::2", "02:00:00:00:00:07"), bytes(14, 1), new byte[6]);
            byte[] f = ethernet("33:33:ff:00:00:02", PEER_MAC, 0x86dd,
                    ipv6("fd00::1", "ff02::1:ff00:2").hopLimit(255).packet(ICMPV6, icmp));
            assertEquals(94, f.length);
            assertEquals(86, EchoResponder.reply(f, 0, f.length, LinkType.ETHERNET));
            assertAdvertisement(f, 14);
        }

        @Test
        void vlanTagged() {
            byte[] f = ethernetVlan("33:33:ff:00:00:02", PEER_MAC, 7, 0, 0x86dd,
                    ipv6("fd00::1", "ff02::1:ff00:2").hopLimit(255).packet(ICMPV6, neighborSolicitation("fd00::2", PEER_MAC)));
            assertEquals(90, EchoResponder.reply(f, 0, f.length, LinkType.ETHERNET));
            assertAdvertisement(f, 18);
        }

        @Test
        void refusals() {
            assertRefused(LinkType.ETHERNET, solicitation("::", "fd00::2", null, 255), "DAD from ::");
            assertRefused(LinkType.ETHERNET, solicitation("fd00::2", "fd00::2", PEER_MAC, 255), "target is the sender");
            assertRefused(LinkType.ETHERNET, solicitation("fd00::1", "fd00::2", PEER_MAC, 64), "hop limit not 255");
            assertRefused(LinkType.ETHERNET, solicitation("fd00::1", "ff02::1", PEER_MAC, 255), "multicast target");
            assertRefused(LinkType.ETHERNET, corrupt(solicitation("fd00::1", "fd00::2", PEER_MAC, 255), 70), "bad checksum");
            assertRefused(LinkType.ETHERNET, solicitation("fd00::1", "fd00::2", "01:00:00:00:00:01", 255), "group link address");
            byte[] zeroLengthOption = solicitation("fd00::1", "fd00::2", PEER_MAC, 255);
            zeroLengthOption[14 + 40 + 25] = 0;
            fixIcmpv6Checksum(zeroLengthOption, 14);
            assertRefused(LinkType.ETHERNET, zeroLengthOption, "zero-length option");
            byte[] fromGroup = solicitation("fd00::1", "fd00::2", null, 255);
            System.arraycopy(mac("01:00:00:00:00:01"), 0, fromGroup, 6, 6);
            assertRefused(LinkType.ETHERNET, Arrays.copyOf(fromGroup, 120), "group source MAC");
        }

        private void assertAdvertisement(byte[] f, int ip) {
            assertArrayEquals(mac(M), Arrays.copyOfRange(f, 6, 12));
            assertEquals(0x60, f[ip] & 0xff, "version 6, traffic class 0");
            assertEquals(32, Bytes.u16(f, ip + 4));
            assertEquals(255, f[ip + 7] & 0xff, "ND needs hop limit 255");
            int icmp = ip + 40;
            assertEquals(136, f[icmp] & 0xff);
            assertEquals(0x6000_0000L, Bytes.u32(f, icmp + 4), "solicited + override, not router");
            assertArrayEquals(Arrays.copyOfRange(f, ip + 8, ip + 24), Arrays.copyOfRange(f, icmp + 8, icmp + 24),
                    "sent from the target address");
            assertArrayEquals(bytes(2, 1), Arrays.copyOfRange(f, icmp + 24, icmp + 26));
            assertArrayEquals(mac(M), Arrays.copyOfRange(f, icmp + 26, icmp + 32));
            assertValidIcmpv6(f, ip);
        }
    }

    @Test
    void answeringAReplyIsRefused() {
        byte[] p = PacketSummaryTest.REAL_PING.clone();
        EchoResponder.reply(p, 0, p.length, LinkType.RAW_IP);
        assertRefused(LinkType.RAW_IP, p, "already a reply");
    }

    // ---- helpers -----------------------------------------------------------------------------

    private static void assertRefused(LinkType link, byte[] packet, String why) {
        byte[] copy = packet.clone();
        assertEquals(-1, EchoResponder.reply(copy, 0, copy.length, link), why);
        assertArrayEquals(packet, copy, why + ": buffer must be untouched");
    }

    private static byte[] corrupt(byte[] p, int at) {
        byte[] c = p.clone();
        c[at] ^= 0x5a;
        return c;
    }

    private static void assertValidIpv4Icmp(byte[] b, int ip) {
        int headerLen = (b[ip] & 0x0f) * 4;
        int total = Bytes.u16(b, ip + 2);
        assertEquals(0, Checksum.compute(b, ip, headerLen), "IPv4 header checksum");
        assertEquals(0, Checksum.compute(b, ip + headerLen, total - headerLen), "ICMP checksum");
        assertEquals(64, b[ip + 8], "TTL");
    }

    private static void assertValidIcmpv6(byte[] b, int ip) {
        int len = Bytes.u16(b, ip + 4);
        long pseudo = Checksum.ipv6PseudoHeader(b, ip, 58, len);
        assertEquals(0, Checksum.compute(pseudo, b, ip + 40, len), "ICMPv6 checksum");
    }

    private static void fixIcmpv6Checksum(byte[] b, int ip) {
        int len = Bytes.u16(b, ip + 4);
        Bytes.put16(b, ip + 42, 0);
        Bytes.put16(b, ip + 42, Checksum.compute(Checksum.ipv6PseudoHeader(b, ip, 58, len), b, ip + 40, len));
    }
}
