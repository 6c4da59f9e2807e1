package io.jtun.it;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * A long-running process under test. Its output goes to files, which the test reads while the
 * process runs: unlike pipes read by background threads, nothing the process printed just
 * before exiting can be lost (the JDK drains and closes a pipe when its process exits, which
 * races with a thread blocked reading it).
 */
public final class Daemon {
    private static final long POLL_MILLIS = 50;

    private final Process process;
    private final Path stdout;
    private final Path stderr;

    private Daemon(Process process, Path stdout, Path stderr) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    static Daemon start(String... command) {
        try {
            Path out = Files.createTempFile("jtun-daemon-out", ".txt");
            Path err = Files.createTempFile("jtun-daemon-err", ".txt");
            out.toFile().deleteOnExit();
            err.toFile().deleteOnExit();
            Process process = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            return new Daemon(process, out, err);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until a line of standard output or error matches; fails with all output on timeout. */
    public String awaitLine(Predicate<String> match, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean exitSeen = false;
        while (true) {
            // Checked before reading, so a line printed just before the exit is still seen.
            boolean exited = !process.isAlive();
            var found = Stream.concat(stdoutLines().stream(), stderrLines().stream()).filter(match).findFirst();
            if (found.isPresent()) {
                return found.get();
            }
            if (exited) {
                throw new AssertionError("process exited (" + process.exitValue() + ") before a matching line\n"
                        + dump());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no matching line within " + timeout + "\n" + dump());
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    /** Sends SIGTERM and waits (bounded) for the exit code. */
    public int stop(Duration timeout) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            throw new AssertionError("did not exit within " + timeout + " after SIGTERM\n" + dump());
        }
        return process.exitValue();
    }

    public Process process() {
        return process;
    }

    public List<String> stdoutLines() {
        return lines(stdout);
    }

    public List<String> stderrLines() {
        return lines(stderr);
    }

    private static List<String> lines(Path file) {
        try {
            // A line still being written has no newline yet; leave it for the next read.
            String text = Files.readString(file);
            int end = text.lastIndexOf('\n');
            return end < 0 ? List.of() : text.substring(0, end).lines().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String dump() {
        return "--- stdout ---\n" + String.join("\n", stdoutLines()) + "\n--- stderr ---\n"
                + String.join("\n", stderrLines());
    }

    void kill() {
        try {
            if (process.isAlive()) {
                process.destroy();
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        } finally {
            try {
                Files.deleteIfExists(stdout);
                Files.deleteIfExists(stderr);
            } catch (IOException e) {
                // temp files; deleteOnExit catches the rest
            }
        }
    }
}
