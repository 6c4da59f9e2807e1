package io.jtun.cli;

import io.jtun.ExitCode;
import io.jtun.JtunException;
import io.jtun.config.ConfigKey;
import io.jtun.config.ConfigParser;
import io.jtun.config.InterfaceConfig;
import io.jtun.daemon.Daemonizer;
import io.jtun.daemon.InterfaceService;
import io.jtun.daemon.RuntimeDir;
import io.jtun.device.Tunnel;
import io.jtun.log.Log;
import io.jtun.metrics.MetricsServer;
import io.jtun.sys.UserAccount;
import java.nio.file.Path;
import java.util.ArrayList;
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
              --verbose          also log every handshake message and timer event
              --metrics ADDR     serve Prometheus metrics on ADDR (PORT, HOST:PORT; e.g. 127.0.0.1:9586)
              --user USER        once set up, drop root and run as USER (as User = in the file)
              --help             print this text
            """ + OffloadOptions.HELP + """

            SIGHUP (or jtun syncconf NAME) re-reads the file and applies what changed without
            dropping the sessions of peers that stay.
            """;

    /** Internal: the daemon child reports readiness on standard output. */
    static final String NOTIFY = "--notify-ready";

    private UpCommand() {
    }

    static ExitCode run(String[] argv) throws InterruptedException {
        String[] normalized = argv.clone();
        for (int i = 0; i < normalized.length; i++) {
            if (normalized[i].equals("-f")) {
                normalized[i] = "--foreground";
            }
        }
        Args args = Args.parse("up", normalized, 0, List.of("--foreground", "--verbose", OffloadOptions.NO_OFFLOAD, NOTIFY, "--help"),
                List.of("--metrics", "--user", OffloadOptions.DISABLE_OFFLOAD));
        if (args.has("--help")) {
            System.out.print(HELP);
            return ExitCode.OK;
        }
        if (args.positional().size() != 1) {
            throw args.usage("give one configuration file or interface name");
        }
        Log.setVerbose(args.has("--verbose"));
        OffloadOptions.apply(args);
        Path file = ConfigParser.resolve(args.positional().get(0)).toAbsolutePath();
        InterfaceConfig config = ConfigParser.parse(file);
        String user = args.value("--user");
        if (user != null) {
            config = config.withUser(user);
        }
        InterfaceService service = InterfaceService.fromFile(config, file);
        if (config.user().isPresent()) {
            service.runningAs(account(config)); // looked up before anything is set up or forked
        }
        String metrics = args.value("--metrics");
        if (metrics != null) {
            service.withMetrics(MetricsServer.parseAddress(metrics), Main.VERSION);
        }
        if (args.has(NOTIFY)) {
            return ServiceRunner.runAsDaemonChild(service);
        }
        if (args.has("--foreground")) {
            ServiceRunner.runInForeground(service);
            return ExitCode.OK;
        }
        List<String> child = new ArrayList<>(List.of("up", NOTIFY));
        if (Log.verbose()) {
            child.add("--verbose");
        }
        OffloadOptions.addTo(child);
        if (metrics != null) {
            child.add("--metrics");
            child.add(metrics);
        }
        if (user != null) {
            child.add("--user");
            child.add(user);
        }
        child.add(file.toString());
        long pid = Daemonizer.start(config.name(), child);
        System.err.println("jtun: " + config.name() + " is up (daemon pid " + pid + ", log "
                + RuntimeDir.logFile(config.name()) + ")");
        return ExitCode.OK;
    }

    private static UserAccount account(InterfaceConfig config) {
        try {
            return UserAccount.lookup(config.user().orElseThrow());
        } catch (JtunException e) {
            boolean inFile = config.lines().containsKey(ConfigKey.USER.keyName());
            throw new JtunException(e.exitCode(), (inFile ? config.source() + ":" + config.line(ConfigKey.USER)
                    + ": User: " : "--user: ") + e.getMessage());
        }
    }
}
