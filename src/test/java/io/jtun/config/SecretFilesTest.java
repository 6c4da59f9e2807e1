package io.jtun.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtun.ExitCode;
import io.jtun.JtunException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretFilesTest {
    private static final String WITH_KEY = """
            [Interface]
            PrivateKey = yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=
            Address = 10.0.0.1/24
            [Peer]
            PublicKey = xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=
            AllowedIPs = 10.0.0.2/32
            """;

    @TempDir
    Path dir;

    @Test
    void aConfigWithAPrivateKeyReadableByOthersIsRefusedWithTheFix() throws Exception {
        Path file = write("jp0.conf", WITH_KEY, "rw-r--r--");
        JtunException e = assertThrows(JtunException.class, () -> ConfigParser.parse(file));
        assertEquals(ExitCode.NO_PERMISSION, e.exitCode());
        assertEquals(file + " holds a PrivateKey but group or others may access it (rw-r--r--): run chmod 600 "
                + file, e.getMessage());
    }

    @Test
    void ownerOnlyIsAccepted() throws Exception {
        Path file = write("jp0.conf", WITH_KEY, "rw-------");
        assertTrue(ConfigParser.parse(file).privateKey().isPresent());
    }

    @Test
    void aPlainConfigWithoutSecretsMayBeReadable() throws Exception {
        Path file = write("jp1.conf", "[Interface]\nEncryption = none\nAddress = 10.0.0.1/24\n", "rw-r--r--");
        assertEquals("jp1", ConfigParser.parse(file).name());
    }

    private Path write(String name, String text, String mode) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
        return file;
    }
}
