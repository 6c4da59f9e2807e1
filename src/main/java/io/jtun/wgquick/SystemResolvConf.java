package io.jtun.wgquick;

import io.jtun.ExitCode;
import io.jtun.JtunException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the resolvconf program as wg-quick does. Debian's resolvconf orders interfaces by the
 * patterns in /etc/resolvconf/interface-order, and wg-quick then registers the interface as
 * {@code PREFIX.IFACE} with the first {@code PREFIX*} pattern there (e.g. "tun." for "tun*"), so
 * that its servers rank like a VPN's; it does that only when resolvconf is that program (a real
 * file, not a symlink to openresolv or resolvectl). So does this class.
 */
final class SystemResolvConf implements ResolvConf {
    static final String INTERFACE_ORDER = "/etc/resolvconf/interface-order";
    private static final Pattern ORDER_PREFIX = Pattern.compile("^([A-Za-z0-9-]+)\\*$");
    private static final long TIMEOUT_SECONDS = 60;
    /** Where {@link #find} looks after PATH: root's directories, which a user's PATH may lack. */
    private static final List<String> EXTRA_DIRECTORIES = List.of("/usr/local/sbin", "/usr/sbin", "/sbin");

    private final Path program;
    private final Path interfaceOrder;

    SystemResolvConf(Path program, Path interfaceOrder) {
        this.program = program;
        this.interfaceOrder = interfaceOrder;
    }

    /** The first executable {@code resolvconf} in {@code path}'s directories, then the sbin directories. */
    static ResolvConf find(String path, Path interfaceOrder) {
        Set<String> directories = new LinkedHashSet<>();
        if (path != null) {
            for (String directory : path.split(":")) {
                if (!directory.isEmpty()) {
                    directories.add(directory);
                }
            }
        }
        directories.addAll(EXTRA_DIRECTORIES);
        for (String directory : directories) {
            Path candidate = Path.of(directory, "resolvconf");
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return new SystemResolvConf(candidate, interfaceOrder);
            }
        }
        return new SystemResolvConf(null, interfaceOrder);
    }

    @Override
    public boolean available() {
        return program != null;
    }

    @Override
    public void set(String ifname, List<String> nameservers, List<String> searchDomains) {
        run(List.of("-a", interfacePrefix() + ifname, "-m", "0", "-x"),
                ResolvConf.records(nameservers, searchDomains), "setting the DNS servers of " + ifname);
    }

    @Override
    public void unset(String ifname) {
        run(List.of("-d", interfacePrefix() + ifname, "-f"), "", "removing the DNS servers of " + ifname);
    }

    /** "tun." when Debian's resolvconf orders "tun*" interfaces, else "". */
    String interfacePrefix() {
        if (program == null || !Files.isRegularFile(interfaceOrder) || Files.isSymbolicLink(program)) {
            return "";
        }
        try {
            for (String line : Files.readAllLines(interfaceOrder, StandardCharsets.UTF_8)) {
                Matcher m = ORDER_PREFIX.matcher(line.strip());
                if (m.matches()) {
                    return m.group(1) + ".";
                }
            }
        } catch (IOException e) {
            // Unreadable: register under the plain name, as if there were no order file.
        }
        return "";
    }

    private void run(List<String> arguments, String input, String action) {
        if (program == null) {
            throw WgQuick.noResolvConf(action);
        }
        List<String> command = new ArrayList<>();
        command.add(program.toString());
        command.addAll(arguments);
        String shown = "resolvconf " + String.join(" ", arguments);
        Path output = null;
        try {
            output = Files.createTempFile("jtun-resolvconf", ".out");
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).start();
            try (OutputStream stdin = process.getOutputStream()) {
                stdin.write(input.getBytes(StandardCharsets.UTF_8));
            }
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new JtunException(ExitCode.FAILURE, action + " failed: " + shown + " did not finish within "
                        + TIMEOUT_SECONDS + " s");
            }
            if (process.exitValue() != 0) {
                String said = Files.readString(output, StandardCharsets.UTF_8).strip();
                throw new JtunException(ExitCode.FAILURE, action + " failed: " + shown + " exited with "
                        + process.exitValue() + (said.isEmpty() ? "" : ": " + said));
            }
        } catch (IOException e) {
            throw new JtunException(ExitCode.FAILURE, action + " failed: cannot run " + program + ": " + e.getMessage(),
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JtunException(ExitCode.FAILURE, action + " was interrupted", e);
        } finally {
            if (output != null) {
                try {
                    Files.deleteIfExists(output);
                } catch (IOException e) {
                    // A leftover temporary file is harmless.
                }
            }
        }
    }
}
