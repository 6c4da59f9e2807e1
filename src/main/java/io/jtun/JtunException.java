package io.jtun;

/**
 * An error meant for the user: the message says what went wrong and what to do about it, and the
 * exit code classifies it. The CLI prints the message alone (no stack trace) and exits with the
 * code; anything that is not a JtunException is a bug and is reported as one.
 */
public class JtunException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ExitCode exitCode;

    public JtunException(ExitCode exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public JtunException(ExitCode exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public ExitCode exitCode() {
        return exitCode;
    }
}
