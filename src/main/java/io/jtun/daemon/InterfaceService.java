package io.jtun.daemon;

import io.jtun.config.InterfaceConfig;
import io.jtun.device.StatusReport;
import io.jtun.device.Tunnel;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * One interface run as a service in this process: the tunnel, its control socket and pid file,
 * until a signal, {@code jtun down} or a failure stops it. Cleanup (device, socket, pid file)
 * runs in every case.
 */
public final class InterfaceService {
    private final InterfaceConfig config;
    private final PrintStream log;
    private volatile Tunnel tunnel;

    public InterfaceService(InterfaceConfig config, PrintStream log) {
        this.config = config;
        this.log = log;
    }

    /**
     * Brings the interface up, calls {@code ready} once it carries traffic, then blocks until
     * stopped. Exceptions from bringing it up propagate (nothing is left behind).
     */
    public void run(Runnable ready) throws InterruptedException {
        RuntimeDir.create();
        Path pidFile = RuntimeDir.pidFile(config.name());
        try (ControlServer control = ControlServer.listen(RuntimeDir.socket(config.name()), config.name(),
                this::handle)) {
            tunnel = Tunnel.open(config);
            try {
                tunnel.configureLink();
                writePid(pidFile);
                log(tunnel.name() + " is up: " + tunnel.config().mode().name().toLowerCase() + " over "
                        + tunnel.config().encapsulation().name().toLowerCase()
                        + (tunnel.listenPort() != 0 ? ", listening on UDP port " + tunnel.listenPort() : "")
                        + ", " + tunnel.peers().size() + " peer(s), mtu " + tunnel.mtu());
                ready.run();
                tunnel.awaitStop();
                if (tunnel.failure() != null) {
                    log(tunnel.name() + " stopped after a failure: " + tunnel.failure());
                }
            } finally {
                tunnel.close();
                deleteQuietly(pidFile);
                log(config.name() + " is down");
            }
        }
        if (tunnel.failure() == null) {
            // A clean stop leaves nothing behind; after a failure the log stays for the operator.
            RuntimeDir.removeLeftovers(config.name());
        }
    }

    /** Stops the interface; safe from signal handlers. */
    public void stop() {
        Tunnel running = tunnel;
        if (running != null) {
            running.stop();
        }
    }

    private String handle(String command) {
        Tunnel running = tunnel;
        return switch (command) {
            case "show" -> running == null ? "starting\n" : StatusReport.of(running);
            case "stop" -> {
                log("stop requested through the control socket");
                stop();
                yield "stopping\n";
            }
            case "" -> "";
            default -> "error unknown command '" + command + "'\n";
        };
    }

    private void log(String message) {
        log.println(Instant.now() + " " + message);
        log.flush();
    }

    private static void writePid(Path pidFile) {
        try {
            Files.writeString(pidFile, ProcessHandle.current().pid() + "\n");
        } catch (IOException e) {
            // Only a convenience for operators; the control socket is what jtun itself uses.
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // left behind; harmless, overwritten by the next start
        }
    }
}
