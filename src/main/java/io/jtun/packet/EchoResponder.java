package io.jtun.packet;

import java.util.HexFormat;

/**
 * Makes a TUN/TAP device answer pings, so a tunnel can be tested without a real peer host.
 *
 * <p>{@link #reply} rewrites a request in place into its answer:
 * <ul>
 * <li>ICMP echo request (IPv4) → echo reply: addresses swapped, TTL 64, header and ICMP checksums
 *     recomputed; IPv4 options are kept as they were.</li>
 * <li>ICMPv6 echo request → echo reply: addresses swapped, hop limit 64, checksum recomputed over
 *     the IPv6 pseudo-header. Only when ICMPv6 directly follows the IPv6 header.</li>
 * <li>On {@link LinkType#ETHERNET}, the two above with the MAC addresses swapped, and also:</li>
 * <li>ARP request "who-has X tell Y" → "X is-at {@link #RESPONDER_MAC}", sent to Y's MAC.</li>
 * <li>IPv6 neighbor solicitation for target X → neighbor advertisement from X with the solicited
 *     and override flags and a target link-layer address option carrying {@link #RESPONDER_MAC},
 *     sent to the solicitor (its source link-layer address option if present, else the frame's
 *     source MAC).</li>
 * </ul>
 * Up to two 802.1Q/802.1ad VLAN tags are kept in place.
 *
 * <p>Nothing is answered, and the buffer is left untouched, if the request is malformed, truncated,
 * a fragment, has a wrong IP header or ICMP/ICMPv6 checksum, comes from or goes to a multicast,
 * broadcast or unspecified address, or (ARP/ND) is a probe or announcement: ARP from 0.0.0.0 or
 * asking for its own address, NS from {@code ::} (duplicate address detection) or for the sender's
 * own address. Neighbor solicitations must also carry hop limit 255 as RFC 4861 requires.
 *
 * <p>Length contract: echo and ARP replies have exactly the request's length (including any
 * trailing padding). A neighbor advertisement is always {@code L2 header + 40 + 32} bytes; that
 * equals the request length for the usual solicitation carrying one source link-layer address
 * option, is 8 bytes longer for a solicitation without options, and shorter for one with extra
 * options. The reply is written from {@code offset} and may extend past {@code offset + length}
 * when {@code buf} has room; if it has not, the solicitation is not answered.
 */
public final class EchoResponder {
    /**
     * The MAC address the responder claims for every IPv4 and IPv6 address it is asked about.
     * Locally administered (bit 1 of the first octet), unicast, and spelling "jtun" in ASCII.
     */
    public static final String RESPONDER_MAC = "02:6a:74:75:6e:01";

    /** What {@link #reply} returns for a packet it does not answer. */
    public static final int NOT_ANSWERED = -1;

    private static final byte[] MAC = HexFormat.ofDelimiter(":").parseHex(RESPONDER_MAC);

    private EchoResponder() {
    }

    /** The bytes of {@link #RESPONDER_MAC} (a fresh copy). */
    public static byte[] responderMac() {
        return MAC.clone();
    }

    /**
     * Rewrites the request in {@code buf[offset, offset + length)} into its reply.
     *
     * @return the reply length (see the class comment for when it differs from {@code length}), or
     *         {@link #NOT_ANSWERED} (-1) if the packet is not something to answer, in which case {@code buf} is unchanged
     */
    public static int reply(byte[] buf, int offset, int length, LinkType link) {
        if (buf == null || link == null || offset < 0 || length < 0 || offset > buf.length - length) {
            return NOT_ANSWERED;
        }
        return switch (link) {
            case RAW_IP -> replyIp(buf, offset, length);
            case ETHERNET -> replyEthernet(buf, offset, length);
        };
    }

    private static int replyIp(byte[] b, int off, int len) {
        if (IcmpEcho.isIpv4Request(b, off, len)) {
            IcmpEcho.rewriteIpv4(b, off);
            return len;
        }
        if (IcmpEcho.isIpv6Request(b, off, len)) {
            IcmpEcho.rewriteIpv6(b, off);
            return len;
        }
        return NOT_ANSWERED;
    }

    private static int replyEthernet(byte[] b, int off, int len) {
        int l2Len = Ethernet.headerLength(b, off, len);
        if (l2Len < 0) {
            return NOT_ANSWERED;
        }
        int type = Bytes.u16(b, off + l2Len - Short.BYTES);
        int l3 = off + l2Len;
        int l3Len = len - l2Len;
        switch (type) {
            case Ethernet.TYPE_ARP -> {
                if (!ArpReply.isAnswerable(b, l3, l3Len)) {
                    return NOT_ANSWERED;
                }
                ArpReply.rewrite(b, off, l3);
                return len;
            }
            case Ethernet.TYPE_IPV4 -> {
                if (!hasUnicastMacs(b, off) || !IcmpEcho.isIpv4Request(b, l3, l3Len)) {
                    return NOT_ANSWERED;
                }
                IcmpEcho.rewriteIpv4(b, l3);
            }
            case Ethernet.TYPE_IPV6 -> {
                if (!IcmpEcho.isIpv6Request(b, l3, l3Len)) {
                    return NeighborAdvertisement.answer(b, off, l2Len, len);
                }
                if (!hasUnicastMacs(b, off)) {
                    return NOT_ANSWERED;
                }
                IcmpEcho.rewriteIpv6(b, l3);
            }
            default -> {
                return NOT_ANSWERED;
            }
        }
        Bytes.swap(b, off + Ethernet.OFF_DST, off + Ethernet.OFF_SRC, InetFormat.MAC_LEN);
        return len;
    }

    /** A swapped unicast frame is valid; a swapped broadcast would send from a group address. */
    private static boolean hasUnicastMacs(byte[] b, int frameOff) {
        return !Ethernet.isGroup(b, frameOff + Ethernet.OFF_DST) && !Ethernet.isGroup(b, frameOff + Ethernet.OFF_SRC);
    }

    static void putResponderMac(byte[] b, int off) {
        System.arraycopy(MAC, 0, b, off, InetFormat.MAC_LEN);
    }
}
