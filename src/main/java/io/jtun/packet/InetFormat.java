package io.jtun.packet;

/**
 * Text forms of IPv4, IPv6 and MAC addresses read straight from packet bytes.
 *
 * <p>{@link java.net.InetAddress} is avoided on purpose: it allocates, may consult resolvers,
 * and its IPv6 text is not the RFC 5952 canonical form that tcpdump and {@code ip} print.
 */
public final class InetFormat {
    /** Bytes in an IPv4 address. */
    public static final int IPV4_LEN = 4;
    /** Bytes in an IPv6 address. */
    public static final int IPV6_LEN = 16;
    /** Bytes in an Ethernet MAC address. */
    public static final int MAC_LEN = 6;

    private static final int IPV6_GROUPS = 8;
    private static final int GROUP_LEN = 2;
    /** Groups 0..4 zero and group 5 = ffff: an IPv4-mapped address (RFC 4291 section 2.5.5.2). */
    private static final int MAPPED_MARKER_GROUP = 5;
    private static final int MAPPED_MARKER = 0xffff;
    private static final int MAPPED_V4_OFFSET = 12;
    /** RFC 5952 section 4.2.2: a single zero group is never shortened to "::". */
    private static final int MIN_COMPRESSED_RUN = 2;
    private static final int HEX = 16;
    /** Longest texts, so the builders never grow: 255.255.255.255, 8 full groups, 6 octets. */
    private static final int IPV4_TEXT_MAX = 15;
    private static final int IPV6_TEXT_MAX = 39;
    private static final int MAC_TEXT_LEN = 17;
    private static final char[] HEX_DIGITS = "0123456789abcdef".toCharArray();
    private static final int NIBBLE_BITS = 4;
    private static final int NIBBLE_MASK = 0xf;

    private InetFormat() {
    }

    /** Dotted-quad text of the IPv4 address at {@code off}, e.g. {@code 192.168.3.11}. */
    public static String ipv4(byte[] b, int off) {
        return appendIpv4(new StringBuilder(IPV4_TEXT_MAX), b, off).toString();
    }

    /**
     * RFC 5952 canonical text of the IPv6 address at {@code off}: lowercase hex, no leading zeros,
     * the longest run (first on ties) of two or more zero groups replaced by {@code ::}, and
     * IPv4-mapped addresses written as {@code ::ffff:192.0.2.1} (section 5).
     */
    public static String ipv6(byte[] b, int off) {
        return appendIpv6(new StringBuilder(IPV6_TEXT_MAX), b, off).toString();
    }

    /** Colon-separated lowercase MAC text of the 6 bytes at {@code off}, e.g. {@code 02:6a:74:75:6e:01}. */
    public static String mac(byte[] b, int off) {
        StringBuilder sb = new StringBuilder(MAC_TEXT_LEN);
        for (int i = 0; i < MAC_LEN; i++) {
            if (i > 0) {
                sb.append(':');
            }
            appendHexByte(sb, Bytes.u8(b, off + i));
        }
        return sb.toString();
    }

    static StringBuilder appendIpv4(StringBuilder sb, byte[] b, int off) {
        for (int i = 0; i < IPV4_LEN; i++) {
            if (i > 0) {
                sb.append('.');
            }
            sb.append(Bytes.u8(b, off + i));
        }
        return sb;
    }

    static StringBuilder appendIpv6(StringBuilder sb, byte[] b, int off) {
        if (isIpv4Mapped(b, off)) {
            sb.append("::ffff:");
            return appendIpv4(sb, b, off + MAPPED_V4_OFFSET);
        }
        int bestStart = -1;
        int bestLen = 0;
        for (int i = 0; i < IPV6_GROUPS; ) {
            if (group(b, off, i) != 0) {
                i++;
                continue;
            }
            int start = i;
            while (i < IPV6_GROUPS && group(b, off, i) == 0) {
                i++;
            }
            // Strictly greater keeps the first of equally long runs, as RFC 5952 4.2.3 requires.
            if (i - start > bestLen) {
                bestStart = start;
                bestLen = i - start;
            }
        }
        if (bestLen < MIN_COMPRESSED_RUN) {
            bestStart = -1;
            bestLen = 0;
        }
        for (int i = 0; i < IPV6_GROUPS; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (i > 0 && i != bestStart + bestLen) {
                sb.append(':');
            }
            sb.append(Integer.toString(group(b, off, i), HEX));
        }
        return sb;
    }

    static void appendHexByte(StringBuilder sb, int value) {
        sb.append(HEX_DIGITS[(value >>> NIBBLE_BITS) & NIBBLE_MASK]).append(HEX_DIGITS[value & NIBBLE_MASK]);
    }

    private static boolean isIpv4Mapped(byte[] b, int off) {
        return Bytes.isZero(b, off, MAPPED_MARKER_GROUP * GROUP_LEN)
                && group(b, off, MAPPED_MARKER_GROUP) == MAPPED_MARKER;
    }

    private static int group(byte[] b, int off, int index) {
        return Bytes.u16(b, off + index * GROUP_LEN);
    }
}
