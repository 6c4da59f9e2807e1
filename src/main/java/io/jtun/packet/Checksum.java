package io.jtun.packet;

/**
 * The internet checksum (RFC 1071): the 16-bit one's complement of the one's complement sum of
 * the data taken as big-endian 16-bit words, an odd final byte padded with zero.
 *
 * <p>Sums are carried unfolded in a {@code long} so partial sums (a pseudo-header, then the
 * segment) can be chained; every range but the last must then have even length. A range that
 * includes a correct checksum field yields {@code compute(...) == 0}, which is how to verify one.
 */
public final class Checksum {
    private static final int WORD_BITS = 16;
    private static final int WORD_MASK = 0xffff;
    private static final int BYTE_BITS = 8;
    /** Summing 32-bit chunks and folding later gives the same result and halves the loop count. */
    private static final int CHUNK = 4;
    private static final int WORD = 2;

    private Checksum() {
    }

    /** Unfolded one's complement sum of {@code len} bytes at {@code off}, added to {@code initial}. */
    public static long sum(long initial, byte[] b, int off, int len) {
        long sum = initial;
        int i = off;
        int end = off + len;
        for (; i + CHUNK <= end; i += CHUNK) {
            sum += Bytes.u32(b, i);
        }
        for (; i + WORD <= end; i += WORD) {
            sum += Bytes.u16(b, i);
        }
        if (i < end) {
            sum += Bytes.u8(b, i) << BYTE_BITS;
        }
        return sum;
    }

    /** Folds an unfolded sum to 16 bits and complements it: the value to store in a checksum field. */
    public static int finish(long sum) {
        long folded = sum;
        while ((folded >>> WORD_BITS) != 0) {
            folded = (folded & WORD_MASK) + (folded >>> WORD_BITS);
        }
        return (int) (~folded & WORD_MASK);
    }

    /** The checksum of {@code len} bytes at {@code off}; 0 if the range holds a valid checksum. */
    public static int compute(byte[] b, int off, int len) {
        return finish(sum(0, b, off, len));
    }

    /** The checksum of a range preceded by a pseudo-header sum from {@link #ipv4PseudoHeader} or {@link #ipv6PseudoHeader}. */
    public static int compute(long pseudoHeaderSum, byte[] b, int off, int len) {
        return finish(sum(pseudoHeaderSum, b, off, len));
    }

    /**
     * Sum of the IPv4 pseudo-header (RFC 793/768): source and destination read from the IPv4
     * header at {@code ipOffset}, zero, protocol, and the upper-layer length.
     */
    public static long ipv4PseudoHeader(byte[] b, int ipOffset, int protocol, int upperLength) {
        long sum = sum(0, b, ipOffset + Ipv4.OFF_SRC, InetFormat.IPV4_LEN);
        sum = sum(sum, b, ipOffset + Ipv4.OFF_DST, InetFormat.IPV4_LEN);
        return sum + protocol + upperLength;
    }

    /**
     * Sum of the IPv6 pseudo-header (RFC 8200 section 8.1): source and destination read from the
     * IPv6 header at {@code ipOffset}, the 32-bit upper-layer length, and the next header value of
     * the upper layer (not of any extension header in between).
     */
    public static long ipv6PseudoHeader(byte[] b, int ipOffset, int nextHeader, int upperLength) {
        long sum = sum(0, b, ipOffset + Ipv6.OFF_SRC, InetFormat.IPV6_LEN);
        sum = sum(sum, b, ipOffset + Ipv6.OFF_DST, InetFormat.IPV6_LEN);
        return sum + (upperLength >>> WORD_BITS) + (upperLength & WORD_MASK) + nextHeader;
    }
}
