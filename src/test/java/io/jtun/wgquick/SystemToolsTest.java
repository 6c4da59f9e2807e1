package io.jtun.wgquick;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtun.ExitCode;
import io.jtun.JtunException;
import io.jtun.config.Hook;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real implementations of the small interfaces: resolvconf, bash hooks, /proc/sys. */
class SystemToolsTest {
    @TempDir
    Path dir;

    /** A resolvconf that writes its arguments and standard input to files next to it. */
    private Path fakeResolvconf(Path bin, int exitCode) throws IOException {
        Files.createDirectories(bin);
        Path script = bin.resolve("resolvconf");
        Files.writeString(script, "#!/bin/bash\n"
                + "printf '%s\\n' \"$@\" > '" + dir.resolve("args") + "'\n"
                + "cat > '" + dir.resolve("stdin") + "'\n"
                + "echo 'resolvconf says no' >&2\n"
                + "exit " + exitCode + "\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }

    private List<String> args() throws IOException {
        return Files.readAllLines(dir.resolve("args"));
    }

    @Test
    void resolvconfGetsWgQuicksArgumentsAndRecords() throws IOException {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/bin/bash")));
        fakeResolvconf(dir.resolve("bin"), 0);
        ResolvConf resolvConf = SystemResolvConf.find("/nonexistent:" + dir.resolve("bin"), dir.resolve("no-order"));
        assertTrue(resolvConf.available());

        resolvConf.set("wg0", List.of("198.19.0.53", "fd00::53"), List.of("example.internal", "corp"));
        assertEquals(List.of("-a", "wg0", "-m", "0", "-x"), args());
        assertEquals("nameserver 198.19.0.53\nnameserver fd00::53\nsearch example.internal corp\n",
                Files.readString(dir.resolve("stdin")));

        resolvConf.unset("wg0");
        assertEquals(List.of("-d", "wg0", "-f"), args());
        assertEquals("", Files.readString(dir.resolve("stdin")));
    }

    @Test
    void debiansInterfaceOrderGivesAPrefix() throws IOException {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/bin/bash")));
        Path program = fakeResolvconf(dir.resolve("bin"), 0);
        Path order = dir.resolve("interface-order");
        Files.writeString(order, "lo.inet6\nlo.inet\nlo.@(dnsmasq|pdnsd)\nlo.!(pdns|pdns-recursor)\nlo\ntun*\ntap*\n");
        new SystemResolvConf(program, order).set("wg0", List.of("198.19.0.53"), List.of());
        assertEquals(List.of("-a", "tun.wg0", "-m", "0", "-x"), args());

        // openresolv or resolvectl behind a symlink: no prefix.
        Files.createDirectories(dir.resolve("sbin"));
        Path link = Files.createSymbolicLink(dir.resolve("sbin/resolvconf"), program);
        new SystemResolvConf(link, order).unset("wg0");
        assertEquals(List.of("-d", "wg0", "-f"), args());
    }

    @Test
    void resolvconfFailureSaysWhat() throws IOException {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/bin/bash")));
        Path program = fakeResolvconf(dir.resolve("bin"), 4);
        JtunException e = assertThrows(JtunException.class,
                () -> new SystemResolvConf(program, dir.resolve("none")).set("wg0", List.of("198.19.0.53"), List.of()));
        assertEquals("setting the DNS servers of wg0 failed: resolvconf -a wg0 -m 0 -x exited with 4: resolvconf"
                + " says no", e.getMessage());
    }

    @Test
    void missingResolvconf() {
        ResolvConf none = new SystemResolvConf(null, dir.resolve("none"));
        assertFalse(none.available());
        JtunException e = assertThrows(JtunException.class, () -> none.unset("wg0"));
        assertEquals(ExitCode.NOT_FOUND, e.exitCode());
        assertTrue(e.getMessage().contains("resolvconf is not installed"), e.getMessage());
    }

    @Test
    void bashHooksFailLikeWgQuicksSetE() {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/bin/bash")) || Files.isExecutable(Path.of("/usr/bin/bash")));
        HookRunner bash = HookRunner.bash();
        assertEquals(0, bash.run(Hook.POST_UP, "true"));
        assertEquals(3, bash.run(Hook.POST_UP, "exit 3"));
        assertEquals(1, bash.run(Hook.POST_UP, "false; true"), "set -e: the first failure ends the hook");
        assertEquals(1, bash.run(Hook.POST_UP, "false | true"), "pipefail");
        assertEquals(0, bash.run(Hook.POST_UP, "read -r line || true"), "standard input is empty");
    }

    @Test
    void bashHookSeesTheExpandedCommand() throws IOException {
        Path out = dir.resolve("out");
        assertEquals(0, HookRunner.bash().run(Hook.PRE_UP, "echo \"wg0 up\" > '" + out + "'"));
        assertEquals("wg0 up\n", Files.readString(out));
    }

    @Test
    void sysctlUnderProcSys() throws IOException {
        Path file = dir.resolve("net/ipv4/conf/all/src_valid_mark");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "0\n");
        Sysctl sysctl = Sysctl.proc(dir);
        assertEquals(Optional.of("0"), sysctl.read("net.ipv4.conf.all.src_valid_mark"));
        sysctl.write("net.ipv4.conf.all.src_valid_mark", "1");
        assertEquals("1\n", Files.readString(file));
        assertEquals(Optional.empty(), sysctl.read("net.ipv4.conf.all.nosuch"));
        JtunException e = assertThrows(JtunException.class, () -> sysctl.write("net.nosuch.param", "1"));
        assertEquals(ExitCode.NOT_FOUND, e.exitCode());
    }
}
