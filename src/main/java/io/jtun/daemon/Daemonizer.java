package io.jtun.daemon;

import io.jtun.ExitCode;
import io.jtun.JtunException;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Starts {@code jtun up --foreground} as a background process and waits until it reports that
 * the interface is ready (or why it is not), so {@code jtun up} returns only when the interface
 * can be used.
 *
 * <p>The child's standard output is the readiness channel: exactly one line, {@code ready} or
 * {@code error CODE MESSAGE}; everything else it says goes to its log file. It runs in its own
 * session (setsid) so the terminal's signals and hang-up do not reach it.
 */
public final class Daemonizer {
    public static final String READY = "ready";
    public static final String ERROR = "error";
    private static final long READY_TIMEOUT_SECONDS = 60;
    /**
     * The data path lives off-heap and allocates almost nothing, so the heap stays small: a
     * bounded heap keeps the daemon's memory footprint small (the JVM would otherwise size it
     * from the machine's RAM), and the serial collector's young collections of such a heap take
     * about a millisecond, well under what a packet can wait.
     */
    public static final List<String> DAEMON_JVM_OPTIONS = List.of("-XX:+UseSerialGC", "-Xms16m", "-Xmx192m",
            "-XX:MaxMetaspaceSize=64m", "-Xss512k");

    /**
     * Extra JVM options for the daemon, split on white space (e.g. a flight recording or a larger
     * heap); they come after {@link #DAEMON_JVM_OPTIONS}, so they win.
     */
    public static final String JAVA_OPTIONS_ENV = "JTUN_DAEMON_JAVA_OPTIONS";

    private Daemonizer() {
    }

    /** Returns the child's pid once the interface is up; throws with the child's own error otherwise. */
    public static long start(String iface, List<String> foregroundArgs) {
        Path log = RuntimeDir.logFile(iface);
        List<String> command = new ArrayList<>();
        Path setsid = Path.of("/usr/bin/setsid");
        if (Files.isExecutable(setsid)) {
            command.add(setsid.toString());
        }
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add("--enable-native-access=ALL-UNNAMED");
        command.addAll(DAEMON_JVM_OPTIONS);
        String extra = System.getenv(JAVA_OPTIONS_ENV);
        if (extra != null && !extra.isBlank()) {
            command.addAll(List.of(extra.strip().split("\\s+")));
        }
        command.add("-jar");
        command.add(ownJar());
        command.addAll(foregroundArgs);
        Process child;
        boolean logIsNew = !Files.exists(log);
        try {
            RuntimeDir.create();
            child = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new JtunException(ExitCode.FAILURE, "cannot start the jtun daemon: " + e.getMessage());
        }
        String line = firstLine(child, log);
        if (line != null && line.equals(READY)) {
            return child.pid();
        }
        if (line != null && line.startsWith(ERROR + " ")) {
            String[] parts = line.split(" ", 3);
            if (logIsNew) {
                // The error is the child's last word and is reported here; a log this start
                // created holds nothing more (and would outlive a namespace deleted meanwhile).
                RuntimeDir.removeLeftovers(iface);
            }
            throw new JtunException(exitCode(parts[1]), parts.length > 2 ? parts[2] : "the daemon failed");
        }
        child.destroy();
        throw new JtunException(ExitCode.FAILURE, "the jtun daemon for " + iface + " did not start; see " + log);
    }

    private static String firstLine(Process child, Path log) {
        CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
            try {
                return new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))
                        .readLine();
            } catch (IOException e) {
                return null;
            }
        });
        try {
            return line.get(READY_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            child.destroy();
            throw new JtunException(ExitCode.FAILURE, "the jtun daemon did not become ready within "
                    + READY_TIMEOUT_SECONDS + " s; see " + log);
        } catch (ExecutionException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static ExitCode exitCode(String name) {
        try {
            return ExitCode.valueOf(name);
        } catch (IllegalArgumentException e) {
            return ExitCode.FAILURE;
        }
    }

    private static String ownJar() {
        try {
            return Path.of(Daemonizer.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException | SecurityException e) {
            throw new JtunException(ExitCode.FAILURE, "cannot locate the jtun jar to start the daemon");
        }
    }
}
