package io.jtun.netlink;

import static org.junit.jupiter.api.Assertions.fail;

import io.jtun.sys.Libc;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway network namespace named {@code jtun-wq-<random>} for one integration test, with
 * its loopback up; {@link #close()} deletes it (and with it every interface, route and rule made
 * in it). Needs root.
 */
public final class TestNamespace implements AutoCloseable {
    private static final long TIMEOUT_SECONDS = 60;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String name;

    /** What a finished command printed (stdout and stderr together) and how it exited. */
    public record Result(int exitCode, String output, String command) {
        public Result check() {
            if (exitCode != 0) {
                fail(command + " exited with " + exitCode + ":\n" + output);
            }
            return this;
        }
    }

    private TestNamespace(String name) {
        this.name = name;
    }

    public static TestNamespace create() {
        if (Libc.geteuid() != 0) {
            fail("this integration test needs root (it creates network namespaces): run it as root, or skip it"
                    + " with -DskipITs");
        }
        String name = "jtun-wq-" + HexFormat.of().toHexDigits(RANDOM.nextInt());
        run("ip", "netns", "add", name).check();
        TestNamespace ns = new TestNamespace(name);
        try {
            ns.ip("link", "set", "lo", "up");
        } catch (RuntimeException | Error e) {
            ns.close();
            throw e;
        }
        return ns;
    }

    public String name() {
        return name;
    }

    /** {@code ip -n NS ARGS...}, which must succeed; its output. */
    public String ip(String... args) {
        List<String> command = new ArrayList<>(List.of("ip", "-n", name));
        command.addAll(List.of(args));
        return run(command.toArray(String[]::new)).check().output();
    }

    /** Runs {@code command} inside the namespace ({@code ip netns exec}). */
    public Result exec(String... command) {
        return run(inside(List.of(command)).toArray(String[]::new));
    }

    /** {@code ip netns exec NS COMMAND...} as a list, e.g. for a ProcessBuilder. */
    public List<String> inside(List<String> command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", name));
        full.addAll(command);
        return full;
    }

    /** A JVM like this one, with the test class path, running {@code main} with {@code args}. */
    public static List<String> java(Class<?> main, String... args) {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> command = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        return command;
    }

    @Override
    public void close() {
        run("ip", "netns", "del", name).check();
    }

    /** Runs a command in the current namespace to completion (bounded), stdout and stderr together. */
    public static Result run(String... command) {
        String shown = String.join(" ", command);
        Path output = null;
        try {
            output = Files.createTempFile("jtun-wq-it", ".out");
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).start();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                fail(shown + " did not finish within " + TIMEOUT_SECONDS + " s:\n" + Files.readString(output));
            }
            return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8), shown);
        } catch (IOException e) {
            throw new AssertionError("cannot run " + shown + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running " + shown, e);
        } finally {
            if (output != null) {
                try {
                    Files.deleteIfExists(output);
                } catch (IOException e) {
                    // a leftover temporary file is harmless
                }
            }
        }
    }
}
