package io.jtun.netlink;

/**
 * The netlink and rtnetlink numbers jtun uses, with the header each comes from. They are kernel
 * ABI: the values never change, so they are spelled out here rather than read from headers.
 */
final class NetlinkConstants {
    // linux/netlink.h: protocol, socket options
    static final int NETLINK_ROUTE = 0;
    static final int SOL_NETLINK = 270;
    static final int NETLINK_CAP_ACK = 10;
    static final int NETLINK_EXT_ACK = 11;

    // sys/socket.h: recv(2) flags
    static final int MSG_PEEK = 0x2;
    static final int MSG_TRUNC = 0x20;

    // linux/netlink.h: struct nlmsghdr { __u32 len; __u16 type; __u16 flags; __u32 seq; __u32 pid; }
    static final int NLMSG_HDRLEN = 16;
    static final int NLMSG_ALIGNTO = 4;

    // linux/netlink.h: control message types
    static final int NLMSG_NOOP = 1;
    static final int NLMSG_ERROR = 2;
    static final int NLMSG_DONE = 3;
    static final int NLMSG_OVERRUN = 4;

    // linux/netlink.h: nlmsg_flags
    static final int NLM_F_REQUEST = 0x01;
    static final int NLM_F_MULTI = 0x02;
    static final int NLM_F_ACK = 0x04;
    static final int NLM_F_DUMP_INTR = 0x10;
    static final int NLM_F_ROOT = 0x100;
    static final int NLM_F_MATCH = 0x200;
    static final int NLM_F_DUMP = NLM_F_ROOT | NLM_F_MATCH;
    static final int NLM_F_EXCL = 0x200;
    static final int NLM_F_CREATE = 0x400;
    /** On an NLMSG_ERROR: the echoed request was cut to its header (NETLINK_CAP_ACK). */
    static final int NLM_F_CAPPED = 0x100;
    /** On an NLMSG_ERROR or NLMSG_DONE: extended-ack attributes follow (NETLINK_EXT_ACK). */
    static final int NLM_F_ACK_TLVS = 0x200;

    // linux/netlink.h: enum nlmsgerr_attrs
    static final int NLMSGERR_ATTR_MSG = 1;

    // linux/netlink.h: struct nlattr / linux/rtnetlink.h: struct rtattr { __u16 len; __u16 type; }
    static final int NLA_HDRLEN = 4;
    static final int NLA_F_NESTED = 1 << 15;
    static final int NLA_F_NET_BYTEORDER = 1 << 14;
    static final int NLA_TYPE_MASK = ~(NLA_F_NESTED | NLA_F_NET_BYTEORDER) & 0xffff;

    // linux/rtnetlink.h: message types
    static final int RTM_NEWLINK = 16;
    static final int RTM_DELLINK = 17;
    static final int RTM_GETLINK = 18;
    static final int RTM_SETLINK = 19;
    static final int RTM_NEWADDR = 20;
    static final int RTM_DELADDR = 21;
    static final int RTM_GETADDR = 22;
    static final int RTM_NEWROUTE = 24;
    static final int RTM_DELROUTE = 25;
    static final int RTM_GETROUTE = 26;
    static final int RTM_NEWRULE = 32;
    static final int RTM_DELRULE = 33;
    static final int RTM_GETRULE = 34;

    // linux/rtnetlink.h: struct ifinfomsg (16 bytes), ifaddrmsg (8), rtmsg (12);
    // linux/fib_rules.h: struct fib_rule_hdr (12)
    static final int IFINFOMSG_SIZE = 16;
    static final int IFADDRMSG_SIZE = 8;
    static final int RTMSG_SIZE = 12;
    static final int FIB_RULE_HDR_SIZE = 12;

    // linux/if_link.h: enum IFLA_*
    static final int IFLA_IFNAME = 3;
    static final int IFLA_MTU = 4;
    static final int IFLA_STATS = 7;
    static final int IFLA_STATS64 = 23;

    // linux/if.h: net_device_flags
    static final int IFF_UP = 0x1;
    static final int IFF_RUNNING = 0x40;

    // linux/if_addr.h: enum IFA_* and ifa_flags
    static final int IFA_ADDRESS = 1;
    static final int IFA_LOCAL = 2;
    static final int IFA_FLAGS = 8;
    static final int IFA_F_NODAD = 0x02;

    // linux/rtnetlink.h: enum rtattr_type_t
    static final int RTA_DST = 1;
    static final int RTA_OIF = 4;
    static final int RTA_METRICS = 8;
    static final int RTA_MULTIPATH = 9;
    static final int RTA_TABLE = 15;

    // linux/rtnetlink.h: the RTAX_* attributes nested in RTA_METRICS
    static final int RTAX_MTU = 2;

    // linux/rtnetlink.h: struct rtnexthop { u16 len; u8 flags; u8 hops; int ifindex; }, RTA_MULTIPATH's elements
    static final int RTNEXTHOP_SIZE = 8;

    // linux/rtnetlink.h: rtm_table, rtm_protocol, rtm_scope, rtm_type
    static final int RT_TABLE_UNSPEC = 0;
    static final int RT_TABLE_DEFAULT = 253;
    static final int RT_TABLE_MAIN = 254;
    static final int RT_TABLE_LOCAL = 255;
    static final int RTPROT_UNSPEC = 0;
    static final int RTPROT_STATIC = 4;
    static final int RT_SCOPE_UNIVERSE = 0;
    static final int RT_SCOPE_LINK = 253;
    static final int RT_SCOPE_HOST = 254;
    static final int RT_SCOPE_NOWHERE = 255;
    static final int RTN_UNSPEC = 0;
    static final int RTN_UNICAST = 1;

    // linux/fib_rules.h: fib_rule_hdr flags, actions and enum FRA_*
    static final int FIB_RULE_INVERT = 0x00000002;
    static final int FR_ACT_TO_TBL = 1;
    static final int FRA_DST = 1;
    static final int FRA_SRC = 2;
    static final int FRA_PRIORITY = 6;
    static final int FRA_FWMARK = 10;
    static final int FRA_SUPPRESS_IFGROUP = 13;
    static final int FRA_SUPPRESS_PREFIXLEN = 14;
    static final int FRA_TABLE = 15;
    static final int FRA_FWMASK = 16;
    static final int FRA_PAD = 18;
    static final int FRA_PROTOCOL = 21;

    // linux/socket.h: address families carried in rtnetlink messages
    static final int AF_UNSPEC = 0;

    /** asm-generic/errno-base.h: "No such process", what RTM_DELROUTE answers for a missing route. */
    static final int ESRCH = 3;

    private NetlinkConstants() {
    }

    static int align(int length) {
        return (length + NLMSG_ALIGNTO - 1) & ~(NLMSG_ALIGNTO - 1);
    }

    /** For error messages: the request type by its header name. */
    static String messageTypeName(int type) {
        return switch (type) {
            case RTM_NEWLINK -> "RTM_NEWLINK";
            case RTM_DELLINK -> "RTM_DELLINK";
            case RTM_GETLINK -> "RTM_GETLINK";
            case RTM_SETLINK -> "RTM_SETLINK";
            case RTM_NEWADDR -> "RTM_NEWADDR";
            case RTM_DELADDR -> "RTM_DELADDR";
            case RTM_GETADDR -> "RTM_GETADDR";
            case RTM_NEWROUTE -> "RTM_NEWROUTE";
            case RTM_DELROUTE -> "RTM_DELROUTE";
            case RTM_GETROUTE -> "RTM_GETROUTE";
            case RTM_NEWRULE -> "RTM_NEWRULE";
            case RTM_DELRULE -> "RTM_DELRULE";
            case RTM_GETRULE -> "RTM_GETRULE";
            default -> "netlink message type " + type;
        };
    }
}
