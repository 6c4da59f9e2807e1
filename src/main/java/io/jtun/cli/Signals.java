package io.jtun.cli;

import io.jtun.sys.Libc;
import sun.misc.Signal;

/**
 * Routes SIGINT and SIGTERM to a stop action. Handling them ourselves (rather than in a
 * shutdown hook) lets the command finish its own cleanup and exit with status 0, which is what
 * a service manager expects of a requested stop.
 */
final class Signals {
    private static final int SIGHUP = 1;

    private Signals() {
    }

    /**
     * SIGHUP: the conventional "re-read your configuration". The JDK runs each handler on a
     * platform thread of its own, so the reload runs right there: not on a virtual thread, which
     * the reload's blocking netlink calls would pin, and which (seen twice in CI under load) may
     * then wait for a carrier indefinitely.
     */
    static void onHangup(Runnable reload) {
        Libc.restoreDefaultDisposition(SIGHUP); // inherited as ignored under nohup: see there
        Signal.handle(new Signal("HUP"), signal -> reload.run());
    }

    static void onTermination(Runnable stop) {
        Signal.handle(new Signal("INT"), signal -> stop.run());
        Signal.handle(new Signal("TERM"), signal -> stop.run());
    }
}
