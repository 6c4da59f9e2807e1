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
    void removingRangesLeavesTheOthersAndTheLessSpecificRoute() {
        AllowedIps<String> table = new AllowedIps<>();
        table.insert(IpPrefix.parse("10.0.0.0/8"), "a");
        table.insert(IpPrefix.parse("10.1.0.0/16"), "b");
        table.insert(IpPrefix.parse("fd00::2/128"), "b");
        table.remove(IpPrefix.parse("10.1.0.0/16"));
        table.remove(IpPrefix.parse("fd00::2/128"));
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
        assertEquals(List.of(Map.entry(IpPrefix.parse("10.0.0.2/32"), "b")), table.entries(), "a holds nothing");
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

    private static String cached(AllowedIps<String> table, AllowedIps.LookupCache<String> cache, String address) {
        byte[] bytes = addr(address);
        java.lang.foreign.MemorySegment segment = java.lang.foreign.MemorySegment.ofArray(bytes);
        return bytes.length == 4 ? table.lookupIpv4(segment, 0, cache) : table.lookupIpv6(segment, 0, cache);
    }

    @Test
    void theLookupCacheNeverAnswersForAnOlderTable() {
        AllowedIps<String> table = new AllowedIps<>();
        AllowedIps.LookupCache<String> cache = new AllowedIps.LookupCache<>();
        table.insert(IpPrefix.parse("10.0.0.0/8"), "a");
        table.insert(IpPrefix.parse("fd00::/8"), "v6");
        assertEquals("a", cached(table, cache, "10.1.2.3"));
        assertEquals("v6", cached(table, cache, "fd00::1"));
        assertEquals("a", cached(table, cache, "10.1.2.3"), "a hit: same answer");
        assertEquals("v6", cached(table, cache, "fd00::1"), "the families are cached apart");

        table.insert(IpPrefix.parse("10.1.2.0/24"), "b");
        assertEquals("b", cached(table, cache, "10.1.2.3"), "a more specific range added since");
        assertNull(cached(table, cache, "192.0.2.1"));
        table.remove(IpPrefix.parse("10.1.2.0/24"));
        assertEquals("a", cached(table, cache, "10.1.2.3"));
        table.remove(IpPrefix.parse("fd00::/8"));
        assertNull(cached(table, cache, "fd00::1"));

        Random random = new Random(7);
        for (int i = 0; i < 2000; i++) {
            byte[] address = new byte[random.nextBoolean() ? 4 : 16];
            random.nextBytes(address);
            address[0] = (byte) (address.length == 4 ? 10 : 0xfd);
            if (random.nextInt(10) == 0) {
                table.insert(new IpPrefix(address, address.length * 8 - random.nextInt(24)).network(), "r" + i);
            }
            java.lang.foreign.MemorySegment segment = java.lang.foreign.MemorySegment.ofArray(address);
            String viaCache = address.length == 4 ? table.lookupIpv4(segment, 0, cache)
                    : table.lookupIpv6(segment, 0, cache);
            assertEquals(table.lookup(address), viaCache);
            assertEquals(table.lookup(address), address.length == 4 ? table.lookupIpv4(segment, 0, cache)
                    : table.lookupIpv6(segment, 0, cache));
        }
    }
}
