package io.jtun.packet;

/** Dispatches an IP payload to the decoder for its protocol number. */
final class UpperLayer {
    /** Tunnels nested deeper than this are named but not opened, bounding recursion on hostile input. */
    static final int MAX_TUNNEL_DEPTH = 4;

    private UpperLayer() {
    }

    /**
     * Appends the summary of an IP payload, including the {@code IP a > b: } prefix.
     *
     * @param captured bytes of the payload actually present (never more than {@code length})
     * @param length   payload length according to the IP header
     * @param fragment fragmentation fields, or null if the packet is not a fragment
     */
    static void describe(StringBuilder out, Endpoints ends, int protocol, byte[] b, int off,
                         int captured, int length, Fragment fragment, int depth) {
        if (fragment != null && !fragment.isFirst()) {
            // Later fragments carry no upper-layer header, so only the protocol number is known.
            ends.hosts(out);
            out.append("ip-proto-").append(protocol);
            fragment.note(out);
            out.append(", length ").append(length);
            return;
        }
        switch (protocol) {
            case IpProtocol.ICMP -> {
                if (ends.ipv6()) {
                    other(out, ends, protocol, length);
                } else {
                    Icmp.describe(out, ends, b, off, captured, length);
                }
            }
            case IpProtocol.ICMPV6 -> {
                if (ends.ipv6()) {
                    Icmpv6.describe(out, ends, b, off, captured, length);
                } else {
                    other(out, ends, protocol, length);
                }
            }
            case IpProtocol.TCP -> Tcp.describe(out, ends, b, off, captured, length);
            case IpProtocol.UDP -> Udp.describe(out, ends, b, off, captured, length, fragment != null);
            case IpProtocol.IP_IN_IP -> tunnel(out, ends, "IP-in-IP", false, b, off, captured, length, depth);
            case IpProtocol.IPV6 -> tunnel(out, ends, "IPv6-in-IP", true, b, off, captured, length, depth);
            case IpProtocol.NO_NEXT_HEADER -> {
                ends.hosts(out);
                out.append("no next header, length ").append(length);
            }
            default -> other(out, ends, protocol, length);
        }
        if (fragment != null) {
            fragment.note(out);
        }
    }

    private static void other(StringBuilder out, Endpoints ends, int protocol, int length) {
        ends.hosts(out);
        out.append("ip-proto-").append(protocol).append(", length ").append(length);
    }

    /** {@code IP a > b: IP-in-IP, length 84: IP c > d: ...}, the inner summary after the colon. */
    private static void tunnel(StringBuilder out, Endpoints ends, String name, boolean innerIpv6,
                               byte[] b, int off, int captured, int length, int depth) {
        ends.hosts(out);
        out.append(name).append(", length ").append(length);
        if (depth >= MAX_TUNNEL_DEPTH) {
            return;
        }
        out.append(": ");
        if (innerIpv6) {
            Ipv6.describe(out, b, off, captured, depth + 1);
        } else {
            Ipv4.describe(out, b, off, captured, depth + 1);
        }
    }
}
