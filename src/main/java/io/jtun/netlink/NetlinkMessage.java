package io.jtun.netlink;

import static io.jtun.netlink.NetlinkConstants.NLMSG_HDRLEN;
import static io.jtun.netlink.NetlinkConstants.align;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import io.jtun.ExitCode;
import io.jtun.JtunException;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * One message of a netlink reply. The body (everything after the 16-byte header) lives on the
 * heap, so a parsed reply outlives the receive buffer it came from.
 */
record NetlinkMessage(int type, int flags, int sequence, int portId, MemorySegment body) {

    /**
     * Splits one received datagram into its messages; the kernel packs several into one when it
     * can (dumps always do). A length field that does not fit is a kernel/jtun mismatch, not a
     * user error, and is reported as such.
     */
    static List<NetlinkMessage> parseAll(MemorySegment datagram) {
        MemorySegment data = MemorySegment.ofArray(datagram.toArray(JAVA_BYTE));
        List<NetlinkMessage> messages = new ArrayList<>();
        long offset = 0;
        long size = data.byteSize();
        while (size - offset >= NLMSG_HDRLEN) {
            int length = data.get(JAVA_INT_UNALIGNED, offset);
            if (length < NLMSG_HDRLEN || length > size - offset) {
                throw malformed("message length " + Integer.toUnsignedString(length) + " at offset " + offset
                        + " of a " + size + "-byte datagram");
            }
            messages.add(new NetlinkMessage(
                    Short.toUnsignedInt(data.get(JAVA_SHORT_UNALIGNED, offset + 4)),
                    Short.toUnsignedInt(data.get(JAVA_SHORT_UNALIGNED, offset + 6)),
                    data.get(JAVA_INT_UNALIGNED, offset + 8),
                    data.get(JAVA_INT_UNALIGNED, offset + 12),
                    data.asSlice(offset + NLMSG_HDRLEN, length - NLMSG_HDRLEN)));
            offset += align(length);
        }
        return messages;
    }

    static JtunException malformed(String what) {
        return new JtunException(ExitCode.FAILURE, "malformed netlink reply from the kernel (" + what
                + "): this is a bug in jtun, please report it with your kernel version (uname -r)");
    }

    boolean hasFlag(int flag) {
        return (flags & flag) == flag;
    }

    int u8(long offset) {
        checkBody(offset, 1);
        return Byte.toUnsignedInt(body.get(JAVA_BYTE, offset));
    }

    int s32(long offset) {
        checkBody(offset, 4);
        return body.get(JAVA_INT_UNALIGNED, offset);
    }

    /** The attributes that follow a family struct of {@code headerSize} bytes. */
    NetlinkAttributes attributes(int headerSize) {
        checkBody(0, headerSize);
        return NetlinkAttributes.parse(body.asSlice(Math.min(align(headerSize), body.byteSize())));
    }

    private void checkBody(long offset, long size) {
        if (offset + size > body.byteSize()) {
            throw malformed(NetlinkConstants.messageTypeName(type) + " body of " + body.byteSize()
                    + " bytes, needed " + (offset + size));
        }
    }
}
