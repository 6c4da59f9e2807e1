package io.jtun.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.jtun.ExitCode;
import io.jtun.JtunException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding and reading configuration files, and the interface names they give. */
class ConfigFilesTest {
    @TempDir
    Path dir;

    private static JtunException fails(ExitCode code, Runnable action) {
        JtunException e = assertThrows(JtunException.class, action::run);
        assertEquals(code, e.exitCode(), e.getMessage());
        return e;
    }

    @Test
    void bareNamesAreLookedUpInTheConfigDirectory() throws IOException {
        Path file = Files.writeString(dir.resolve("jp0.conf"), "");
        assertEquals(file, ConfigParser.resolve("jp0", dir));
    }

    @Test
    void missingBareNameSaysWhereItLooked() {
        JtunException e = fails(ExitCode.NOT_FOUND, () -> ConfigParser.resolve("jp0", Path.of("/etc/jtun")));
        assertEquals("no configuration file /etc/jtun/jp0.conf: create it (see README) or give a path", e.getMessage());
    }

    @Test
    void defaultDirectoryIsEtcJtunUnlessTheEnvironmentSaysOtherwise() {
        String env = System.getenv(ConfigParser.CONFIG_DIR_ENV);
        Path expected = env == null || env.isBlank() ? Path.of("/etc/jtun") : Path.of(env);
        JtunException e = fails(ExitCode.NOT_FOUND, () -> ConfigParser.resolve("no-such-if"));
        assertEquals("no configuration file " + expected.resolve("no-such-if.conf")
                + ": create it (see README) or give a path", e.getMessage());
    }

    @Test
    void pathsAreTakenAsGiven() throws IOException {
        Path file = Files.writeString(dir.resolve("jp1.conf"), "");
        assertEquals(file, ConfigParser.resolve(file.toString(), Path.of("/nowhere")));
        Path other = Files.writeString(dir.resolve("jp1"), "");
        assertEquals(other, ConfigParser.resolve(other.toString(), Path.of("/nowhere")), "a '/' makes it a path");
        JtunException e = fails(ExitCode.NOT_FOUND, () -> ConfigParser.resolve("./nope.conf", dir));
        assertEquals("no configuration file ./nope.conf: check the path, or create the file (see README)",
                e.getMessage());
        // "x.conf" is a path relative to the working directory, not a name in the config directory.
        Files.writeString(dir.resolve("x.conf"), "");
        Files.writeString(dir.resolve("x.conf.conf"), "");
        JtunException relative = fails(ExitCode.NOT_FOUND, () -> ConfigParser.resolve("x.conf", dir));
        assertEquals("no configuration file x.conf: check the path, or create the file (see README)",
                relative.getMessage());
    }

    @Test
    void badBareNames() {
        JtunException e = fails(ExitCode.USAGE, () -> ConfigParser.resolve("much-too-long-name", dir));
        assertEquals("'much-too-long-name' is not a valid interface name: use 1 to 15 characters from letters, "
                + "digits and _ = + . -, or give the path of a .conf file", e.getMessage());
        fails(ExitCode.USAGE, () -> ConfigParser.resolve("a b", dir));
        fails(ExitCode.USAGE, () -> ConfigParser.resolve("", dir));
    }

    @Test
    void interfaceNameComesFromTheFileName() {
        assertEquals("jp0", ConfigParser.interfaceName(Path.of("jp0.conf")));
        assertEquals("wg-office_1.2", ConfigParser.interfaceName(Path.of("/etc/jtun/wg-office_1.2.conf")));
        assertEquals("a=b+c", ConfigParser.interfaceName(Path.of("./a=b+c.conf")));
        assertEquals("a23456789012345", ConfigParser.interfaceName(Path.of("a23456789012345.conf")));
    }

    @Test
    void interfaceNameRules() {
        JtunException e = fails(ExitCode.USAGE, () -> ConfigParser.interfaceName(Path.of("/x/jp0.txt")));
        assertEquals("configuration file /x/jp0.txt does not end in .conf: jtun names the interface after the file, "
                + "so name it e.g. jp0.conf", e.getMessage());
        e = fails(ExitCode.USAGE, () -> ConfigParser.interfaceName(Path.of("/x/a234567890123456.conf")));
        assertEquals("configuration file /x/a234567890123456.conf would name the interface 'a234567890123456', which "
                + "is not a valid interface name: rename the file to NAME.conf, where NAME is 1 to 15 characters "
                + "from letters, digits and _ = + . -", e.getMessage());
        fails(ExitCode.USAGE, () -> ConfigParser.interfaceName(Path.of(".conf")));
        fails(ExitCode.USAGE, () -> ConfigParser.interfaceName(Path.of("jp:0.conf")));
        fails(ExitCode.USAGE, () -> ConfigParser.interfaceName(Path.of("jp 0.conf")));
        fails(ExitCode.USAGE, () -> ConfigParser.interfaceName(Path.of("...conf")));
        fails(ExitCode.USAGE, () -> ConfigParser.interfaceName(Path.of("/")));
    }

    @Test
    void parsesAFile() throws IOException {
        Path file = Files.writeString(dir.resolve("jp7.conf"), "[Interface]\nEncryption = none\nMTU = 1400\n");
        InterfaceConfig config = ConfigParser.parse(file);
        assertEquals("jp7", config.name());
        assertEquals(file, config.source());
        assertEquals(file + ":3", config.where("MTU"));
    }

    @Test
    void errorsNameTheFileAsGiven() throws IOException {
        Path file = Files.writeString(dir.resolve("jp7.conf"), "[Interface]\nEncryption = none\nMTU = 1\n");
        JtunException e = fails(ExitCode.USAGE, () -> ConfigParser.parse(file));
        assertTrue(e.getMessage().startsWith(file + ":3: MTU 1 is out of range"), e.getMessage());
    }

    @Test
    void missingFile() {
        Path file = dir.resolve("jp8.conf");
        JtunException e = fails(ExitCode.NOT_FOUND, () -> ConfigParser.parse(file));
        assertEquals("no configuration file " + file + ": create it (see README) or give another path",
                e.getMessage());
    }

    @Test
    void unreadableFile() throws IOException {
        Path file = Files.writeString(dir.resolve("jp9.conf"), "[Interface]\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("---------"));
        assumeFalse(Files.isReadable(file), "running as root: file permissions do not stop us");
        JtunException e = fails(ExitCode.NO_PERMISSION, () -> ConfigParser.parse(file));
        assertEquals("cannot read " + file + ": permission denied: run jtun as root, or as the owner of the file",
                e.getMessage());
    }

    @Test
    void directoryInsteadOfFile() throws IOException {
        Path sub = Files.createDirectory(dir.resolve("jp3.conf"));
        JtunException e = fails(ExitCode.FAILURE, () -> ConfigParser.parse(sub));
        assertEquals("cannot read " + sub + ": it is a directory: give the path of a configuration file",
                e.getMessage());
    }

    @Test
    void notUtf8() throws IOException {
        Path file = Files.write(dir.resolve("jp4.conf"), new byte[] {'[', (byte) 0xff, ']', '\n'});
        JtunException e = fails(ExitCode.USAGE, () -> ConfigParser.parse(file));
        assertEquals(file + ": the file is not UTF-8 text: save it as UTF-8", e.getMessage());
        Files.writeString(file, "[Interface]\nEncryption = none\nDNS = caf\u00e9.example\n", StandardCharsets.UTF_8);
        assertEquals("caf\u00e9.example", ConfigParser.parse(file).dns().getFirst());
    }
}
