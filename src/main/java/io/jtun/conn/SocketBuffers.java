package io.jtun.conn;

import io.jtun.sys.Errno;
import io.jtun.sys.Libc;
import io.jtun.sys.SysException;

/** Socket buffer sizing: a VPN's bursts overflow the kernel's default ~200 KiB and get dropped. */
final class SocketBuffers {
    /** What jtun asks for; the kernel doubles it for bookkeeping. */
    static final int BYTES = 4 << 20;
    /** Like SO_SNDBUF/SO_RCVBUF, but past net.core.[rw]mem_max; needs CAP_NET_ADMIN. */
    private static final int SO_SNDBUFFORCE = 32;
    private static final int SO_RCVBUFFORCE = 33;

    private SocketBuffers() {
    }

    static void raise(int fd) {
        set(fd, SO_RCVBUFFORCE, Libc.SO_RCVBUF);
        set(fd, SO_SNDBUFFORCE, Libc.SO_SNDBUF);
    }

    private static void set(int fd, int forced, int plain) {
        try {
            Libc.setsockopt(fd, Libc.SOL_SOCKET, forced, BYTES);
        } catch (SysException e) {
            if (e.errno() != Errno.EPERM) {
                throw e;
            }
            // Unprivileged: the kernel silently caps this at net.core.[rw]mem_max.
            Libc.setsockopt(fd, Libc.SOL_SOCKET, plain, BYTES);
        }
    }
}
