package io.jtun.packet;

/** ARP (RFC 826) for Ethernet/IPv4: layout and the tcpdump-style summary. */
final class Arp {
    static final int OFF_HARDWARE_TYPE = 0;
    static final int OFF_PROTOCOL_TYPE = 2;
    static final int OFF_HARDWARE_LEN = 4;
    static final int OFF_PROTOCOL_LEN = 5;
    static final int OFF_OPERATION = 6;
    /** Addresses, valid only for Ethernet (6-byte) hardware and IPv4 (4-byte) protocol addresses. */
    static final int OFF_SENDER_MAC = 8;
    static final int OFF_SENDER_IP = 14;
    static final int OFF_TARGET_MAC = 18;
    static final int OFF_TARGET_IP = 24;

    static final int FIXED_LEN = 8;
    static final int ETHERNET_IPV4_LEN = 28;

    static final int HARDWARE_ETHERNET = 1;
    static final int PROTOCOL_IPV4 = Ethernet.TYPE_IPV4;

    static final int OP_REQUEST = 1;
    static final int OP_REPLY = 2;
    static final int OP_REVERSE_REQUEST = 3;
    static final int OP_REVERSE_REPLY = 4;

    private Arp() {
    }

    /** True if the header announces Ethernet hardware and IPv4 protocol addresses. */
    static boolean isEthernetIpv4(byte[] b, int off) {
        return Bytes.u16(b, off + OFF_HARDWARE_TYPE) == HARDWARE_ETHERNET
                && Bytes.u16(b, off + OFF_PROTOCOL_TYPE) == PROTOCOL_IPV4
                && Bytes.u8(b, off + OFF_HARDWARE_LEN) == InetFormat.MAC_LEN
                && Bytes.u8(b, off + OFF_PROTOCOL_LEN) == InetFormat.IPV4_LEN;
    }

    /**
     * Appends e.g. {@code ARP, Request who-has 192.168.3.12 tell 192.168.3.11, length 28}; like
     * tcpdump, length counts every byte after the Ethernet header, padding included.
     */
    static void describe(StringBuilder out, byte[] b, int off, int len) {
        out.append("ARP, ");
        if (len < FIXED_LEN) {
            out.append(Truncation.marker("arp"));
            return;
        }
        if (!isEthernetIpv4(b, off)) {
            out.append("hardware type ").append(Bytes.u16(b, off + OFF_HARDWARE_TYPE))
                    .append(", protocol ").append(HexDump.word(Bytes.u16(b, off + OFF_PROTOCOL_TYPE)))
                    .append(", length ").append(len);
            return;
        }
        int op = Bytes.u16(b, off + OFF_OPERATION);
        if (len < ETHERNET_IPV4_LEN) {
            out.append(opName(op)).append(' ').append(Truncation.marker("arp"));
            return;
        }
        String senderIp = InetFormat.ipv4(b, off + OFF_SENDER_IP);
        String targetIp = InetFormat.ipv4(b, off + OFF_TARGET_IP);
        switch (op) {
            case OP_REQUEST -> {
                out.append("Request who-has ").append(targetIp);
                // tcpdump shows a target MAC only when the asker filled one in (e.g. unicast polls).
                if (!Bytes.isZero(b, off + OFF_TARGET_MAC, InetFormat.MAC_LEN)) {
                    out.append(" (").append(InetFormat.mac(b, off + OFF_TARGET_MAC)).append(')');
                }
                out.append(" tell ").append(senderIp);
            }
            case OP_REPLY -> out.append("Reply ").append(senderIp)
                    .append(" is-at ").append(InetFormat.mac(b, off + OFF_SENDER_MAC));
            case OP_REVERSE_REQUEST -> out.append("Reverse Request who-is ")
                    .append(InetFormat.mac(b, off + OFF_TARGET_MAC))
                    .append(" tell ").append(InetFormat.mac(b, off + OFF_SENDER_MAC));
            case OP_REVERSE_REPLY -> out.append("Reverse Reply ")
                    .append(InetFormat.mac(b, off + OFF_TARGET_MAC)).append(" at ").append(targetIp);
            default -> out.append(opName(op));
        }
        out.append(", length ").append(len);
    }

    private static String opName(int op) {
        return switch (op) {
            case OP_REQUEST -> "Request";
            case OP_REPLY -> "Reply";
            case OP_REVERSE_REQUEST -> "Reverse Request";
            case OP_REVERSE_REPLY -> "Reverse Reply";
            default -> "op " + op;
        };
    }
}
