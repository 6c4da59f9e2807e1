package io.jtun.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Routes in other tables, policy routing rules and route lookups of {@link Rtnetlink} against a
 * real kernel, in a namespace {@code jtun-wq-<random>} of its own (see {@link TestNamespace}),
 * driven from a child JVM ({@link RtnetlinkSelfCheck}) and checked with {@code ip rule},
 * {@code ip -6 rule} and {@code ip route show table 51820}. Needs root.
 */
@Tag("netns")
class RtnetlinkRoutingIT {

    private record Step(boolean ok, String step, String exitCode, String detail) {
        Step assertOk() {
            assertTrue(ok, step + " failed: " + exitCode + " " + detail);
            return this;
        }
    }

    private static List<Step> selfCheck(TestNamespace ns, String... steps) {
        String output = ns.exec(TestNamespace.java(RtnetlinkSelfCheck.class, steps).toArray(String[]::new))
                .check().output();
        List<Step> parsed = new ArrayList<>();
        for (String line : output.lines().toList()) {
            String[] parts = line.split(" \\| ", 3);
            if (line.startsWith("OK ") && parts.length == 2) {
                parsed.add(new Step(true, parts[0].substring(3), "OK", parts[1]));
            } else if (line.startsWith("ERR ") && parts.length == 3) {
                parsed.add(new Step(false, parts[0].substring(4), parts[1], parts[2]));
            }
        }
        assertEquals(steps.length, parsed.size(), "one result line per step expected in:\n" + output);
        return parsed;
    }

    /** d0 (one end of a veth pair, for a carrier) with an address, a default route and a route with an MTU. */
    private static TestNamespace underlay() {
        TestNamespace ns = TestNamespace.create();
        try {
            ns.ip("link", "add", "d0", "type", "veth", "peer", "name", "d0peer");
            ns.ip("link", "set", "d0peer", "up");
            ns.ip("link", "set", "d0", "mtu", "1400", "up");
            ns.ip("address", "add", "198.18.0.1/24", "dev", "d0");
            ns.ip("-6", "address", "add", "fd00:18::1/64", "dev", "d0", "nodad");
            ns.ip("route", "add", "default", "via", "198.18.0.2", "dev", "d0");
            ns.ip("route", "add", "198.18.5.0/24", "via", "198.18.0.2", "dev", "d0", "mtu", "1300");
            return ns;
        } catch (RuntimeException | Error e) {
            ns.close();
            throw e;
        }
    }

    @Test
    void rulesLikeWgQuicksDefaultRoute() {
        try (TestNamespace ns = underlay()) {
            String rules4 = ns.ip("-4", "rule");
            String rules6 = ns.ip("-6", "rule");
            List<Step> steps = selfCheck(ns,
                    "rule-add -4 not fwmark 51820 table 51820",
                    "rule-add -4 table main suppress_prefixlength 0",
                    "rule-add -4 not fwmark 51820 table 51820", // there: the same rule back, no duplicate
                    "rule-add -6 not fwmark 51820 table 51820",
                    "rule-add -6 priority 100 table main suppress_prefixlength 0",
                    "rule-add -4 priority 200 fwmark 0x10/0xff table 300",
                    "rules -4",
                    "rules -6");
            steps.forEach(Step::assertOk);
            assertEquals("-4 priority 32765 not fwmark 0xca6c lookup 51820", steps.get(0).detail());
            assertEquals("-4 priority 32764 lookup main suppress_prefixlength 0", steps.get(1).detail());
            assertEquals(steps.get(0).detail(), steps.get(2).detail());
            assertEquals("-4 priority 0 lookup local ; -4 priority 200 fwmark 0x10/0xff lookup 300 ;"
                    + " -4 priority 32764 lookup main suppress_prefixlength 0 ;"
                    + " -4 priority 32765 not fwmark 0xca6c lookup 51820 ; -4 priority 32766 lookup main ;"
                    + " -4 priority 32767 lookup default", steps.get(6).detail());

            List<String> ip4 = ns.ip("-4", "rule").lines().map(String::strip).toList();
            assertTrue(ip4.contains("32765:\tnot from all fwmark 0xca6c lookup 51820"), ip4.toString());
            assertTrue(ip4.contains("32764:\tfrom all lookup main suppress_prefixlength 0"), ip4.toString());
            assertTrue(ip4.contains("200:\tfrom all fwmark 0x10/0xff lookup 300"), ip4.toString());
            assertEquals(1, ip4.stream().filter(l -> l.contains("lookup 51820")).count(), ip4.toString());
            List<String> ip6 = ns.ip("-6", "rule").lines().map(String::strip).toList();
            assertTrue(ip6.contains("32765:\tnot from all fwmark 0xca6c lookup 51820"), ip6.toString());
            assertTrue(ip6.contains("100:\tfrom all lookup main suppress_prefixlength 0"), ip6.toString());

            selfCheck(ns,
                    "rule-del -4 not fwmark 51820 table 51820",
                    "rule-del -4 table main suppress_prefixlength 0",
                    "rule-del -4 table main suppress_prefixlength 0", // gone: success
                    "rule-del -6 not fwmark 51820 table 51820",
                    "rule-del -6 priority 100 table main suppress_prefixlength 0",
                    "rule-del -4 fwmark 0x10/0xff table 300").forEach(Step::assertOk);
            assertEquals(rules4, ns.ip("-4", "rule"));
            assertEquals(rules6, ns.ip("-6", "rule"));
        }
    }

    @Test
    void routesInATableOfTheirOwn() {
        try (TestNamespace ns = underlay()) {
            List<Step> steps = selfCheck(ns,
                    "table-in-use 51820",
                    "route-add-table d0 0.0.0.0/0 51820",
                    "route-add-table d0 ::/0 51820",
                    "route-add-table d0 0.0.0.0/0 51820", // there: success
                    "route-add-table d0 198.18.9.0/24 100",
                    "routes-table d0 51820",
                    "routes-table d0 100",
                    "table-in-use 51820");
            steps.forEach(Step::assertOk);
            assertEquals("false", steps.get(0).detail());
            assertEquals("0.0.0.0/0 ::/0", steps.get(5).detail());
            assertEquals("198.18.9.0/24", steps.get(6).detail());
            assertEquals("true", steps.get(7).detail());

            assertEquals(List.of("default dev d0 proto static scope link"),
                    ns.ip("route", "show", "table", "51820").lines().map(String::strip).toList());
            assertTrue(ns.ip("-6", "route", "show", "table", "51820").strip().startsWith("default dev d0 proto static"),
                    ns.ip("-6", "route", "show", "table", "51820"));
            assertEquals(List.of("198.18.9.0/24 dev d0 proto static scope link"),
                    ns.ip("route", "show", "table", "100").lines().map(String::strip).toList());
            assertFalse(ns.ip("route").contains("198.18.9.0"), "not in main");

            selfCheck(ns,
                    "route-del-table d0 0.0.0.0/0 51820",
                    "route-del-table d0 ::/0 51820",
                    "route-del-table d0 ::/0 51820", // gone: success
                    "route-del-table d0 198.18.9.0/24 100").forEach(Step::assertOk);
            assertEquals("", ns.ip("route", "show", "table", "51820").strip());
            assertEquals("", ns.ip("-6", "route", "show", "table", "51820").strip());
            assertEquals("", ns.ip("route", "show", "table", "100").strip());
        }
    }

    @Test
    void routeLookupsLikeIpRouteGet() {
        try (TestNamespace ns = underlay()) {
            String index = ns.ip("-o", "link", "show", "d0").split(":")[0];
            List<Step> steps = selfCheck(ns,
                    "route-get 198.18.0.2",
                    "route-get 198.18.5.7",
                    "route-get fd00:18::2",
                    "route-get fd00:99::1",
                    "default-route -4",
                    "default-route -6",
                    "link-index " + index);
            assertEquals("destination=198.18.0.2/32 table=254 index=" + index + " name=d0 mtu=none",
                    steps.get(0).assertOk().detail());
            assertEquals("destination=198.18.5.7/32 table=254 index=" + index + " name=d0 mtu=1300",
                    steps.get(1).assertOk().detail());
            assertEquals("destination=fd00:18::2/128 table=254 index=" + index + " name=d0 mtu=none",
                    steps.get(2).assertOk().detail());
            assertFalse(steps.get(3).ok());
            assertEquals("NOT_FOUND", steps.get(3).exitCode(), steps.get(3).detail());
            assertTrue(steps.get(3).detail().startsWith("no route to fd00:99::1"), steps.get(3).detail());
            assertEquals("destination=0.0.0.0/0 table=254 index=" + index + " name=d0 mtu=none",
                    steps.get(4).assertOk().detail());
            assertEquals("none", steps.get(5).assertOk().detail());
            assertEquals("d0", steps.get(6).assertOk().detail());
        }
    }
}
