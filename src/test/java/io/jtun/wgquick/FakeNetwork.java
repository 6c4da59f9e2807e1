package io.jtun.wgquick;

import io.jtun.ExitCode;
import io.jtun.JtunException;
import io.jtun.net.IpPrefix;
import io.jtun.netlink.LinkInfo;
import io.jtun.netlink.LinkStats;
import io.jtun.netlink.NetworkControl;
import io.jtun.netlink.RouteInfo;
import io.jtun.netlink.RouteRule;
import io.jtun.sys.Libc;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A kernel in a few maps: interfaces, addresses (with the subnet route the kernel adds for each),
 * routes by table, and rule lists that place a rule without priority where the kernel does.
 * Every change is written to the shared journal, so a test sees its order among hooks, resolvconf
 * and sysctl calls.
 */
final class FakeNetwork implements NetworkControl {
    record Link(int index, String name, int mtu, boolean up) {
    }

    record Route(String ifname, IpPrefix destination, int table) {
    }

    private final List<String> journal;
    final Map<String, Link> links = new LinkedHashMap<>();
    final Map<String, List<IpPrefix>> addresses = new HashMap<>();
    final List<Route> routes = new ArrayList<>();
    final Map<Integer, List<RouteRule>> rules = new HashMap<>();
    /** Answers of routeTo by address text; an address not here has no route. */
    final Map<String, RouteInfo> lookups = new HashMap<>();
    Optional<RouteInfo> defaultRoute = Optional.empty();

    FakeNetwork(List<String> journal) {
        this.journal = journal;
        rules.put(Libc.AF_INET, new ArrayList<>(List.of(RouteRule.lookup(Libc.AF_INET, 255).withPriority(0),
                RouteRule.lookup(Libc.AF_INET, 254).withPriority(32766),
                RouteRule.lookup(Libc.AF_INET, 253).withPriority(32767))));
        rules.put(Libc.AF_INET6, new ArrayList<>(List.of(RouteRule.lookup(Libc.AF_INET6, 255).withPriority(0),
                RouteRule.lookup(Libc.AF_INET6, 254).withPriority(32766))));
    }

    FakeNetwork link(String name, int index, int mtu) {
        links.put(name, new Link(index, name, mtu, false));
        addresses.put(name, new ArrayList<>());
        return this;
    }

    private Link get(String ifname) {
        Link link = links.get(ifname);
        if (link == null) {
            throw new JtunException(ExitCode.NOT_FOUND, "no network interface named " + ifname);
        }
        return link;
    }

    private static LinkInfo info(Link link) {
        return new LinkInfo(link.index(), link.name(), link.mtu(), link.up(), link.up(), LinkStats.ZERO);
    }

    @Override
    public LinkInfo link(String ifname) {
        return info(get(ifname));
    }

    @Override
    public LinkInfo link(int index) {
        return links.values().stream().filter(l -> l.index() == index).findFirst().map(FakeNetwork::info)
                .orElseThrow(() -> new JtunException(ExitCode.NOT_FOUND, "no interface #" + index));
    }

    @Override
    public void setMtu(String ifname, int mtu) {
        Link link = get(ifname);
        links.put(ifname, new Link(link.index(), ifname, mtu, link.up()));
        journal.add("setMtu " + ifname + " " + mtu);
    }

    @Override
    public void setUp(String ifname, boolean up) {
        Link link = get(ifname);
        links.put(ifname, new Link(link.index(), ifname, link.mtu(), up));
        journal.add("setUp " + ifname + " " + up);
    }

    @Override
    public void addAddress(String ifname, IpPrefix prefix) {
        get(ifname);
        if (!addresses.get(ifname).contains(prefix)) {
            addresses.get(ifname).add(prefix);
            routes.add(new Route(ifname, prefix.network(), 254)); // the kernel's subnet route
        }
        journal.add("addAddress " + ifname + " " + prefix);
    }

    @Override
    public void removeAddress(String ifname, IpPrefix prefix) {
        get(ifname);
        if (addresses.get(ifname).remove(prefix)) {
            routes.remove(new Route(ifname, prefix.network(), 254));
        }
        journal.add("removeAddress " + ifname + " " + prefix);
    }

    @Override
    public List<IpPrefix> addresses(String ifname) {
        get(ifname);
        return List.copyOf(addresses.get(ifname));
    }

    @Override
    public void addRoute(String ifname, IpPrefix destination, int table) {
        get(ifname);
        Route route = new Route(ifname, destination.network(), table);
        if (!routes.contains(route)) {
            routes.add(route);
        }
        journal.add("addRoute " + ifname + " " + destination + " " + Integer.toUnsignedString(table));
    }

    @Override
    public void removeRoute(String ifname, IpPrefix destination, int table) {
        get(ifname);
        routes.remove(new Route(ifname, destination.network(), table));
        journal.add("removeRoute " + ifname + " " + destination + " " + Integer.toUnsignedString(table));
    }

    @Override
    public List<IpPrefix> routes(String ifname, int table) {
        get(ifname);
        return routes.stream().filter(r -> r.ifname().equals(ifname) && r.table() == table)
                .map(Route::destination).toList();
    }

    @Override
    public boolean tableInUse(int table) {
        return routes.stream().anyMatch(r -> r.table() == table);
    }

    @Override
    public RouteRule addRule(RouteRule rule) {
        List<RouteRule> list = rules.get(rule.family());
        Optional<RouteRule> present = list.stream().filter(rule::matches).findFirst();
        if (present.isPresent()) {
            return present.get();
        }
        // fib_default_rule_pref(): one below the second rule's priority.
        int priority = rule.priority().orElseGet(() -> list.size() > 1 ? list.get(1).priority().getAsInt() - 1 : 0);
        RouteRule installed = rule.withPriority(priority);
        int at = 0;
        while (at < list.size() && list.get(at).priority().getAsInt() <= priority) {
            at++;
        }
        list.add(at, installed);
        journal.add("addRule " + installed);
        return installed;
    }

    @Override
    public void removeRule(RouteRule rule) {
        rules.get(rule.family()).removeIf(rule::matches);
        journal.add("removeRule " + rule);
    }

    @Override
    public List<RouteRule> rules(int family) {
        return List.copyOf(rules.get(family));
    }

    @Override
    public RouteInfo routeTo(InetAddress destination) {
        byte[] address = destination.getAddress();
        String text = new IpPrefix(address, address.length * 8).addressText();
        RouteInfo route = lookups.get(text);
        if (route == null) {
            throw new JtunException(ExitCode.NOT_FOUND, "no route to " + text);
        }
        return route;
    }

    @Override
    public Optional<RouteInfo> defaultRoute(int family) {
        return family == Libc.AF_INET ? defaultRoute : Optional.empty();
    }

    static RouteInfo via(String destination, int index, String name, OptionalInt mtu) {
        return new RouteInfo(IpPrefix.parse(destination), 254, index, name, mtu);
    }
}
