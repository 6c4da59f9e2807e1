package io.jtun.wgquick;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtun.ExitCode;
import io.jtun.JtunException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TableSettingTest {
    @TempDir
    Path dir;

    private TableSetting parse(String text) {
        return TableSetting.parse(text, List.of(dir.resolve("rt_tables"), dir.resolve("other")),
                List.of(dir.resolve("rt_tables.d")));
    }

    @Test
    void offAutoAndAbsent() {
        assertEquals(TableSetting.AUTO, TableSetting.parse(Optional.empty()));
        assertEquals(TableSetting.AUTO, parse("auto"));
        assertEquals(TableSetting.OFF, parse("off"));
        assertEquals(TableSetting.OFF, parse("Off"));
    }

    @Test
    void numbersAsIproute2ReadsThem() {
        assertEquals(TableSetting.of(1234), parse("1234"));
        assertEquals(TableSetting.of(0x10), parse("0x10"));
        assertEquals(TableSetting.of(8), parse("010"));
        assertEquals(TableSetting.of(-1), parse("4294967295"));
    }

    @Test
    void namesBuiltInAndFromRtTables() throws IOException {
        assertEquals(TableSetting.of(254), parse("main"));
        assertEquals(TableSetting.of(255), parse("local"));
        assertEquals(TableSetting.of(253), parse("default"));
        Files.writeString(dir.resolve("rt_tables"), """
                #
                # reserved values
                255\tlocal
                100 vpn
                0x200\thexed # comment
                """);
        Files.createDirectories(dir.resolve("rt_tables.d"));
        Files.writeString(dir.resolve("rt_tables.d/wg.conf"), "51820 wgtable\n");
        Files.writeString(dir.resolve("rt_tables.d/ignored.txt"), "7 ignored\n");
        assertEquals(TableSetting.of(100), parse("vpn"));
        assertEquals(TableSetting.of(0x200), parse("hexed"));
        assertEquals(TableSetting.of(51820), parse("wgtable"));
        assertThrows(JtunException.class, () -> parse("ignored"));
        assertThrows(JtunException.class, () -> parse("VPN")); // names are case-sensitive, as in iproute2
    }

    @Test
    void errors() {
        JtunException zero = assertThrows(JtunException.class, () -> parse("0"));
        assertEquals(ExitCode.USAGE, zero.exitCode());
        assertTrue(zero.getMessage().contains("not a routing table"), zero.getMessage());
        for (String bad : List.of("4294967296", "-1", "12ab", "0x", "nosuch", "")) {
            JtunException e = assertThrows(JtunException.class, () -> parse(bad), bad);
            assertEquals(ExitCode.USAGE, e.exitCode());
        }
    }
}
