package io.jtun.netlink;

import static io.jtun.netlink.NetlinkConstants.NLMSGERR_ATTR_MSG;
import static io.jtun.netlink.NetlinkConstants.NLMSG_DONE;
import static io.jtun.netlink.NetlinkConstants.NLMSG_HDRLEN;
import static io.jtun.netlink.NetlinkConstants.NLM_F_ACK_TLVS;
import static io.jtun.netlink.NetlinkConstants.NLM_F_CAPPED;
import static io.jtun.netlink.NetlinkConstants.align;

import java.util.Optional;

/**
 * The outcome the kernel reports in an NLMSG_ERROR (ack) or NLMSG_DONE: an errno (0 = success)
 * and, with extended acks, its own explanation ("MTU greater than device maximum"), which is
 * usually more precise than the errno and worth passing on to the user.
 */
record NetlinkAck(int errno, Optional<String> kernelMessage) {

    static NetlinkAck parse(NetlinkMessage message) {
        if (message.type() == NLMSG_DONE && message.body().byteSize() < 4) {
            return new NetlinkAck(0, Optional.empty()); // very old kernels sent an empty DONE
        }
        int errno = -message.s32(0);
        if (!message.hasFlag(NLM_F_ACK_TLVS)) {
            return new NetlinkAck(errno, Optional.empty());
        }
        // NLMSG_ERROR: struct nlmsgerr { int error; struct nlmsghdr msg; } then the echoed
        // request body unless capped; NLMSG_DONE: the int alone. The TLVs follow.
        int tlvOffset = 4;
        if (message.type() != NLMSG_DONE) {
            int echoed = message.hasFlag(NLM_F_CAPPED) ? NLMSG_HDRLEN : message.s32(4);
            tlvOffset = 4 + align(echoed);
        }
        if (tlvOffset > message.body().byteSize()) {
            throw NetlinkMessage.malformed("extended ack beyond the end of the message");
        }
        NetlinkAttributes tlvs = NetlinkAttributes.parse(message.body().asSlice(tlvOffset));
        return new NetlinkAck(errno, tlvs.string(NLMSGERR_ATTR_MSG).filter(s -> !s.isBlank()));
    }
}
