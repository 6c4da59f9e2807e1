package io.jtun.wgquick;

import io.jtun.ExitCode;
import io.jtun.JtunException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/** Kernel parameters by their sysctl name, e.g. {@code net.ipv4.conf.all.src_valid_mark}. */
public interface Sysctl {

    /** The current value, trimmed; empty when the parameter does not exist. */
    Optional<String> read(String name);

    void write(String name, String value);

    /**
     * Reads and writes the files under {@code /proc/sys} (the parameters of the network namespace
     * jtun runs in), as {@code sysctl} does.
     */
    static Sysctl proc() {
        return proc(Path.of("/proc/sys"));
    }

    /** As {@link #proc()} under another root, for tests. */
    static Sysctl proc(Path root) {
        return new Sysctl() {
            @Override
            public Optional<String> read(String name) {
                try {
                    return Optional.of(Files.readString(file(name), StandardCharsets.US_ASCII).strip());
                } catch (NoSuchFileException e) {
                    return Optional.empty();
                } catch (IOException e) {
                    throw new JtunException(ExitCode.FAILURE, "cannot read " + name + ": " + e, e);
                }
            }

            @Override
            public void write(String name, String value) {
                try {
                    Files.writeString(file(name), value + "\n", StandardCharsets.US_ASCII);
                } catch (AccessDeniedException e) {
                    throw new JtunException(ExitCode.NO_PERMISSION, "cannot set " + name + "=" + value
                            + ": permission denied; run as root", e);
                } catch (NoSuchFileException e) {
                    throw new JtunException(ExitCode.NOT_FOUND, "cannot set " + name + "=" + value
                            + ": this kernel has no such parameter", e);
                } catch (IOException e) {
                    throw new JtunException(ExitCode.FAILURE, "cannot set " + name + "=" + value + ": " + e, e);
                }
            }

            private Path file(String name) {
                if (name.isEmpty() || name.contains("/") || name.contains("..")) {
                    throw new IllegalArgumentException("not a sysctl name: " + name);
                }
                return root.resolve(name.replace('.', '/'));
            }
        };
    }
}
