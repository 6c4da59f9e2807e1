package io.jtun.uapi;

import io.jtun.sys.Errno;

/**
 * A UAPI operation failed; {@link #errno()} is what the client is told. The number is positive
 * here (an {@code errno.h} value such as {@link Errno#EINVAL}); on the wire it is written
 * negated, as wireguard-go writes it and as {@code wg} expects ({@code errno=-22}).
 *
 * <p>The message is for jtun's log only: the protocol has no room for it. It never contains key
 * material.
 */
public final class UapiException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int errno;

    public UapiException(int errno, String message) {
        this(errno, message, null);
    }

    public UapiException(int errno, String message, Throwable cause) {
        super(message, cause);
        if (errno <= 0) {
            throw new IllegalArgumentException("a UAPI errno is positive, not " + errno);
        }
        this.errno = errno;
    }

    /** The positive errno value, e.g. 22 for EINVAL. */
    public int errno() {
        return errno;
    }

    @Override
    public String getMessage() {
        return super.getMessage() + " (" + UapiProtocol.errnoName(errno) + ")";
    }
}
