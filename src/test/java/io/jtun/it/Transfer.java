package io.jtun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A TCP transfer of random bytes through a tunnel: {@code ncat} receives into a file on one host
 * and {@code ncat} sends the file from the other, paced by {@code pv} when a rate is given (so that
 * a test can break something while it runs). Intact means the received file has the sent file's
 * SHA-256.
 */
final class Transfer {
    private static final long SAMPLE_MILLIS = 10;

    private final Path data;
    private final Path received;
    private final Daemon sink;
    private final Daemon sender;
    /** When the received file grew ({@link System#nanoTime()}), sampled every 10 ms while the transfer runs. */
    private final List<Long> progress = Collections.synchronizedList(new ArrayList<>());
    private final Thread sampler;

    private Transfer(Path data, Path received, Daemon sink, Daemon sender) {
        this.data = data;
        this.received = received;
        this.sink = sink;
        this.sender = sender;
        this.sampler = Thread.ofVirtual().start(this::sample);
    }

    /** A time without progress: from the last growth before it to the first after it. */
    record Stall(long fromNanos, long toNanos) {
        long millis() {
            return (toNanos - fromNanos) / 1_000_000;
        }
    }

    /** Sends {@code bytes} random bytes as fast as the tunnel takes them and checks they arrived intact. */
    static void intact(Netns from, Netns to, String toAddress, int port, long bytes, Path dir, Duration timeout)
            throws InterruptedException {
        Transfer transfer = start(from, to, toAddress, port, randomFile(dir, "data-" + port, bytes), null);
        transfer.awaitIntact(timeout);
        transfer.deleteFiles();
    }

    /** A file of {@code bytes} random bytes in {@code dir}. */
    static Path randomFile(Path dir, String name, long bytes) {
        Path file = dir.resolve(name);
        Netns.run(Duration.ofSeconds(60), "bash", "-c", "head -c " + bytes + " /dev/urandom > " + file).check();
        return file;
    }

    /**
     * Starts sending {@code data} from {@code from} to {@code toAddress:port}, a TCP server started
     * here on {@code to}; {@code rate} is pv's limit ("5M": 5 MiB/s), or null for no limit.
     */
    static Transfer start(Netns from, Netns to, String toAddress, int port, Path data, String rate)
            throws InterruptedException {
        Path received = data.resolveSibling(data.getFileName() + ".received");
        Daemon sink = to.start("bash", "-c", "ncat -l " + toAddress + " " + port + " --recv-only > " + received);
        to.awaitListener("-Hltn", toAddress + ":" + port);
        String source = rate == null ? "cat " + data : "pv -q -L " + rate + " " + data;
        Daemon sender = from.start("bash", "-c", "set -o pipefail; " + source + " | ncat --send-only " + toAddress + " "
                + port);
        return new Transfer(data, received, sink, sender);
    }

    private void sample() {
        long last = 0;
        while (sink.process().isAlive()) {
            long now = receivedBytes();
            if (now > last) {
                progress.add(System.nanoTime());
                last = now;
            }
            try {
                Thread.sleep(SAMPLE_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
        progress.add(System.nanoTime()); // the end: the receiver has everything
    }

    /**
     * The longest time without progress that includes or follows {@code since} (a fault began
     * then): it starts at the last growth of the received file before {@code since}. Call it
     * after {@link #awaitIntact}.
     */
    Stall longestStallSince(long since) {
        List<Long> times;
        synchronized (progress) {
            times = List.copyOf(progress);
        }
        long previous = since;
        for (long time : times) {
            if (time <= since) {
                previous = time;
            }
        }
        Stall longest = new Stall(previous, previous);
        for (long time : times) {
            if (time > since) {
                if (time - previous > longest.toNanos() - longest.fromNanos()) {
                    longest = new Stall(previous, time);
                }
                previous = time;
            }
        }
        return longest;
    }

    /** Bytes the receiver has written so far. */
    long receivedBytes() {
        try {
            return Files.exists(received) ? Files.size(received) : 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    long size() {
        try {
            return Files.size(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until more than {@code bytes} have arrived; fails after {@code timeout}. */
    void awaitReceivedMoreThan(long bytes, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (receivedBytes() <= bytes) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the transfer stalled at " + receivedBytes() + " of " + size() + " bytes for "
                        + timeout + "\n" + sender.dump());
            }
            Thread.sleep(20);
        }
    }

    /** Waits for the sender and the receiver to finish, then compares what arrived with what was sent. */
    void awaitIntact(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        assertTrue(sender.process().waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS), "the sender did not finish "
                + "within " + timeout + " (" + receivedBytes() + " of " + size() + " bytes arrived)");
        assertEquals(0, sender.process().exitValue(), sender.dump());
        long left = Math.max(1, deadline - System.nanoTime());
        assertTrue(sink.process().waitFor(left, TimeUnit.NANOSECONDS), "the receiver did not finish ("
                + receivedBytes() + " of " + size() + " bytes arrived)");
        sampler.join(Duration.ofSeconds(5));
        assertEquals(sha256(data), sha256(received), size() + " bytes arrived intact");
    }

    void deleteFiles() {
        try {
            Files.deleteIfExists(data);
            Files.deleteIfExists(received);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String sha256(Path file) {
        return Netns.run(Duration.ofSeconds(60), "sha256sum", file.toString()).check().stdout().split(" ")[0];
    }
}
