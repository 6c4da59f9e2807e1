package io.jtun.cli;

import io.jtun.ExitCode;
import io.jtun.JtunException;
import io.jtun.daemon.ControlClient;
import java.util.List;

/** {@code jtun syncconf IFACE}: re-read the interface's configuration file and apply the changes. */
final class SyncconfCommand {
    static final String HELP = """
            Usage: jtun syncconf IFACE

            Makes the running interface re-read the configuration file it was started from and
            apply what changed (keys, port, peers, AllowedIPs, endpoints), like wg syncconf: peers
            that stay keep their sessions. Same as sending the daemon SIGHUP
            (systemctl reload jtun@IFACE).
            """;

    private SyncconfCommand() {
    }

    static ExitCode run(String[] argv) {
        Args args = Args.parse("syncconf", argv, 0, List.of("--help"), List.of());
        if (args.has("--help")) {
            System.out.print(HELP);
            return ExitCode.OK;
        }
        if (args.positional().size() != 1) {
            throw args.usage("give the interface name");
        }
        String iface = args.positional().get(0);
        String answer = ControlClient.send(iface, "reload").strip();
        if (answer.startsWith("error ")) {
            throw new JtunException(ExitCode.FAILURE, answer.substring("error ".length()));
        }
        System.err.println("jtun: " + iface + ": " + answer.replaceFirst("^ok ", ""));
        return ExitCode.OK;
    }
}
