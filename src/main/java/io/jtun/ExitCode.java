package io.jtun;

/**
 * Process exit codes of every jtun command. They are part of the interface (scripts test them),
 * so the numbers never change; the README lists them.
 */
public enum ExitCode {
    OK(0),
    /** Something failed at run time that none of the specific codes below describes. */
    FAILURE(1),
    /** The command line is wrong: unknown option, bad value, bad interface name. */
    USAGE(2),
    /** The operation needs privileges the process lacks (CAP_NET_ADMIN, file permissions). */
    NO_PERMISSION(3),
    /** Something the command needs does not exist: /dev/net/tun, the device to attach to, a file. */
    NOT_FOUND(4),
    /** The resource exists but is taken: interface name in use, address or port in use. */
    BUSY(5);

    private final int code;

    ExitCode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }
}
