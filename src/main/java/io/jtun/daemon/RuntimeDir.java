package io.jtun.daemon;

import io.jtun.ExitCode;
import io.jtun.JtunException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Where running interfaces keep their control socket, pid file and log: {@code /run/jtun}.
 *
 * <p>Interface names are per network namespace but /run is shared by all of them, so a daemon
 * running in a named namespace ({@code ip netns add NAME}) uses {@code /run/jtun/netns/NAME};
 * two namespaces can then each have a {@code jp0}. The namespace is recognised the way
 * {@code ip netns identify} does it: its nsfs inode equals that of {@code /run/netns/NAME}.
 * {@code JTUN_RUN_DIR} overrides the location.
 */
public final class RuntimeDir {
    private static final Path DEFAULT = Path.of("/run/jtun");
    private static final Path OWN_NETNS = Path.of("/proc/self/ns/net");
    private static final Path NAMED_NETNS = Path.of("/run/netns");

    private RuntimeDir() {
    }

    public static Path path() {
        String override = System.getenv("JTUN_RUN_DIR");
        if (override != null && !override.isBlank()) {
            return Path.of(override);
        }
        String namespace = namedNamespace();
        return namespace == null ? DEFAULT : DEFAULT.resolve("netns").resolve(namespace);
    }

    /** The name under /run/netns of the namespace this process is in, or null (e.g. the init one). */
    private static String namedNamespace() {
        Object own = inode(OWN_NETNS);
        if (own == null || !Files.isDirectory(NAMED_NETNS)) {
            return null;
        }
        try (var names = Files.list(NAMED_NETNS)) {
            return names.filter(p -> own.equals(inode(p))).map(p -> p.getFileName().toString()).findFirst()
                    .orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    private static Object inode(Path path) {
        try {
            return Files.getAttribute(path, "unix:dev") + ":" + Files.getAttribute(path, "unix:ino");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return null;
        }
    }

    /** The directory, created (mode 0700: sockets there control the VPN) if missing. */
    public static Path create() {
        Path dir = path();
        try {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            return dir;
        } catch (IOException e) {
            throw new JtunException(ExitCode.NO_PERMISSION, "cannot create " + dir + " (" + e.getMessage()
                    + "): run jtun as root, or set JTUN_RUN_DIR to a writable directory");
        }
    }

    public static Path socket(String iface) {
        return path().resolve(iface + ".sock");
    }

    public static Path pidFile(String iface) {
        return path().resolve(iface + ".pid");
    }

    /** What the daemon must undo should it die without cleaning up: see {@link DeadDaemonCleanup}. */
    static Path undoFile(String iface) {
        return path().resolve(iface + ".undo");
    }

    public static Path logFile(String iface) {
        return path().resolve(iface + ".log");
    }

    /** The pid the interface's daemon wrote, or -1 when there is no (readable) pid file. */
    public static long readPid(String iface) {
        try {
            return Long.parseLong(Files.readString(pidFile(iface)).strip());
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    /**
     * After a daemon that ran without root (User =) has exited: removes the socket, pid file and
     * log it could not remove itself, since they live in root's directory.
     */
    public static void removeAfterUnprivilegedDaemon(String iface) {
        try {
            Files.deleteIfExists(socket(iface));
            Files.deleteIfExists(pidFile(iface));
        } catch (IOException e) {
            // best effort: a stale socket is detected and replaced on the next start
        }
        removeLeftovers(iface);
    }

    /** Deletes the interface's log, and the namespace's directory once it holds nothing else. */
    static void removeLeftovers(String iface) {
        try {
            Files.deleteIfExists(logFile(iface));
            Path dir = path();
            if (!dir.equals(DEFAULT) && dir.startsWith(DEFAULT)) {
                Files.deleteIfExists(dir); // fails harmlessly while other interfaces of the namespace run
            }
        } catch (IOException e) {
            // not worth failing a clean stop over
        }
    }
}
