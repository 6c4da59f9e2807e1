package io.jtun.conn;

import io.jtun.sys.Errno;

/**
 * Sorts the errno of a batched socket call: either it belongs to one datagram (a bad or
 * unreachable peer, a packet too big), and the batch skips that datagram and goes on, or it says
 * the socket or the call itself is broken, and going on would only repeat it.
 */
final class SocketErrors {
    private SocketErrors() {
    }

    /** True when no datagram is at fault: the descriptor or the message vector is wrong. */
    static boolean isFatal(int errno) {
        return switch (errno) {
            case Errno.EBADF, Errno.EBADFD, Errno.EFAULT, Errno.ENOTSOCK, Errno.EDESTADDRREQ, Errno.ENOTCONN,
                    Errno.EOPNOTSUPP -> true;
            default -> false;
        };
    }
}
