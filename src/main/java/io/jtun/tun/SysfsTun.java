package io.jtun.tun;

import io.jtun.ExitCode;
import io.jtun.JtunException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads an existing interface's TUN flags from sysfs, so that attaching to a device with the
 * wrong options fails with a message that says which option differs instead of a bare EINVAL.
 */
final class SysfsTun {
    private static final Path SYS_CLASS_NET = Path.of("/sys/class/net");

    private SysfsTun() {
    }

    static boolean exists(String name) {
        return Files.exists(SYS_CLASS_NET.resolve(name));
    }

    /** Throws if an interface named {@code name} exists and cannot be attached to with {@code options}. */
    static void checkCompatible(String name, TunOptions options) {
        Path dir = SYS_CLASS_NET.resolve(name);
        if (!Files.exists(dir)) {
            return;
        }
        Path flagsFile = dir.resolve("tun_flags");
        if (!Files.exists(flagsFile)) {
            throw new JtunException(ExitCode.BUSY, "an interface named " + name
                    + " already exists and is not a TUN/TAP device: choose another name");
        }
        int flags;
        try {
            flags = Integer.decode(Files.readString(flagsFile).trim());
        } catch (IOException | NumberFormatException e) {
            return; // sysfs unreadable: let TUNSETIFF decide
        }
        TunMode existing = (flags & TunIoctl.IFF_TAP) != 0 ? TunMode.TAP : TunMode.TUN;
        if (existing != options.mode()) {
            throw new JtunException(ExitCode.USAGE, name + " is a " + existing + " device, not " + options.mode()
                    + ": " + (existing == TunMode.TAP ? "add --tap" : "leave out --tap") + " to attach to it");
        }
        boolean multiQueue = (flags & TunIoctl.IFF_MULTI_QUEUE) != 0;
        if (multiQueue != options.queues() > 1) {
            throw new JtunException(ExitCode.USAGE, name + (multiQueue
                    ? " is a multi-queue device: attach with --queues 2 or more"
                    : " is a single-queue device: attach without --queues"));
        }
    }
}
