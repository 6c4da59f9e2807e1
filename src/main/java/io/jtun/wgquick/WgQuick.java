package io.jtun.wgquick;

import io.jtun.ExitCode;
import io.jtun.JtunException;
import io.jtun.config.ConfigKey;
import io.jtun.config.Encryption;
import io.jtun.config.Hook;
import io.jtun.config.InterfaceConfig;
import io.jtun.config.Layer2;
import io.jtun.config.PeerConfig;
import io.jtun.net.IpPrefix;
import io.jtun.netlink.NetworkControl;
import io.jtun.netlink.RouteInfo;
import io.jtun.netlink.RouteRule;
import io.jtun.sys.Libc;
import io.jtun.tun.TunMode;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.regex.Pattern;

/**
 * Does what {@code wg-quick up} and {@code wg-quick down} do around an interface whose WireGuard
 * side (keys, peers, FwMark on its socket) is already configured, through {@link NetworkControl}
 * (rtnetlink) instead of the {@code ip} program.
 *
 * <p>{@link #up} runs, in wg-quick's order:
 * <ol>
 *   <li>the PreUp hooks;</li>
 *   <li>adds the Addresses;</li>
 *   <li>sets the MTU (MTU, or automatic: the smallest MTU on the way to the peers' endpoints, or
 *       of the default route's interface, minus 80; 1420 when nothing says) and sets the link up;</li>
 *   <li>registers the DNS servers and search domains with resolvconf;</li>
 *   <li>routes every peer's AllowedIPs to the interface, longest prefix first, as Table says
 *       ({@link TableSetting}); with Table = auto a default route (0.0.0.0/0, ::/0) instead gets
 *       the policy routing setup: a table of its own (FwMark's number, else the first unused table
 *       from 51820, whose number then becomes the tunnel's firewall mark), the rules
 *       {@code not fwmark T table T} and {@code table main suppress_prefixlength 0}, the default
 *       route in table T, and for IPv4 {@code net.ipv4.conf.all.src_valid_mark=1};</li>
 *   <li>the PostUp hooks.</li>
 * </ol>
 * When a step fails, what up did so far is undone (no PreDown/PostDown hooks, as wg-quick) and the
 * error is thrown. {@link #down} runs the PreDown hooks, removes the rules and routes up added,
 * withdraws the DNS servers, removes the addresses up added and runs the PostDown hooks.
 *
 * <p>Each step is logged as the command wg-quick would have run, e.g.
 * {@code [#] ip -4 rule add not fwmark 51820 table 51820}, although no command is run.
 */
public final class WgQuick {
    /** The first table wg-quick tries for a default route; also its default firewall mark. */
    public static final int FIRST_TABLE = 51820;
    /** WireGuard's overhead over IPv6, which wg-quick subtracts from the path MTU. */
    public static final int OVERHEAD = 80;
    /** The path MTU assumed when neither the endpoints' routes nor the default route tell one. */
    public static final int FALLBACK_PATH_MTU = 1500;

    private static final int RT_TABLE_MAIN = 254;
    /** wg-quick's test for a DNS entry that is a server address rather than a search domain. */
    private static final Pattern NAMESERVER = Pattern.compile("[0-9.]+|.*:.*");
    private static final String SRC_VALID_MARK = "net.ipv4.conf.all.src_valid_mark";

    private final ResolvConf resolvConf;
    private final Sysctl sysctl;
    private final EndpointResolver endpoints;
    private final Consumer<String> log;

    /**
     * @param resolvConf where DNS servers go
     * @param sysctl where src_valid_mark is set
     * @param endpoints resolves the peers' endpoints for the automatic MTU
     * @param log receives one line per step, "[#] ..."
     */
    public WgQuick(ResolvConf resolvConf, Sysctl sysctl, EndpointResolver endpoints, Consumer<String> log) {
        this.resolvConf = Objects.requireNonNull(resolvConf, "resolvConf");
        this.sysctl = Objects.requireNonNull(sysctl, "sysctl");
        this.endpoints = Objects.requireNonNull(endpoints, "endpoints");
        this.log = Objects.requireNonNull(log, "log");
    }

    /** The system's resolvconf, /proc/sys and resolver. */
    public static WgQuick system(Consumer<String> log) {
        return new WgQuick(ResolvConf.system(), Sysctl.proc(), EndpointResolver.system(), log);
    }

    /** {@link #up(InterfaceConfig, String, NetworkControl, HookRunner, IntConsumer)} without a mark setter. */
    public WgQuickState up(InterfaceConfig config, String ifname, NetworkControl netlink, HookRunner hooks) {
        return up(config, ifname, netlink, hooks, mark -> {
        });
    }

    /**
     * Configures {@code ifname} (which must exist) as wg-quick up would, see the class comment.
     *
     * @param setFwmark called with the firewall mark chosen for a default route (when FwMark is not
     *     set) before any rule is added, as wg-quick runs {@code wg set IFACE fwmark T} then: the
     *     tunnel's socket must carry it from then on, or its own packets would be routed into the
     *     tunnel. The mark is also in the returned state.
     * @return what was changed, for {@link #down}
     * @throws JtunException when a step fails; what was done is undone first
     */
    public WgQuickState up(InterfaceConfig config, String ifname, NetworkControl netlink, HookRunner hooks,
            IntConsumer setFwmark) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(ifname, "ifname");
        Objects.requireNonNull(netlink, "netlink");
        Objects.requireNonNull(hooks, "hooks");
        Objects.requireNonNull(setFwmark, "setFwmark");
        // Everything that can be found wrong without changing anything is checked first.
        TableSetting table = tableSetting(config);
        Dns dns = Dns.of(config.dns());
        if (!dns.nameservers().isEmpty() && !resolvConf.available()) {
            throw noResolvConf(config.where(ConfigKey.DNS.keyName()) + ": DNS = "
                    + String.join(", ", config.dns()) + " cannot be applied");
        }

        Progress done = new Progress(ifname);
        try {
            runHooks(config, Hook.PRE_UP, ifname, hooks);
            addAddresses(config, ifname, netlink, done);
            done.mtu = config.mtu().isPresent() ? config.mtu().getAsInt() : autoMtu(config, netlink);
            log("ip link set mtu " + done.mtu + " up dev " + ifname);
            netlink.setMtu(ifname, done.mtu);
            netlink.setUp(ifname, true);
            if (!dns.nameservers().isEmpty()) {
                log("resolvconf -a " + ifname + " -m 0 -x");
                resolvConf.set(ifname, dns.nameservers(), dns.searchDomains());
                done.dns = true;
            }
            if (config.mode() == TunMode.TUN) {
                addRoutes(config, ifname, table, netlink, setFwmark, done);
            }
            runHooks(config, Hook.POST_UP, ifname, hooks);
        } catch (RuntimeException e) {
            for (RuntimeException undoError : undo(done.state(), netlink)) {
                e.addSuppressed(undoError);
            }
            throw e;
        }
        return done.state();
    }

    /**
     * Undoes {@code state} as wg-quick down would: the PreDown hooks of {@code config}, then the
     * rules and routes up added, the DNS servers, the addresses, then the PostDown hooks. Every step
     * is tried even when an earlier one failed (so a failing hook does not leave the rules in
     * place); an interface that has gone meanwhile took its routes and addresses with it. The first
     * failure is thrown at the end, the others attached to it.
     */
    public void down(InterfaceConfig config, WgQuickState state, NetworkControl netlink, HookRunner hooks) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(netlink, "netlink");
        Objects.requireNonNull(hooks, "hooks");
        String ifname = state.interfaceName();
        List<RuntimeException> errors = new ArrayList<>();
        try {
            runHooks(config, Hook.PRE_DOWN, ifname, hooks);
        } catch (RuntimeException e) {
            errors.add(e);
        }
        errors.addAll(undo(state, netlink));
        try {
            runHooks(config, Hook.POST_DOWN, ifname, hooks);
        } catch (RuntimeException e) {
            errors.add(e);
        }
        if (!errors.isEmpty()) {
            RuntimeException first = errors.getFirst();
            errors.subList(1, errors.size()).forEach(first::addSuppressed);
            throw first;
        }
    }

    /**
     * wg-quick's automatic MTU: the smallest of the MTUs of the routes to the peers' endpoints (the
     * route's own MTU, else its interface's); when no endpoint tells one, that of the IPv4
     * default route; else 1500. Minus {@link #OVERHEAD}, and for a TAP interface over WireGuard
     * also {@link Layer2#OVERHEAD} (the frame's headers).
     */
    public int autoMtu(InterfaceConfig config, NetworkControl netlink) {
        int smallest = Integer.MAX_VALUE;
        for (PeerConfig peer : config.peers()) {
            if (peer.endpoint().isEmpty()) {
                continue;
            }
            Optional<InetAddress> address = endpoints.resolve(peer.endpoint().get());
            if (address.isEmpty()) {
                continue;
            }
            OptionalInt mtu;
            try {
                mtu = pathMtu(netlink.routeTo(address.get()), netlink);
            } catch (JtunException e) {
                continue; // no route to this endpoint (yet): it tells nothing
            }
            if (mtu.isPresent() && mtu.getAsInt() < smallest) {
                smallest = mtu.getAsInt();
            }
        }
        if (smallest == Integer.MAX_VALUE) {
            Optional<RouteInfo> route = netlink.defaultRoute(Libc.AF_INET);
            if (route.isPresent()) {
                try {
                    OptionalInt mtu = pathMtu(route.get(), netlink);
                    if (mtu.isPresent()) {
                        smallest = mtu.getAsInt();
                    }
                } catch (JtunException e) {
                    // Its interface went away: no MTU from there.
                }
            }
        }
        if (smallest <= 0 || smallest == Integer.MAX_VALUE) {
            smallest = FALLBACK_PATH_MTU;
        }
        boolean frames = config.mode() == TunMode.TAP && config.encryption() == Encryption.WIREGUARD;
        return smallest - OVERHEAD - (frames ? Layer2.OVERHEAD : 0);
    }

    private static OptionalInt pathMtu(RouteInfo route, NetworkControl netlink) {
        if (route.mtu().isPresent()) {
            return route.mtu();
        }
        if (route.interfaceIndex() == 0) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(netlink.link(route.interfaceIndex()).mtu());
    }

    // ---- steps -------------------------------------------------------------------------------

    private void runHooks(InterfaceConfig config, Hook hook, String ifname, HookRunner hooks) {
        for (String command : config.hook(hook)) {
            String expanded = command.replace("%i", ifname);
            log.accept("[#] " + expanded);
            int status = hooks.run(hook, expanded);
            if (status != 0) {
                throw new JtunException(ExitCode.FAILURE, config.where(hook.key().keyName()) + ": " + hook.key()
                        + " hook '" + expanded + "' failed with exit code " + status);
            }
        }
    }

    private void addAddresses(InterfaceConfig config, String ifname, NetworkControl netlink, Progress done) {
        if (config.addresses().isEmpty()) {
            return;
        }
        List<IpPrefix> present = netlink.addresses(ifname);
        for (IpPrefix address : config.addresses()) {
            if (present.contains(address)) {
                continue;
            }
            log(family(address) + "address add " + address + " dev " + ifname);
            netlink.addAddress(ifname, address);
            done.addresses.add(address);
        }
    }

    private void addRoutes(InterfaceConfig config, String ifname, TableSetting table, NetworkControl netlink,
            IntConsumer setFwmark, Progress done) {
        if (table.mode() == TableSetting.Mode.OFF) {
            return;
        }
        InterfaceRoutes present = new InterfaceRoutes(ifname, netlink);
        for (IpPrefix destination : routedPrefixes(config)) {
            if (table.mode() == TableSetting.Mode.TABLE) {
                addRoute(ifname, destination, table.table(), netlink, present, done);
            } else if (destination.prefixLength() == 0) {
                addDefault(config, ifname, destination, netlink, present, setFwmark, done);
            } else if (!present.covers(RT_TABLE_MAIN, destination)) {
                // wg-quick adds a main-table route only when no route via the interface already
                // covers the prefix (e.g. the subnet route of an Address).
                addRoute(ifname, destination, RT_TABLE_MAIN, netlink, present, done);
            }
        }
    }

    /**
     * wg-quick's default-route setup for one family: the table, the "not fwmark" rule, the
     * suppress rule (consulted before it), the default route in the table, src_valid_mark.
     */
    private void addDefault(InterfaceConfig config, String ifname, IpPrefix destination, NetworkControl netlink,
            InterfaceRoutes routes, IntConsumer setFwmark, Progress done) {
        if (done.table.isEmpty()) {
            int table;
            if (config.fwMark().isPresent()) {
                table = config.fwMark().getAsInt();
            } else {
                table = firstUnusedTable(netlink);
                log("wg set " + ifname + " fwmark " + Integer.toUnsignedString(table));
                setFwmark.accept(table);
            }
            done.table = OptionalInt.of(table);
            done.fwmark = OptionalInt.of(table);
        }
        int table = done.table.getAsInt();
        int family = destination.isIpv6() ? Libc.AF_INET6 : Libc.AF_INET;
        String tableText = Integer.toUnsignedString(table);

        RouteRule notFwmark = RouteRule.notFwmark(family, table, table);
        List<RouteRule> present = netlink.rules(family);
        Optional<RouteRule> existing = present.stream().filter(notFwmark::matches).findFirst();
        if (existing.isPresent()) {
            notFwmark = existing.get();
        } else {
            log(family(destination) + "rule add not fwmark " + tableText + " table " + tableText);
            notFwmark = netlink.addRule(notFwmark);
            done.rules.add(notFwmark);
        }

        // The suppress rule must be consulted first: it lets everything the main table routes more
        // specifically than by its default route (the LAN, the endpoints) go there.
        RouteRule suppress = RouteRule.suppressPrefixLength(family, RT_TABLE_MAIN, 0);
        int notFwmarkPriority = notFwmark.priority().orElse(0);
        boolean inFront = present.stream().anyMatch(r -> suppress.matches(r)
                && Integer.compareUnsigned(r.priority().orElse(0), notFwmarkPriority) < 0);
        if (!inFront) {
            // Where the kernel puts it when the "not fwmark" rule is the newest: just in front.
            RouteRule wanted = notFwmarkPriority > 0 ? suppress.withPriority(notFwmarkPriority - 1) : suppress;
            log(family(destination) + "rule add" + (wanted.priority().isPresent()
                    ? " priority " + Integer.toUnsignedString(wanted.priority().getAsInt()) : "")
                    + " table main suppress_prefixlength 0");
            done.rules.add(netlink.addRule(wanted));
        }

        addRoute(ifname, destination, table, netlink, routes, done);

        if (family == Libc.AF_INET && !sysctl.read(SRC_VALID_MARK).orElse("").equals("1")) {
            log("sysctl -q " + SRC_VALID_MARK + "=1");
            sysctl.write(SRC_VALID_MARK, "1");
        }
    }

    private static int firstUnusedTable(NetworkControl netlink) {
        int table = FIRST_TABLE;
        while (netlink.tableInUse(table)) {
            table++;
            if (table == 0) {
                throw new JtunException(ExitCode.BUSY, "every routing table from " + FIRST_TABLE
                        + " up holds routes: no table is free for the default route; set FwMark or Table");
            }
        }
        return table;
    }

    /** Adds the route unless the interface has it in that table already (then it is not ours to remove). */
    private void addRoute(String ifname, IpPrefix destination, int table, NetworkControl netlink,
            InterfaceRoutes present, Progress done) {
        IpPrefix network = destination.network();
        if (present.contains(table, network)) {
            return;
        }
        log(family(network) + "route add " + network + " dev " + ifname
                + (table == RT_TABLE_MAIN ? "" : " table " + Integer.toUnsignedString(table)));
        netlink.addRoute(ifname, network, table);
        present.added(table, network);
        done.routes.add(new WgQuickState.Route(network, table));
    }

    /**
     * The peers' AllowedIPs, each once, longest prefix first; equal lengths in the order of
     * wg-quick's {@code sort -nr -k 2 -t /} (the whole text, reversed).
     */
    static List<IpPrefix> routedPrefixes(InterfaceConfig config) {
        Set<IpPrefix> prefixes = new LinkedHashSet<>();
        for (PeerConfig peer : config.peers()) {
            for (IpPrefix allowed : peer.allowedIps()) {
                prefixes.add(allowed.network());
            }
        }
        return prefixes.stream()
                .sorted(Comparator.comparingInt(IpPrefix::prefixLength).reversed()
                        .thenComparing(IpPrefix::toString, Comparator.reverseOrder()))
                .toList();
    }

    /** Best effort, in the order that keeps traffic flowing: rules, routes, DNS, addresses. */
    private List<RuntimeException> undo(WgQuickState state, NetworkControl netlink) {
        List<RuntimeException> errors = new ArrayList<>();
        String ifname = state.interfaceName();
        // The "not fwmark" rule of a family comes before its suppress rule, as wg-quick deletes them.
        for (RouteRule rule : state.rules()) {
            log((rule.isIpv6() ? "ip -6 " : "ip -4 ") + "rule delete " + ruleText(rule));
            attempt(errors, () -> netlink.removeRule(rule));
        }
        for (WgQuickState.Route route : state.routes().reversed()) {
            log(family(route.destination()) + "route delete " + route.destination() + " dev " + ifname
                    + (route.table() == RT_TABLE_MAIN ? "" : " table " + Integer.toUnsignedString(route.table())));
            attemptOnInterface(errors, () -> netlink.removeRoute(ifname, route.destination(), route.table()));
        }
        if (state.dns()) {
            log("resolvconf -d " + ifname + " -f");
            attempt(errors, () -> resolvConf.unset(ifname));
        }
        for (IpPrefix address : state.addresses().reversed()) {
            log(family(address) + "address delete " + address + " dev " + ifname);
            attemptOnInterface(errors, () -> netlink.removeAddress(ifname, address));
        }
        return errors;
    }

    private static void attempt(List<RuntimeException> errors, Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            errors.add(e);
        }
    }

    /** A step on the interface: if the interface is gone, so is what the step would remove. */
    private static void attemptOnInterface(List<RuntimeException> errors, Runnable step) {
        try {
            step.run();
        } catch (JtunException e) {
            if (e.exitCode() != ExitCode.NOT_FOUND) {
                errors.add(e);
            }
        } catch (RuntimeException e) {
            errors.add(e);
        }
    }

    // ---- helpers -----------------------------------------------------------------------------

    private static TableSetting tableSetting(InterfaceConfig config) {
        try {
            return TableSetting.parse(config.table());
        } catch (JtunException e) {
            throw new JtunException(e.exitCode(), config.where(ConfigKey.TABLE.keyName()) + ": " + e.getMessage(), e);
        }
    }

    /** The error for DNS without resolvconf; {@code context} says what could not be done. */
    static JtunException noResolvConf(String context) {
        return new JtunException(ExitCode.NOT_FOUND, context + ": resolvconf is not installed. jtun hands DNS"
                + " servers to resolvconf as wg-quick does and does not edit /etc/resolv.conf itself: install"
                + " openresolv or resolvconf (e.g. apt install openresolv), or remove DNS from the configuration and"
                + " set up name resolution yourself (e.g. in PostUp)");
    }

    private static String family(IpPrefix prefix) {
        return prefix.isIpv6() ? "ip -6 " : "ip -4 ";
    }

    private static String ruleText(RouteRule rule) {
        String text = rule.toString();
        return text.substring(3); // without "-4 " / "-6 "
    }

    private void log(String command) {
        log.accept("[#] " + command);
    }

    /** wg-quick's split of DNS entries into server addresses and search domains. */
    record Dns(List<String> nameservers, List<String> searchDomains) {
        static Dns of(List<String> entries) {
            List<String> nameservers = new ArrayList<>();
            List<String> search = new ArrayList<>();
            for (String entry : entries) {
                (NAMESERVER.matcher(entry).matches() ? nameservers : search).add(entry);
            }
            return new Dns(List.copyOf(nameservers), List.copyOf(search));
        }
    }

    /** What up has done so far. */
    private static final class Progress {
        final String ifname;
        final List<IpPrefix> addresses = new ArrayList<>();
        final List<WgQuickState.Route> routes = new ArrayList<>();
        final List<RouteRule> rules = new ArrayList<>();
        OptionalInt table = OptionalInt.empty();
        OptionalInt fwmark = OptionalInt.empty();
        boolean dns;
        int mtu;

        Progress(String ifname) {
            this.ifname = ifname;
        }

        WgQuickState state() {
            return new WgQuickState(ifname, addresses, routes, rules, table, fwmark, dns, mtu);
        }
    }
}
