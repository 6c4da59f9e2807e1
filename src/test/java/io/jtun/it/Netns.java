package io.jtun.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A network namespace owned by one test: a unique name so parallel runs never collide, and
 * {@link #close()} kills what the test started in it and deletes it, also after a failure.
 */
public final class Netns implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);

    private final String name;
    private final List<Daemon> daemons = new ArrayList<>();

    private Netns(String name) {
        this.name = name;
    }

    /** Creates a fresh namespace whose name starts with {@code prefix}; its loopback is up. */
    public static Netns create(String prefix) {
        String name = "jtun-" + prefix + "-" + ProcessHandle.current().pid() + "-"
                + Integer.toHexString(RANDOM.nextInt(0x10000));
        run(COMMAND_TIMEOUT, "ip", "netns", "add", name).check();
        Netns ns = new Netns(name);
        ns.exec("ip", "link", "set", "lo", "up").check();
        return ns;
    }

    public String name() {
        return name;
    }

    /** Runs a command inside the namespace and waits for it (bounded). */
    public Result exec(String... command) {
        return exec(COMMAND_TIMEOUT, command);
    }

    public Result exec(Duration timeout, String... command) {
        return run(timeout, inside(command));
    }

    /** Starts a long-running command inside the namespace; it is killed on {@link #close()}. */
    public Daemon start(String... command) {
        Daemon daemon = Daemon.start(inside(command));
        daemons.add(daemon);
        return daemon;
    }

    /** Starts jtun (the packaged jar, on this test's JDK) inside the namespace. */
    public Daemon startJtun(String... args) {
        return start(Jtun.command(args));
    }

    /**
     * Waits (5 s at most) until {@code ss FLAGS} lists {@code address} ("-Hltn" for TCP servers,
     * "-Hlun" for UDP ones): a server started in the background is ready for its client.
     */
    public void awaitListener(String ssFlags, String address) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            if (exec("ss", ssFlags).stdout().contains(address)) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("nothing listens on " + address + " in " + name);
    }

    /** Runs jtun inside the namespace and waits for it to exit. */
    public Result jtun(String... args) {
        return exec(Jtun.command(args));
    }

    private String[] inside(String... command) {
        String[] full = new String[command.length + 4];
        full[0] = "ip";
        full[1] = "netns";
        full[2] = "exec";
        full[3] = name;
        System.arraycopy(command, 0, full, 4, command.length);
        return full;
    }

    /** Runs a command in the current namespace, output captured, bounded by {@code timeout}. */
    public static Result run(Duration timeout, String... command) {
        try {
            Path out = Files.createTempFile("jtun-it-out", ".txt");
            Path err = Files.createTempFile("jtun-it-err", ".txt");
            try {
                Process process = new ProcessBuilder(command).redirectOutput(out.toFile())
                        .redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                        .start();
                boolean exited = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
                if (!exited) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
                return new Result(List.of(command), exited ? process.exitValue() : -1,
                        Files.readString(out), Files.readString(err), !exited);
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        for (Daemon daemon : daemons) {
            daemon.kill();
        }
        run(COMMAND_TIMEOUT, "ip", "netns", "del", name);
    }
}
