package io.jtun.sys;

import io.jtun.JtunException;

/**
 * A failed system call: which call, on what, and the errno. Layers above catch it where they
 * know the context and rethrow a {@link JtunException} whose message says what to do; when
 * nobody does, the message still names the call and the error, never a stack trace.
 */
public final class SysException extends JtunException {
    private static final long serialVersionUID = 1L;

    private final String call;
    private final int errno;

    public SysException(String call, int errno) {
        super(Errno.exitCode(errno), call + " failed: " + Errno.name(errno) + " (" + Libc.strerror(errno) + ")");
        this.call = call;
        this.errno = errno;
    }

    public String call() {
        return call;
    }

    public int errno() {
        return errno;
    }
}
