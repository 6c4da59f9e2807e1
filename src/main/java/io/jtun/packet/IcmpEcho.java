package io.jtun.packet;

/**
 * Recognises ICMP and ICMPv6 echo requests that are safe to answer and turns them into replies
 * in place. Validation and rewriting are separate so a caller can check its own framing between
 * the two and still leave a rejected buffer untouched.
 */
final class IcmpEcho {
    /** The initial TTL / hop limit Linux uses, so replies look like they came from a normal host. */
    static final int REPLY_HOP_LIMIT = 64;

    /** 224.0.0.0/4 multicast and everything above it (reserved, limited broadcast) are not unicast. */
    private static final int FIRST_NON_UNICAST_OCTET = 224;

    private IcmpEcho() {
    }

    /**
     * True if {@code b[off, off+len)} is a well-formed, unfragmented IPv4 ICMP echo request with
     * valid header and ICMP checksums between unicast addresses. Options are allowed and kept.
     */
    static boolean isIpv4Request(byte[] b, int off, int len) {
        if (len < Ipv4.MIN_HEADER_LEN || Ipv4.version(b, off) != Ipv4.VERSION) {
            return false;
        }
        int headerLen = Ipv4.headerLength(b, off);
        int totalLen = Bytes.u16(b, off + Ipv4.OFF_TOTAL_LENGTH);
        return headerLen >= Ipv4.MIN_HEADER_LEN
                && totalLen >= headerLen + Icmp.HEADER_LEN
                && totalLen <= len
                && Checksum.compute(b, off, headerLen) == 0
                && Ipv4.fragmentOffset(b, off) == 0 && !Ipv4.moreFragments(b, off)
                && Bytes.u8(b, off + Ipv4.OFF_PROTOCOL) == IpProtocol.ICMP
                && Bytes.u8(b, off + headerLen + Icmp.OFF_TYPE) == Icmp.TYPE_ECHO_REQUEST
                && Bytes.u8(b, off + headerLen + Icmp.OFF_CODE) == 0
                && Checksum.compute(b, off + headerLen, totalLen - headerLen) == 0
                && isUnicastIpv4(b, off + Ipv4.OFF_SRC)
                && isUnicastIpv4(b, off + Ipv4.OFF_DST);
    }

    /** Rewrites a request accepted by {@link #isIpv4Request} into its echo reply. */
    static void rewriteIpv4(byte[] b, int off) {
        int headerLen = Ipv4.headerLength(b, off);
        int totalLen = Bytes.u16(b, off + Ipv4.OFF_TOTAL_LENGTH);
        Bytes.swap(b, off + Ipv4.OFF_SRC, off + Ipv4.OFF_DST, InetFormat.IPV4_LEN);
        b[off + Ipv4.OFF_TTL] = (byte) REPLY_HOP_LIMIT;
        Bytes.put16(b, off + Ipv4.OFF_CHECKSUM, 0);
        Bytes.put16(b, off + Ipv4.OFF_CHECKSUM, Checksum.compute(b, off, headerLen));

        int icmp = off + headerLen;
        b[icmp + Icmp.OFF_TYPE] = (byte) Icmp.TYPE_ECHO_REPLY;
        Bytes.put16(b, icmp + Icmp.OFF_CHECKSUM, 0);
        Bytes.put16(b, icmp + Icmp.OFF_CHECKSUM, Checksum.compute(b, icmp, totalLen - headerLen));
    }

    /**
     * True if {@code b[off, off+len)} is a well-formed IPv6 packet whose next header is directly
     * an ICMPv6 echo request with a valid checksum, from a unicast source to a unicast destination.
     * Requests behind extension headers are not answered (this also excludes fragments).
     */
    static boolean isIpv6Request(byte[] b, int off, int len) {
        if (len < Ipv6.HEADER_LEN || Ipv4.version(b, off) != Ipv6.VERSION) {
            return false;
        }
        int payloadLen = Bytes.u16(b, off + Ipv6.OFF_PAYLOAD_LENGTH);
        int icmp = off + Ipv6.HEADER_LEN;
        return payloadLen >= Icmpv6.HEADER_LEN
                && Ipv6.HEADER_LEN + payloadLen <= len
                && Bytes.u8(b, off + Ipv6.OFF_NEXT_HEADER) == IpProtocol.ICMPV6
                && Bytes.u8(b, icmp + Icmpv6.OFF_TYPE) == Icmpv6.TYPE_ECHO_REQUEST
                && Bytes.u8(b, icmp + Icmpv6.OFF_CODE) == 0
                && isIcmpv6ChecksumValid(b, off, payloadLen)
                && !Ipv6.isUnspecified(b, off + Ipv6.OFF_SRC)
                && !Ipv6.isMulticast(b, off + Ipv6.OFF_SRC)
                && !Ipv6.isMulticast(b, off + Ipv6.OFF_DST);
    }

    /** Rewrites a request accepted by {@link #isIpv6Request} into its echo reply. */
    static void rewriteIpv6(byte[] b, int off) {
        int payloadLen = Bytes.u16(b, off + Ipv6.OFF_PAYLOAD_LENGTH);
        Bytes.swap(b, off + Ipv6.OFF_SRC, off + Ipv6.OFF_DST, InetFormat.IPV6_LEN);
        b[off + Ipv6.OFF_HOP_LIMIT] = (byte) REPLY_HOP_LIMIT;
        int icmp = off + Ipv6.HEADER_LEN;
        b[icmp + Icmpv6.OFF_TYPE] = (byte) Icmpv6.TYPE_ECHO_REPLY;
        setIcmpv6Checksum(b, off, payloadLen);
    }

    /** Checks the checksum of an ICMPv6 message that directly follows the IPv6 header at {@code ipOff}. */
    static boolean isIcmpv6ChecksumValid(byte[] b, int ipOff, int icmpLen) {
        long pseudo = Checksum.ipv6PseudoHeader(b, ipOff, IpProtocol.ICMPV6, icmpLen);
        return Checksum.compute(pseudo, b, ipOff + Ipv6.HEADER_LEN, icmpLen) == 0;
    }

    /** Fills in the checksum of an ICMPv6 message that directly follows the IPv6 header at {@code ipOff}. */
    static void setIcmpv6Checksum(byte[] b, int ipOff, int icmpLen) {
        int icmp = ipOff + Ipv6.HEADER_LEN;
        Bytes.put16(b, icmp + Icmpv6.OFF_CHECKSUM, 0);
        long pseudo = Checksum.ipv6PseudoHeader(b, ipOff, IpProtocol.ICMPV6, icmpLen);
        Bytes.put16(b, icmp + Icmpv6.OFF_CHECKSUM, Checksum.compute(pseudo, b, icmp, icmpLen));
    }

    /** Not 0.0.0.0, not multicast, not reserved or broadcast: an address a reply may come from or go to. */
    static boolean isUnicastIpv4(byte[] b, int addrOff) {
        return Bytes.u8(b, addrOff) < FIRST_NON_UNICAST_OCTET && !Bytes.isZero(b, addrOff, InetFormat.IPV4_LEN);
    }
}
