package io.jtun.conn;

import io.jtun.sys.Errno;
import io.jtun.sys.Libc;
import io.jtun.sys.SysException;

/** The recvmmsg/sendmmsg loops both transports share, with their error policy. */
final class BatchCalls {
    /** UIO_MAXIOV: the kernel caps one call at this many messages. */
    static final int MAX_MESSAGES_PER_CALL = 1024;
    static final int MSG_TRUNC = 0x20;
    static final int MSG_DONTWAIT = 0x40;
    /**
     * Each queued socket error is reported once and then cleared, so after one the call is
     * retried at once; the bound only guards against a flood of ICMP errors keeping us here.
     */
    private static final int MAX_QUEUED_ERRORS_PER_CALL = 4;

    private BatchCalls() {
    }

    /**
     * Receives into the prepared entries from {@code first}, at most {@code max} of them.
     *
     * @return how many messages arrived; 0 when none is waiting
     */
    static int receive(int fd, MessageVector vector, int first, int max, TransportCounters counters) {
        for (int attempt = 0; attempt < MAX_QUEUED_ERRORS_PER_CALL; attempt++) {
            int n = Libc.recvmmsg(fd, vector.from(first), Math.min(max, MAX_MESSAGES_PER_CALL), MSG_DONTWAIT);
            if (n >= 0) {
                return n;
            }
            int errno = -n;
            if (errno == Errno.EAGAIN) {
                return 0;
            }
            if (SocketErrors.isFatal(errno)) {
                throw new SysException("recvmmsg", errno);
            }
            // An ICMP report about an earlier send, queued on the socket: not a datagram to deliver.
            counters.countReceiveError();
        }
        return 0;
    }

    /**
     * Sends the prepared entries first..end-1, skipping (and counting) datagrams that fail alone.
     *
     * @return the index reached: {@code end}, or the first entry not sent because the socket was full
     */
    static int send(int fd, MessageVector vector, int first, int end, TransportCounters counters) {
        int i = first;
        while (i < end) {
            int n = Libc.sendmmsg(fd, vector.from(i), Math.min(end - i, MAX_MESSAGES_PER_CALL), 0);
            if (n > 0) {
                counters.countSent(n);
                i += n;
                continue;
            }
            int errno = -n;
            if (n == 0 || errno == Errno.EAGAIN) {
                break;
            }
            if (SocketErrors.isFatal(errno)) {
                throw new SysException("sendmmsg", errno);
            }
            // sendmmsg reports a datagram's error only when it is first in the call: skip just it.
            counters.countSendFailure(errno);
            i++;
        }
        return i;
    }

    /**
     * Keeps received slot {@code i} as the {@code kept}-th datagram of the batch, copying it down
     * when an earlier one was dropped.
     *
     * @return false (and counted as truncated) in the odd case it does not fit the lower slot's room
     */
    static boolean keep(PacketBatch batch, int i, int kept, TransportCounters counters) {
        if (i == kept) {
            return true;
        }
        if (batch.length(i) > batch.room(kept)) {
            counters.countTruncated();
            return false;
        }
        batch.copySlot(i, kept);
        return true;
    }
}
