package io.jtun.cli;

import io.jtun.ExitCode;
import io.jtun.JtunException;
import io.jtun.config.ConfigParser;
import io.jtun.daemon.ControlClient;
import io.jtun.daemon.DeadDaemonCleanup;
import io.jtun.daemon.RuntimeDir;
import io.jtun.uapi.UapiServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** {@code jtun down IFACE}: stops a running interface and waits until it is gone. */
final class DownCommand {
    static final String HELP = """
            Usage: jtun down IFACE|CONFIG

            Stops the interface (also given as its configuration file, as with wg-quick) and waits
            until the device, its addresses and routes are removed. If its daemon was killed (kill
            -9, the OOM killer), removes what it left: its policy routing rules, DNS servers and
            sockets (its PreDown and PostDown hooks are not run).
            """;

    private static final long WAIT_MILLIS = 15_000;
    private static final long POLL_MILLIS = 50;

    private DownCommand() {
    }

    static ExitCode run(String[] argv) throws InterruptedException {
        Args args = Args.parse("down", argv, 0, List.of("--help"), List.of());
        if (args.has("--help")) {
            System.out.print(HELP);
            return ExitCode.OK;
        }
        if (args.positional().size() != 1) {
            throw args.usage("give the interface name");
        }
        String target = args.positional().get(0);
        String iface = target.endsWith(".conf") ? ConfigParser.interfaceName(Path.of(target)) : target;
        if (!ControlClient.answers(iface)) {
            // Its daemon died without cleaning up (kill -9, OOM killer): what it left is removed now.
            List<String> removed = DeadDaemonCleanup.afterDeadDaemon(iface);
            if (!removed.isEmpty()) {
                System.err.println("jtun: " + iface + " was not running (its daemon was killed); removed what it left: "
                        + String.join("; ", removed));
                System.err.println("jtun: " + iface + " is down");
                return ExitCode.OK;
            }
        }
        long pid = RuntimeDir.readPid(iface);
        ControlClient.send(iface, "stop");
        Path socket = RuntimeDir.socket(iface);
        long deadline = System.currentTimeMillis() + WAIT_MILLIS;
        // A daemon removes its socket as it exits, unless it dropped root (User =): then the
        // process going away is the sign, and what it could not undo without root is ours: the
        // rules and DNS it recorded, and its files.
        while (Files.exists(socket)) {
            if (pid > 0 && ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true)) {
                DeadDaemonCleanup.undoRecorded(iface);
                RuntimeDir.removeAfterUnprivilegedDaemon(iface);
                UapiServer.removeStaleSocket(iface);
                break;
            }
            if (System.currentTimeMillis() > deadline) {
                throw new JtunException(ExitCode.FAILURE, iface + " did not stop within " + WAIT_MILLIS / 1000
                        + " s; see " + RuntimeDir.logFile(iface));
            }
            Thread.sleep(POLL_MILLIS);
        }
        System.err.println("jtun: " + iface + " is down");
        return ExitCode.OK;
    }
}
