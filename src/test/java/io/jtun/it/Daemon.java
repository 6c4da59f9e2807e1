package io.jtun.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A long-running process under test. Its output is collected line by line on background threads
 * so the test can wait for a line (bounded) without ever blocking the process on a full pipe.
 */
public final class Daemon {
    private final Process process;
    private final List<String> stdout = new ArrayList<>();
    private final List<String> stderr = new ArrayList<>();

    private Daemon(Process process) {
        this.process = process;
        collect(process.getInputStream(), stdout);
        collect(process.getErrorStream(), stderr);
    }

    static Daemon start(String... command) {
        try {
            return new Daemon(new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void collect(InputStream stream, List<String> lines) {
        Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    synchronized (this) {
                        lines.add(line);
                        notifyAll();
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
        });
    }

    /** Waits until a line of standard output or error matches; fails with all output on timeout. */
    public synchronized String awaitLine(Predicate<String> match, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean exitSeen = false;
        while (true) {
            for (String line : stdout) {
                if (match.test(line)) {
                    return line;
                }
            }
            for (String line : stderr) {
                if (match.test(line)) {
                    return line;
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("no matching line within " + timeout + "\n" + dump());
            }
            if (!process.isAlive()) {
                // One more round after the exit, for lines the reader threads had not taken yet.
                if (exitSeen) {
                    throw new AssertionError("process exited (" + process.exitValue() + ") before a matching line\n"
                            + dump());
                }
                exitSeen = true;
            }
            wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 200)));
        }
    }

    /** Sends SIGTERM and waits (bounded) for the exit code. */
    public int stop(Duration timeout) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            throw new AssertionError("did not exit within " + timeout + " after SIGTERM\n" + dump());
        }
        // Let the reader threads take the last lines.
        Thread.sleep(100);
        return process.exitValue();
    }

    public Process process() {
        return process;
    }

    public synchronized List<String> stdoutLines() {
        return List.copyOf(stdout);
    }

    public synchronized List<String> stderrLines() {
        return List.copyOf(stderr);
    }

    public synchronized String dump() {
        return "--- stdout ---\n" + String.join("\n", stdout) + "\n--- stderr ---\n" + String.join("\n", stderr);
    }

    void kill() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }
}
