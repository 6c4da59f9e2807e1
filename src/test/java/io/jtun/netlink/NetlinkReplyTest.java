package io.jtun.netlink;

import io.jtun.net.IpPrefix;
import static io.jtun.netlink.NetlinkConstants.NLMSG_DONE;
import static io.jtun.netlink.NetlinkConstants.NLMSG_ERROR;
import static io.jtun.netlink.NetlinkConstants.NLM_F_ACK_TLVS;
import static io.jtun.netlink.NetlinkConstants.NLM_F_CAPPED;
import static io.jtun.netlink.NetlinkConstants.NLM_F_DUMP_INTR;
import static io.jtun.netlink.NetlinkConstants.NLM_F_MULTI;
import static io.jtun.netlink.NetlinkConstants.RTM_GETADDR;
import static io.jtun.netlink.NetlinkConstants.RTM_GETLINK;
import static io.jtun.netlink.NetlinkConstants.RTM_GETROUTE;
import static io.jtun.netlink.NetlinkConstants.RTM_NEWADDR;
import static io.jtun.netlink.NetlinkConstants.RTM_NEWLINK;
import static io.jtun.netlink.NetlinkConstants.RTM_NEWROUTE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtun.ExitCode;
import io.jtun.JtunException;
import io.jtun.sys.Errno;
import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Replies as the kernel sends them, built by hand, through the parser and the reply collector. */
class NetlinkReplyTest {

    /** Writes netlink messages and attributes in host byte order, 4-byte aligned. */
    private static final class Bytes {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Bytes u8(int... values) {
            for (int v : values) {
                out.write(v);
            }
            return this;
        }

        Bytes u16(int v) {
            return raw(ByteBuffer.allocate(2).order(ByteOrder.nativeOrder()).putShort((short) v).array());
        }

        Bytes u32(int v) {
            return raw(ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(v).array());
        }

        Bytes u64(long v) {
            return raw(ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putLong(v).array());
        }

        Bytes raw(byte[] bytes) {
            out.writeBytes(bytes);
            return this;
        }

        Bytes attribute(int type, Bytes value) {
            byte[] v = value.toArray();
            u16(4 + v.length).u16(type).raw(v);
            return pad();
        }

        Bytes pad() {
            while (out.size() % 4 != 0) {
                out.write(0);
            }
            return this;
        }

        Bytes message(int type, int flags, int seq, Bytes body) {
            byte[] b = body.toArray();
            u32(16 + b.length).u16(type).u16(flags).u32(seq).u32(4242).raw(b);
            return pad();
        }

        byte[] toArray() {
            return out.toByteArray();
        }

        MemorySegment segment() {
            return MemorySegment.ofArray(toArray());
        }
    }

    private static Bytes bytes() {
        return new Bytes();
    }

    private static Bytes ifaddrmsg(int family, int prefixLength, int index) {
        return bytes().u8(family, prefixLength, 0, 0).u32(index);
    }

    private static Bytes address(int family, int prefixLength, int index, byte[] address) {
        Bytes body = ifaddrmsg(family, prefixLength, index).attribute(NetlinkConstants.IFA_ADDRESS, bytes().raw(address));
        if (family == 2) {
            body.attribute(NetlinkConstants.IFA_LOCAL, bytes().raw(address));
        }
        return body;
    }

    private static boolean offerAll(NetlinkReply reply, MemorySegment datagram) {
        boolean complete = false;
        for (NetlinkMessage message : NetlinkMessage.parseAll(datagram)) {
            complete = reply.offer(message);
        }
        return complete;
    }

    @Test
    void multiMessageDumpAcrossDatagrams() {
        byte[] v4 = {(byte) 192, (byte) 168, 3, 11};
        byte[] v6 = IpPrefix.parse("fd00:3::11").address();
        MemorySegment first = bytes()
                .message(RTM_NEWADDR, NLM_F_MULTI, 7, address(2, 24, 3, v4))
                .message(RTM_NEWADDR, NLM_F_MULTI, 6, address(2, 8, 3, new byte[] {10, 0, 0, 1})) // stale seq
                .message(RTM_NEWADDR, NLM_F_MULTI, 7, address(2, 8, 1, new byte[] {127, 0, 0, 1})) // lo
                .segment();
        MemorySegment second = bytes()
                .message(RTM_NEWADDR, NLM_F_MULTI, 7, address(10, 64, 3, v6))
                .message(NLMSG_DONE, NLM_F_MULTI, 7, bytes().u32(0))
                .segment();

        NetlinkReply reply = new NetlinkReply(RTM_GETADDR, 7, true);
        assertFalse(offerAll(reply, first));
        assertTrue(offerAll(reply, second));
        assertFalse(reply.interrupted());

        List<NetlinkMessage> messages = reply.messages();
        assertEquals(3, messages.size());
        List<IpPrefix> onIndex3 = messages.stream().flatMap(m -> Rtnetlink.parseAddress(m, 3).stream()).toList();
        assertEquals(List.of(IpPrefix.parse("192.168.3.11/24"), IpPrefix.parse("fd00:3::11/64")), onIndex3);
    }

    @Test
    void dumpIgnoresASuccessAckAndNotesInterruption() {
        NetlinkReply reply = new NetlinkReply(RTM_GETADDR, 9, true);
        assertFalse(offerAll(reply, bytes()
                .message(RTM_NEWADDR, NLM_F_MULTI | NLM_F_DUMP_INTR, 9, address(2, 24, 3, new byte[4]))
                .message(NLMSG_ERROR, 0, 9, bytes().u32(0).raw(new byte[16]))
                .segment()));
        assertTrue(offerAll(reply, bytes().message(NLMSG_DONE, NLM_F_MULTI, 9, bytes().u32(0)).segment()));
        assertTrue(reply.interrupted());
    }

    @Test
    void successAckEndsARequestAndKeepsItsAnswer() {
        Bytes link = bytes().u8(0, 0).u16(1).u32(5).u32(0x1 | 0x40).u32(0)
                .attribute(NetlinkConstants.IFLA_IFNAME, bytes().raw("tun0".getBytes(StandardCharsets.UTF_8)).u8(0))
                .attribute(NetlinkConstants.IFLA_MTU, bytes().u32(1420))
                .attribute(NetlinkConstants.IFLA_STATS64, bytes().u64(1).u64(2).u64(3).u64(4).u64(5).u64(6).u64(7)
                        .u64(8).u64(9).u64(10));
        NetlinkReply reply = new NetlinkReply(RTM_GETLINK, 3, false);
        assertTrue(offerAll(reply, bytes()
                .message(RTM_NEWLINK, 0, 3, link)
                .message(NLMSG_ERROR, NLM_F_CAPPED, 3, bytes().u32(0).raw(new byte[16]))
                .segment()));
        assertEquals(1, reply.messages().size());
        assertEquals(new LinkInfo(5, "tun0", 1420, true, true, new LinkStats(1, 2, 3, 4, 5, 6, 7, 8)),
                Rtnetlink.parseLink(reply.messages().getFirst()));
    }

    @Test
    void errorAckWithExtendedAckMessage() {
        // Capped: the echoed request is its 16-byte header alone, then the TLVs.
        MemorySegment datagram = bytes().message(NLMSG_ERROR, NLM_F_CAPPED | NLM_F_ACK_TLVS, 11, bytes()
                        .u32(-Errno.EINVAL)
                        .u32(40).u16(RTM_NEWLINK).u16(5).u32(11).u32(0)
                        .attribute(NetlinkConstants.NLMSGERR_ATTR_MSG,
                                bytes().raw("MTU greater than device maximum".getBytes(StandardCharsets.UTF_8)).u8(0))
                        .attribute(2, bytes().u32(32))) // NLMSGERR_ATTR_OFFS
                .segment();
        NetlinkReply reply = new NetlinkReply(RTM_NEWLINK, 11, false);
        NetlinkError e = assertThrows(NetlinkError.class, () -> offerAll(reply, datagram));
        assertEquals(Errno.EINVAL, e.errno());
        assertEquals(Optional.of("MTU greater than device maximum"), e.kernelMessage());
        assertEquals(ExitCode.FAILURE, e.exitCode());
        assertTrue(e.getMessage().startsWith("RTM_NEWLINK failed: EINVAL ("), e.getMessage());
        assertTrue(e.getMessage().endsWith("; kernel: MTU greater than device maximum)"), e.getMessage());
    }

    @Test
    void errorAckEchoingTheWholeRequest() {
        // Without NETLINK_CAP_ACK the whole request comes back; the TLVs follow it.
        Bytes request = bytes().u32(24).u16(RTM_NEWADDR).u16(0x605).u32(12).u32(0).raw(new byte[8]);
        MemorySegment datagram = bytes().message(NLMSG_ERROR, NLM_F_ACK_TLVS, 12, bytes()
                        .u32(-Errno.EEXIST).raw(request.toArray())
                        .attribute(NetlinkConstants.NLMSGERR_ATTR_MSG,
                                bytes().raw("exists".getBytes(StandardCharsets.UTF_8)).u8(0)))
                .segment();
        NetlinkError e = assertThrows(NetlinkError.class,
                () -> offerAll(new NetlinkReply(RTM_NEWADDR, 12, false), datagram));
        assertEquals(Errno.EEXIST, e.errno());
        assertEquals(Optional.of("exists"), e.kernelMessage());
        assertEquals(ExitCode.BUSY, e.exitCode());
    }

    @Test
    void errorAckWithoutExtendedAck() {
        MemorySegment datagram = bytes().message(NLMSG_ERROR, NLM_F_CAPPED, 13,
                bytes().u32(-Errno.EPERM).u32(16).u16(RTM_NEWADDR).u16(5).u32(13).u32(0)).segment();
        NetlinkError e = assertThrows(NetlinkError.class,
                () -> offerAll(new NetlinkReply(RTM_NEWADDR, 13, false), datagram));
        assertEquals(Errno.EPERM, e.errno());
        assertEquals(Optional.empty(), e.kernelMessage());
        assertEquals(ExitCode.NO_PERMISSION, e.exitCode());
    }

    @Test
    void failedDumpReportsTheErrorInDone() {
        MemorySegment datagram = bytes().message(NLMSG_DONE, NLM_F_MULTI, 14, bytes().u32(-Errno.ENOBUFS)).segment();
        NetlinkError e = assertThrows(NetlinkError.class,
                () -> offerAll(new NetlinkReply(RTM_GETROUTE, 14, true), datagram));
        assertEquals(Errno.ENOBUFS, e.errno());
    }

    @Test
    void errorsForOtherRequestsAreIgnored() {
        NetlinkReply reply = new NetlinkReply(RTM_NEWADDR, 20, false);
        assertFalse(offerAll(reply, bytes()
                .message(NLMSG_ERROR, NLM_F_CAPPED, 19, bytes().u32(-Errno.EEXIST).raw(new byte[16]))
                .segment()));
        assertTrue(offerAll(reply, bytes().message(NLMSG_ERROR, NLM_F_CAPPED, 20, bytes().u32(0).raw(new byte[16]))
                .segment()));
    }

    @Test
    void routesOfTheMainTable() {
        Bytes main = bytes().u8(2, 16, 0, 0, 254, 4, 253, 1).u32(0)
                .attribute(NetlinkConstants.RTA_TABLE, bytes().u32(254))
                .attribute(NetlinkConstants.RTA_DST, bytes().u8(10, 77, 0, 0))
                .attribute(NetlinkConstants.RTA_OIF, bytes().u32(3));
        Bytes defaultV6 = bytes().u8(10, 0, 0, 0, 254, 3, 0, 1).u32(0)
                .attribute(NetlinkConstants.RTA_OIF, bytes().u32(4));
        Bytes local = bytes().u8(2, 32, 0, 0, 255, 2, 254, 2).u32(0)
                .attribute(NetlinkConstants.RTA_TABLE, bytes().u32(255))
                .attribute(NetlinkConstants.RTA_DST, bytes().u8(127, 0, 0, 1))
                .attribute(NetlinkConstants.RTA_OIF, bytes().u32(1));
        List<NetlinkMessage> messages = NetlinkMessage.parseAll(bytes()
                .message(RTM_NEWROUTE, NLM_F_MULTI, 1, main)
                .message(RTM_NEWROUTE, NLM_F_MULTI, 1, defaultV6)
                .message(RTM_NEWROUTE, NLM_F_MULTI, 1, local)
                .segment());
        assertEquals(Optional.of(new Rtnetlink.Route(IpPrefix.parse("10.77.0.0/16"), 3)),
                Rtnetlink.parseRoute(messages.get(0)));
        assertEquals(Optional.of(new Rtnetlink.Route(IpPrefix.parse("::/0"), 4)),
                Rtnetlink.parseRoute(messages.get(1)));
        assertEquals(Optional.empty(), Rtnetlink.parseRoute(messages.get(2)));
    }

    /** struct fib_rule_hdr as the kernel fills it in a dump. */
    private static Bytes fibRuleHdr(int family, int table, int action, int flags) {
        return bytes().u8(family, 0, 0, 0, table, 0, 0, action).u32(flags);
    }

    @Test
    void rulesAsTheKernelDumpsThem() {
        // 32765: not from all fwmark 0xca6c lookup 51820 (FRA_PROTOCOL is a u8, padded)
        Bytes notFwmark = fibRuleHdr(2, 252, 1, 2)
                .attribute(NetlinkConstants.FRA_TABLE, bytes().u32(51820))
                .attribute(NetlinkConstants.FRA_SUPPRESS_PREFIXLEN, bytes().u32(-1))
                .attribute(NetlinkConstants.FRA_PROTOCOL, bytes().u8(0))
                .attribute(NetlinkConstants.FRA_PRIORITY, bytes().u32(32765))
                .attribute(NetlinkConstants.FRA_FWMARK, bytes().u32(0xca6c))
                .attribute(NetlinkConstants.FRA_FWMASK, bytes().u32(-1));
        // 32764: from all lookup main suppress_prefixlength 0
        Bytes suppress = fibRuleHdr(10, 254, 1, 0)
                .attribute(NetlinkConstants.FRA_TABLE, bytes().u32(254))
                .attribute(NetlinkConstants.FRA_SUPPRESS_PREFIXLEN, bytes().u32(0))
                .attribute(NetlinkConstants.FRA_PRIORITY, bytes().u32(32764));
        // 0: from all lookup local (no FRA_PRIORITY for priority 0)
        Bytes local = fibRuleHdr(2, 255, 1, 0).attribute(NetlinkConstants.FRA_TABLE, bytes().u32(255));
        // 100: from 10.0.0.0/8 lookup 7 — a selector RouteRule does not describe
        Bytes from = bytes().u8(2, 0, 8, 0, 7, 0, 0, 1).u32(0)
                .attribute(NetlinkConstants.FRA_TABLE, bytes().u32(7))
                .attribute(NetlinkConstants.FRA_SRC, bytes().u8(10, 0, 0, 0))
                .attribute(NetlinkConstants.FRA_PRIORITY, bytes().u32(100));
        // 200: iif lo lookup 7 — FRA_IIFNAME (3)
        Bytes iif = fibRuleHdr(2, 7, 1, 0)
                .attribute(NetlinkConstants.FRA_TABLE, bytes().u32(7))
                .attribute(3, bytes().raw("lo\0".getBytes(StandardCharsets.US_ASCII)));
        // 300: blackhole — another action
        Bytes blackhole = fibRuleHdr(2, 0, 6, 0).attribute(NetlinkConstants.FRA_PRIORITY, bytes().u32(300));

        List<NetlinkMessage> messages = NetlinkMessage.parseAll(bytes()
                .message(NetlinkConstants.RTM_NEWRULE, NLM_F_MULTI, 1, notFwmark)
                .message(NetlinkConstants.RTM_NEWRULE, NLM_F_MULTI, 1, suppress)
                .message(NetlinkConstants.RTM_NEWRULE, NLM_F_MULTI, 1, local)
                .message(NetlinkConstants.RTM_NEWRULE, NLM_F_MULTI, 1, from)
                .message(NetlinkConstants.RTM_NEWRULE, NLM_F_MULTI, 1, iif)
                .message(NetlinkConstants.RTM_NEWRULE, NLM_F_MULTI, 1, blackhole)
                .segment());
        assertEquals(Optional.of(RouteRule.notFwmark(2, 0xca6c, 51820).withPriority(32765)),
                Rtnetlink.parseRule(messages.get(0)));
        assertEquals(Optional.of(RouteRule.suppressPrefixLength(10, 254, 0).withPriority(32764)),
                Rtnetlink.parseRule(messages.get(1)));
        assertEquals(Optional.of(RouteRule.lookup(2, 255).withPriority(0)), Rtnetlink.parseRule(messages.get(2)));
        assertEquals(Optional.empty(), Rtnetlink.parseRule(messages.get(3)));
        assertEquals(Optional.empty(), Rtnetlink.parseRule(messages.get(4)));
        assertEquals(Optional.empty(), Rtnetlink.parseRule(messages.get(5)));
        assertEquals("-4 priority 32765 not fwmark 0xca6c lookup 51820",
                Rtnetlink.parseRule(messages.get(0)).orElseThrow().toString());
    }

    @Test
    void routesOfOtherTablesWithMetricsAndMultipath() {
        // default dev tun0 table 51820 proto static scope link
        Bytes inTable = bytes().u8(2, 0, 0, 0, 252, 4, 253, 1).u32(0)
                .attribute(NetlinkConstants.RTA_TABLE, bytes().u32(51820))
                .attribute(NetlinkConstants.RTA_OIF, bytes().u32(7));
        // 198.18.5.7 via ... dev d0 mtu 1300: what ip route get answers for a route with an MTU
        Bytes lookup = bytes().u8(2, 32, 0, 0, 254, 0, 0, 1).u32(0)
                .attribute(NetlinkConstants.RTA_TABLE, bytes().u32(254))
                .attribute(NetlinkConstants.RTA_DST, bytes().u8(198, 18, 5, 7))
                .attribute(NetlinkConstants.RTA_OIF, bytes().u32(3))
                .attribute(NetlinkConstants.RTA_METRICS,
                        bytes().attribute(NetlinkConstants.RTAX_MTU, bytes().u32(1300)));
        // default proto static: nexthop dev <4>, nexthop dev <5>
        Bytes multipath = bytes().u8(2, 0, 0, 0, 254, 4, 0, 1).u32(0)
                .attribute(NetlinkConstants.RTA_TABLE, bytes().u32(254))
                .attribute(NetlinkConstants.RTA_MULTIPATH, bytes()
                        .u16(8).u8(0, 0).u32(4)
                        .u16(8).u8(0, 0).u32(5));
        List<NetlinkMessage> messages = NetlinkMessage.parseAll(bytes()
                .message(RTM_NEWROUTE, NLM_F_MULTI, 1, inTable)
                .message(RTM_NEWROUTE, NLM_F_MULTI, 1, lookup)
                .message(RTM_NEWROUTE, NLM_F_MULTI, 1, multipath)
                .segment());
        assertEquals(Optional.of(new Rtnetlink.TableRoute(2, IpPrefix.parse("0.0.0.0/0"), 51820, 1, 7, 0)),
                Rtnetlink.parseTableRoute(messages.get(0)));
        assertEquals(Optional.empty(), Rtnetlink.parseRoute(messages.get(0)), "not the main table");
        assertEquals(Optional.of(new Rtnetlink.TableRoute(2, IpPrefix.parse("198.18.5.7/32"), 254, 1, 3, 1300)),
                Rtnetlink.parseTableRoute(messages.get(1)));
        assertEquals(Optional.of(new Rtnetlink.TableRoute(2, IpPrefix.parse("0.0.0.0/0"), 254, 1, 4, 0)),
                Rtnetlink.parseTableRoute(messages.get(2)));
    }

    @Test
    void truncatedMessagesAreReportedNotMisread() {
        byte[] datagram = bytes().message(RTM_NEWADDR, 0, 1, ifaddrmsg(2, 24, 3)).toArray();
        datagram[0] = (byte) (datagram.length + 4); // nlmsg_len beyond the datagram
        JtunException e = assertThrows(JtunException.class,
                () -> NetlinkMessage.parseAll(MemorySegment.ofArray(datagram)));
        assertEquals(ExitCode.FAILURE, e.exitCode());
        assertTrue(e.getMessage().startsWith("malformed netlink reply from the kernel"), e.getMessage());

        Bytes badAttribute = ifaddrmsg(2, 24, 3).u16(200).u16(1).u32(0);
        NetlinkMessage message = NetlinkMessage.parseAll(bytes().message(RTM_NEWADDR, 0, 1, badAttribute).segment())
                .getFirst();
        assertThrows(JtunException.class, () -> Rtnetlink.parseAddress(message, 3));

        NetlinkMessage shortBody = NetlinkMessage.parseAll(bytes().message(RTM_NEWADDR, 0, 1, bytes().u8(2, 24))
                .segment()).getFirst();
        assertThrows(JtunException.class, () -> Rtnetlink.parseAddress(shortBody, 3));
    }
}
