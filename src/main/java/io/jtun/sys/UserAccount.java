package io.jtun.sys;

import io.jtun.ExitCode;
import io.jtun.JtunException;
import java.util.Arrays;

/**
 * The account a daemon gives up root for ({@code User =} / {@code --user}): its ids and its
 * supplementary groups, looked up through the C library (so /etc/passwd, LDAP, systemd's dynamic
 * users, whatever NSS is configured with).
 *
 * @param name the user name
 * @param uid the user id
 * @param gid the primary group id
 * @param groups every group the user is in, the primary one included
 */
public record UserAccount(String name, int uid, int gid, int[] groups) {

    public UserAccount {
        groups = groups.clone();
    }

    /**
     * The account called {@code user}, a name or a numeric id.
     *
     * @throws JtunException naming the fix when there is no such account, or when it is root
     */
    public static UserAccount lookup(String user) {
        Libc.Passwd entry = user.chars().allMatch(Character::isDigit) && !user.isEmpty()
                ? Libc.passwdByUid(Integer.parseUnsignedInt(user))
                : Libc.passwdByName(user);
        if (entry == null) {
            throw new JtunException(ExitCode.USAGE, "no user '" + user + "' on this system (getent passwd " + user
                    + " finds nothing): create it (e.g. useradd --system --no-create-home jtun) or name another");
        }
        if (entry.uid() == 0) {
            throw new JtunException(ExitCode.USAGE, "user '" + user + "' is root (uid 0): dropping to it drops nothing;"
                    + " name an unprivileged account such as nobody");
        }
        return new UserAccount(entry.name(), entry.uid(), entry.gid(), Libc.groupList(entry.name(), entry.gid()));
    }

    @Override
    public int[] groups() {
        return groups.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UserAccount other && name.equals(other.name) && uid == other.uid && gid == other.gid
                && Arrays.equals(groups, other.groups);
    }

    @Override
    public int hashCode() {
        return 31 * name.hashCode() + uid;
    }

    @Override
    public String toString() {
        return name + " (uid " + Integer.toUnsignedString(uid) + ", gid " + Integer.toUnsignedString(gid) + ")";
    }
}
