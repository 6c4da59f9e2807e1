package io.jtun.packet;

/**
 * Answers IPv6 neighbor solicitations (RFC 4861 section 7) for any target with a solicited,
 * overriding neighbor advertisement that maps the target to {@link EchoResponder#RESPONDER_MAC}.
 */
final class NeighborAdvertisement {
    /** The advertisement is always the fixed part plus one target link-layer address option. */
    static final int ICMP_LEN = Icmpv6.ND_HEADER_LEN + Icmpv6.OPT_LINK_ADDRESS_ETHERNET_LEN;
    static final int OPT_OFF_MAC = Icmpv6.OPT_HEADER_LEN;

    /** Results of the solicitation check besides an option offset. */
    private static final int INVALID = -1;
    private static final int NO_OPTION = -2;

    private NeighborAdvertisement() {
    }

    /**
     * Rewrites the Ethernet frame at {@code frameOff} (IPv6 starting {@code l2Len} bytes in) if it
     * is an answerable neighbor solicitation.
     *
     * @return the advertisement's frame length, which may differ from {@code frameLen}, or -1 if the
     *         frame is not answered (or {@code b} has no room for the reply); then {@code b} is unchanged
     */
    static int answer(byte[] b, int frameOff, int l2Len, int frameLen) {
        int ip = frameOff + l2Len;
        int sourceLinkOption = solicitationSourceLinkOption(b, ip, frameLen - l2Len);
        int replyLen = l2Len + Ipv6.HEADER_LEN + ICMP_LEN;
        if (sourceLinkOption == INVALID || replyLen > b.length - frameOff
                || Ethernet.isGroup(b, frameOff + Ethernet.OFF_SRC)) {
            return EchoResponder.NOT_ANSWERED;
        }
        int icmp = ip + Ipv6.HEADER_LEN;
        // Where replies go: the address the solicitor advertised, else the frame's source.
        int replyMac = sourceLinkOption == NO_OPTION ? frameOff + Ethernet.OFF_SRC : sourceLinkOption + OPT_OFF_MAC;
        System.arraycopy(b, replyMac, b, frameOff + Ethernet.OFF_DST, InetFormat.MAC_LEN);
        EchoResponder.putResponderMac(b, frameOff + Ethernet.OFF_SRC);

        Bytes.put32(b, ip, Ipv6.FIRST_WORD_DEFAULT);
        Bytes.put16(b, ip + Ipv6.OFF_PAYLOAD_LENGTH, ICMP_LEN);
        b[ip + Ipv6.OFF_NEXT_HEADER] = (byte) IpProtocol.ICMPV6;
        b[ip + Ipv6.OFF_HOP_LIMIT] = (byte) Icmpv6.ND_HOP_LIMIT;
        System.arraycopy(b, ip + Ipv6.OFF_SRC, b, ip + Ipv6.OFF_DST, InetFormat.IPV6_LEN);
        System.arraycopy(b, icmp + Icmpv6.OFF_ND_TARGET, b, ip + Ipv6.OFF_SRC, InetFormat.IPV6_LEN);

        b[icmp + Icmpv6.OFF_TYPE] = (byte) Icmpv6.TYPE_NEIGHBOR_ADVERTISEMENT;
        b[icmp + Icmpv6.OFF_CODE] = 0;
        Bytes.put32(b, icmp + Icmpv6.OFF_ND_FLAGS, Icmpv6.NA_FLAG_SOLICITED | Icmpv6.NA_FLAG_OVERRIDE);
        int option = icmp + Icmpv6.ND_HEADER_LEN;
        b[option + Icmpv6.OPT_OFF_TYPE] = (byte) Icmpv6.OPT_TARGET_LINK_ADDRESS;
        b[option + Icmpv6.OPT_OFF_LENGTH] = (byte) (Icmpv6.OPT_LINK_ADDRESS_ETHERNET_LEN / Icmpv6.OPT_LENGTH_UNIT);
        EchoResponder.putResponderMac(b, option + OPT_OFF_MAC);
        IcmpEcho.setIcmpv6Checksum(b, ip, ICMP_LEN);
        return replyLen;
    }

    /**
     * Validates a neighbor solicitation per RFC 4861 7.1.1 plus our own limits (no DAD probes from
     * ::, no multicast or self targets), returning the absolute offset of its Ethernet source
     * link-layer address option, {@link #NO_OPTION}, or {@link #INVALID}.
     */
    private static int solicitationSourceLinkOption(byte[] b, int ip, int len) {
        if (len < Ipv6.HEADER_LEN || Ipv4.version(b, ip) != Ipv6.VERSION) {
            return INVALID;
        }
        int icmpLen = Bytes.u16(b, ip + Ipv6.OFF_PAYLOAD_LENGTH);
        int icmp = ip + Ipv6.HEADER_LEN;
        boolean valid = icmpLen >= Icmpv6.ND_HEADER_LEN
                && Ipv6.HEADER_LEN + icmpLen <= len
                && Bytes.u8(b, ip + Ipv6.OFF_NEXT_HEADER) == IpProtocol.ICMPV6
                && Bytes.u8(b, ip + Ipv6.OFF_HOP_LIMIT) == Icmpv6.ND_HOP_LIMIT
                && Bytes.u8(b, icmp + Icmpv6.OFF_TYPE) == Icmpv6.TYPE_NEIGHBOR_SOLICITATION
                && Bytes.u8(b, icmp + Icmpv6.OFF_CODE) == 0
                && IcmpEcho.isIcmpv6ChecksumValid(b, ip, icmpLen)
                && !Ipv6.isUnspecified(b, ip + Ipv6.OFF_SRC)
                && !Ipv6.isMulticast(b, ip + Ipv6.OFF_SRC)
                && !Ipv6.isMulticast(b, icmp + Icmpv6.OFF_ND_TARGET)
                && !Ipv6.isUnspecified(b, icmp + Icmpv6.OFF_ND_TARGET)
                && !Bytes.equal(b, ip + Ipv6.OFF_SRC, icmp + Icmpv6.OFF_ND_TARGET, InetFormat.IPV6_LEN);
        if (!valid) {
            return INVALID;
        }
        int found = NO_OPTION;
        int end = icmp + icmpLen;
        for (int opt = icmp + Icmpv6.ND_HEADER_LEN; opt < end; ) {
            if (end - opt < Icmpv6.OPT_HEADER_LEN) {
                return INVALID;
            }
            int optLen = Bytes.u8(b, opt + Icmpv6.OPT_OFF_LENGTH) * Icmpv6.OPT_LENGTH_UNIT;
            // RFC 4861 4.6: a zero-length option is invalid and the whole message must be dropped.
            if (optLen == 0 || optLen > end - opt) {
                return INVALID;
            }
            if (Bytes.u8(b, opt + Icmpv6.OPT_OFF_TYPE) == Icmpv6.OPT_SOURCE_LINK_ADDRESS
                    && optLen == Icmpv6.OPT_LINK_ADDRESS_ETHERNET_LEN) {
                if (Ethernet.isGroup(b, opt + OPT_OFF_MAC)) {
                    return INVALID;
                }
                found = opt;
            }
            opt += optLen;
        }
        return found;
    }
}
