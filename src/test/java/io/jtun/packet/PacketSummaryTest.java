package io.jtun.packet;

import static io.jtun.packet.PacketBuilder.ICMP;
import static io.jtun.packet.PacketBuilder.ICMPV6;
import static io.jtun.packet.PacketBuilder.TCP;
import static io.jtun.packet.PacketBuilder.UDP;
import static io.jtun.packet.PacketBuilder.arp;
import static io.jtun.packet.PacketBuilder.bytes;
import static io.jtun.packet.PacketBuilder.concat;
import static io.jtun.packet.PacketBuilder.ethernet;
import static io.jtun.packet.PacketBuilder.ethernetVlan;
import static io.jtun.packet.PacketBuilder.icmp;
import static io.jtun.packet.PacketBuilder.icmpEcho;
import static io.jtun.packet.PacketBuilder.icmpv6;
import static io.jtun.packet.PacketBuilder.icmpv6Echo;
import static io.jtun.packet.PacketBuilder.ipv4;
import static io.jtun.packet.PacketBuilder.ipv6;
import static io.jtun.packet.PacketBuilder.neighborSolicitation;
import static io.jtun.packet.PacketBuilder.sequence;
import static io.jtun.packet.PacketBuilder.tcp;
import static io.jtun.packet.PacketBuilder.udp;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class PacketSummaryTest {

    /** An 84-byte Linux ping (20 IP + 8 ICMP + 56 data: 16-byte timeval, then 0x10..0x37). */
    static final byte[] REAL_PING = HexFormat.of().parseHex(
            "450000543c1e400040017723c0a8030b"
                    + "c0a8030c0800b26d5ddc000180996666"
                    + "0000000040e201000000000010111213"
                    + "1415161718191a1b1c1d1e1f20212223"
                    + "2425262728292a2b2c2d2e2f30313233"
                    + "34353637");

    static final String REAL_PING_SUMMARY =
            "IP 192.168.3.11 > 192.168.3.12: ICMP echo request, id 24028, seq 1, length 64";

    private static String raw(byte[] p) {
        return PacketSummary.describe(p, LinkType.RAW_IP);
    }

    private static String ether(byte[] p) {
        return PacketSummary.describe(p, LinkType.ETHERNET);
    }

    @Test
    void realPing() {
        assertEquals(84, REAL_PING.length);
        assertEquals(REAL_PING_SUMMARY, raw(REAL_PING));
    }

    @Test
    void offsetAndLengthSelectThePacket() {
        byte[] buf = concat(bytes(0xde, 0xad, 0xbe), REAL_PING, bytes(0xff, 0xff));
        assertEquals(REAL_PING_SUMMARY, PacketSummary.describe(buf, 3, REAL_PING.length, LinkType.RAW_IP));
    }

    @Test
    void linkTypeNumbers() {
        assertEquals(101, LinkType.RAW_IP.pcapLinkType());
        assertEquals(1, LinkType.ETHERNET.pcapLinkType());
    }

    @Nested
    class Icmp4 {
        @Test
        void echoReply() {
            assertEquals("IP 10.0.0.2 > 10.0.0.1: ICMP echo reply, id 7, seq 3, length 40",
                    raw(ipv4("10.0.0.2", "10.0.0.1", ICMP, icmpEcho(false, 7, 3, new byte[32]))));
        }

        @Test
        void portUnreachable() {
            byte[] quoted = Arrays.copyOf(ipv4("10.0.0.1", "10.0.0.2", UDP, udp(1234, 53, new byte[20])), 28);
            assertEquals("IP 10.0.0.2 > 10.0.0.1: ICMP destination unreachable (port unreachable), length 36",
                    raw(ipv4("10.0.0.2", "10.0.0.1", ICMP, icmp(3, 3, new byte[4], quoted))));
        }

        @Test
        void fragmentationNeededShowsMtu() {
            assertEquals("IP 10.0.0.254 > 10.0.0.1: ICMP destination unreachable (fragmentation needed, mtu 1400), length 36",
                    raw(ipv4("10.0.0.254", "10.0.0.1", ICMP, icmp(3, 4, bytes(0, 0, 0x05, 0x78), new byte[28]))));
        }

        @Test
        void unknownUnreachableCode() {
            assertEquals("IP 10.0.0.2 > 10.0.0.1: ICMP destination unreachable (code 99), length 8",
                    raw(ipv4("10.0.0.2", "10.0.0.1", ICMP, icmp(3, 99, new byte[4], new byte[0]))));
        }

        @Test
        void timeExceeded() {
            assertEquals("IP 10.0.0.254 > 10.0.0.1: ICMP time exceeded in-transit, length 36",
                    raw(ipv4("10.0.0.254", "10.0.0.1", ICMP, icmp(11, 0, new byte[4], new byte[28]))));
            assertEquals("IP 10.0.0.254 > 10.0.0.1: ICMP ip reassembly time exceeded, length 36",
                    raw(ipv4("10.0.0.254", "10.0.0.1", ICMP, icmp(11, 1, new byte[4], new byte[28]))));
        }

        @Test
        void redirectParameterProblemAndRouterMessages() {
            assertEquals("IP 10.0.0.254 > 10.0.0.1: ICMP redirect (host), gateway 10.0.0.253, length 36",
                    raw(ipv4("10.0.0.254", "10.0.0.1", ICMP, icmp(5, 1, bytes(10, 0, 0, 253), new byte[28]))));
            assertEquals("IP 10.0.0.254 > 10.0.0.1: ICMP parameter problem - octet 20, length 36",
                    raw(ipv4("10.0.0.254", "10.0.0.1", ICMP, icmp(12, 0, bytes(20, 0, 0, 0), new byte[28]))));
            assertEquals("IP 10.0.0.1 > 224.0.0.2: ICMP router solicitation, length 8",
                    raw(ipv4("10.0.0.1", "224.0.0.2", ICMP, icmp(10, 0, new byte[4], new byte[0]))));
            assertEquals("IP 10.0.0.1 > 10.0.0.2: ICMP source quench, length 8",
                    raw(ipv4("10.0.0.1", "10.0.0.2", ICMP, icmp(4, 0, new byte[4], new byte[0]))));
        }

        @Test
        void otherTypes() {
            assertEquals("IP 10.0.0.1 > 10.0.0.2: ICMP type 13, code 0, length 20",
                    raw(ipv4("10.0.0.1", "10.0.0.2", ICMP, icmp(13, 0, new byte[4], new byte[12]))));
        }

        @Test
        void truncatedEcho() {
            byte[] p = Arrays.copyOf(REAL_PING, 26);
            assertEquals("IP 192.168.3.11 > 192.168.3.12: ICMP echo request [|icmp] (truncated, 26 of 84 bytes)", raw(p));
            assertEquals("IP 192.168.3.11 > 192.168.3.12: [|icmp] (truncated, 21 of 84 bytes)",
                    raw(Arrays.copyOf(REAL_PING, 21)));
        }

        @Test
        void truncatedData() {
            assertEquals(REAL_PING_SUMMARY + " (truncated, 40 of 84 bytes)", raw(Arrays.copyOf(REAL_PING, 40)));
        }
    }

    @Nested
    class Tcp4 {
        @Test
        void syn() {
            assertEquals("IP 10.0.0.1.5555 > 10.0.0.2.80: Flags [S], seq 1000, win 64240, length 0",
                    raw(ipv4("10.0.0.1", "10.0.0.2", TCP, tcp(5555, 80, 1000, 0, 0x02, 64240, new byte[0]))));
        }

        @Test
        void synAckWithOptionsNotCountedAsPayload() {
            assertEquals("IP 10.0.0.2.80 > 10.0.0.1.5555: Flags [S.], seq 1000, ack 2000, win 65160, length 0",
                    raw(ipv4("10.0.0.2", "10.0.0.1", TCP, tcp(80, 5555, 1000, 2000, 0x12, 65160, 5, new byte[0]))));
        }

        @Test
        void pushAckWithPayloadShowsSeqRange() {
            assertEquals("IP 10.0.0.1.5555 > 10.0.0.2.80: Flags [P.], seq 1001:1101, ack 1, win 502, length 100",
                    raw(ipv4("10.0.0.1", "10.0.0.2", TCP, tcp(5555, 80, 1001, 1, 0x18, 502, 3, new byte[100]))));
        }

        @Test
        void seqRangeWrapsAround() {
            assertEquals("IP 10.0.0.1.1 > 10.0.0.2.2: Flags [.], seq 4294967290:4, ack 7, win 9, length 10",
                    raw(ipv4("10.0.0.1", "10.0.0.2", TCP, tcp(1, 2, 4294967290L, 7, 0x10, 9, new byte[10]))));
        }

        @Test
        void pureAckOmitsSeqLikeTcpdump() {
            assertEquals("IP 10.0.0.1.5555 > 10.0.0.2.80: Flags [.], ack 1, win 502, length 0",
                    raw(ipv4("10.0.0.1", "10.0.0.2", TCP, tcp(5555, 80, 1001, 1, 0x10, 502, new byte[0]))));
        }

        @Test
        void allFlagsInTcpdumpOrder() {
            assertEquals("IP 10.0.0.1.1 > 10.0.0.2.2: Flags [FSRP.UEW], seq 5, ack 6, win 7, urg 0, length 0",
                    raw(ipv4("10.0.0.1", "10.0.0.2", TCP, tcp(1, 2, 5, 6, 0xff, 7, new byte[0]))));
            assertEquals("IP 10.0.0.1.1 > 10.0.0.2.2: Flags [none], win 7, length 0",
                    raw(ipv4("10.0.0.1", "10.0.0.2", TCP, tcp(1, 2, 5, 6, 0, 7, new byte[0]))));
            assertEquals("IP 10.0.0.1.1 > 10.0.0.2.2: Flags [F.], seq 5, ack 6, win 7, length 0",
                    raw(ipv4("10.0.0.1", "10.0.0.2", TCP, tcp(1, 2, 5, 6, 0x11, 7, new byte[0]))));
            assertEquals("IP 10.0.0.1.1 > 10.0.0.2.2: Flags [R], seq 5, win 0, length 0",
                    raw(ipv4("10.0.0.1", "10.0.0.2", TCP, tcp(1, 2, 5, 0, 0x04, 0, new byte[0]))));
        }

        @Test
        void badDataOffset() {
            byte[] p = ipv4("10.0.0.1", "10.0.0.2", TCP, tcp(1, 2, 5, 6, 0x10, 7, new byte[0]));
            p[20 + 12] = 0x30;
            assertEquals("IP 10.0.0.1.1 > 10.0.0.2.2: tcp bad data offset 3 (needs >= 5)", raw(p));
            p[20 + 12] = (byte) 0xf0;
            assertEquals("IP 10.0.0.1.1 > 10.0.0.2.2: tcp bad data offset 15 (header 60 > segment 20)", raw(p));
        }

        @Test
        void truncatedHeader() {
            byte[] p = ipv4("10.0.0.1", "10.0.0.2", TCP, tcp(5555, 80, 1, 2, 0x10, 7, new byte[0]));
            assertEquals("IP 10.0.0.1 > 10.0.0.2: [|tcp] (truncated, 22 of 40 bytes)", raw(Arrays.copyOf(p, 22)));
            assertEquals("IP 10.0.0.1.5555 > 10.0.0.2.80: [|tcp] (truncated, 30 of 40 bytes)", raw(Arrays.copyOf(p, 30)));
        }
    }

    @Nested
    class Udp4 {
        @Test
        void datagram() {
            assertEquals("IP 10.0.0.1.5353 > 10.0.0.2.53: UDP, length 32",
                    raw(ipv4("10.0.0.1", "10.0.0.2", UDP, udp(5353, 53, new byte[32]))));
        }

        @Test
        void badLengths() {
            byte[] p = ipv4("10.0.0.1", "10.0.0.2", UDP, udp(1, 2, new byte[32]));
            Bytes.put16(p, 24, 4);
            assertEquals("IP 10.0.0.1.1 > 10.0.0.2.2: UDP, bad length 4 (needs >= 8)", raw(p));
            Bytes.put16(p, 24, 100);
            assertEquals("IP 10.0.0.1.1 > 10.0.0.2.2: UDP, bad length 100 > 40", raw(p));
        }

        @Test
        void truncated() {
            byte[] p = ipv4("10.0.0.1", "10.0.0.2", UDP, udp(1, 2, new byte[32]));
            assertEquals("IP 10.0.0.1.1 > 10.0.0.2.2: [|udp] (truncated, 26 of 60 bytes)", raw(Arrays.copyOf(p, 26)));
            assertEquals("IP 10.0.0.1 > 10.0.0.2: [|udp] (truncated, 23 of 60 bytes)", raw(Arrays.copyOf(p, 23)));
        }
    }

    @Nested
    class Ipv4Header {
        @Test
        void optionsAreSkipped() {
            byte[] options = bytes(0x94, 0x04, 0, 0, 1, 1, 1, 0); // router alert, NOP, NOP, NOP, EOL
            assertEquals("IP 10.0.0.1.5353 > 10.0.0.2.53: UDP, length 32",
                    raw(ipv4("10.0.0.1", "10.0.0.2").options(options).packet(UDP, udp(5353, 53, new byte[32]))));
        }

        @Test
        void badHeaderLength() {
            byte[] p = REAL_PING.clone();
            p[0] = 0x43;
            assertEquals("IP bad header length 3 (needs >= 5)", raw(p));
            p[0] = 0x40;
            assertEquals("IP bad header length 0 (needs >= 5)", raw(p));
        }

        @Test
        void badTotalLength() {
            byte[] p = REAL_PING.clone();
            Bytes.put16(p, 2, 12);
            assertEquals("IP bad total length 12 (< header length 20)", raw(p));
        }

        @Test
        void badVersionOnEthernet() {
            byte[] p = REAL_PING.clone();
            p[0] = 0x55;
            assertEquals("02:00:00:00:00:02 > 02:00:00:00:00:01, ethertype IPv4 (0x0800), length 98: IP bad version 5",
                    ether(ethernet("02:00:00:00:00:01", "02:00:00:00:00:02", 0x0800, p)));
        }

        @Test
        void truncatedHeaders() {
            assertEquals("IP [|ip]", raw(Arrays.copyOf(REAL_PING, 19)));
            assertEquals("IP [|ip]", raw(Arrays.copyOf(REAL_PING, 1)));
            byte[] withOptions = ipv4("10.0.0.1", "10.0.0.2").options(new byte[8]).packet(UDP, udp(1, 2, new byte[0]));
            assertEquals("IP 10.0.0.1 > 10.0.0.2: [|ip] (truncated, 24 of 36 bytes)", raw(Arrays.copyOf(withOptions, 24)));
        }

        @Test
        void paddingAfterTotalLengthIsIgnored() {
            assertEquals(REAL_PING_SUMMARY, raw(concat(REAL_PING, new byte[10])));
        }

        @Test
        void firstFragmentIsDecodedWithNote() {
            byte[] p = ipv4("10.0.0.1", "10.0.0.2").id(4660).fragment(0, true)
                    .packet(UDP, Arrays.copyOf(udp(5000, 6000, new byte[2972]), 1480));
            assertEquals("IP 10.0.0.1.5000 > 10.0.0.2.6000: UDP, length 2972 (frag id 4660, offset 0, more)", raw(p));
        }

        @Test
        void laterFragmentShowsOnlyProtocol() {
            byte[] p = ipv4("10.0.0.1", "10.0.0.2").id(4660).fragment(1480, false).packet(UDP, new byte[100]);
            assertEquals("IP 10.0.0.1 > 10.0.0.2: ip-proto-17 (frag id 4660, offset 1480), length 100", raw(p));
            p = ipv4("10.0.0.1", "10.0.0.2").id(4660).fragment(1480, true).packet(ICMP, new byte[1480]);
            assertEquals("IP 10.0.0.1 > 10.0.0.2: ip-proto-1 (frag id 4660, offset 1480, more), length 1480", raw(p));
        }

        @Test
        void otherProtocols() {
            assertEquals("IP 10.0.0.1 > 10.0.0.2: ip-proto-47, length 24",
                    raw(ipv4("10.0.0.1", "10.0.0.2", 47, new byte[24])));
            assertEquals("IP 10.0.0.1 > 10.0.0.2: ip-proto-58, length 8",
                    raw(ipv4("10.0.0.1", "10.0.0.2", ICMPV6, new byte[8])));
        }

        @Test
        void ipInIp() {
            assertEquals("IP 1.1.1.1 > 2.2.2.2: IP-in-IP, length 84: " + REAL_PING_SUMMARY,
                    raw(ipv4("1.1.1.1", "2.2.2.2", 4, REAL_PING)));
            byte[] inner6 = ipv6("fd00::1", "fd00::2", ICMPV6, icmpv6Echo(true, 1, 2, new byte[4]));
            assertEquals("IP 1.1.1.1 > 2.2.2.2: IPv6-in-IP, length 52: "
                            + "IP6 fd00::1 > fd00::2: ICMP6, echo request, id 1, seq 2, length 12",
                    raw(ipv4("1.1.1.1", "2.2.2.2", 41, inner6)));
        }

        @Test
        void deeplyNestedTunnelsStop() {
            byte[] p = REAL_PING;
            for (int i = 0; i < 10; i++) {
                p = ipv4("1.1.1.1", "2.2.2.2", 4, p);
            }
            String s = raw(p);
            assertEquals(UpperLayer.MAX_TUNNEL_DEPTH + 1, s.split("IP-in-IP", -1).length - 1);
        }
    }

    @Nested
    class V6 {
        @Test
        void echo() {
            assertEquals("IP6 fd00:3::11 > fd00:3::12: ICMP6, echo request, id 7, seq 1, length 64",
                    raw(ipv6("fd00:3::11", "fd00:3::12", ICMPV6, icmpv6Echo(true, 7, 1, new byte[56]))));
            assertEquals("IP6 fd00:3::12 > fd00:3::11: ICMP6, echo reply, id 7, seq 1, length 64",
                    raw(ipv6("fd00:3::12", "fd00:3::11", ICMPV6, icmpv6Echo(false, 7, 1, new byte[56]))));
        }

        @Test
        void neighborDiscovery() {
            assertEquals("IP6 fe80::1 > ff02::2: ICMP6, router solicitation, length 16",
                    raw(ipv6("fe80::1", "ff02::2", ICMPV6, icmpv6(133, 0, concat(new byte[4], bytes(1, 1), new byte[6])))));
            assertEquals("IP6 fd00::1 > ff02::1:ff00:2: ICMP6, neighbor solicitation, who has fd00::2, length 32",
                    raw(ipv6("fd00::1", "ff02::1:ff00:2", ICMPV6, neighborSolicitation("fd00::2", "02:00:00:00:00:01"))));
            assertEquals("IP6 fd00::2 > fd00::1: ICMP6, neighbor advertisement, tgt is fd00::2, length 32",
                    raw(ipv6("fd00::2", "fd00::1", ICMPV6,
                            icmpv6(136, 0, concat(bytes(0x60, 0, 0, 0), PacketBuilder.ip("fd00::2"), bytes(2, 1), new byte[6])))));
            assertEquals("IP6 fe80::1 > ff02::1: ICMP6, router advertisement, length 16",
                    raw(ipv6("fe80::1", "ff02::1", ICMPV6, icmpv6(134, 0, new byte[12]))));
            assertEquals("IP6 fe80::1 > fd00::5: ICMP6, redirect, fd00::9 to fe80::2, length 40",
                    raw(ipv6("fe80::1", "fd00::5", ICMPV6,
                            icmpv6(137, 0, concat(new byte[4], PacketBuilder.ip("fe80::2"), PacketBuilder.ip("fd00::9"))))));
        }

        @Test
        void multicastListener() {
            assertEquals("IP6 fe80::1 > ff02::16: ICMP6, multicast listener report v2, length 28",
                    raw(ipv6("fe80::1", "ff02::16", ICMPV6, icmpv6(143, 0, new byte[24]))));
            assertEquals("IP6 fe80::1 > ff02::1: ICMP6, multicast listener query, length 24",
                    raw(ipv6("fe80::1", "ff02::1", ICMPV6, icmpv6(130, 0, new byte[20]))));
        }

        @Test
        void errorsAndUnknown() {
            assertEquals("IP6 fd00::1 > fd00::2: ICMP6, destination unreachable (port unreachable), length 56",
                    raw(ipv6("fd00::1", "fd00::2", ICMPV6, icmpv6(1, 4, new byte[52]))));
            assertEquals("IP6 fd00::1 > fd00::2: ICMP6, packet too big, mtu 1280, length 56",
                    raw(ipv6("fd00::1", "fd00::2", ICMPV6, icmpv6(2, 0, concat(bytes(0, 0, 5, 0), new byte[48])))));
            assertEquals("IP6 fd00::1 > fd00::2: ICMP6, time exceeded in-transit, length 56",
                    raw(ipv6("fd00::1", "fd00::2", ICMPV6, icmpv6(3, 0, new byte[52]))));
            assertEquals("IP6 fd00::1 > fd00::2: ICMP6, parameter problem (unrecognized next header), pointer 6, length 56",
                    raw(ipv6("fd00::1", "fd00::2", ICMPV6, icmpv6(4, 1, concat(bytes(0, 0, 0, 6), new byte[48])))));
            assertEquals("IP6 fd00::1 > fd00::2: ICMP6, type 200, length 8",
                    raw(ipv6("fd00::1", "fd00::2", ICMPV6, icmpv6(200, 0, new byte[4]))));
        }

        @Test
        void tcpAndUdp() {
            assertEquals("IP6 fd00::1.5555 > fd00::2.80: Flags [S], seq 1000, win 64800, length 0",
                    raw(ipv6("fd00::1", "fd00::2", TCP, tcp(5555, 80, 1000, 0, 0x02, 64800, new byte[0]))));
            assertEquals("IP6 fd00::1.5353 > fd00::2.53: UDP, length 32",
                    raw(ipv6("fd00::1", "fd00::2", UDP, udp(5353, 53, new byte[32]))));
        }

        @Test
        void extensionHeadersAreWalked() {
            byte[] p = ipv6("fd00::1", "fd00::2").extension(0, 1).extension(43, 3).extension(60, 2)
                    .packet(UDP, udp(5353, 53, new byte[32]));
            assertEquals("IP6 fd00::1.5353 > fd00::2.53: UDP, length 32", raw(p));
            assertEquals("IP6 fd00::1 > fd00::2: no next header, length 0",
                    raw(ipv6("fd00::1", "fd00::2").extension(60, 1).packet(59, new byte[0])));
        }

        @Test
        void fragments() {
            byte[] first = ipv6("fd00::1", "fd00::2").fragment(305419896L, 0, true)
                    .packet(UDP, Arrays.copyOf(udp(5000, 6000, new byte[3000]), 1232));
            assertEquals("IP6 fd00::1.5000 > fd00::2.6000: UDP, length 3000 (frag id 305419896, offset 0, more)",
                    raw(first));
            byte[] later = ipv6("fd00::1", "fd00::2").extension(0, 1).fragment(305419896L, 1232, false)
                    .packet(UDP, new byte[100]);
            assertEquals("IP6 fd00::1 > fd00::2: ip-proto-17 (frag id 305419896, offset 1232), length 100", raw(later));
            // Data after a later fragment header looks like an extension header but must not be walked.
            byte[] tricky = ipv6("fd00::1", "fd00::2").fragment(1, 8, true).packet(0, new byte[16]);
            assertEquals("IP6 fd00::1 > fd00::2: ip-proto-0 (frag id 1, offset 8, more), length 16", raw(tricky));
        }

        @Test
        void malformedAndTruncatedExtensionHeaders() {
            byte[] p = ipv6("fd00::1", "fd00::2").extension(43, 1).packet(UDP, udp(1, 2, new byte[4]));
            p[41] = 8; // routing header claims 72 bytes, payload has 20
            assertEquals("IP6 fd00::1 > fd00::2: bad routing header length 72 (> 20 bytes left)", raw(p));
            p[41] = 0;
            assertEquals("IP6 fd00::1 > fd00::2: [|ip6] (truncated, 44 of 60 bytes)", raw(Arrays.copyOf(p, 44)));
        }

        @Test
        void truncatedAndBadHeaders() {
            byte[] p = ipv6("fd00::1", "fd00::2", ICMPV6, icmpv6Echo(true, 7, 1, new byte[56]));
            assertEquals("IP6 [|ip6]", raw(Arrays.copyOf(p, 39)));
            assertEquals("IP6 fd00::1 > fd00::2: ICMP6, echo request [|icmp6] (truncated, 44 of 104 bytes)",
                    raw(Arrays.copyOf(p, 44)));
            assertEquals("IP6 fd00::1 > fd00::2: ICMP6, echo request, id 7, seq 1, length 64 (truncated, 50 of 104 bytes)",
                    raw(Arrays.copyOf(p, 50)));
            byte[] e = ethernet("33:33:00:00:00:01", "02:00:00:00:00:01", 0x86dd, REAL_PING);
            assertEquals("02:00:00:00:00:01 > 33:33:00:00:00:01, ethertype IPv6 (0x86dd), length 98: IP6 bad version 4",
                    ether(e));
        }

        @Test
        void ipv6InIpv6() {
            byte[] inner = ipv6("fd00::1", "fd00::2", UDP, udp(1, 2, new byte[0]));
            assertEquals("IP6 2001:db8::1 > 2001:db8::2: IPv6-in-IP, length 48: IP6 fd00::1.1 > fd00::2.2: UDP, length 0",
                    raw(ipv6("2001:db8::1", "2001:db8::2", 41, inner)));
        }
    }

    @Nested
    class EthernetFrames {
        @Test
        void arpRequestAndReply() {
            byte[] request = ethernet("ff:ff:ff:ff:ff:ff", "aa:bb:cc:dd:ee:ff", 0x0806,
                    arp(1, "aa:bb:cc:dd:ee:ff", "192.168.3.11", "00:00:00:00:00:00", "192.168.3.12"));
            assertEquals("aa:bb:cc:dd:ee:ff > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 42: "
                    + "ARP, Request who-has 192.168.3.12 tell 192.168.3.11, length 28", ether(request));
            byte[] reply = ethernet("aa:bb:cc:dd:ee:ff", "02:6a:74:75:6e:01", 0x0806,
                    arp(2, "02:6a:74:75:6e:01", "192.168.3.12", "aa:bb:cc:dd:ee:ff", "192.168.3.11"));
            assertEquals("02:6a:74:75:6e:01 > aa:bb:cc:dd:ee:ff, ethertype ARP (0x0806), length 42: "
                    + "ARP, Reply 192.168.3.12 is-at 02:6a:74:75:6e:01, length 28", ether(reply));
        }

        @Test
        void paddedArpCountsPadding() {
            byte[] request = ethernet("ff:ff:ff:ff:ff:ff", "aa:bb:cc:dd:ee:ff", 0x0806,
                    concat(arp(1, "aa:bb:cc:dd:ee:ff", "10.0.0.1", "00:00:00:00:00:00", "10.0.0.2"), new byte[18]));
            assertEquals("aa:bb:cc:dd:ee:ff > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 60: "
                    + "ARP, Request who-has 10.0.0.2 tell 10.0.0.1, length 46", ether(request));
        }

        @Test
        void nonEthernetArp() {
            byte[] arp = bytes(0, 6, 0x86, 0xdd, 6, 16, 0, 1);
            assertEquals("aa:bb:cc:dd:ee:ff > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 22: "
                            + "ARP, hardware type 6, protocol 0x86dd, length 8",
                    ether(ethernet("ff:ff:ff:ff:ff:ff", "aa:bb:cc:dd:ee:ff", 0x0806, arp)));
        }

        @Test
        void truncatedArp() {
            byte[] request = ethernet("ff:ff:ff:ff:ff:ff", "aa:bb:cc:dd:ee:ff", 0x0806,
                    arp(1, "aa:bb:cc:dd:ee:ff", "10.0.0.1", "00:00:00:00:00:00", "10.0.0.2"));
            assertEquals("aa:bb:cc:dd:ee:ff > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 30: ARP, Request [|arp]",
                    ether(Arrays.copyOf(request, 30)));
            assertEquals("aa:bb:cc:dd:ee:ff > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 16: ARP, [|arp]",
                    ether(Arrays.copyOf(request, 16)));
        }

        @Test
        void ipv4AndIpv6Payloads() {
            assertEquals("02:00:00:00:00:01 > 02:00:00:00:00:02, ethertype IPv4 (0x0800), length 98: " + REAL_PING_SUMMARY,
                    ether(ethernet("02:00:00:00:00:02", "02:00:00:00:00:01", 0x0800, REAL_PING)));
            byte[] ns = ipv6("fd00::1", "ff02::1:ff00:2", ICMPV6, neighborSolicitation("fd00::2", "02:00:00:00:00:01"));
            assertEquals("02:00:00:00:00:01 > 33:33:ff:00:00:02, ethertype IPv6 (0x86dd), length 86: "
                            + "IP6 fd00::1 > ff02::1:ff00:2: ICMP6, neighbor solicitation, who has fd00::2, length 32",
                    ether(ethernet("33:33:ff:00:00:02", "02:00:00:00:00:01", 0x86dd, ns)));
        }

        @Test
        void vlan() {
            assertEquals("02:00:00:00:00:01 > 02:00:00:00:00:02, ethertype 802.1Q (0x8100), length 102: "
                            + "vlan 10, p 3, ethertype IPv4 (0x0800), " + REAL_PING_SUMMARY,
                    ether(ethernetVlan("02:00:00:00:00:02", "02:00:00:00:00:01", 10, 3, 0x0800, REAL_PING)));
            assertEquals("02:00:00:00:00:01 > 02:00:00:00:00:02, ethertype 802.1Q (0x8100), length 20: "
                            + "vlan 10, p 3, ethertype 0x88b5",
                    ether(ethernetVlan("02:00:00:00:00:02", "02:00:00:00:00:01", 10, 3, 0x88b5, new byte[2])));
            assertEquals("02:00:00:00:00:01 > 02:00:00:00:00:02, ethertype 802.1Q (0x8100), length 16: [|vlan]",
                    ether(Arrays.copyOf(ethernetVlan("02:00:00:00:00:02", "02:00:00:00:00:01", 10, 3, 0x0800, REAL_PING), 16)));
        }

        @Test
        void unknownAndLengthTypes() {
            assertEquals("02:00:00:00:00:01 > 02:00:00:00:00:02, ethertype 0x88b5, length 60",
                    ether(ethernet("02:00:00:00:00:02", "02:00:00:00:00:01", 0x88b5, new byte[46])));
            assertEquals("02:00:00:00:00:01 > 01:80:c2:00:00:0e, ethertype LLDP (0x88cc), length 60",
                    ether(ethernet("01:80:c2:00:00:0e", "02:00:00:00:00:01", 0x88cc, new byte[46])));
            assertEquals("02:00:00:00:00:01 > 01:80:c2:00:00:00, 802.3, length 60",
                    ether(ethernet("01:80:c2:00:00:00", "02:00:00:00:00:01", 46, new byte[46])));
        }

        @Test
        void truncatedFrames() {
            assertEquals("[|ether]", ether(new byte[11]));
            assertEquals("00:00:00:00:00:00 > 00:00:00:00:00:00, [|ether]", ether(new byte[13]));
        }
    }

    @Nested
    class Fallbacks {
        @Test
        void unknownVersionIsHex() {
            assertEquals("unknown, 3 bytes: 01 02 03", raw(bytes(1, 2, 3)));
            assertEquals("unknown, 1 byte: f0", raw(bytes(0xf0)));
            assertEquals("unknown, 0 bytes", raw(new byte[0]));
            assertEquals("[|ether]", ether(new byte[0]));
        }

        @Test
        void longHexIsCut() {
            String s = raw(sequence(100));
            StringBuilder expected = new StringBuilder("unknown, 100 bytes:");
            for (int i = 0; i < 64; i++) {
                expected.append(String.format(" %02x", i));
            }
            assertEquals(expected + " ...", s);
        }

        @Test
        void badArgumentsAreDescribedNotThrown() {
            assertEquals("no buffer", PacketSummary.describe(null, 0, 0, LinkType.RAW_IP));
            assertEquals("bad buffer range: offset 2, length 5, array 4",
                    PacketSummary.describe(new byte[4], 2, 5, LinkType.RAW_IP));
            assertEquals("bad buffer range: offset -1, length 1, array 4",
                    PacketSummary.describe(new byte[4], -1, 1, LinkType.RAW_IP));
            assertEquals("unknown, 84 bytes:" + PacketSummary.describe(REAL_PING, null).substring(18),
                    PacketSummary.describe(REAL_PING, null));
        }
    }
}
