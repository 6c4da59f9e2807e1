package io.jtun.fuzz;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * Makes a fuzz test's failure say where the failing input is. While fuzzing (the build's "fuzz"
 * execution, or fuzz/run), Jazzer writes the input that broke a target to {@code target/fuzz/}
 * ({@code crash-<sha1>}, or {@code timeout-<sha1>} for a hang) and throws; this adds to the
 * failure the file's path and the two steps every finding takes: fix it, and keep the input as a
 * regression test under the target's seed directory, where {@code ./mvnw test} replays it.
 */
public final class FuzzFindings implements BeforeAllCallback, TestExecutionExceptionHandler {
    private static final String BASEDIR = "jazzer.internal.basedir";
    private long startMillis;

    @Override
    public void beforeAll(ExtensionContext context) {
        startMillis = System.currentTimeMillis();
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
        String basedir = System.getProperty(BASEDIR);
        if (System.getenv("JAZZER_FUZZ") == null || basedir == null) {
            throw failure; // replaying seeds: the failing seed is named in the test's display name
        }
        Class<?> target = context.getRequiredTestClass();
        String method = context.getRequiredTestMethod().getName();
        List<Path> findings = findings(Path.of(basedir));
        String seeds = "src/test/resources/" + target.getPackageName().replace('.', '/') + "/"
                + target.getSimpleName() + "Inputs/" + method + "/";
        throw new AssertionError(target.getSimpleName() + "#" + method + " failed while fuzzing: "
                + failure + "\n  failing input: " + (findings.isEmpty() ? "(none written; see the output)" : findings)
                + "\n  fuzzer output: the build log above (Jazzer's finding, then the input as bytes and base64)"
                + "\n  fix the bug, then keep the input as a regression test: copy it to " + seeds
                + " and run ./mvnw test -Dtest=" + target.getSimpleName(), failure);
    }

    /** The inputs Jazzer wrote since this class started. */
    private List<Path> findings(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().matches("(crash|timeout|oom|leak|slow-unit)-.*"))
                    .filter(f -> f.toFile().lastModified() >= startMillis - 1000)
                    .sorted()
                    .toList();
        }
    }
}
