package io.jtun.demo;

import io.jtun.ExitCode;
import io.jtun.JtunException;
import io.jtun.config.Secret;
import io.jtun.noise.Keys;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code jtun demo}: two hosts, a jtun tunnel between them, pings both ways and a short iperf3
 * run, a summary, and nothing left behind. Every step says what it does, and a failing step
 * says which one failed.
 */
public final class Demo {
    static final String INTERFACE = "jd0";
    static final String OVERLAY_A = "10.99.0.1";
    static final String OVERLAY_B = "10.99.0.2";
    static final String OVERLAY6_A = "fd00:99::1";
    static final String OVERLAY6_B = "fd00:99::2";
    static final int PORT_A = 51820;
    static final int PORT_B = 51821;
    private static final int PINGS = 5;
    private static final int IPERF_SECONDS = 3;
    private static final Pattern PING_SUMMARY = Pattern.compile("(\\d+) packets transmitted, (\\d+) received");
    private static final Pattern PING_RTT = Pattern.compile("= [\\d.]+/([\\d.]+)/");
    private static final Pattern IPERF_RECEIVER = Pattern.compile("([\\d.]+) ([KMG])bits/sec.*receiver");

    private final PrintStream out;
    private final List<String> jtunCommand;
    private final List<String> summary = new ArrayList<>();
    private volatile boolean cancelled;

    /** @param jtunCommand how to start jtun itself (java, flags, jar) */
    public Demo(PrintStream out, List<String> jtunCommand) {
        this.out = out;
        this.jtunCommand = List.copyOf(jtunCommand);
    }

    /** Makes the running demo stop at the next step and clean up (Ctrl-C). */
    public void cancel() {
        cancelled = true;
    }

    public void run() {
        step("building the lab: two network namespaces joined by a veth, underlay 198.18.0.0/24");
        try (Lab lab = Lab.create("jtun-demo")) {
            out.println("    hosts: network namespaces " + lab.hostA() + " and " + lab.hostB());
            Path configs = writeConfigs();
            boolean upA = false;
            boolean upB = false;
            try {
                step("bringing up jtun on host A (" + Lab.UNDERLAY_A + ") and host B (" + Lab.UNDERLAY_B + ")");
                up(lab, lab.hostA(), configs.resolve("a").resolve(INTERFACE + ".conf"));
                upA = true;
                up(lab, lab.hostB(), configs.resolve("b").resolve(INTERFACE + ".conf"));
                upB = true;
                summary.add("tunnel " + INTERFACE + ": WireGuard (Noise IK handshake, ChaCha20-Poly1305) over UDP,"
                        + " overlay 10.99.0.0/24 and fd00:99::/64");

                ping(lab, lab.hostA(), OVERLAY_B, "A -> B");
                ping(lab, lab.hostB(), OVERLAY_A, "B -> A");
                ping(lab, lab.hostA(), OVERLAY6_B, "A -> B");
                iperf(lab);
                step("interface state on host A (jtun show):");
                out.print(indent(jtun(lab, lab.hostA(), "show", INTERFACE).text()));
            } finally {
                step("cleaning up");
                if (upA) {
                    jtun(lab, lab.hostA(), "down", INTERFACE);
                }
                if (upB) {
                    jtun(lab, lab.hostB(), "down", INTERFACE);
                }
                deleteTree(configs);
            }
        }
        out.println();
        out.println("jtun demo: summary");
        for (String line : summary) {
            out.println("  " + line);
        }
        out.println("jtun demo: success");
    }

    private void step(String what) {
        if (cancelled) {
            throw new JtunException(ExitCode.FAILURE, "demo interrupted; cleaned up");
        }
        out.println("==> " + what);
        out.flush();
    }

    private void up(Lab lab, String host, Path config) {
        Lab.Output result = jtun(lab, host, "up", config.toString());
        if (result.exitCode() != 0) {
            throw new JtunException(ExitCode.FAILURE, "jtun up on " + host + " failed: " + result.text().strip());
        }
    }

    private Lab.Output jtun(Lab lab, String host, String... args) {
        List<String> command = new ArrayList<>(jtunCommand);
        command.addAll(List.of(args));
        return lab.onHost(host, command.toArray(String[]::new));
    }

    private void ping(Lab lab, String host, String target, String direction) {
        boolean v6 = target.contains(":");
        step("ping " + direction + " " + target);
        Lab.Output result = lab.onHost(host, "ping", v6 ? "-6" : "-4", "-c", String.valueOf(PINGS), "-i", "0.2", "-W",
                "2", target);
        Matcher counts = PING_SUMMARY.matcher(result.text());
        Matcher rtt = PING_RTT.matcher(result.text());
        if (result.exitCode() != 0 || !counts.find()) {
            throw new JtunException(ExitCode.FAILURE, "ping " + direction + " " + target + " failed:\n"
                    + result.text().strip());
        }
        String line = String.format(Locale.ROOT, "ping%s %s %s: %s/%s replies%s", v6 ? "6" : " ", direction, target,
                counts.group(2), counts.group(1), rtt.find() ? ", avg " + rtt.group(1) + " ms" : "");
        out.println("    " + line);
        summary.add(line);
    }

    private void iperf(Lab lab) {
        if (!onPath("iperf3")) {
            summary.add("iperf3: not installed, throughput skipped (apt-get install iperf3)");
            return;
        }
        step("iperf3: " + IPERF_SECONDS + " s of TCP from A to B through the tunnel");
        lab.startOnHost(lab.hostB(), "iperf3", "-s", "-1", "-B", OVERLAY_B);
        Lab.Output result = null;
        for (int attempt = 0; attempt < 20; attempt++) {
            result = lab.onHost(lab.hostA(), "iperf3", "-c", OVERLAY_B, "-t", String.valueOf(IPERF_SECONDS), "-f", "m");
            if (result.exitCode() == 0 || !result.text().contains("Connection refused")) {
                break;
            }
            sleep(100); // the server is still starting
        }
        Matcher receiver = IPERF_RECEIVER.matcher(result.text());
        if (result.exitCode() != 0 || !receiver.find()) {
            throw new JtunException(ExitCode.FAILURE, "iperf3 through the tunnel failed:\n" + result.text().strip());
        }
        String line = "iperf3 TCP A -> B: " + receiver.group(1) + " " + receiver.group(2) + "bit/s";
        out.println("    " + line);
        summary.add(line);
    }

    private Path writeConfigs() {
        try {
            Path dir = Files.createTempDirectory("jtun-demo");
            Secret keyA = Keys.genkey();
            Secret keyB = Keys.genkey();
            write(dir.resolve("a"), keyA, OVERLAY_A, OVERLAY6_A, PORT_A, Keys.pubkey(keyB).toString(), Lab.UNDERLAY_B,
                    PORT_B, OVERLAY_B, OVERLAY6_B);
            write(dir.resolve("b"), keyB, OVERLAY_B, OVERLAY6_B, PORT_B, Keys.pubkey(keyA).toString(), Lab.UNDERLAY_A,
                    PORT_A, OVERLAY_A, OVERLAY6_A);
            return dir;
        } catch (IOException e) {
            throw new JtunException(ExitCode.FAILURE, "cannot write the demo configuration: " + e.getMessage());
        }
    }

    private static void write(Path dir, Secret privateKey, String address, String address6, int port, String peerKey,
            String peerHost, int peerPort, String peerAddress, String peerAddress6) throws IOException {
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path file = dir.resolve(INTERFACE + ".conf");
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, """
                # Generated by jtun demo.
                [Interface]
                PrivateKey = %s
                Address = %s/24, %s/64
                ListenPort = %d

                [Peer]
                PublicKey = %s
                Endpoint = %s:%d
                AllowedIPs = %s/32, %s/128
                """.formatted(privateKey.base64(), address, address6, port, peerKey, peerHost, peerPort, peerAddress,
                peerAddress6));
    }

    private static String indent(String text) {
        return text.lines().map(l -> "    " + l + "\n").reduce("", String::concat);
    }

    private static boolean onPath(String command) {
        String path = System.getenv("PATH");
        for (String dir : ((path == null ? "" : path) + ":/usr/bin:/usr/sbin").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void deleteTree(Path dir) {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp directory; the OS cleans it eventually
        }
    }
}
