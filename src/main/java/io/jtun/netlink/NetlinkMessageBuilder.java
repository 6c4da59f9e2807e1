package io.jtun.netlink;

import static io.jtun.netlink.NetlinkConstants.FIB_RULE_HDR_SIZE;
import static io.jtun.netlink.NetlinkConstants.IFADDRMSG_SIZE;
import static io.jtun.netlink.NetlinkConstants.IFINFOMSG_SIZE;
import static io.jtun.netlink.NetlinkConstants.NLA_HDRLEN;
import static io.jtun.netlink.NetlinkConstants.NLMSG_HDRLEN;
import static io.jtun.netlink.NetlinkConstants.RTMSG_SIZE;
import static io.jtun.netlink.NetlinkConstants.align;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

/**
 * Writes one netlink request (header, family struct, attributes) into native memory, in the
 * host's byte order as the kernel expects. The sequence number is filled in by {@link #build}
 * so that the socket can give every send, including a retried dump, a fresh one.
 */
final class NetlinkMessageBuilder {
    /** Our requests carry a few small attributes; a page is far more than enough. */
    private static final int CAPACITY = 4096;

    private final MemorySegment buffer;
    private final int type;
    private int length;

    NetlinkMessageBuilder(Arena arena, int type, int flags) {
        this.buffer = arena.allocate(CAPACITY, NLMSG_HDRLEN);
        this.type = type;
        buffer.set(JAVA_SHORT_UNALIGNED, 4, (short) type);
        buffer.set(JAVA_SHORT_UNALIGNED, 6, (short) flags);
        length = NLMSG_HDRLEN;
    }

    int type() {
        return type;
    }

    /** struct ifinfomsg: family, pad, type, index, flags, change. */
    NetlinkMessageBuilder ifinfomsg(int family, int index, int flags, int change) {
        long at = reserve(IFINFOMSG_SIZE);
        buffer.set(JAVA_BYTE, at, (byte) family);
        buffer.set(JAVA_INT_UNALIGNED, at + 4, index);
        buffer.set(JAVA_INT_UNALIGNED, at + 8, flags);
        buffer.set(JAVA_INT_UNALIGNED, at + 12, change);
        return this;
    }

    /** struct ifaddrmsg: family, prefixlen, flags, scope, index. */
    NetlinkMessageBuilder ifaddrmsg(int family, int prefixLength, int flags, int scope, int index) {
        long at = reserve(IFADDRMSG_SIZE);
        buffer.set(JAVA_BYTE, at, (byte) family);
        buffer.set(JAVA_BYTE, at + 1, (byte) prefixLength);
        buffer.set(JAVA_BYTE, at + 2, (byte) flags);
        buffer.set(JAVA_BYTE, at + 3, (byte) scope);
        buffer.set(JAVA_INT_UNALIGNED, at + 4, index);
        return this;
    }

    /** struct rtmsg: family, dst_len, src_len, tos, table, protocol, scope, type, flags. */
    NetlinkMessageBuilder rtmsg(int family, int destinationLength, int table, int protocol, int scope,
            int routeType) {
        long at = reserve(RTMSG_SIZE);
        buffer.set(JAVA_BYTE, at, (byte) family);
        buffer.set(JAVA_BYTE, at + 1, (byte) destinationLength);
        buffer.set(JAVA_BYTE, at + 4, (byte) table);
        buffer.set(JAVA_BYTE, at + 5, (byte) protocol);
        buffer.set(JAVA_BYTE, at + 6, (byte) scope);
        buffer.set(JAVA_BYTE, at + 7, (byte) routeType);
        return this;
    }

    /**
     * struct fib_rule_hdr: family, dst_len, src_len, tos, table, res1, res2, action, flags. The
     * selectors that take lengths (dst, src, tos) stay 0: jtun's rules match on marks only.
     */
    NetlinkMessageBuilder fibRuleHdr(int family, int table, int action, int flags) {
        long at = reserve(FIB_RULE_HDR_SIZE);
        buffer.set(JAVA_BYTE, at, (byte) family);
        buffer.set(JAVA_BYTE, at + 4, (byte) table);
        buffer.set(JAVA_BYTE, at + 7, (byte) action);
        buffer.set(JAVA_INT_UNALIGNED, at + 8, flags);
        return this;
    }

    NetlinkMessageBuilder attribute(int attributeType, byte[] value) {
        int attributeLength = NLA_HDRLEN + value.length;
        long at = reserve(align(attributeLength));
        buffer.set(JAVA_SHORT_UNALIGNED, at, (short) attributeLength);
        buffer.set(JAVA_SHORT_UNALIGNED, at + 2, (short) attributeType);
        MemorySegment.copy(value, 0, buffer, JAVA_BYTE, at + NLA_HDRLEN, value.length);
        return this;
    }

    NetlinkMessageBuilder attributeU32(int attributeType, int value) {
        long at = reserve(NLA_HDRLEN + 4);
        buffer.set(JAVA_SHORT_UNALIGNED, at, (short) (NLA_HDRLEN + 4));
        buffer.set(JAVA_SHORT_UNALIGNED, at + 2, (short) attributeType);
        buffer.set(JAVA_INT_UNALIGNED, at + NLA_HDRLEN, value);
        return this;
    }

    /** A C string attribute: the kernel's policies for names count the terminating NUL. */
    NetlinkMessageBuilder attributeString(int attributeType, String value) {
        byte[] text = value.getBytes(StandardCharsets.UTF_8);
        byte[] withNul = new byte[text.length + 1];
        System.arraycopy(text, 0, withNul, 0, text.length);
        return attribute(attributeType, withNul);
    }

    /** The finished message with {@code sequence} in its header; valid while the arena is open. */
    MemorySegment build(int sequence) {
        buffer.set(JAVA_INT_UNALIGNED, 0, length);
        buffer.set(JAVA_INT_UNALIGNED, 8, sequence);
        return buffer.asSlice(0, length);
    }

    /** Claims {@code size} zeroed bytes at the end of the message; sizes passed in are aligned. */
    private long reserve(int size) {
        if (length + size > CAPACITY) {
            throw new IllegalStateException("netlink request larger than " + CAPACITY + " bytes");
        }
        long at = length;
        buffer.asSlice(at, size).fill((byte) 0);
        length += size;
        return at;
    }
}
