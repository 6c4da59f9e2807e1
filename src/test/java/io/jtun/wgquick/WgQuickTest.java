package io.jtun.wgquick;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtun.ExitCode;
import io.jtun.JtunException;
import io.jtun.config.ConfigParser;
import io.jtun.config.InterfaceConfig;
import io.jtun.net.IpPrefix;
import io.jtun.netlink.RouteRule;
import io.jtun.sys.Libc;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The exact sequence of what {@link WgQuick} does, against a {@link FakeNetwork}. */
class WgQuickTest {
    private static final String IF = "wg0";

    private final List<String> journal = new ArrayList<>();
    private final FakeNetwork net = new FakeNetwork(journal).link("eth0", 2, 1500).link(IF, 7, 1500);
    private final Map<String, Integer> hookStatus = new HashMap<>();
    private final HookRunner hooks = (hook, command) -> {
        journal.add("hook " + hook.key() + ": " + command);
        return hookStatus.getOrDefault(command, 0);
    };
    private final Map<String, String> sysctlValues = new HashMap<>(Map.of("net.ipv4.conf.all.src_valid_mark", "0"));
    private final Sysctl sysctl = new Sysctl() {
        @Override
        public Optional<String> read(String name) {
            return Optional.ofNullable(sysctlValues.get(name));
        }

        @Override
        public void write(String name, String value) {
            journal.add("sysctl " + name + "=" + value);
            sysctlValues.put(name, value);
        }
    };
    private boolean resolvconfInstalled = true;
    private final ResolvConf resolvConf = new ResolvConf() {
        @Override
        public boolean available() {
            return resolvconfInstalled;
        }

        @Override
        public void set(String ifname, List<String> nameservers, List<String> searchDomains) {
            journal.add("resolvconf -a " + ifname + " -m 0 -x <<< " + ResolvConf.records(nameservers, searchDomains)
                    .replace("\n", "\\n"));
        }

        @Override
        public void unset(String ifname) {
            journal.add("resolvconf -d " + ifname + " -f");
        }
    };
    private final Map<String, InetAddress> names = new HashMap<>();
    private final List<String> log = new ArrayList<>();
    private final WgQuick wgQuick = new WgQuick(resolvConf, sysctl, endpoint -> resolve(endpoint.host()), log::add);

    private Optional<InetAddress> resolve(String host) {
        if (names.containsKey(host)) {
            return Optional.ofNullable(names.get(host));
        }
        try {
            return Optional.of(InetAddress.getByAddress(IpPrefix.parse(host).address())); // literals only
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static InterfaceConfig config(String text) {
        return ConfigParser.parse(text, Path.of(IF + ".conf"), IF);
    }

    private List<String> take() {
        List<String> taken = List.copyOf(journal);
        journal.clear();
        return taken;
    }

    // ---- addresses and routes ----------------------------------------------------------------

    @Test
    void addressesThenMtuThenRoutesLongestFirst() {
        net.addAddress(IF, IpPrefix.parse("fd00:77::1/64")); // there before: neither added nor removed
        take();
        InterfaceConfig config = config("""
                [Interface]
                Encryption = none
                Address = 198.19.0.1/24, fd00:77::1/64
                MTU = 1400

                [Peer]
                Endpoint = 198.18.0.2:51820
                AllowedIPs = 198.19.0.0/24, 198.19.0.5/32, 198.19.64.0/18

                [Peer]
                Endpoint = 198.18.0.3:51820
                AllowedIPs = 198.18.128.0/24, fd00:9::/48, fd00:77::/64
                """);
        WgQuickState state = wgQuick.up(config, IF, net, hooks);

        // 198.19.0.0/24 and 198.19.0.5/32 are covered by the address's subnet route, fd00:77::/64 too
        // (wg-quick's "ip route show dev wg0 match"); the rest in wg-quick's order.
        assertEquals(List.of(
                "addAddress wg0 198.19.0.1/24",
                "setMtu wg0 1400",
                "setUp wg0 true",
                "addRoute wg0 fd00:9::/48 254",
                "addRoute wg0 198.18.128.0/24 254",
                "addRoute wg0 198.19.64.0/18 254"), take());
        assertEquals(List.of(IpPrefix.parse("198.19.0.1/24")), state.addresses());
        assertEquals(List.of(new WgQuickState.Route(IpPrefix.parse("fd00:9::/48"), 254),
                new WgQuickState.Route(IpPrefix.parse("198.18.128.0/24"), 254),
                new WgQuickState.Route(IpPrefix.parse("198.19.64.0/18"), 254)), state.routes());
        assertEquals(List.of(), state.rules());
        assertEquals(OptionalInt.empty(), state.fwmark());
        assertEquals(1400, state.mtu());
        assertTrue(log.contains("[#] ip -4 address add 198.19.0.1/24 dev wg0"), log.toString());
        assertTrue(log.contains("[#] ip link set mtu 1400 up dev wg0"), log.toString());
        assertTrue(log.contains("[#] ip -6 route add fd00:9::/48 dev wg0"), log.toString());

        wgQuick.down(config, state, net, hooks);
        assertEquals(List.of(
                "removeRoute wg0 198.19.64.0/18 254",
                "removeRoute wg0 198.18.128.0/24 254",
                "removeRoute wg0 fd00:9::/48 254",
                "removeAddress wg0 198.19.0.1/24"), take());
        assertEquals(List.of(IpPrefix.parse("fd00:77::1/64")), net.addresses(IF));
    }

    @Test
    void routeOrderIsThatOfWgQuicksSort() {
        InterfaceConfig config = config("""
                [Interface]
                Encryption = none
                Table = 100
                [Peer]
                AllowedIPs = 198.19.0.0/24, 0.0.0.0/0, 198.18.0.0/15, 198.19.9.0/24, fd00::/8, ::/0, 198.19.9.9/32
                """);
        // LC_ALL=C sort -nr -k 2 -t / puts equal lengths in reverse text order.
        assertEquals(List.of("198.19.9.9/32", "198.19.9.0/24", "198.19.0.0/24", "198.18.0.0/15", "fd00::/8",
                "::/0", "0.0.0.0/0"), WgQuick.routedPrefixes(config).stream().map(IpPrefix::toString).toList());
    }

    @Test
    void tableOffAddsNoRoutes() {
        InterfaceConfig config = config("""
                [Interface]
                Encryption = none
                Address = 198.19.0.1/24
                MTU = 1420
                Table = off
                [Peer]
                AllowedIPs = 0.0.0.0/0, ::/0, 198.18.9.0/24
                """);
        WgQuickState state = wgQuick.up(config, IF, net, hooks);
        assertEquals(List.of("addAddress wg0 198.19.0.1/24", "setMtu wg0 1420", "setUp wg0 true"), take());
        assertEquals(List.of(), state.routes());
        assertEquals(List.of(), state.rules());
    }

    @Test
    void tableNumberTakesEveryRouteAndNoRules() {
        InterfaceConfig config = config("""
                [Interface]
                Encryption = none
                MTU = 1420
                Table = 1234
                [Peer]
                AllowedIPs = 0.0.0.0/0, ::/0, 198.18.9.0/24
                """);
        WgQuickState state = wgQuick.up(config, IF, net, hooks, mark -> journal.add("fwmark " + mark));
        assertEquals(List.of(
                "setMtu wg0 1420",
                "setUp wg0 true",
                "addRoute wg0 198.18.9.0/24 1234",
                "addRoute wg0 ::/0 1234",
                "addRoute wg0 0.0.0.0/0 1234"), take());
        assertEquals(OptionalInt.empty(), state.table());
        assertEquals("0", sysctlValues.get("net.ipv4.conf.all.src_valid_mark"));
        assertTrue(log.contains("[#] ip -4 route add 0.0.0.0/0 dev wg0 table 1234"), log.toString());

        wgQuick.down(config, state, net, hooks);
        assertEquals(List.of(
                "removeRoute wg0 0.0.0.0/0 1234",
                "removeRoute wg0 ::/0 1234",
                "removeRoute wg0 198.18.9.0/24 1234"), take());
    }

    @Test
    void tableMainIsATableToo() {
        InterfaceConfig config = config("""
                [Interface]
                Encryption = none
                MTU = 1420
                Table = main
                [Peer]
                AllowedIPs = 0.0.0.0/0
                """);
        wgQuick.up(config, IF, net, hooks);
        assertEquals(List.of("setMtu wg0 1420", "setUp wg0 true", "addRoute wg0 0.0.0.0/0 254"), take());
    }

    // ---- default routes ----------------------------------------------------------------------

    @Test
    void defaultRoutesGetPolicyRouting() {
        net.routes.add(new FakeNetwork.Route("eth0", IpPrefix.parse("198.18.0.0/16"), 51820)); // 51820 is taken
        InterfaceConfig config = config("""
                [Interface]
                Encryption = none
                Address = 198.19.0.1/24
                MTU = 1420
                [Peer]
                AllowedIPs = 0.0.0.0/0, ::/0, 198.18.9.0/24
                """);
        WgQuickState state = wgQuick.up(config, IF, net, hooks, mark -> journal.add("fwmark " + mark));
        assertEquals(List.of(
                "addAddress wg0 198.19.0.1/24",
                "setMtu wg0 1420",
                "setUp wg0 true",
                "addRoute wg0 198.18.9.0/24 254",
                // ::/0 sorts before 0.0.0.0/0; the mark is set before the first rule
                "fwmark 51821",
                "addRule -6 priority 32765 not fwmark 0xca6d lookup 51821",
                "addRule -6 priority 32764 lookup main suppress_prefixlength 0",
                "addRoute wg0 ::/0 51821",
                "addRule -4 priority 32765 not fwmark 0xca6d lookup 51821",
                "addRule -4 priority 32764 lookup main suppress_prefixlength 0",
                "addRoute wg0 0.0.0.0/0 51821",
                "sysctl net.ipv4.conf.all.src_valid_mark=1"), take());
        assertEquals(OptionalInt.of(51821), state.table());
        assertEquals(OptionalInt.of(51821), state.fwmark());
        assertEquals(4, state.rules().size());
        assertTrue(log.containsAll(List.of(
                "[#] wg set wg0 fwmark 51821",
                "[#] ip -4 rule add not fwmark 51821 table 51821",
                "[#] ip -4 rule add priority 32764 table main suppress_prefixlength 0",
                "[#] ip -4 route add 0.0.0.0/0 dev wg0 table 51821",
                "[#] sysctl -q net.ipv4.conf.all.src_valid_mark=1")), log.toString());

        wgQuick.down(config, state, net, hooks);
        assertEquals(List.of(
                "removeRule -6 priority 32765 not fwmark 0xca6d lookup 51821",
                "removeRule -6 priority 32764 lookup main suppress_prefixlength 0",
                "removeRule -4 priority 32765 not fwmark 0xca6d lookup 51821",
                "removeRule -4 priority 32764 lookup main suppress_prefixlength 0",
                "removeRoute wg0 0.0.0.0/0 51821",
                "removeRoute wg0 ::/0 51821",
                "removeRoute wg0 198.18.9.0/24 254",
                "removeAddress wg0 198.19.0.1/24"), take());
        assertEquals(3, net.rules(Libc.AF_INET).size());
        assertEquals(2, net.rules(Libc.AF_INET6).size());
    }

    @Test
    void configuredFwMarkIsTheTable() {
        sysctlValues.put("net.ipv4.conf.all.src_valid_mark", "1");
        InterfaceConfig config = config("""
                [Interface]
                Encryption = none
                MTU = 1420
                FwMark = 0x1234
                [Peer]
                AllowedIPs = 0.0.0.0/0
                """);
        WgQuickState state = wgQuick.up(config, IF, net, hooks, mark -> journal.add("fwmark " + mark));
        assertEquals(List.of(
                "setMtu wg0 1420",
                "setUp wg0 true",
                "addRule -4 priority 32765 not fwmark 0x1234 lookup 4660",
                "addRule -4 priority 32764 lookup main suppress_prefixlength 0",
                "addRoute wg0 0.0.0.0/0 4660"), take()); // no fwmark call, no sysctl (already 1)
        assertEquals(OptionalInt.of(0x1234), state.fwmark());
    }

    @Test
    void rulesAlreadyThereAreReusedNotRemoved() {
        // Another tunnel's suppress rule in front (priority 100) serves ours as well; an identical
        // "not fwmark" rule (left over) is used as it is.
        net.addRule(RouteRule.suppressPrefixLength(Libc.AF_INET, 254, 0).withPriority(100));
        net.addRule(RouteRule.notFwmark(Libc.AF_INET, 51820, 51820).withPriority(32000));
        take();
        InterfaceConfig config = config("""
                [Interface]
                Encryption = none
                MTU = 1420
                [Peer]
                AllowedIPs = 0.0.0.0/0
                """);
        WgQuickState state = wgQuick.up(config, IF, net, hooks, mark -> journal.add("fwmark " + mark));
        assertEquals(List.of("setMtu wg0 1420", "setUp wg0 true", "fwmark 51820", "addRoute wg0 0.0.0.0/0 51820",
                "sysctl net.ipv4.conf.all.src_valid_mark=1"), take());
        assertEquals(List.of(), state.rules());
    }

    @Test
    void suppressRuleBehindIsNotEnough() {
        // A suppress rule consulted after ours would let the LAN go into the tunnel: add one in front.
        net.addRule(RouteRule.suppressPrefixLength(Libc.AF_INET, 254, 0).withPriority(32766));
        take();
        InterfaceConfig config = config("""
                [Interface]
                Encryption = none
                MTU = 1420
                [Peer]
                AllowedIPs = 0.0.0.0/0
                """);
        wgQuick.up(config, IF, net, hooks);
        assertEquals(List.of("setMtu wg0 1420", "setUp wg0 true",
                "addRule -4 priority 32765 not fwmark 0xca6c lookup 51820",
                "addRule -4 priority 32764 lookup main suppress_prefixlength 0",
                "addRoute wg0 0.0.0.0/0 51820",
                "sysctl net.ipv4.conf.all.src_valid_mark=1"), take());
    }

    // ---- MTU ---------------------------------------------------------------------------------

    @Test
    void automaticMtuIsTheSmallestPathMtuMinus80() {
        net.link("eth1", 3, 9000);
        net.lookups.put("198.18.0.2", FakeNetwork.via("198.18.0.2/32", 3, "eth1", OptionalInt.empty()));
        net.lookups.put("198.18.7.9", FakeNetwork.via("198.18.7.9/32", 2, "eth0", OptionalInt.of(1300)));
        net.lookups.put("fd00::2", FakeNetwork.via("fd00::2/128", 2, "eth0", OptionalInt.empty()));
        names.put("peer.example", null); // does not resolve: skipped
        InterfaceConfig config = config("""
                [Interface]
                Encryption = none
                [Peer]
                Endpoint = 198.18.0.2:51820
                [Peer]
                Endpoint = 198.18.7.9:51820
                [Peer]
                Endpoint = [fd00::2]:51820
                [Peer]
                Endpoint = [fd00::99]:51820
                [Peer]
                Endpoint = peer.example:51820
                AllowedIPs = 198.19.1.0/24
                """);
        WgQuickState state = wgQuick.up(config, IF, net, hooks);
        assertEquals(1220, state.mtu()); // 1300 (the route's own MTU) - 80
        assertEquals(List.of("setMtu wg0 1220", "setUp wg0 true", "addRoute wg0 198.19.1.0/24 254"), take());
    }

    @Test
    void automaticMtuFromTheDefaultRouteOrFallback() {
        InterfaceConfig noEndpoints = config("""
                [Interface]
                Encryption = none
                [Peer]
                AllowedIPs = 198.19.1.0/24
                """);
        assertEquals(1420, wgQuick.autoMtu(noEndpoints, net)); // no default route either: 1500 - 80
        net.link("eth1", 3, 9000);
        net.defaultRoute = Optional.of(FakeNetwork.via("0.0.0.0/0", 3, "eth1", OptionalInt.empty()));
        assertEquals(8920, wgQuick.autoMtu(noEndpoints, net));
        net.defaultRoute = Optional.of(FakeNetwork.via("0.0.0.0/0", 3, "eth1", OptionalInt.of(1400)));
        assertEquals(1320, wgQuick.autoMtu(noEndpoints, net));

        // An endpoint without a route tells nothing: the default route decides.
        InterfaceConfig unroutable = config("""
                [Interface]
                Encryption = none
                [Peer]
                Endpoint = 198.18.200.1:51820
                """);
        assertEquals(1320, wgQuick.autoMtu(unroutable, net));
    }

    // ---- DNS ---------------------------------------------------------------------------------

    @Test
    void dnsServersAndSearchDomainsGoToResolvconf() {
        InterfaceConfig config = config("""
                [Interface]
                Encryption = none
                MTU = 1420
                DNS = 198.19.0.53, fd00::53, example.internal
                DNS = corp
                [Peer]
                AllowedIPs = 198.19.1.0/24
                """);
        WgQuickState state = wgQuick.up(config, IF, net, hooks);
        assertEquals(List.of("setMtu wg0 1420", "setUp wg0 true",
                "resolvconf -a wg0 -m 0 -x <<< nameserver 198.19.0.53\\nnameserver fd00::53\\n"
                        + "search example.internal corp\\n",
                "addRoute wg0 198.19.1.0/24 254"), take());
        assertTrue(state.dns());

        wgQuick.down(config, state, net, hooks);
        assertEquals(List.of("removeRoute wg0 198.19.1.0/24 254", "resolvconf -d wg0 -f"), take());
    }

    @Test
    void searchDomainsAloneAreNotSet() {
        InterfaceConfig config = config("""
                [Interface]
                Encryption = none
                MTU = 1420
                DNS = example.internal
                """);
        resolvconfInstalled = false;
        WgQuickState state = wgQuick.up(config, IF, net, hooks);
        assertFalse(state.dns());
        assertEquals(List.of("setMtu wg0 1420", "setUp wg0 true"), take());
    }

    @Test
    void dnsWithoutResolvconfFailsBeforeAnyChange() {
        resolvconfInstalled = false;
        InterfaceConfig config = config("""
                [Interface]
                Encryption = none
                Address = 198.19.0.1/24
                DNS = 198.19.0.53
                PreUp = echo %i
                """);
        JtunException e = assertThrows(JtunException.class, () -> wgQuick.up(config, IF, net, hooks));
        assertEquals(ExitCode.NOT_FOUND, e.exitCode());
        assertTrue(e.getMessage().startsWith("wg0.conf:4: DNS = 198.19.0.53 cannot be applied: resolvconf is not"
                + " installed"), e.getMessage());
        assertTrue(e.getMessage().contains("install openresolv or resolvconf"), e.getMessage());
        assertTrue(e.getMessage().contains("does not edit /etc/resolv.conf"), e.getMessage());
        assertEquals(List.of(), take());
    }

    // ---- hooks -------------------------------------------------------------------------------

    @Test
    void hooksRunInWgQuicksPlacesWithTheInterfaceName() {
        InterfaceConfig config = config("""
                [Interface]
                Encryption = none
                MTU = 1420
                DNS = 198.19.0.53
                PreUp = echo pre %i
                PostUp = echo post %i; echo %i again
                PostUp = second
                PreDown = echo predown %i
                PostDown = echo postdown %i
                [Peer]
                AllowedIPs = 198.19.1.0/24
                """);
        WgQuickState state = wgQuick.up(config, IF, net, hooks);
        assertEquals(List.of(
                "hook PreUp: echo pre wg0",
                "setMtu wg0 1420",
                "setUp wg0 true",
                "resolvconf -a wg0 -m 0 -x <<< nameserver 198.19.0.53\\n",
                "addRoute wg0 198.19.1.0/24 254",
                "hook PostUp: echo post wg0; echo wg0 again",
                "hook PostUp: second"), take());
        assertTrue(log.contains("[#] echo pre wg0"), log.toString());

        wgQuick.down(config, state, net, hooks);
        assertEquals(List.of(
                "hook PreDown: echo predown wg0",
                "removeRoute wg0 198.19.1.0/24 254",
                "resolvconf -d wg0 -f",
                "hook PostDown: echo postdown wg0"), take());
    }

    @Test
    void failingPostUpUndoesEverythingWithoutDownHooks() {
        // Unrelated and stays; being the second rule, it decides where the kernel puts ours (9, 8).
        net.addRule(RouteRule.lookup(Libc.AF_INET, 9).withPriority(10));
        take();
        hookStatus.put("check wg0", 3);
        InterfaceConfig config = config("""
                [Interface]
                Encryption = none
                Address = 198.19.0.1/24
                MTU = 1420
                DNS = 198.19.0.53
                PostUp = check %i
                PreDown = never
                PostDown = never
                [Peer]
                AllowedIPs = 0.0.0.0/0, 198.18.9.0/24
                """);
        JtunException e = assertThrows(JtunException.class,
                () -> wgQuick.up(config, IF, net, hooks, mark -> journal.add("fwmark " + mark)));
        assertEquals("wg0.conf:6: PostUp hook 'check wg0' failed with exit code 3", e.getMessage());
        assertEquals(ExitCode.FAILURE, e.exitCode());
        List<String> journaled = take();
        int failed = journaled.indexOf("hook PostUp: check wg0");
        assertEquals(List.of(
                "removeRule -4 priority 9 not fwmark 0xca6c lookup 51820",
                "removeRule -4 priority 8 lookup main suppress_prefixlength 0",
                "removeRoute wg0 0.0.0.0/0 51820",
                "removeRoute wg0 198.18.9.0/24 254",
                "resolvconf -d wg0 -f",
                "removeAddress wg0 198.19.0.1/24"), journaled.subList(failed + 1, journaled.size()));
        assertEquals(4, net.rules(Libc.AF_INET).size());
        assertEquals(List.of(), net.routes(IF, 254));
    }

    @Test
    void failingPreUpChangesNothing() {
        hookStatus.put("false", 1);
        InterfaceConfig config = config("""
                [Interface]
                Encryption = none
                Address = 198.19.0.1/24
                PreUp = false
                """);
        JtunException e = assertThrows(JtunException.class, () -> wgQuick.up(config, IF, net, hooks));
        assertEquals("wg0.conf:4: PreUp hook 'false' failed with exit code 1", e.getMessage());
        assertEquals(List.of("hook PreUp: false"), take());
    }

    @Test
    void downGoesOnPastFailuresAndReportsTheFirst() {
        InterfaceConfig config = config("""
                [Interface]
                Encryption = none
                MTU = 1420
                PreDown = broken
                PostDown = cleanup %i
                [Peer]
                AllowedIPs = 0.0.0.0/0
                """);
        WgQuickState state = wgQuick.up(config, IF, net, hooks);
        take();
        hookStatus.put("broken", 127);
        JtunException e = assertThrows(JtunException.class, () -> wgQuick.down(config, state, net, hooks));
        assertEquals("wg0.conf:4: PreDown hook 'broken' failed with exit code 127", e.getMessage());
        assertEquals(List.of(
                "hook PreDown: broken",
                "removeRule -4 priority 32765 not fwmark 0xca6c lookup 51820",
                "removeRule -4 priority 32764 lookup main suppress_prefixlength 0",
                "removeRoute wg0 0.0.0.0/0 51820",
                "hook PostDown: cleanup wg0"), take());
    }

    @Test
    void downAfterTheInterfaceWentAwayStillRemovesRulesAndDns() {
        InterfaceConfig config = config("""
                [Interface]
                Encryption = none
                Address = 198.19.0.1/24
                MTU = 1420
                DNS = 198.19.0.53
                [Peer]
                AllowedIPs = 0.0.0.0/0
                """);
        WgQuickState state = wgQuick.up(config, IF, net, hooks);
        net.links.remove(IF);
        net.routes.removeIf(r -> r.ifname().equals(IF));
        take();
        wgQuick.down(config, state, net, hooks); // no exception: routes and addresses went with it
        assertEquals(List.of(
                "removeRule -4 priority 32765 not fwmark 0xca6c lookup 51820",
                "removeRule -4 priority 32764 lookup main suppress_prefixlength 0",
                "resolvconf -d wg0 -f"), take());
    }

    @Test
    void downUsesTheStateNotTheChangedConfiguration() {
        InterfaceConfig before = config("""
                [Interface]
                Encryption = none
                MTU = 1420
                [Peer]
                AllowedIPs = 0.0.0.0/0
                """);
        WgQuickState state = wgQuick.up(before, IF, net, hooks);
        take();
        InterfaceConfig after = config("""
                [Interface]
                Encryption = none
                Table = off
                DNS = 198.19.0.53
                PostDown = echo %i
                """);
        wgQuick.down(after, state, net, hooks);
        assertEquals(List.of(
                "removeRule -4 priority 32765 not fwmark 0xca6c lookup 51820",
                "removeRule -4 priority 32764 lookup main suppress_prefixlength 0",
                "removeRoute wg0 0.0.0.0/0 51820",
                "hook PostDown: echo wg0"), take());
    }

    @Test
    void badTableIsReportedWithItsLine() {
        InterfaceConfig config = config("""
                [Interface]
                Encryption = none
                Table = nosuchtable
                """);
        JtunException e = assertThrows(JtunException.class, () -> wgQuick.up(config, IF, net, hooks));
        assertEquals(ExitCode.USAGE, e.exitCode());
        assertTrue(e.getMessage().startsWith("wg0.conf:3: Table = nosuchtable is neither"), e.getMessage());
        assertEquals(List.of(), take());
    }

    @Test
    void tapModeGetsNoRoutes() {
        InterfaceConfig config = config("""
                [Interface]
                Encryption = none
                Mode = tap
                MTU = 1420
                [Peer]
                Endpoint = 198.18.0.2:51820
                """);
        wgQuick.up(config, IF, net, hooks);
        assertEquals(List.of("setMtu wg0 1420", "setUp wg0 true"), take());
    }

    @Test
    void coversIsPrefixContainmentAndSeesRoutesAddedSince() {
        net.routes.add(new FakeNetwork.Route(IF, IpPrefix.parse("198.19.0.0/24"), 254));
        net.routes.add(new FakeNetwork.Route(IF, IpPrefix.parse("::/0"), 254));
        net.routes.add(new FakeNetwork.Route("eth0", IpPrefix.parse("198.20.0.0/16"), 254));
        InterfaceRoutes routes = new InterfaceRoutes(IF, net);
        assertTrue(routes.covers(254, IpPrefix.parse("198.19.0.5/32")));
        assertTrue(routes.covers(254, IpPrefix.parse("198.19.0.0/24")));
        assertFalse(routes.covers(254, IpPrefix.parse("198.19.0.0/23")));
        assertFalse(routes.covers(254, IpPrefix.parse("198.19.1.5/32")));
        assertFalse(routes.covers(254, IpPrefix.parse("198.20.0.1/32")), "another interface's route");
        assertTrue(routes.covers(254, IpPrefix.parse("fd00::1/128")));
        assertFalse(routes.covers(100, IpPrefix.parse("198.19.0.5/32")), "another table");
        routes.added(254, IpPrefix.parse("198.19.1.0/24"));
        assertTrue(routes.covers(254, IpPrefix.parse("198.19.1.5/32")));
        assertTrue(routes.contains(254, IpPrefix.parse("198.19.1.0/24")));
    }
}
