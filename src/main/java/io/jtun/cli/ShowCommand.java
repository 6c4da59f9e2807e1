package io.jtun.cli;

import io.jtun.ExitCode;
import io.jtun.daemon.ControlClient;
import io.jtun.daemon.RuntimeDir;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** {@code jtun show [IFACE]}: the state and counters of running interfaces. */
final class ShowCommand {
    static final String HELP = """
            Usage: jtun show [IFACE]

            Prints each running interface (or just IFACE): mode, port, MTU, addresses, and per peer
            its endpoint, AllowedIPs, traffic and dropped packets by reason.
            """;

    private static final String SOCKET_SUFFIX = ".sock";

    private ShowCommand() {
    }

    static ExitCode run(String[] argv) {
        Args args = Args.parse("show", argv, 0, List.of("--help"), List.of());
        if (args.has("--help")) {
            System.out.print(HELP);
            return ExitCode.OK;
        }
        if (args.positional().size() > 1) {
            throw args.usage("give at most one interface name");
        }
        List<String> interfaces = args.positional().isEmpty() ? running() : args.positional();
        boolean first = true;
        for (String iface : interfaces) {
            if (args.positional().isEmpty() && !ControlClient.answers(iface)) {
                // A killed daemon's socket: the interfaces that do run are still shown.
                System.err.println("jtun: " + iface + " is not running (its daemon was killed): jtun down " + iface
                        + " removes what it left, jtun up starts it again");
                continue;
            }
            if (!first) {
                System.out.println();
            }
            System.out.print(ControlClient.send(iface, "show"));
            first = false;
        }
        return ExitCode.OK;
    }

    private static List<String> running() {
        Path dir = RuntimeDir.path();
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(SOCKET_SUFFIX))
                    .map(n -> n.substring(0, n.length() - SOCKET_SUFFIX.length())).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }
}
