package io.jtun.packet;

/** The two ways a summary admits that bytes are missing. */
final class Truncation {
    private Truncation() {
    }

    /** tcpdump's marker for a header cut short by the capture, e.g. {@code [|tcp]}. */
    static String marker(String protocol) {
        return "[|" + protocol + "]";
    }

    /** Appends {@code  (truncated, 40 of 60 bytes)} when fewer bytes are present than the header declares. */
    static void note(StringBuilder out, int present, int declared) {
        if (present < declared) {
            out.append(" (truncated, ").append(present).append(" of ").append(declared).append(" bytes)");
        }
    }
}
