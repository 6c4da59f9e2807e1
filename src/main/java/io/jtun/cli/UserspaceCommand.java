package io.jtun.cli;

import io.jtun.ExitCode;
import io.jtun.JtunException;
import io.jtun.daemon.Daemonizer;
import io.jtun.daemon.InterfaceService;
import io.jtun.daemon.RuntimeDir;
import io.jtun.device.Tunnel;
import io.jtun.log.Log;
import io.jtun.metrics.MetricsServer;
import io.jtun.tun.InterfaceName;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code jtun [-f] IFACE}: what {@code wireguard-go IFACE} does, so jtun can be wg-quick's
 * userspace implementation ({@code WG_QUICK_USERSPACE_IMPLEMENTATION=jtun}): create a WireGuard
 * device with nothing configured, serve the wg tool's socket /var/run/wireguard/IFACE.sock, and
 * go to the background once it is ready.
 */
final class UserspaceCommand {
    static final String HELP = """
            Usage: jtun [-f|--foreground] [--verbose] INTERFACE-NAME

            Creates the WireGuard interface INTERFACE-NAME with nothing configured and serves the
            wg tool's socket (/var/run/wireguard/INTERFACE-NAME.sock), like wireguard-go; then
            configure it with wg and ip, or let wg-quick do it:
              WG_QUICK_USERSPACE_IMPLEMENTATION=jtun wg-quick up wg0
            It runs in the background unless -f is given or WG_PROCESS_FOREGROUND=1 is set, and
            stops when the interface is deleted (ip link del) or on jtun down / SIGTERM.

            Options:
              --verbose          log every handshake message
              --metrics ADDR     serve Prometheus metrics (e.g. 127.0.0.1:9586)
            """ + OffloadOptions.HELP;

    private UserspaceCommand() {
    }

    static ExitCode run(String[] argv) throws InterruptedException {
        Args args = Args.parse("INTERFACE-NAME", normalize(argv), 0,
                List.of("--foreground", "--verbose", OffloadOptions.NO_OFFLOAD, UpCommand.NOTIFY, "--help"),
                List.of("--metrics", OffloadOptions.DISABLE_OFFLOAD));
        if (args.has("--help")) {
            System.out.print(HELP);
            return ExitCode.OK;
        }
        if (args.positional().size() != 1) {
            throw new JtunException(ExitCode.USAGE, "unknown command '" + String.join(" ", argv) + "' (see: jtun help)");
        }
        String iface = InterfaceName.validate(args.positional().get(0));
        if (InterfaceName.isTemplate(iface)) {
            throw new JtunException(ExitCode.USAGE, "give the interface a name, not the template '" + iface + "'");
        }
        if (Files.exists(Path.of("/sys/class/net", iface))) {
            throw new JtunException(ExitCode.BUSY, "an interface named " + iface + " already exists: choose another"
                    + " name, or remove it (ip link del " + iface + ")");
        }
        Log.setVerbose(args.has("--verbose"));
        OffloadOptions.apply(args);
        InterfaceService service = InterfaceService.bare(iface);
        String metrics = args.value("--metrics");
        if (metrics != null) {
            service.withMetrics(MetricsServer.parseAddress(metrics), Main.VERSION);
        }
        if (args.has(UpCommand.NOTIFY)) {
            return ServiceRunner.runAsDaemonChild(service);
        }
        if (args.has("--foreground") || "1".equals(System.getenv("WG_PROCESS_FOREGROUND"))) {
            ServiceRunner.runInForeground(service);
            return ExitCode.OK;
        }
        List<String> child = new ArrayList<>(List.of(UpCommand.NOTIFY));
        if (Log.verbose()) {
            child.add("--verbose");
        }
        OffloadOptions.addTo(child);
        if (metrics != null) {
            child.add("--metrics");
            child.add(metrics);
        }
        child.add(iface);
        long pid = Daemonizer.start(iface, child);
        System.err.println("jtun: " + iface + " is ready for wg (daemon pid " + pid + ", log " + RuntimeDir.logFile(iface)
                + ")");
        return ExitCode.OK;
    }

    private static String[] normalize(String[] argv) {
        String[] normalized = argv.clone();
        for (int i = 0; i < normalized.length; i++) {
            if (normalized[i].equals("-f")) {
                normalized[i] = "--foreground";
            }
        }
        return normalized;
    }

    /** Whether the command line is this command's: an interface name (or -f) where a command would be. */
    static boolean matches(String first) {
        return first.equals("-f") || first.equals("--foreground") || first.equals(UpCommand.NOTIFY)
                || !first.startsWith("-");
    }
}
