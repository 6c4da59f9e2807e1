package io.jtun.daemon;

import io.jtun.ExitCode;
import io.jtun.JtunException;
import io.jtun.config.InterfaceConfig;
import io.jtun.netlink.Rtnetlink;
import io.jtun.netlink.RouteRule;
import io.jtun.uapi.UapiServer;
import io.jtun.wgquick.HookRunner;
import io.jtun.wgquick.WgQuick;
import io.jtun.wgquick.WgQuickState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What a daemon killed without a chance to clean up (SIGKILL, the OOM killer, a JVM crash) leaves
 * behind, and its removal.
 *
 * <p>The kernel deletes the TUN device when the last process holding it dies, and the device's
 * addresses and routes go with it. The rest of what {@code jtun up} set up does not: the policy
 * routing rules of a default route ({@code not fwmark ... lookup 51820}, {@code suppress_prefixlength
 * 0}) and the DNS servers given to resolvconf, plus the daemon's control socket, pid file and the
 * wg tool's socket. Left in place, the rules would be taken for someone else's by the next
 * {@code jtun up} (which leaves rules it did not add alone) and so outlive every later
 * {@code jtun down}.
 *
 * <p>So the daemon records those rules and DNS in {@code IFACE.undo} in its runtime directory
 * once the interface is set up, and deletes the record after undoing them at a clean stop. A
 * record that is still there when the next daemon of that interface starts, or when
 * {@code jtun down} finds no daemon answering, is a dead daemon's: it is undone then. Hooks are
 * not run: they are the user's commands, written for a device that no longer exists.
 */
public final class DeadDaemonCleanup {
    private static final String RULE = "rule";
    private static final String DNS = "dns";
    private static final String NONE = "-";

    private DeadDaemonCleanup() {
    }

    /** Records what of {@code state} outlives the device (nothing to record: no file). */
    static void record(String iface, WgQuickState state) {
        Path file = RuntimeDir.undoFile(iface);
        try {
            if (state.rules().isEmpty() && !state.dns()) {
                Files.deleteIfExists(file);
                return;
            }
            List<String> lines = new ArrayList<>();
            for (RouteRule rule : state.rules()) {
                lines.add(format(rule));
            }
            if (state.dns()) {
                lines.add(DNS);
            }
            Files.write(file, lines);
        } catch (IOException e) {
            // Only a kill would make it matter; the interface works without it.
        }
    }

    /** After a clean stop has undone everything: nothing is left to record. */
    static void forget(String iface) {
        try {
            Files.deleteIfExists(RuntimeDir.undoFile(iface));
        } catch (IOException e) {
            // a later cleanup finds the rules already gone: removing what is absent succeeds
        }
    }

    /**
     * Undoes the rules and DNS a dead daemon of {@code iface} recorded, and deletes the record.
     * Call it only when no daemon of {@code iface} runs in this namespace.
     *
     * @return one line per step taken, as wg-quick would have printed it ("ip -4 rule delete ...");
     *     empty when there was no record
     */
    public static List<String> undoRecorded(String iface) {
        Path file = RuntimeDir.undoFile(iface);
        Optional<WgQuickState> recorded = read(iface, file);
        if (recorded.isEmpty()) {
            return List.of();
        }
        List<String> steps = new ArrayList<>();
        WgQuick wgQuick = WgQuick.system(line -> steps.add(line.replaceFirst("^\\[#\\] ", "")));
        try (Rtnetlink netlink = Rtnetlink.open()) {
            // A blank configuration has no hooks: only the recorded rules and DNS are undone.
            wgQuick.down(InterfaceConfig.blank(iface), recorded.get(), netlink, HookRunner.bash());
        }
        forget(iface);
        return steps;
    }

    /**
     * {@code jtun down} of an interface whose daemon does not answer: if one ran here and died,
     * undoes what it recorded and removes its control socket, pid file and wg socket.
     *
     * @return what was removed, one line each; empty when no daemon of {@code iface} has run here
     *     since the last clean stop
     * @throws JtunException when the pid file names a live jtun process (it is hung, not dead)
     */
    public static List<String> afterDeadDaemon(String iface) {
        Path pidFile = RuntimeDir.pidFile(iface);
        long pid = readPid(pidFile);
        if (pid > 0 && isLiveJtun(pid)) {
            throw new JtunException(ExitCode.BUSY, iface + "'s daemon (pid " + pid + ") is running but does not answer"
                    + " on " + RuntimeDir.socket(iface) + ": stop it with kill " + pid + " (or kill -9 " + pid
                    + "), then run jtun down " + iface + " again");
        }
        List<String> removed = new ArrayList<>(undoRecorded(iface));
        Path control = RuntimeDir.socket(iface);
        if (Files.exists(control) && !ControlClient.isAlive(control) && delete(control)) {
            removed.add("rm " + control);
        }
        if (delete(pidFile)) {
            removed.add("rm " + pidFile);
        }
        // /var/run/wireguard is shared by all namespaces: only a socket nobody answers on is stale.
        Path uapi = UapiServer.defaultSocket(iface);
        if (!removed.isEmpty() && Files.exists(uapi) && !ControlClient.isAlive(uapi) && delete(uapi)) {
            removed.add("rm " + uapi);
        }
        return removed;
    }

    private static long readPid(Path pidFile) {
        try {
            return Long.parseLong(Files.readString(pidFile).strip());
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    /** A live process whose command line names jtun (a pid reused by another program does not count). */
    private static boolean isLiveJtun(long pid) {
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .flatMap(p -> p.info().commandLine()).map(line -> line.contains("jtun")).orElse(false);
    }

    private static boolean delete(Path file) {
        try {
            return Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new JtunException(ExitCode.NO_PERMISSION, "cannot remove " + file + ": " + e.getMessage()
                    + ": run jtun as root");
        }
    }

    // ---- the record: one line per rule ("rule FAMILY PRIORITY TABLE FWMARK FWMASK not|is SUPPRESS"), "dns" ----

    static String format(RouteRule rule) {
        return String.join(" ", RULE, String.valueOf(rule.family()), optional(rule.priority()),
                Integer.toUnsignedString(rule.table()), Integer.toUnsignedString(rule.fwmark()),
                Integer.toUnsignedString(rule.fwmask()), rule.invert() ? "not" : "is",
                optional(rule.suppressPrefixLength()));
    }

    /** The record, or empty when there is none; a record that cannot be read is reported and deleted. */
    static Optional<WgQuickState> read(String iface, Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (java.nio.file.NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new JtunException(ExitCode.NO_PERMISSION, "cannot read " + file + ": " + e.getMessage());
        }
        List<RouteRule> rules = new ArrayList<>();
        boolean dns = false;
        try {
            for (String line : lines) {
                String[] f = line.strip().split(" ");
                if (f[0].equals(DNS)) {
                    dns = true;
                } else if (f[0].equals(RULE) && f.length == 8) {
                    rules.add(new RouteRule(Integer.parseInt(f[1]), parseOptional(f[2]), Integer.parseUnsignedInt(f[3]),
                            Integer.parseUnsignedInt(f[4]), Integer.parseUnsignedInt(f[5]), f[6].equals("not"),
                            parseOptional(f[7])));
                } else if (!line.isBlank()) {
                    throw new IllegalArgumentException("unknown line '" + line + "'");
                }
            }
        } catch (IllegalArgumentException e) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException deleting) {
                e.addSuppressed(deleting);
            }
            throw new JtunException(ExitCode.FAILURE, file + " is damaged (" + e.getMessage() + ") and was removed: check"
                    + " ip rule and ip -6 rule for rules a killed jtun left for " + iface);
        }
        return Optional.of(new WgQuickState(iface, List.of(), List.of(), rules, OptionalInt.empty(), OptionalInt.empty(),
                dns, 0));
    }

    private static String optional(OptionalInt value) {
        return value.isPresent() ? Integer.toUnsignedString(value.getAsInt()) : NONE;
    }

    private static OptionalInt parseOptional(String text) {
        return text.equals(NONE) ? OptionalInt.empty() : OptionalInt.of(Integer.parseUnsignedInt(text));
    }
}
