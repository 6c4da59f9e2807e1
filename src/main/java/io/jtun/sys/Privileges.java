package io.jtun.sys;

import io.jtun.ExitCode;
import io.jtun.JtunException;

/**
 * Giving up root for good once an interface is set up. Whatever needs privileges (the TUN
 * device, sockets, routes, the UAPI socket) is open by then, and a daemon that parses packets
 * from the internet should not also be able to write /etc or load kernel modules if a bug lets
 * someone in.
 *
 * <p>The drop is irreversible: supplementary groups, then the group id, then the user id, each
 * real, effective and saved (set*id as root sets all three), for every thread of the process
 * (glibc's wrappers broadcast the change; the JVM's own threads included). Leaving uid 0 clears
 * every capability, permitted and effective, so nothing is kept.
 */
public final class Privileges {
    private static volatile UserAccount droppedTo;

    private Privileges() {
    }

    /**
     * Drops root to {@code account}.
     *
     * @throws JtunException if any step fails, or if root could be regained afterwards
     */
    public static void dropTo(UserAccount account) {
        try {
            // Order matters: once the user id is not root, the groups can no longer be changed.
            Libc.setgroups(account.groups());
            Libc.setgid(account.gid());
            Libc.setuid(account.uid());
        } catch (SysException e) {
            throw new JtunException(ExitCode.FAILURE, "cannot switch to user " + account + ": " + e.getMessage()
                    + " (jtun must start as root to drop privileges)");
        }
        if (Libc.getuid() != account.uid() || Libc.geteuid() != account.uid() || Libc.getgid() != account.gid()) {
            throw new JtunException(ExitCode.FAILURE, "switching to user " + account + " did not take effect");
        }
        try {
            Libc.setuid(0);
        } catch (SysException expected) {
            droppedTo = account;
            return;
        }
        throw new JtunException(ExitCode.FAILURE, "after switching to user " + account + " root could be regained;"
                + " refusing to run so");
    }

    /** The account the process runs as since {@link #dropTo}, or null while it has not dropped root. */
    public static UserAccount droppedTo() {
        return droppedTo;
    }

    /**
     * A hint for an error caused by missing privileges: why they are missing and what to do, or ""
     * while the process has not dropped them.
     */
    public static String hint() {
        UserAccount account = droppedTo;
        return account == null ? "" : " (the daemon runs as user " + account.name() + " since it was set up (User ="
                + " / --user), without root: restart the interface to apply this)";
    }
}
