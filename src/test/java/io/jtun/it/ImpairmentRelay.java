package io.jtun.it;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A lossy, duplicating, reordering underlay without netem: {@code impairment_relay.py} (see its
 * comment) in a namespace between two hosts. Each host uses the relay's address on its side as
 * its peer's endpoint, so every datagram of the tunnel crosses it.
 */
final class ImpairmentRelay {
    /** What the relay did to one direction's datagrams of one kind ("data" or "handshake"). */
    record Counts(long received, long dropped, long duplicated, long reordered, long sent) {
        static final Counts NONE = new Counts(0, 0, 0, 0, 0);
    }

    private final Daemon process;

    private ImpairmentRelay(Daemon process) {
        this.process = process;
    }

    /**
     * Starts the relay in {@code host}: what arrives on {@code left} ("198.18.0.2:40000") goes out
     * of {@code right} to {@code rightPeer}, and the other way round to {@code leftPeer}.
     *
     * @param options the relay's options, e.g. "--loss", "0.02", "--seed", "1"
     */
    static ImpairmentRelay start(Netns host, String left, String leftPeer, String right, String rightPeer,
            String... options) throws InterruptedException {
        List<String> command = new ArrayList<>(List.of("python3", script().toString(), left, leftPeer, right,
                rightPeer));
        command.addAll(List.of(options));
        Daemon process = host.start(command.toArray(String[]::new));
        process.awaitLine(line -> line.equals("relay ready"), Duration.ofSeconds(20));
        return new ImpairmentRelay(process);
    }

    private static Path script() {
        try {
            return Path.of(ImpairmentRelay.class.getResource("impairment_relay.py").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Stops the relay and returns its counts by direction and kind: "left>right data",
     * "right>left handshake", ...
     */
    Map<String, Counts> stop() throws InterruptedException {
        int exit = process.stop(Duration.ofSeconds(10));
        if (exit != 0) {
            throw new AssertionError("the relay failed (exit " + exit + ")\n" + process.dump());
        }
        Map<String, Counts> counts = new LinkedHashMap<>();
        for (String line : process.stdoutLines()) {
            String[] fields = line.split(" ");
            if (!fields[0].equals("stats")) {
                continue;
            }
            Map<String, Long> values = new LinkedHashMap<>();
            for (int i = 3; i < fields.length; i++) {
                String[] pair = fields[i].split("=");
                values.put(pair[0], Long.parseLong(pair[1]));
            }
            counts.put(fields[1] + " " + fields[2], new Counts(values.get("received"), values.get("dropped"),
                    values.get("duplicated"), values.get("reordered"), values.get("sent")));
        }
        return counts;
    }
}
