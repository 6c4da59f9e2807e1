package io.jtun.conn;

import io.jtun.sys.Errno;

/**
 * Sorts the errno of a batched socket call: either it belongs to one datagram (a bad or
 * unreachable peer, a packet too big), and the batch skips that datagram and goes on, or it says
 * the socket or the call itself is broken, and going on would only repeat it.
 */
final class SocketErrors {
    // errno values Errno does not name (x86_64 and aarch64 share them).
    static final int EFAULT = 14;
    static final int ENOTSOCK = 88;
    static final int EDESTADDRREQ = 89;
    static final int ENOTCONN = 107;
    static final int ECONNREFUSED = 111;
    static final int EHOSTDOWN = 112;

    private SocketErrors() {
    }

    /** True when no datagram is at fault: the descriptor or the message vector is wrong. */
    static boolean isFatal(int errno) {
        return switch (errno) {
            case Errno.EBADF, Errno.EBADFD, EFAULT, ENOTSOCK, EDESTADDRREQ, ENOTCONN, Errno.EOPNOTSUPP -> true;
            default -> false;
        };
    }
}
