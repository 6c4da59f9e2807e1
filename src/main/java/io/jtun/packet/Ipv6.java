package io.jtun.packet;

/** IPv6 header layout (RFC 8200), extension-header walking, and the summary decoder. */
final class Ipv6 {
    static final int VERSION = 6;
    static final int HEADER_LEN = 40;

    static final int OFF_PAYLOAD_LENGTH = 4;
    static final int OFF_NEXT_HEADER = 6;
    static final int OFF_HOP_LIMIT = 7;
    static final int OFF_SRC = 8;
    static final int OFF_DST = 24;

    /** Version 6, traffic class 0, flow label 0: the first 32-bit word of a header we build. */
    static final long FIRST_WORD_DEFAULT = 0x6000_0000L;

    /** Generic extension header: next header, then length in 8-byte units not counting the first 8. */
    static final int EXT_OFF_NEXT_HEADER = 0;
    static final int EXT_OFF_LENGTH = 1;
    static final int EXT_MIN_LEN = 2;
    static final int EXT_LENGTH_UNIT = 8;

    /** Fragment header (RFC 8200 section 4.5): fixed 8 bytes. */
    static final int FRAG_HEADER_LEN = 8;
    static final int FRAG_OFF_OFFSET_FLAGS = 2;
    static final int FRAG_OFF_ID = 4;
    /** The 13-bit offset sits in the top bits already scaled by 8, so masking yields bytes. */
    static final int FRAG_OFFSET_MASK = 0xfff8;
    static final int FRAG_MORE = 0x0001;

    /** First byte of every multicast address (ff00::/8). */
    static final int MULTICAST_PREFIX = 0xff;

    private Ipv6() {
    }

    /** True for ff00::/8. */
    static boolean isMulticast(byte[] b, int addrOff) {
        return Bytes.u8(b, addrOff) == MULTICAST_PREFIX;
    }

    /** True for the unspecified address {@code ::}. */
    static boolean isUnspecified(byte[] b, int addrOff) {
        return Bytes.isZero(b, addrOff, InetFormat.IPV6_LEN);
    }

    /** Appends the summary of the IPv6 packet whose first {@code len} bytes are at {@code off}. */
    static void describe(StringBuilder out, byte[] b, int off, int len, int depth) {
        if (len < 1) {
            out.append("IP6 ").append(Truncation.marker("ip6"));
            return;
        }
        int version = Ipv4.version(b, off);
        if (version != VERSION) {
            out.append("IP6 bad version ").append(version);
            return;
        }
        if (len < HEADER_LEN) {
            out.append("IP6 ").append(Truncation.marker("ip6"));
            return;
        }
        int total = HEADER_LEN + Bytes.u16(b, off + OFF_PAYLOAD_LENGTH);
        int captured = Math.min(len, total);
        Endpoints ends = new Endpoints(true,
                InetFormat.ipv6(b, off + OFF_SRC), InetFormat.ipv6(b, off + OFF_DST));

        int protocol = Bytes.u8(b, off + OFF_NEXT_HEADER);
        int pos = HEADER_LEN;
        Fragment fragment = null;
        // Every extension header is at least 8 bytes, so this advances and ends within `total`.
        while (isWalkedExtension(protocol)) {
            int extLen = protocol == IpProtocol.FRAGMENT ? FRAG_HEADER_LEN : EXT_MIN_LEN;
            if (pos + extLen <= captured && protocol != IpProtocol.FRAGMENT) {
                extLen = (Bytes.u8(b, off + pos + EXT_OFF_LENGTH) + 1) * EXT_LENGTH_UNIT;
            }
            if (pos + extLen > total) {
                ends.hosts(out);
                out.append("bad ").append(extensionName(protocol)).append(" header length ").append(extLen)
                        .append(" (> ").append(total - pos).append(" bytes left)");
                Truncation.note(out, len, total);
                return;
            }
            if (pos + extLen > captured) {
                ends.hosts(out);
                out.append(Truncation.marker("ip6"));
                Truncation.note(out, len, total);
                return;
            }
            if (protocol == IpProtocol.FRAGMENT) {
                int offsetFlags = Bytes.u16(b, off + pos + FRAG_OFF_OFFSET_FLAGS);
                fragment = new Fragment(Bytes.u32(b, off + pos + FRAG_OFF_ID),
                        offsetFlags & FRAG_OFFSET_MASK, (offsetFlags & FRAG_MORE) != 0);
            }
            protocol = Bytes.u8(b, off + pos + EXT_OFF_NEXT_HEADER);
            pos += extLen;
            if (fragment != null && !fragment.isFirst()) {
                // What follows a later fragment's header is data, not further headers.
                break;
            }
        }
        UpperLayer.describe(out, ends, protocol, b, off + pos, captured - pos, total - pos, fragment, depth);
        Truncation.note(out, len, total);
    }

    private static boolean isWalkedExtension(int protocol) {
        return protocol == IpProtocol.HOP_BY_HOP
                || protocol == IpProtocol.ROUTING
                || protocol == IpProtocol.DESTINATION_OPTIONS
                || protocol == IpProtocol.FRAGMENT;
    }

    private static String extensionName(int protocol) {
        return switch (protocol) {
            case IpProtocol.HOP_BY_HOP -> "hop-by-hop";
            case IpProtocol.ROUTING -> "routing";
            case IpProtocol.FRAGMENT -> "fragment";
            default -> "destination options";
        };
    }
}
