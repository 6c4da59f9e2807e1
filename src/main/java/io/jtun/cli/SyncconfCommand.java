package io.jtun.cli;

import io.jtun.ExitCode;
import io.jtun.JtunException;
import io.jtun.daemon.ControlClient;
import io.jtun.daemon.InterfaceService;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

/** {@code jtun syncconf IFACE}: re-read the interface's configuration file and apply the changes. */
final class SyncconfCommand {
    static final String HELP = """
            Usage: jtun syncconf IFACE

            Makes the running interface re-read the configuration file it was started from and
            apply what changed (keys, port, peers, AllowedIPs, endpoints), like wg syncconf: peers
            that stay keep their sessions. Same as sending the daemon SIGHUP
            (systemctl reload jtun@IFACE), except that jtun syncconf reads the file itself and
            hands it over, so it also works for a daemon that gave up root (User =).
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
        String answer = ControlClient.send(iface, reloadCommand(iface)).strip();
        if (answer.startsWith("error ")) {
            throw new JtunException(ExitCode.FAILURE, answer.substring("error ".length()));
        }
        System.err.println("jtun: " + iface + ": " + answer.replaceFirst("^ok ", ""));
        return ExitCode.OK;
    }

    /**
     * The file's text when this process can read it (a daemon that dropped root cannot), else a
     * plain "reload" that lets the daemon read the file (and say so if it cannot).
     */
    private static String reloadCommand(String iface) {
        String source = ControlClient.send(iface, "source").strip();
        if (!source.startsWith("ok ")) {
            return "reload";
        }
        try {
            byte[] text = Files.readAllBytes(Path.of(source.substring("ok ".length())));
            return InterfaceService.RELOAD_TEXT + Base64.getEncoder().encodeToString(text);
        } catch (IOException e) {
            return "reload";
        }
    }
}
