package io.jtun.cli;

import io.jtun.ExitCode;
import io.jtun.JtunException;
import io.jtun.noise.Keys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/**
 * {@code jtun genkey | pubkey | genpsk}: WireGuard keys in wg's base64 form, byte for byte what
 * {@code wg genkey | pubkey | genpsk} produce, so keys move freely between the two tools.
 */
final class KeyCommands {
    static final String HELP = """
            Usage: jtun genkey           print a new private key (base64)
                   jtun pubkey < KEY     print the public key of the private key read from stdin
                   jtun genpsk           print a new preshared key

            As with wg: umask 077; jtun genkey | tee private.key | jtun pubkey > public.key
            """;

    private static final int MAX_INPUT = 4096;

    private KeyCommands() {
    }

    static ExitCode genkey(String[] argv) {
        noArguments("genkey", argv);
        warnIfWorldReadable();
        System.out.println(Keys.genkey().base64());
        return ExitCode.OK;
    }

    static ExitCode genpsk(String[] argv) {
        noArguments("genpsk", argv);
        warnIfWorldReadable();
        System.out.println(Keys.genpsk().base64());
        return ExitCode.OK;
    }

    static ExitCode pubkey(String[] argv) {
        noArguments("pubkey", argv);
        String input;
        try {
            input = new String(System.in.readNBytes(MAX_INPUT), StandardCharsets.US_ASCII).strip();
        } catch (IOException e) {
            throw new JtunException(ExitCode.FAILURE, "cannot read the private key from standard input: " + e.getMessage());
        }
        String publicKey = Keys.pubkey(input);
        if (publicKey == null) {
            throw new JtunException(ExitCode.USAGE, "standard input is not a private key: give the output of"
                    + " jtun genkey or wg genkey (44 characters of base64)");
        }
        System.out.println(publicKey);
        return ExitCode.OK;
    }

    private static void noArguments(String command, String[] argv) {
        if (argv.length == 1 && (argv[0].equals("--help") || argv[0].equals("-h"))) {
            System.out.print(HELP);
            throw new HelpShown();
        }
        if (argv.length > 0) {
            throw new JtunException(ExitCode.USAGE, "jtun " + command + " takes no arguments (see: jtun " + command
                    + " --help)");
        }
    }

    /** wg's warning when a secret is about to land in a file others can read. */
    private static void warnIfWorldReadable() {
        try {
            Path target = Path.of("/proc/self/fd/1").toRealPath();
            if (Files.isRegularFile(target)) {
                Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(target);
                if (permissions.contains(PosixFilePermission.OTHERS_READ)
                        || permissions.contains(PosixFilePermission.GROUP_READ)) {
                    System.err.println("Warning: writing to world accessible file.");
                    System.err.println("Consider setting the umask to 077 and trying again.");
                }
            }
        } catch (IOException | UnsupportedOperationException e) {
            // not a file (a pipe or terminal) or not inspectable: nothing to warn about
        }
    }

    /** Thrown after printing help, to end the command with success. */
    static final class HelpShown extends RuntimeException {
        private static final long serialVersionUID = 1L;

        HelpShown() {
            super(null, null, false, false);
        }
    }
}
