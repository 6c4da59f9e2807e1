package io.jtun.packet;

/** ICMP for IPv4 (RFC 792): layout, type numbers, and the tcpdump-style summary. */
final class Icmp {
    static final int OFF_TYPE = 0;
    static final int OFF_CODE = 1;
    static final int OFF_CHECKSUM = 2;
    /** Echo and timestamp messages: identifier and sequence number. */
    static final int OFF_ID = 4;
    static final int OFF_SEQ = 6;
    /** Redirect: gateway address. */
    static final int OFF_GATEWAY = 4;
    /** Parameter problem: the pointer to the offending octet. */
    static final int OFF_POINTER = 4;
    /** Destination unreachable, code fragmentation-needed: next-hop MTU (RFC 1191). */
    static final int OFF_NEXT_HOP_MTU = 6;

    /** Type and code: the least needed to name a message. */
    static final int TYPE_CODE_LEN = 2;
    static final int HEADER_LEN = 8;

    static final int TYPE_ECHO_REPLY = 0;
    static final int TYPE_DEST_UNREACHABLE = 3;
    static final int TYPE_SOURCE_QUENCH = 4;
    static final int TYPE_REDIRECT = 5;
    static final int TYPE_ECHO_REQUEST = 8;
    static final int TYPE_ROUTER_ADVERTISEMENT = 9;
    static final int TYPE_ROUTER_SOLICITATION = 10;
    static final int TYPE_TIME_EXCEEDED = 11;
    static final int TYPE_PARAMETER_PROBLEM = 12;

    static final int CODE_FRAGMENTATION_NEEDED = 4;
    static final int CODE_TTL_EXCEEDED = 0;
    static final int CODE_REASSEMBLY_EXCEEDED = 1;

    /** Destination unreachable code names, indexed by code (RFC 792, RFC 1122, RFC 1812). */
    private static final String[] UNREACHABLE = {
            "net unreachable",
            "host unreachable",
            "protocol unreachable",
            "port unreachable",
            "fragmentation needed",
            "source route failed",
            "destination network unknown",
            "destination host unknown",
            "source host isolated",
            "network administratively prohibited",
            "host administratively prohibited",
            "network unreachable for TOS",
            "host unreachable for TOS",
            "communication administratively prohibited",
            "host precedence violation",
            "precedence cutoff in effect",
    };

    /** Redirect code names, indexed by code. */
    private static final String[] REDIRECT = {"net", "host", "TOS and net", "TOS and host"};

    private Icmp() {
    }

    /**
     * Appends e.g. {@code IP a > b: ICMP echo request, id 24028, seq 1, length 64}, where length is
     * the ICMP message length from the IP header.
     */
    static void describe(StringBuilder out, Endpoints ends, byte[] b, int off, int captured, int length) {
        ends.hosts(out);
        if (captured < TYPE_CODE_LEN) {
            out.append(Truncation.marker("icmp"));
            return;
        }
        int type = Bytes.u8(b, off + OFF_TYPE);
        int code = Bytes.u8(b, off + OFF_CODE);
        boolean whole = captured >= HEADER_LEN;
        out.append("ICMP ");
        switch (type) {
            case TYPE_ECHO_REQUEST, TYPE_ECHO_REPLY -> {
                out.append(type == TYPE_ECHO_REQUEST ? "echo request" : "echo reply");
                if (!whole) {
                    out.append(' ').append(Truncation.marker("icmp"));
                    return;
                }
                out.append(", id ").append(Bytes.u16(b, off + OFF_ID))
                        .append(", seq ").append(Bytes.u16(b, off + OFF_SEQ));
            }
            case TYPE_DEST_UNREACHABLE -> {
                out.append("destination unreachable (").append(codeName(UNREACHABLE, code));
                if (code == CODE_FRAGMENTATION_NEEDED && whole && Bytes.u16(b, off + OFF_NEXT_HOP_MTU) != 0) {
                    out.append(", mtu ").append(Bytes.u16(b, off + OFF_NEXT_HOP_MTU));
                }
                out.append(')');
            }
            case TYPE_SOURCE_QUENCH -> out.append("source quench");
            case TYPE_REDIRECT -> {
                out.append("redirect (").append(codeName(REDIRECT, code)).append(')');
                if (whole) {
                    out.append(", gateway ").append(InetFormat.ipv4(b, off + OFF_GATEWAY));
                }
            }
            case TYPE_ROUTER_ADVERTISEMENT -> out.append("router advertisement");
            case TYPE_ROUTER_SOLICITATION -> out.append("router solicitation");
            case TYPE_TIME_EXCEEDED -> {
                switch (code) {
                    case CODE_TTL_EXCEEDED -> out.append("time exceeded in-transit");
                    case CODE_REASSEMBLY_EXCEEDED -> out.append("ip reassembly time exceeded");
                    default -> out.append("time exceeded, code ").append(code);
                }
            }
            case TYPE_PARAMETER_PROBLEM -> {
                out.append("parameter problem");
                if (captured > OFF_POINTER) {
                    out.append(" - octet ").append(Bytes.u8(b, off + OFF_POINTER));
                }
            }
            default -> out.append("type ").append(type).append(", code ").append(code);
        }
        out.append(", length ").append(length);
    }

    static String codeName(String[] names, int code) {
        return code < names.length ? names[code] : "code " + code;
    }
}
