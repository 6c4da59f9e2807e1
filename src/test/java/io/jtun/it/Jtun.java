package io.jtun.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** How tests start the packaged jtun: the jar Maven built, on the JDK running the tests. */
public final class Jtun {
    private Jtun() {
    }

    public static Path jar() {
        Path jar = Path.of(System.getProperty("jtun.jar", "target/jtun.jar")).toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: integration tests run after 'mvn package'");
        }
        return jar;
    }

    public static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    public static String[] command(String... args) {
        List<String> command = new ArrayList<>(List.of(java(), "--enable-native-access=ALL-UNNAMED", "-jar",
                jar().toString()));
        command.addAll(List.of(args));
        return command.toArray(String[]::new);
    }
}
