package io.jtun.netlink;

import static io.jtun.netlink.NetlinkConstants.NLMSG_DONE;
import static io.jtun.netlink.NetlinkConstants.NLMSG_ERROR;
import static io.jtun.netlink.NetlinkConstants.NLMSG_NOOP;
import static io.jtun.netlink.NetlinkConstants.NLMSG_OVERRUN;
import static io.jtun.netlink.NetlinkConstants.NLM_F_DUMP_INTR;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects the reply to one request from the messages as they arrive: everything before the ack
 * (NLMSG_ERROR with error 0) or, for a dump, before NLMSG_DONE. Messages with another sequence
 * number are late answers to an earlier request and are skipped. Kept apart from the socket so
 * that the protocol logic can be tested on hand-built replies.
 */
final class NetlinkReply {
    private final int requestType;
    private final int sequence;
    private final boolean dump;
    private final List<NetlinkMessage> messages = new ArrayList<>();
    private boolean interrupted;
    private boolean complete;

    NetlinkReply(int requestType, int sequence, boolean dump) {
        this.requestType = requestType;
        this.sequence = sequence;
        this.dump = dump;
    }

    /**
     * Takes the next received message; returns true once the reply is complete.
     *
     * @throws NetlinkError when the kernel refused the request
     */
    boolean offer(NetlinkMessage message) {
        if (complete || message.sequence() != sequence) {
            return complete;
        }
        interrupted |= message.hasFlag(NLM_F_DUMP_INTR);
        switch (message.type()) {
            case NLMSG_NOOP -> {
            }
            case NLMSG_ERROR, NLMSG_DONE -> {
                NetlinkAck ack = NetlinkAck.parse(message);
                if (ack.errno() != 0) {
                    throw new NetlinkError(requestType, ack);
                }
                // A dump ends at DONE only: a success ack is not its end.
                complete = !dump || message.type() == NLMSG_DONE;
            }
            case NLMSG_OVERRUN -> throw NetlinkMessage.malformed("NLMSG_OVERRUN, data was lost");
            default -> messages.add(message);
        }
        return complete;
    }

    List<NetlinkMessage> messages() {
        return List.copyOf(messages);
    }

    /** The kernel flagged the dump as inconsistent (the tables changed while it was read). */
    boolean interrupted() {
        return interrupted;
    }
}
