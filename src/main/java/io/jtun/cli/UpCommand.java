package io.jtun.cli;

import io.jtun.ExitCode;
import io.jtun.JtunException;
import io.jtun.config.ConfigParser;
import io.jtun.config.InterfaceConfig;
import io.jtun.daemon.Daemonizer;
import io.jtun.daemon.InterfaceService;
import io.jtun.daemon.RuntimeDir;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/** {@code jtun up CONFIG}: brings an interface up from its configuration file. */
final class UpCommand {
    static final String HELP = """
            Usage: jtun up [--foreground] CONFIG

            Creates the interface described by CONFIG (wg-quick format plus jtun's keys), gives it
            its addresses, MTU and a route for every peer's AllowedIPs, and starts moving packets.
            CONFIG is a path (jp0.conf: the interface is named after the file) or a bare name
            (jp0 means /etc/jtun/jp0.conf).

            jtun up returns once the interface carries traffic and leaves a daemon running; its log
            is /run/jtun/NAME.log. Stop it with jtun down NAME.

            Options:
              --foreground, -f   run in this process instead (Ctrl-C or SIGTERM stops it)
              --help             print this text
            """;

    /** Internal: the daemon child reports readiness on standard output. */
    private static final String NOTIFY = "--notify-ready";

    private UpCommand() {
    }

    static ExitCode run(String[] argv) throws InterruptedException {
        String[] normalized = argv.clone();
        for (int i = 0; i < normalized.length; i++) {
            if (normalized[i].equals("-f")) {
                normalized[i] = "--foreground";
            }
        }
        Args args = Args.parse("up", normalized, 0, List.of("--foreground", NOTIFY, "--help"), List.of());
        if (args.has("--help")) {
            System.out.print(HELP);
            return ExitCode.OK;
        }
        if (args.positional().size() != 1) {
            throw args.usage("give one configuration file or interface name");
        }
        Path file = ConfigParser.resolve(args.positional().get(0));
        InterfaceConfig config = ConfigParser.parse(file);
        if (args.has(NOTIFY)) {
            return runAsDaemonChild(config);
        }
        if (args.has("--foreground")) {
            InterfaceService service = new InterfaceService(config, System.err);
            Signals.onTermination(service::stop);
            service.run(() -> { });
            return ExitCode.OK;
        }
        long pid = Daemonizer.start(config.name(), List.of("up", NOTIFY, file.toAbsolutePath().toString()));
        System.err.println("jtun: " + config.name() + " is up (daemon pid " + pid + ", log "
                + RuntimeDir.logFile(config.name()) + ")");
        return ExitCode.OK;
    }

    /**
     * The background daemon: one line on standard output says "ready" or why not, then standard
     * output is closed (the parent has gone) and everything else goes to the log (stderr).
     */
    private static ExitCode runAsDaemonChild(InterfaceConfig config) throws InterruptedException {
        PrintStream notify = System.out;
        System.setOut(System.err);
        InterfaceService service = new InterfaceService(config, System.err);
        Signals.onTermination(service::stop);
        try {
            service.run(() -> {
                notify.println(Daemonizer.READY);
                notify.close();
            });
            return ExitCode.OK;
        } catch (JtunException e) {
            notify.println(Daemonizer.ERROR + " " + e.exitCode().name() + " " + e.getMessage().replace('\n', ' '));
            notify.close();
            throw e;
        }
    }
}
