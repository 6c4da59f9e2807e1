package io.jtun.it;

import java.util.List;

/** What a finished command printed and how it exited (-1 and timedOut when it was killed). */
public record Result(List<String> command, int exitCode, String stdout, String stderr, boolean timedOut) {
    public Result check() {
        if (exitCode != 0) {
            throw new AssertionError(this.toString());
        }
        return this;
    }

    @Override
    public String toString() {
        return String.join(" ", command) + " -> exit " + exitCode + (timedOut ? " (timed out)" : "")
                + "\n--- stdout ---\n" + stdout + "--- stderr ---\n" + stderr;
    }
}
