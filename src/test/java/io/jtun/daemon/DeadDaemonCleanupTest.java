package io.jtun.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtun.JtunException;
import io.jtun.netlink.RouteRule;
import io.jtun.sys.Libc;
import io.jtun.wgquick.WgQuickState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The record a daemon leaves of what a kill would leave behind: it must read back exactly. */
class DeadDaemonCleanupTest {
    @TempDir
    Path dir;

    @Test
    void rulesAndDnsReadBackAsWritten() throws Exception {
        List<RouteRule> rules = List.of(RouteRule.notFwmark(Libc.AF_INET6, 0xca6c, 51820).withPriority(32765),
                RouteRule.suppressPrefixLength(Libc.AF_INET6, 254, 0).withPriority(32764),
                RouteRule.notFwmark(Libc.AF_INET, 0xffff_fff0, 0xffff_fff0), // unsigned, no priority
                RouteRule.suppressPrefixLength(Libc.AF_INET, 254, 0).withPriority(32764));
        Path file = dir.resolve("jp0.undo");
        Files.write(file, rules.stream().map(DeadDaemonCleanup::format).toList());
        Files.writeString(file, "dns\n", java.nio.file.StandardOpenOption.APPEND);

        WgQuickState state = DeadDaemonCleanup.read("jp0", file).orElseThrow();
        assertEquals(rules, state.rules());
        assertTrue(state.dns());
        assertEquals("jp0", state.interfaceName());
        assertTrue(state.addresses().isEmpty() && state.routes().isEmpty(), "the device took those with it");
    }

    @Test
    void noRecordMeansNothingToUndo() {
        assertEquals(Optional.empty(), DeadDaemonCleanup.read("jp0", dir.resolve("jp0.undo")));
    }

    @Test
    void aDamagedRecordIsReportedNotGuessedAt() throws Exception {
        Path file = dir.resolve("jp0.undo");
        Files.writeString(file, "rule 2 32765 51820\n");
        JtunException e = assertThrows(JtunException.class, () -> DeadDaemonCleanup.read("jp0", file));
        assertTrue(e.getMessage().contains("is damaged") && e.getMessage().contains("ip rule"), e.getMessage());
        assertFalse(Files.exists(file), "a damaged record is removed, so the next start is not stopped by it");
        Files.writeString(file, "rule 7 - 51820 0 0 is -\n"); // no such address family
        assertThrows(JtunException.class, () -> DeadDaemonCleanup.read("jp0", file));
    }
}
