package io.jtun.packet;

/** ICMPv6 (RFC 4443) and Neighbor Discovery (RFC 4861): layout, type numbers, and the summary. */
final class Icmpv6 {
    static final int OFF_TYPE = 0;
    static final int OFF_CODE = 1;
    static final int OFF_CHECKSUM = 2;
    static final int OFF_ID = 4;
    static final int OFF_SEQ = 6;
    /** Packet too big: MTU. */
    static final int OFF_MTU = 4;
    /** Parameter problem: pointer. */
    static final int OFF_POINTER = 4;
    /** Neighbor solicitation/advertisement: flags word then target address. */
    static final int OFF_ND_FLAGS = 4;
    static final int OFF_ND_TARGET = 8;
    /** Redirect: target then destination address. */
    static final int OFF_REDIRECT_TARGET = 8;
    static final int OFF_REDIRECT_DESTINATION = 24;

    static final int TYPE_CODE_LEN = 2;
    static final int HEADER_LEN = 8;
    /** Type, code, checksum, flags/reserved, target address: the fixed part of NS and NA. */
    static final int ND_HEADER_LEN = 24;
    static final int REDIRECT_HEADER_LEN = 40;

    static final int TYPE_DEST_UNREACHABLE = 1;
    static final int TYPE_PACKET_TOO_BIG = 2;
    static final int TYPE_TIME_EXCEEDED = 3;
    static final int TYPE_PARAMETER_PROBLEM = 4;
    static final int TYPE_ECHO_REQUEST = 128;
    static final int TYPE_ECHO_REPLY = 129;
    static final int TYPE_MLD_QUERY = 130;
    static final int TYPE_MLD_REPORT = 131;
    static final int TYPE_MLD_DONE = 132;
    static final int TYPE_ROUTER_SOLICITATION = 133;
    static final int TYPE_ROUTER_ADVERTISEMENT = 134;
    static final int TYPE_NEIGHBOR_SOLICITATION = 135;
    static final int TYPE_NEIGHBOR_ADVERTISEMENT = 136;
    static final int TYPE_REDIRECT = 137;
    static final int TYPE_MLD_V2_REPORT = 143;

    static final int CODE_HOP_LIMIT_EXCEEDED = 0;
    static final int CODE_REASSEMBLY_EXCEEDED = 1;

    /** ND option header: type, then length in 8-byte units (0 is invalid). */
    static final int OPT_OFF_TYPE = 0;
    static final int OPT_OFF_LENGTH = 1;
    static final int OPT_HEADER_LEN = 2;
    static final int OPT_LENGTH_UNIT = 8;
    static final int OPT_SOURCE_LINK_ADDRESS = 1;
    static final int OPT_TARGET_LINK_ADDRESS = 2;
    /** A link-layer address option carrying a 6-byte MAC fills exactly one 8-byte unit. */
    static final int OPT_LINK_ADDRESS_ETHERNET_LEN = 8;

    /** NA flags (RFC 4861 4.4): router, solicited, override, in the top bits of the flags word. */
    static final long NA_FLAG_SOLICITED = 0x4000_0000L;
    static final long NA_FLAG_OVERRIDE = 0x2000_0000L;

    /** RFC 4861 requires hop limit 255 on ND messages, proving they were not forwarded. */
    static final int ND_HOP_LIMIT = 255;

    private static final String[] UNREACHABLE = {
            "no route to destination",
            "communication administratively prohibited",
            "beyond scope of source address",
            "address unreachable",
            "port unreachable",
            "source address failed ingress/egress policy",
            "reject route to destination",
            "error in source routing header",
    };

    private static final String[] PARAMETER_PROBLEM = {
            "erroneous header field",
            "unrecognized next header",
            "unrecognized option",
    };

    private Icmpv6() {
    }

    /** Appends e.g. {@code IP6 a > b: ICMP6, echo request, id 7, seq 1, length 64}. */
    static void describe(StringBuilder out, Endpoints ends, byte[] b, int off, int captured, int length) {
        ends.hosts(out);
        if (captured < TYPE_CODE_LEN) {
            out.append(Truncation.marker("icmp6"));
            return;
        }
        int type = Bytes.u8(b, off + OFF_TYPE);
        int code = Bytes.u8(b, off + OFF_CODE);
        out.append("ICMP6, ");
        if (!describeType(out, type, code, b, off, captured)) {
            out.append(' ').append(Truncation.marker("icmp6"));
            return;
        }
        out.append(", length ").append(length);
    }

    /** Appends the message description; false if the fields it needs were not captured. */
    private static boolean describeType(StringBuilder out, int type, int code, byte[] b, int off, int captured) {
        switch (type) {
            case TYPE_ECHO_REQUEST, TYPE_ECHO_REPLY -> {
                out.append(type == TYPE_ECHO_REQUEST ? "echo request" : "echo reply");
                if (captured < HEADER_LEN) {
                    return false;
                }
                out.append(", id ").append(Bytes.u16(b, off + OFF_ID))
                        .append(", seq ").append(Bytes.u16(b, off + OFF_SEQ));
            }
            case TYPE_DEST_UNREACHABLE ->
                    out.append("destination unreachable (").append(Icmp.codeName(UNREACHABLE, code)).append(')');
            case TYPE_PACKET_TOO_BIG -> {
                out.append("packet too big");
                if (captured < HEADER_LEN) {
                    return false;
                }
                out.append(", mtu ").append(Bytes.u32(b, off + OFF_MTU));
            }
            case TYPE_TIME_EXCEEDED -> {
                switch (code) {
                    case CODE_HOP_LIMIT_EXCEEDED -> out.append("time exceeded in-transit");
                    case CODE_REASSEMBLY_EXCEEDED -> out.append("ip6 reassembly time exceeded");
                    default -> out.append("time exceeded, code ").append(code);
                }
            }
            case TYPE_PARAMETER_PROBLEM -> {
                out.append("parameter problem (").append(Icmp.codeName(PARAMETER_PROBLEM, code)).append(')');
                if (captured < HEADER_LEN) {
                    return false;
                }
                out.append(", pointer ").append(Bytes.u32(b, off + OFF_POINTER));
            }
            case TYPE_MLD_QUERY -> out.append("multicast listener query");
            case TYPE_MLD_REPORT -> out.append("multicast listener report");
            case TYPE_MLD_DONE -> out.append("multicast listener done");
            case TYPE_MLD_V2_REPORT -> out.append("multicast listener report v2");
            case TYPE_ROUTER_SOLICITATION -> out.append("router solicitation");
            case TYPE_ROUTER_ADVERTISEMENT -> out.append("router advertisement");
            case TYPE_NEIGHBOR_SOLICITATION, TYPE_NEIGHBOR_ADVERTISEMENT -> {
                boolean solicitation = type == TYPE_NEIGHBOR_SOLICITATION;
                out.append(solicitation ? "neighbor solicitation" : "neighbor advertisement");
                if (captured < ND_HEADER_LEN) {
                    return false;
                }
                out.append(solicitation ? ", who has " : ", tgt is ")
                        .append(InetFormat.ipv6(b, off + OFF_ND_TARGET));
            }
            case TYPE_REDIRECT -> {
                out.append("redirect");
                if (captured < REDIRECT_HEADER_LEN) {
                    return false;
                }
                out.append(", ").append(InetFormat.ipv6(b, off + OFF_REDIRECT_DESTINATION))
                        .append(" to ").append(InetFormat.ipv6(b, off + OFF_REDIRECT_TARGET));
            }
            default -> out.append("type ").append(type);
        }
        return true;
    }
}
