package io.jtun.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtun.ExitCode;
import io.jtun.JtunException;
import java.util.List;
import org.junit.jupiter.api.Test;

class ArgsTest {
    private static final List<String> FLAGS = List.of("--tap");
    private static final List<String> OPTIONS = List.of("--name", "--address", "--mtu");

    private static Args parse(String... argv) {
        return Args.parse("monitor", argv, 0, FLAGS, OPTIONS);
    }

    @Test
    void parsesFlagsOptionsBothSpellingsAndRepeats() {
        Args args = parse("--tap", "--name", "tun1", "--address=10.0.0.1/24", "--address", "fd00::1/64", "extra");
        assertTrue(args.has("--tap"));
        assertEquals("tun1", args.value("--name"));
        assertEquals(List.of("10.0.0.1/24", "fd00::1/64"), args.values("--address"));
        assertEquals(List.of("extra"), args.positional());
    }

    @Test
    void rejectsUnknownMissingAndMalformed() {
        assertUsage(() -> parse("--nmae", "x"), "unknown option --nmae (see: jtun monitor --help)");
        assertUsage(() -> parse("--name"), "--name needs a value");
        assertUsage(() -> parse("--tap=yes"), "--tap takes no value");
        assertUsage(() -> parse("--mtu", "big").intValue("--mtu", 68, 65535),
                "--mtu must be a whole number from 68 to 65535, not 'big'");
        assertUsage(() -> parse("--mtu", "10").intValue("--mtu", 68, 65535), "from 68 to 65535, not '10'");
        assertUsage(() -> parse("--name", "a", "--name", "b").value("--name"), "--name given more than once");
    }

    private static void assertUsage(org.junit.jupiter.api.function.Executable call, String expected) {
        JtunException e = assertThrows(JtunException.class, call);
        assertEquals(ExitCode.USAGE, e.exitCode());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
