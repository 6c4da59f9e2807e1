package io.jtun.cli;

import io.jtun.ExitCode;
import io.jtun.JtunException;
import io.jtun.demo.Demo;
import io.jtun.sys.Libc;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;

/** {@code jtun demo}: the two-host lab, end to end. */
final class DemoCommand {
    static final String HELP = """
            Usage: jtun demo

            Builds a two-host lab (two network namespaces joined by a veth, underlay
            198.18.0.0/24), brings up jtun on both, pings across (IPv4 and IPv6), runs a short
            iperf3 throughput test when iperf3 is installed, prints a summary and removes
            everything, also on Ctrl-C or failure. Needs root.
            """;

    private DemoCommand() {
    }

    static ExitCode run(String[] argv) {
        Args args = Args.parse("demo", argv, 0, List.of("--help"), List.of());
        if (args.has("--help")) {
            System.out.print(HELP);
            return ExitCode.OK;
        }
        if (!args.positional().isEmpty()) {
            throw args.usage("unexpected argument '" + args.positional().get(0) + "'");
        }
        if (Libc.geteuid() != 0) {
            throw new JtunException(ExitCode.NO_PERMISSION, "the demo creates network namespaces: run it as root (sudo ./jtun demo)");
        }
        Demo demo = new Demo(System.out, List.of(ProcessHandle.current().info().command().orElse("java"),
                "--enable-native-access=ALL-UNNAMED", "-jar", ownJar()));
        Signals.onTermination(demo::cancel);
        demo.run();
        return ExitCode.OK;
    }

    private static String ownJar() {
        try {
            return Path.of(DemoCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new JtunException(ExitCode.FAILURE, "cannot locate the jtun jar");
        }
    }
}
