package io.jtun.log;

import java.io.PrintStream;
import java.time.Instant;

/**
 * jtun's log: one line per event, "interface: peer: event", at a level. Under systemd (which
 * sets JOURNAL_STREAM for a service whose output goes to the journal) each line starts with
 * the syslog priority in angle brackets, which journald turns into the entry's priority;
 * elsewhere lines carry a timestamp and the level's name. Debug lines appear only with
 * {@code --verbose}. Secrets are never passed here: callers log peers by {@link #shortKey}.
 */
public final class Log {
    /** Syslog priorities, as journald reads them. */
    public enum Level {
        ERROR(3), WARNING(4), INFO(6), DEBUG(7);

        private final int priority;

        Level(int priority) {
            this.priority = priority;
        }
    }

    private static final int SHORT_KEY_CHARACTERS = 8;
    private static volatile PrintStream out = System.err;
    private static volatile boolean verbose;
    private static final boolean JOURNAL = System.getenv("JOURNAL_STREAM") != null;

    private Log() {
    }

    public static void setVerbose(boolean enabled) {
        verbose = enabled;
    }

    public static boolean verbose() {
        return verbose;
    }

    /** Where lines go (standard error unless redirected, e.g. to a daemon's log file). */
    public static void setOutput(PrintStream stream) {
        out = stream;
    }

    public static void error(String message) {
        log(Level.ERROR, message);
    }

    public static void warning(String message) {
        log(Level.WARNING, message);
    }

    public static void info(String message) {
        log(Level.INFO, message);
    }

    public static void debug(String message) {
        if (verbose) {
            log(Level.DEBUG, message);
        }
    }

    public static void log(Level level, String message) {
        if (level == Level.DEBUG && !verbose) {
            return;
        }
        String line = JOURNAL
                ? "<" + level.priority + ">" + message
                : Instant.now() + " " + level.name().toLowerCase() + ": " + message;
        PrintStream stream = out;
        synchronized (stream) {
            stream.println(line);
            stream.flush();
        }
    }

    /** How logs name a peer: the start of its public key, as wg's short form ("AbCdEfGh…"). */
    public static String shortKey(String base64Key) {
        return base64Key.length() <= SHORT_KEY_CHARACTERS ? base64Key
                : base64Key.substring(0, SHORT_KEY_CHARACTERS) + "…";
    }
}
