package io.jtun.packet;

/** Ethernet II framing with 802.1Q tags, and the tcpdump -e style summary prefix. */
final class Ethernet {
    static final int OFF_DST = 0;
    static final int OFF_SRC = 6;
    static final int OFF_ETHERTYPE = 12;
    static final int ADDRESSES_LEN = 12;
    static final int HEADER_LEN = 14;

    /** A VLAN tag: TCI (priority 3 bits, DEI 1 bit, VLAN id 12 bits) then the inner ethertype. */
    static final int TAG_LEN = 4;
    static final int TAG_OFF_TCI = 0;
    static final int TAG_OFF_ETHERTYPE = 2;
    static final int TCI_PRIORITY_SHIFT = 13;
    static final int TCI_DEI = 0x1000;
    static final int TCI_VLAN_MASK = 0x0fff;
    /** Enough for QinQ; more tags than this are shown but not unwrapped. */
    static final int MAX_TAGS = 2;

    /** Values below this in the type field are 802.3 lengths, not ethertypes. */
    static final int MIN_ETHERTYPE = 0x0600;
    static final int TYPE_IPV4 = 0x0800;
    static final int TYPE_ARP = 0x0806;
    static final int TYPE_VLAN = 0x8100;
    static final int TYPE_IPV6 = 0x86dd;
    static final int TYPE_QINQ = 0x88a8;
    private static final int TYPE_RARP = 0x8035;
    private static final int TYPE_MPLS = 0x8847;
    private static final int TYPE_PPPOE_DISCOVERY = 0x8863;
    private static final int TYPE_PPPOE_SESSION = 0x8864;
    private static final int TYPE_EAPOL = 0x888e;
    private static final int TYPE_LLDP = 0x88cc;

    /** Low bit of the first address byte: group (multicast/broadcast) address. */
    static final int GROUP_BIT = 0x01;

    private Ethernet() {
    }

    /** True for multicast and broadcast MACs, which may never be a frame's source. */
    static boolean isGroup(byte[] b, int macOff) {
        return (Bytes.u8(b, macOff) & GROUP_BIT) != 0;
    }

    /**
     * Length of the Ethernet header including up to {@link #MAX_TAGS} VLAN tags, or -1 if the
     * frame is too short to hold it. The payload's ethertype is the 2 bytes just before this length.
     */
    static int headerLength(byte[] b, int off, int len) {
        if (len < HEADER_LEN) {
            return -1;
        }
        int pos = HEADER_LEN;
        for (int tags = 0; tags < MAX_TAGS && isTag(Bytes.u16(b, off + pos - Short.BYTES)); tags++) {
            if (len < pos + TAG_LEN) {
                return -1;
            }
            pos += TAG_LEN;
        }
        return pos;
    }

    /** Appends {@code src > dst, ethertype ARP (0x0806), length 42: ARP, ...}; length is the frame length. */
    static void describe(StringBuilder out, byte[] b, int off, int len) {
        if (len < ADDRESSES_LEN) {
            out.append(Truncation.marker("ether"));
            return;
        }
        out.append(InetFormat.mac(b, off + OFF_SRC)).append(" > ").append(InetFormat.mac(b, off + OFF_DST));
        if (len < HEADER_LEN) {
            out.append(", ").append(Truncation.marker("ether"));
            return;
        }
        int type = Bytes.u16(b, off + OFF_ETHERTYPE);
        if (type < MIN_ETHERTYPE) {
            out.append(", 802.3, length ").append(len);
            return;
        }
        out.append(", ");
        appendEthertype(out, type);
        out.append(", length ").append(len);
        payload(out, type, b, off + HEADER_LEN, len - HEADER_LEN, 0);
    }

    /** Appends the payload after a type field: ": " plus the summary, or nothing for unknown types. */
    private static void payload(StringBuilder out, int type, byte[] b, int off, int len, int tags) {
        String separator = tags == 0 ? ": " : ", ";
        switch (type) {
            case TYPE_IPV4 -> Ipv4.describe(out.append(separator), b, off, len, 0);
            case TYPE_IPV6 -> Ipv6.describe(out.append(separator), b, off, len, 0);
            case TYPE_ARP -> Arp.describe(out.append(separator), b, off, len);
            case TYPE_VLAN, TYPE_QINQ -> {
                if (tags >= MAX_TAGS) {
                    return;
                }
                out.append(separator);
                if (len < TAG_LEN) {
                    out.append(Truncation.marker("vlan"));
                    return;
                }
                int tci = Bytes.u16(b, off + TAG_OFF_TCI);
                int inner = Bytes.u16(b, off + TAG_OFF_ETHERTYPE);
                out.append("vlan ").append(tci & TCI_VLAN_MASK)
                        .append(", p ").append(tci >>> TCI_PRIORITY_SHIFT);
                if ((tci & TCI_DEI) != 0) {
                    out.append(", DEI");
                }
                out.append(", ");
                appendEthertype(out, inner);
                payload(out, inner, b, off + TAG_LEN, len - TAG_LEN, tags + 1);
            }
            default -> {
                // Named or not, there is no decoder for it; the ethertype already says what it is.
            }
        }
    }

    private static boolean isTag(int type) {
        return type == TYPE_VLAN || type == TYPE_QINQ;
    }

    /** {@code ethertype IPv4 (0x0800)} for known types, {@code ethertype 0x88b5} otherwise. */
    private static void appendEthertype(StringBuilder out, int type) {
        String name = ethertypeName(type);
        String hex = HexDump.word(type);
        out.append("ethertype ");
        if (name == null) {
            out.append(hex);
        } else {
            out.append(name).append(" (").append(hex).append(')');
        }
    }

    private static String ethertypeName(int type) {
        return switch (type) {
            case TYPE_IPV4 -> "IPv4";
            case TYPE_ARP -> "ARP";
            case TYPE_VLAN -> "802.1Q";
            case TYPE_IPV6 -> "IPv6";
            case TYPE_QINQ -> "802.1Q-QinQ";
            case TYPE_RARP -> "Reverse ARP";
            case TYPE_MPLS -> "MPLS unicast";
            case TYPE_PPPOE_DISCOVERY -> "PPPoE D";
            case TYPE_PPPOE_SESSION -> "PPPoE S";
            case TYPE_EAPOL -> "EAPOL";
            case TYPE_LLDP -> "LLDP";
            default -> null;
        };
    }
}
