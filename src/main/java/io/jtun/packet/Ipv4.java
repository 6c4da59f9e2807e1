package io.jtun.packet;

/** IPv4 header layout (RFC 791) and its summary decoder. */
final class Ipv4 {
    static final int VERSION = 4;
    static final int MIN_HEADER_LEN = 20;
    /** The IHL field counts 32-bit words; 5 words is the option-less header. */
    static final int MIN_IHL = 5;
    static final int IHL_UNIT = 4;
    static final int IHL_MASK = 0x0f;
    static final int VERSION_SHIFT = 4;

    static final int OFF_VERSION_IHL = 0;
    static final int OFF_TOTAL_LENGTH = 2;
    static final int OFF_ID = 4;
    static final int OFF_FLAGS_FRAGMENT = 6;
    static final int OFF_TTL = 8;
    static final int OFF_PROTOCOL = 9;
    static final int OFF_CHECKSUM = 10;
    static final int OFF_SRC = 12;
    static final int OFF_DST = 16;

    static final int FLAG_MORE_FRAGMENTS = 0x2000;
    static final int FRAGMENT_OFFSET_MASK = 0x1fff;
    /** Fragment offsets are carried in units of 8 bytes. */
    static final int FRAGMENT_UNIT = 8;

    private Ipv4() {
    }

    /** The version nibble shared by IPv4 and IPv6, at the first byte of any IP packet. */
    static int version(byte[] b, int off) {
        return Bytes.u8(b, off) >>> VERSION_SHIFT;
    }

    /** Header length in bytes according to IHL (may be invalid; callers check against MIN_HEADER_LEN). */
    static int headerLength(byte[] b, int off) {
        return (Bytes.u8(b, off + OFF_VERSION_IHL) & IHL_MASK) * IHL_UNIT;
    }

    /** Fragment offset in bytes. */
    static int fragmentOffset(byte[] b, int off) {
        return (Bytes.u16(b, off + OFF_FLAGS_FRAGMENT) & FRAGMENT_OFFSET_MASK) * FRAGMENT_UNIT;
    }

    static boolean moreFragments(byte[] b, int off) {
        return (Bytes.u16(b, off + OFF_FLAGS_FRAGMENT) & FLAG_MORE_FRAGMENTS) != 0;
    }

    /**
     * Appends the summary of the IPv4 packet whose first {@code len} bytes are at {@code off}.
     * {@code depth} counts enclosing tunnels so nested IP-in-IP cannot recurse without bound.
     */
    static void describe(StringBuilder out, byte[] b, int off, int len, int depth) {
        if (len < 1) {
            out.append("IP ").append(Truncation.marker("ip"));
            return;
        }
        int version = version(b, off);
        if (version != VERSION) {
            out.append("IP bad version ").append(version);
            return;
        }
        int ihl = Bytes.u8(b, off + OFF_VERSION_IHL) & IHL_MASK;
        if (ihl < MIN_IHL) {
            out.append("IP bad header length ").append(ihl).append(" (needs >= ").append(MIN_IHL).append(')');
            return;
        }
        if (len < MIN_HEADER_LEN) {
            out.append("IP ").append(Truncation.marker("ip"));
            return;
        }
        int headerLen = ihl * IHL_UNIT;
        int totalLen = Bytes.u16(b, off + OFF_TOTAL_LENGTH);
        if (totalLen < headerLen) {
            out.append("IP bad total length ").append(totalLen)
                    .append(" (< header length ").append(headerLen).append(')');
            return;
        }
        Endpoints ends = new Endpoints(false,
                InetFormat.ipv4(b, off + OFF_SRC), InetFormat.ipv4(b, off + OFF_DST));
        if (len < headerLen) {
            // The options are cut off, so where the payload starts is known but not what it is.
            ends.hosts(out);
            out.append(Truncation.marker("ip"));
            Truncation.note(out, len, totalLen);
            return;
        }
        // Bytes past the total length are link-layer padding, not part of the packet.
        int captured = Math.min(len, totalLen);
        int protocol = Bytes.u8(b, off + OFF_PROTOCOL);
        int fragmentOffset = fragmentOffset(b, off);
        boolean more = moreFragments(b, off);
        Fragment fragment = fragmentOffset != 0 || more
                ? new Fragment(Bytes.u16(b, off + OFF_ID), fragmentOffset, more)
                : null;
        UpperLayer.describe(out, ends, protocol, b, off + headerLen,
                captured - headerLen, totalLen - headerLen, fragment, depth);
        Truncation.note(out, len, totalLen);
    }
}
