package io.jtun.packet;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Finds and runs the system tcpdump, for tests that check our output against the real thing. */
final class Tcpdump {
    private Tcpdump() {
    }

    static Optional<Path> find() {
        List<Path> candidates = new ArrayList<>(List.of(Path.of("/usr/sbin/tcpdump"), Path.of("/usr/bin/tcpdump")));
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(":")) {
                if (!dir.isEmpty()) {
                    candidates.add(Path.of(dir, "tcpdump"));
                }
            }
        }
        return candidates.stream().filter(Files::isExecutable).findFirst();
    }

    /** Runs {@code tcpdump <args> -r file} and returns its stdout lines; fails on a non-zero exit. */
    static List<String> read(Path tcpdump, Path file, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(tcpdump.toString());
        command.addAll(List.of(args));
        command.add("-r");
        command.add(file.toString());
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("tcpdump did not finish");
        }
        if (p.exitValue() != 0) {
            throw new IOException("tcpdump exited with " + p.exitValue() + ": " + command);
        }
        return new String(out, StandardCharsets.UTF_8).lines().toList();
    }
}
