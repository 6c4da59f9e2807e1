package io.jtun.config;

import io.jtun.ExitCode;
import io.jtun.JtunException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * Refuses files holding secrets (private or preshared keys) that others can read: a key anyone
 * on the machine can copy is no key. wg-quick only warns; jtun stops and says how to fix it.
 */
public final class SecretFiles {
    private static final Set<PosixFilePermission> TOO_OPEN = EnumSet.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private SecretFiles() {
    }

    /**
     * @param file the file holding the secret
     * @param what what the secret is, for the message ("a PrivateKey")
     */
    public static void checkPrivate(Path file, String what) {
        Set<PosixFilePermission> permissions;
        try {
            permissions = Files.getPosixFilePermissions(file);
        } catch (UnsupportedOperationException | IOException e) {
            return; // not a POSIX file system: nothing to check against
        }
        Set<PosixFilePermission> open = EnumSet.copyOf(permissions);
        open.retainAll(TOO_OPEN);
        if (!open.isEmpty()) {
            throw new JtunException(ExitCode.NO_PERMISSION, file + " holds " + what + " but group or others may "
                    + "access it (" + PosixFilePermissions.toString(permissions) + "): run chmod 600 " + file);
        }
    }

    /** Applies {@link #checkPrivate} when the configuration holds a private or preshared key. */
    static void checkConfig(Path file, InterfaceConfig config) {
        if (config.privateKey().isPresent()) {
            checkPrivate(file, "a PrivateKey");
        } else if (config.peers().stream().anyMatch(p -> p.presharedKey().isPresent())) {
            checkPrivate(file, "a PresharedKey");
        }
    }
}
