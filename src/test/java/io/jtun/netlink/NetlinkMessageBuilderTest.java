package io.jtun.netlink;

import io.jtun.net.IpPrefix;
import static io.jtun.netlink.NetlinkConstants.AF_UNSPEC;
import static io.jtun.netlink.NetlinkConstants.IFLA_IFNAME;
import static io.jtun.netlink.NetlinkConstants.IFLA_MTU;
import static io.jtun.netlink.NetlinkConstants.NLM_F_ACK;
import static io.jtun.netlink.NetlinkConstants.NLM_F_CREATE;
import static io.jtun.netlink.NetlinkConstants.NLM_F_DUMP;
import static io.jtun.netlink.NetlinkConstants.NLM_F_EXCL;
import static io.jtun.netlink.NetlinkConstants.NLM_F_REQUEST;
import static io.jtun.netlink.NetlinkConstants.RTM_DELROUTE;
import static io.jtun.netlink.NetlinkConstants.RTM_DELRULE;
import static io.jtun.netlink.NetlinkConstants.RTM_GETLINK;
import static io.jtun.netlink.NetlinkConstants.RTM_GETRULE;
import static io.jtun.netlink.NetlinkConstants.RTM_NEWADDR;
import static io.jtun.netlink.NetlinkConstants.RTM_NEWLINK;
import static io.jtun.netlink.NetlinkConstants.RTM_NEWROUTE;
import static io.jtun.netlink.NetlinkConstants.RTM_NEWRULE;
import static io.jtun.netlink.NetlinkConstants.RTN_UNICAST;
import static io.jtun.netlink.NetlinkConstants.RTN_UNSPEC;
import static io.jtun.netlink.NetlinkConstants.RTPROT_STATIC;
import static io.jtun.netlink.NetlinkConstants.RTPROT_UNSPEC;
import static io.jtun.netlink.NetlinkConstants.RT_SCOPE_LINK;
import static io.jtun.netlink.NetlinkConstants.RT_SCOPE_NOWHERE;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jtun.sys.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.HexFormat;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Assumptions;

/** Exact request bytes, checked against what iproute2 sends for the same change. */
class NetlinkMessageBuilderTest {
    private static final HexFormat HEX = HexFormat.of();

    @BeforeAll
    static void littleEndianHost() {
        // The expected bytes below are written out for x86_64/aarch64, i.e. little-endian hosts.
        Assumptions.assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN);
    }

    private static String hex(MemorySegment message) {
        return HEX.formatHex(message.toArray(JAVA_BYTE));
    }

    private static String strip(String spaced) {
        return spaced.replace(" ", "");
    }

    @Test
    void newAddressIpv4() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment message = Rtnetlink.addressRequest(arena, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, 3,
                    IpPrefix.parse("192.168.3.11/24")).build(42);
            assertEquals(strip(
                    "28000000 1400 0506 2a000000 00000000" // nlmsghdr: len 40, RTM_NEWADDR, REQUEST|ACK|EXCL|CREATE, seq 42
                    + " 02 18 00 00 03000000"               // ifaddrmsg: AF_INET, /24, no flags, universe, index 3
                    + " 0800 0200 c0a8030b"                 // IFA_LOCAL 192.168.3.11
                    + " 0800 0100 c0a8030b"),               // IFA_ADDRESS 192.168.3.11
                    hex(message));
        }
    }

    @Test
    void newAddressIpv6SkipsDuplicateAddressDetection() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment message = Rtnetlink.addressRequest(arena, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, 7,
                    IpPrefix.parse("fd00:3::11/64")).build(1);
            assertEquals(strip(
                    "34000000 1400 0506 01000000 00000000"          // len 52
                    + " 0a 40 02 00 07000000"                        // AF_INET6, /64, IFA_F_NODAD, index 7
                    + " 1400 0100 fd000003000000000000000000000011" // IFA_ADDRESS
                    + " 0800 0800 02000000"),                        // IFA_FLAGS IFA_F_NODAD
                    hex(message));
        }
    }

    @Test
    void newRouteIsStaticLinkScopeInMainTable() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment message = Rtnetlink.routeRequest(arena, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL,
                    IpPrefix.parse("10.77.0.0/16"), 3, RTPROT_STATIC, RT_SCOPE_LINK, RTN_UNICAST).build(5);
            assertEquals(strip(
                    "2c000000 1800 0506 05000000 00000000" // len 44, RTM_NEWROUTE
                    + " 02 10 00 00 fe 04 fd 01 00000000"  // AF_INET /16, table main, static, scope link, unicast
                    + " 0800 0100 0a4d0000"                // RTA_DST 10.77.0.0
                    + " 0800 0400 03000000"),              // RTA_OIF 3
                    hex(message));
        }
    }

    @Test
    void defaultRouteHasNoDestinationAttribute() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment message = Rtnetlink.routeRequest(arena, RTM_DELROUTE, 0, IpPrefix.parse("::/0"), 9,
                    RTPROT_UNSPEC, RT_SCOPE_NOWHERE, RTN_UNSPEC).build(6);
            assertEquals(strip(
                    "24000000 1900 0500 06000000 00000000" // len 36, RTM_DELROUTE, REQUEST|ACK
                    + " 0a 00 00 00 fe 00 ff 00 00000000"  // AF_INET6 /0, main, any protocol, scope nowhere
                    + " 0800 0400 09000000"),              // RTA_OIF 9
                    hex(message));
        }
    }

    @Test
    void linkRequestsAndStringPadding() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment mtu = new NetlinkMessageBuilder(arena, RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK)
                    .ifinfomsg(AF_UNSPEC, 4, 0, 0).attributeU32(IFLA_MTU, 1420).build(2);
            assertEquals(strip("28000000 1000 0500 02000000 00000000"
                    + " 00 00 0000 04000000 00000000 00000000" // ifinfomsg: index 4
                    + " 0800 0400 8c050000"), hex(mtu));          // IFLA_MTU 1420

            MemorySegment up = new NetlinkMessageBuilder(arena, RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK)
                    .ifinfomsg(AF_UNSPEC, 4, 1, 1).build(3);
            assertEquals(strip("20000000 1000 0500 03000000 00000000 00 00 0000 04000000 01000000 01000000"),
                    hex(up));

            // "tun0" + NUL is 5 bytes: rta_len says 9, the attribute is padded to 12.
            MemorySegment get = new NetlinkMessageBuilder(arena, RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK)
                    .ifinfomsg(AF_UNSPEC, 0, 0, 0).attributeString(IFLA_IFNAME, "tun0").build(4);
            assertEquals(strip("2c000000 1200 0500 04000000 00000000"
                    + " 00 00 0000 00000000 00000000 00000000"
                    + " 0900 0300 74756e30 00 000000"), hex(get));
        }
    }

    @Test
    void routeInALargeTableCarriesRtaTable() {
        try (Arena arena = Arena.ofConfined()) {
            // ip -4 route add 0.0.0.0/0 dev <5> table 51820
            MemorySegment message = Rtnetlink.routeRequest(arena, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL,
                    IpPrefix.parse("0.0.0.0/0"), 5, RTPROT_STATIC, RT_SCOPE_LINK, RTN_UNICAST, 51820).build(9);
            assertEquals(strip(
                    "2c000000 1800 0506 09000000 00000000" // len 44, RTM_NEWROUTE, REQUEST|ACK|EXCL|CREATE
                    + " 02 00 00 00 00 04 fd 01 00000000"  // AF_INET /0, rtm_table RT_TABLE_UNSPEC, static, link
                    + " 0800 0400 05000000"                // RTA_OIF 5
                    + " 0800 0f00 6cca0000"),              // RTA_TABLE 51820
                    hex(message));
        }
    }

    @Test
    void routeInASmallTableUsesTheHeaderOnly() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment message = Rtnetlink.routeRequest(arena, RTM_DELROUTE, 0, IpPrefix.parse("fd00:9::/64"), 2,
                    RTPROT_UNSPEC, RT_SCOPE_NOWHERE, RTN_UNSPEC, 100).build(3);
            assertEquals(strip(
                    "38000000 1900 0500 03000000 00000000"          // len 56, RTM_DELROUTE
                    + " 0a 40 00 00 64 00 ff 00 00000000"            // AF_INET6 /64, table 100
                    + " 1400 0100 fd000009000000000000000000000000" // RTA_DST
                    + " 0800 0400 02000000"),                        // RTA_OIF 2
                    hex(message));
            // Main stays as before: no RTA_TABLE.
            assertEquals(hex(Rtnetlink.routeRequest(arena, RTM_NEWROUTE, 0, IpPrefix.parse("10.0.0.0/8"), 1,
                    RTPROT_STATIC, RT_SCOPE_LINK, RTN_UNICAST).build(1)),
                    hex(Rtnetlink.routeRequest(arena, RTM_NEWROUTE, 0, IpPrefix.parse("10.0.0.0/8"), 1,
                            RTPROT_STATIC, RT_SCOPE_LINK, RTN_UNICAST, 254).build(1)));
        }
    }

    @Test
    void routeLookupLikeIpRouteGet() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment message = Rtnetlink.routeLookupRequest(arena, IpPrefix.parse("198.18.0.2").address())
                    .build(10);
            assertEquals(strip(
                    "24000000 1a00 0500 0a000000 00000000" // len 36, RTM_GETROUTE, REQUEST|ACK
                    + " 02 20 00 00 00 00 00 00 00000000"  // AF_INET /32, everything else 0
                    + " 0800 0100 c6120002"),              // RTA_DST 198.18.0.2
                    hex(message));
        }
    }

    @Test
    void notFwmarkRuleLikeWgQuick() {
        try (Arena arena = Arena.ofConfined()) {
            // ip -4 rule add not fwmark 51820 table 51820
            MemorySegment message = Rtnetlink.ruleRequest(arena, RTM_NEWRULE, NLM_F_CREATE | NLM_F_EXCL,
                    RouteRule.notFwmark(Libc.AF_INET, 51820, 51820)).build(7);
            assertEquals(strip(
                    "34000000 2000 0506 07000000 00000000" // len 52, RTM_NEWRULE, REQUEST|ACK|EXCL|CREATE
                    + " 02 00 00 00 00 00 00 01 02000000"  // fib_rule_hdr: AF_INET, table UNSPEC, FR_ACT_TO_TBL, INVERT
                    + " 0800 0a00 6cca0000"                // FRA_FWMARK 51820
                    + " 0800 1000 ffffffff"                // FRA_FWMASK, the kernel's default, spelled out
                    + " 0800 0f00 6cca0000"),              // FRA_TABLE 51820 (> 255: not in the header)
                    hex(message));
        }
    }

    @Test
    void suppressRuleWithPriorityAndDeletion() {
        try (Arena arena = Arena.ofConfined()) {
            // ip -6 rule add priority 32764 table main suppress_prefixlength 0
            RouteRule rule = RouteRule.suppressPrefixLength(Libc.AF_INET6, 254, 0).withPriority(32764);
            MemorySegment add = Rtnetlink.ruleRequest(arena, RTM_NEWRULE, NLM_F_CREATE | NLM_F_EXCL, rule).build(8);
            assertEquals(strip(
                    "2c000000 2000 0506 08000000 00000000" // len 44
                    + " 0a 00 00 00 fe 00 00 01 00000000"  // AF_INET6, table main in the header, FR_ACT_TO_TBL
                    + " 0800 0600 fc7f0000"                // FRA_PRIORITY 32764
                    + " 0800 0e00 00000000"),              // FRA_SUPPRESS_PREFIXLEN 0
                    hex(add));
            MemorySegment delete = Rtnetlink.ruleRequest(arena, RTM_DELRULE, 0, rule).build(9);
            assertEquals(strip("2c000000 2100 0500 09000000 00000000") + hex(add).substring(32), hex(delete));
        }
    }

    @Test
    void ruleDumpRequest() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment message = new NetlinkMessageBuilder(arena, RTM_GETRULE, NLM_F_REQUEST | NLM_F_DUMP)
                    .fibRuleHdr(Libc.AF_INET6, 0, 0, 0).build(11);
            assertEquals(strip("1c000000 2200 0103 0b000000 00000000 0a 00 00 00 00 00 00 00 00000000"),
                    hex(message));
        }
    }

    @Test
    void rebuildingChangesOnlyTheSequenceNumber() {
        try (Arena arena = Arena.ofConfined()) {
            NetlinkMessageBuilder builder = new NetlinkMessageBuilder(arena, RTM_GETLINK, NLM_F_REQUEST)
                    .ifinfomsg(AF_UNSPEC, 1, 0, 0);
            String first = hex(builder.build(1));
            String second = hex(builder.build(2));
            assertEquals(first.substring(0, 16) + "02000000" + first.substring(24), second);
        }
    }
}
