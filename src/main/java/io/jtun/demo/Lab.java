package io.jtun.demo;

import io.jtun.ExitCode;
import io.jtun.JtunException;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away network lab: two network namespaces ("hosts") joined by a veth pair, with
 * underlay addresses from the benchmarking range 198.18.0.0/24. Namespaces are created with the
 * {@code ip} tool (the lab is scaffolding around jtun, not part of it) and everything is
 * removed by {@link #close()}, also after a failure.
 */
public final class Lab implements AutoCloseable {
    public static final String UNDERLAY_A = "198.18.0.1";
    public static final String UNDERLAY_B = "198.18.0.2";
    private static final String UNDERLAY_PREFIX = "/24";
    private static final long COMMAND_TIMEOUT_SECONDS = 60;

    private final String hostA;
    private final String hostB;
    private final List<String> created = new ArrayList<>();
    private final List<Process> background = new ArrayList<>();

    /** The result of a command run in the lab. */
    public record Output(int exitCode, String text) {
    }

    private Lab(String prefix) {
        byte[] random = new byte[2];
        new SecureRandom().nextBytes(random);
        String id = prefix + "-" + ProcessHandle.current().pid() + "-" + HexFormat.of().formatHex(random);
        this.hostA = id + "-a";
        this.hostB = id + "-b";
    }

    /** Creates both hosts and the veth between them. */
    public static Lab create(String prefix) {
        Lab lab = new Lab(prefix);
        try {
            lab.build();
            return lab;
        } catch (RuntimeException e) {
            lab.close();
            throw e;
        }
    }

    private void build() {
        for (String host : List.of(hostA, hostB)) {
            check(run("ip", "netns", "add", host), "create network namespace " + host);
            created.add(host);
            check(inA(host, "ip", "link", "set", "lo", "up"), "bring up loopback");
        }
        check(run("ip", "link", "add", "jdemo-a", "netns", hostA, "type", "veth", "peer", "name", "jdemo-b", "netns",
                hostB), "create the veth pair");
        check(inA(hostA, "ip", "addr", "add", UNDERLAY_A + UNDERLAY_PREFIX, "dev", "jdemo-a"), "address host A");
        check(inA(hostB, "ip", "addr", "add", UNDERLAY_B + UNDERLAY_PREFIX, "dev", "jdemo-b"), "address host B");
        check(inA(hostA, "ip", "link", "set", "jdemo-a", "up"), "bring up host A's link");
        check(inA(hostB, "ip", "link", "set", "jdemo-b", "up"), "bring up host B's link");
    }

    public String hostA() {
        return hostA;
    }

    public String hostB() {
        return hostB;
    }

    /** Runs a command on a host and waits for it (bounded). */
    public Output onHost(String host, String... command) {
        return inA(host, command);
    }

    /** Starts a command on a host in the background; it is killed by {@link #close()}. */
    public Process startOnHost(String host, String... command) {
        try {
            Process process = new ProcessBuilder(inside(host, command)).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            background.add(process);
            return process;
        } catch (IOException e) {
            throw new JtunException(ExitCode.FAILURE, "cannot start " + String.join(" ", command) + ": " + e.getMessage());
        }
    }

    private Output inA(String host, String... command) {
        return run(inside(host, command));
    }

    private static String[] inside(String host, String... command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", host));
        full.addAll(List.of(command));
        return full.toArray(String[]::new);
    }

    static Output run(String... command) {
        try {
            File output = File.createTempFile("jtun-lab", ".out");
            try {
                Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output)
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
                if (!process.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    return new Output(-1, "timed out after " + COMMAND_TIMEOUT_SECONDS + " s");
                }
                return new Output(process.exitValue(),
                        java.nio.file.Files.readString(output.toPath(), StandardCharsets.UTF_8));
            } finally {
                output.delete();
            }
        } catch (IOException e) {
            throw new JtunException(ExitCode.NOT_FOUND, "cannot run " + command[0] + ": " + e.getMessage()
                    + " (install iproute2 / iputils-ping)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JtunException(ExitCode.FAILURE, "interrupted");
        }
    }

    private static void check(Output output, String what) {
        if (output.exitCode() != 0) {
            throw new JtunException(ExitCode.FAILURE, "lab: cannot " + what + ": " + output.text().strip());
        }
    }

    /** Kills what the lab started and deletes the namespaces (with their links). */
    @Override
    public void close() {
        for (Process process : background) {
            process.destroy();
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
            }
        }
        for (String host : created) {
            run("ip", "netns", "del", host);
        }
        created.clear();
    }
}
