package io.jtun.packet;

import static io.jtun.packet.PacketBuilder.ICMP;
import static io.jtun.packet.PacketBuilder.ICMPV6;
import static io.jtun.packet.PacketBuilder.TCP;
import static io.jtun.packet.PacketBuilder.UDP;
import static io.jtun.packet.PacketBuilder.arp;
import static io.jtun.packet.PacketBuilder.bytes;
import static io.jtun.packet.PacketBuilder.concat;
import static io.jtun.packet.PacketBuilder.ethernet;
import static io.jtun.packet.PacketBuilder.icmp;
import static io.jtun.packet.PacketBuilder.icmpEcho;
import static io.jtun.packet.PacketBuilder.icmpv6;
import static io.jtun.packet.PacketBuilder.icmpv6Echo;
import static io.jtun.packet.PacketBuilder.ipv4;
import static io.jtun.packet.PacketBuilder.ipv6;
import static io.jtun.packet.PacketBuilder.neighborSolicitation;
import static io.jtun.packet.PacketBuilder.tcp;
import static io.jtun.packet.PacketBuilder.udp;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * For packets whose summary is meant to be exactly tcpdump's, compares our line with what the
 * installed {@code tcpdump -n -S -t} prints for the same packets read from a pcap file we wrote.
 */
class TcpdumpCrossCheckTest {
    /** An IPv4/IPv6/ARP ethertype, optionally the frame length, then the word tcpdump -e omits. */
    private static final String AFTER_ETHERTYPE = "(\\((?:0x0800|0x86dd|0x0806)\\)(?:, length \\d+)?[:,] )(?:IP6? |ARP, )";

    @TempDir
    Path dir;

    /** Packets on unassigned high ports so tcpdump does not decode an application protocol. */
    private static List<byte[]> rawPackets() {
        List<byte[]> p = new ArrayList<>();
        p.add(PacketSummaryTest.REAL_PING);
        p.add(ipv4("10.0.0.2", "10.0.0.1", ICMP, icmpEcho(false, 7, 3, new byte[32])));
        p.add(ipv4("10.0.0.254", "10.0.0.1", ICMP, icmp(11, 0, new byte[4], new byte[28])));
        p.add(ipv4("10.0.0.1", "224.0.0.2", ICMP, icmp(10, 0, new byte[4], new byte[0])));
        p.add(ipv4("10.0.0.1", "10.0.0.2", TCP, tcp(45555, 40080, 1000, 0, 0x02, 64240, new byte[0])));
        p.add(ipv4("10.0.0.2", "10.0.0.1", TCP, tcp(40080, 45555, 1000, 2000, 0x12, 65160, new byte[0])));
        p.add(ipv4("10.0.0.1", "10.0.0.2", TCP, tcp(45555, 40080, 1001, 1, 0x18, 502, new byte[100])));
        p.add(ipv4("10.0.0.1", "10.0.0.2", TCP, tcp(45555, 40080, 1001, 1, 0x10, 502, new byte[0])));
        p.add(ipv4("10.0.0.1", "10.0.0.2", TCP, tcp(45555, 40080, 1001, 1, 0x11, 502, new byte[0])));
        p.add(ipv4("10.0.0.1", "10.0.0.2", TCP, tcp(45555, 40080, 1001, 0, 0x04, 0, new byte[0])));
        p.add(ipv4("10.0.0.1", "10.0.0.2", TCP, tcp(45555, 40080, 1001, 1, 0xd2, 502, new byte[0])));
        p.add(ipv4("10.0.0.1", "10.0.0.2", UDP, udp(45353, 40053, new byte[32])));
        p.add(ipv6("fd00:3::11", "fd00:3::12", ICMPV6, icmpv6Echo(true, 7, 1, new byte[56])));
        p.add(ipv6("fd00:3::12", "fd00:3::11", ICMPV6, icmpv6Echo(false, 7, 1, new byte[56])));
        p.add(ipv6("fe80::1", "ff02::2", ICMPV6, icmpv6(133, 0, concat(new byte[4], bytes(1, 1), new byte[6]))));
        p.add(ipv6("fd00::1", "ff02::1:ff00:2", ICMPV6, neighborSolicitation("fd00::2", "02:00:00:00:00:01")));
        p.add(ipv6("fd00::2", "fd00::1", ICMPV6,
                icmpv6(136, 0, concat(bytes(0x60, 0, 0, 0), PacketBuilder.ip("fd00::2"), bytes(2, 1), new byte[6]))));
        p.add(ipv6("fd00::1", "fd00::2", ICMPV6, icmpv6(2, 0, concat(bytes(0, 0, 5, 0), new byte[48]))));
        p.add(ipv6("fd00::1", "fd00::2", TCP, tcp(45555, 40080, 1000, 0, 0x02, 64800, new byte[0])));
        p.add(ipv6("2001:db8:0:1:1:1:1:1", "2001:db8::1:0:0:1", UDP, udp(45353, 40053, new byte[32])));
        p.add(ipv6("::ffff:192.0.2.1", "1::", UDP, udp(45353, 40053, new byte[1])));
        return p;
    }

    private static List<byte[]> ethernetFrames() {
        List<byte[]> f = new ArrayList<>();
        f.add(ethernet("ff:ff:ff:ff:ff:ff", "aa:bb:cc:dd:ee:ff", 0x0806,
                arp(1, "aa:bb:cc:dd:ee:ff", "192.168.3.11", "00:00:00:00:00:00", "192.168.3.12")));
        f.add(ethernet("aa:bb:cc:dd:ee:ff", "02:6a:74:75:6e:01", 0x0806,
                arp(2, "02:6a:74:75:6e:01", "192.168.3.12", "aa:bb:cc:dd:ee:ff", "192.168.3.11")));
        f.add(ethernet("ff:ff:ff:ff:ff:ff", "aa:bb:cc:dd:ee:ff", 0x0806,
                concat(arp(1, "aa:bb:cc:dd:ee:ff", "10.0.0.1", "00:00:00:00:00:00", "10.0.0.2"), new byte[18])));
        f.add(ethernet("02:00:00:00:00:02", "02:00:00:00:00:01", 0x0800, PacketSummaryTest.REAL_PING));
        f.add(PacketBuilder.ethernetVlan("02:00:00:00:00:02", "02:00:00:00:00:01", 10, 3, 0x0800,
                PacketSummaryTest.REAL_PING));
        f.add(ethernet("33:33:ff:00:00:02", "02:00:00:00:00:01", 0x86dd,
                ipv6("fd00::1", "ff02::1:ff00:2", ICMPV6, neighborSolicitation("fd00::2", "02:00:00:00:00:01"))));
        return f;
    }

    @Test
    void rawIpMatchesTcpdump() throws Exception {
        compare(LinkType.RAW_IP, rawPackets(), "-n", "-S", "-t");
    }

    @Test
    void ethernetMatchesTcpdump() throws Exception {
        compare(LinkType.ETHERNET, ethernetFrames(), "-n", "-S", "-t", "-e");
    }

    private void compare(LinkType link, List<byte[]> packets, String... args) throws Exception {
        Optional<Path> tcpdump = Tcpdump.find();
        Assumptions.assumeTrue(tcpdump.isPresent(), "tcpdump not installed");
        Path file = dir.resolve(link + ".pcap");
        List<String> ours = new ArrayList<>();
        try (PcapWriter w = new PcapWriter(file, link)) {
            for (byte[] packet : packets) {
                w.write(0, packet, 0, packet.length);
                String line = PacketSummary.describe(packet, link);
                // tcpdump -e drops the "IP"/"IP6"/"ARP," word that the ethertype already implies; we keep it.
                ours.add(link == LinkType.ETHERNET ? line.replaceFirst(AFTER_ETHERTYPE, "$1") : line);
            }
        }
        List<String> theirs = Tcpdump.read(tcpdump.get(), file, args);
        assertEquals(String.join("\n", theirs), String.join("\n", ours));
    }
}
