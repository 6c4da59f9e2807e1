package io.jtun.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.jtun.net.IpPrefix;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AllowedIpsTest {
    private static byte[] addr(String text) {
        return IpPrefix.parse(text).address();
    }

    @Test
    void longestPrefixWinsForIpv4AndIpv6() {
        AllowedIps<String> table = new AllowedIps<>();
        table.insert(IpPrefix.parse("0.0.0.0/0"), "default");
        table.insert(IpPrefix.parse("10.0.0.0/8"), "a");
        table.insert(IpPrefix.parse("10.1.0.0/16"), "b");
        table.insert(IpPrefix.parse("10.1.2.3/32"), "c");
        table.insert(IpPrefix.parse("fd00::/8"), "v6");
        table.insert(IpPrefix.parse("fd00:1::/32"), "v6b");

        assertEquals("c", table.lookup(addr("10.1.2.3")));
        assertEquals("b", table.lookup(addr("10.1.2.4")));
        assertEquals("a", table.lookup(addr("10.2.0.1")));
        assertEquals("default", table.lookup(addr("192.0.2.1")));
        assertEquals("v6b", table.lookup(addr("fd00:1::5")));
        assertEquals("v6", table.lookup(addr("fd00:2::5")));
        assertNull(table.lookup(addr("2001:db8::1")));
    }

    @Test
    void removingAPeerLeavesTheOthersAndTheLessSpecificRoute() {
        AllowedIps<String> table = new AllowedIps<>();
        table.insert(IpPrefix.parse("10.0.0.0/8"), "a");
        table.insert(IpPrefix.parse("10.1.0.0/16"), "b");
        table.insert(IpPrefix.parse("fd00::2/128"), "b");
        table.removeAll("b");
        assertEquals("a", table.lookup(addr("10.1.0.1")));
        assertNull(table.lookup(addr("fd00::2")));
        assertEquals(List.of(Map.entry(IpPrefix.parse("10.0.0.0/8"), "a")), table.entries());
    }

    @Test
    void replacingARangeMovesItToTheNewOwner() {
        AllowedIps<String> table = new AllowedIps<>();
        table.insert(IpPrefix.parse("10.0.0.2/32"), "a");
        table.insert(IpPrefix.parse("10.0.0.2/32"), "b");
        assertEquals("b", table.lookup(addr("10.0.0.2")));
        assertEquals(List.of(IpPrefix.parse("10.0.0.2/32")), table.rangesOf("b"));
        assertEquals(List.of(), table.rangesOf("a"));
    }

    @Test
    void agreesWithALinearScanOnRandomTables() {
        Random random = new Random(7);
        AllowedIps<Integer> table = new AllowedIps<>();
        int[] nets = new int[300];
        int[] lengths = new int[300];
        for (int i = 0; i < nets.length; i++) {
            lengths[i] = random.nextInt(33);
            nets[i] = lengths[i] == 0 ? 0 : random.nextInt() & (int) (0xFFFFFFFFL << (32 - lengths[i]));
            table.insert(new IpPrefix(bytes(nets[i]), lengths[i]), i);
        }
        for (int probe = 0; probe < 20000; probe++) {
            int address = random.nextInt();
            Integer expected = null;
            int bestLength = -1;
            for (int i = 0; i < nets.length; i++) {
                int mask = lengths[i] == 0 ? 0 : (int) (0xFFFFFFFFL << (32 - lengths[i]));
                // Later inserts of the same range replace earlier ones, hence >=.
                if ((address & mask) == nets[i] && lengths[i] >= bestLength) {
                    bestLength = lengths[i];
                    expected = i;
                }
            }
            assertEquals(expected, table.lookup(bytes(address)));
        }
    }

    private static byte[] bytes(int v) {
        return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }
}
