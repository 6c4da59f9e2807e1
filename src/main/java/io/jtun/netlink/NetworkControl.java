package io.jtun.netlink;

import io.jtun.net.IpPrefix;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

/**
 * The interface, address, route and rule operations that configuring a tunnel takes, as
 * {@link Rtnetlink} performs them. Code that only needs these (e.g. {@code io.jtun.wgquick}) takes
 * this interface, so that its tests can record the calls instead of changing a kernel.
 *
 * <p>Every change is idempotent as described on {@link Rtnetlink}; failures are
 * {@link io.jtun.JtunException}s that say what to do.
 */
public interface NetworkControl {

    /** Index, name, MTU, flags and counters of {@code ifname}. */
    LinkInfo link(String ifname);

    /** The interface with index {@code index}. */
    LinkInfo link(int index);

    void setMtu(String ifname, int mtu);

    /** Sets the interface administratively up or down. */
    void setUp(String ifname, boolean up);

    /** Adds an address (with the length of its subnet) to the interface; already there is success. */
    void addAddress(String ifname, IpPrefix prefix);

    /** Removes an address from the interface; absent is success. */
    void removeAddress(String ifname, IpPrefix prefix);

    /** The IPv4 and IPv6 addresses on the interface. */
    List<IpPrefix> addresses(String ifname);

    /** Routes {@code destination} to the interface in {@code table} (254 is main); already there is success. */
    void addRoute(String ifname, IpPrefix destination, int table);

    /** Removes the route to {@code destination} via the interface from {@code table}; absent is success. */
    void removeRoute(String ifname, IpPrefix destination, int table);

    /** Destinations of the unicast routes via the interface in {@code table}, IPv4 and IPv6. */
    List<IpPrefix> routes(String ifname, int table);

    /** True when {@code table} holds any IPv4 or IPv6 route, of any interface and type. */
    boolean tableInUse(int table);

    /**
     * Adds a policy routing rule; a rule that matches it ({@link RouteRule#matches}) being there
     * already is success.
     *
     * @return the rule as installed, with the priority the kernel gave it
     */
    RouteRule addRule(RouteRule rule);

    /** Removes every rule that {@code rule} matches (any priority when it has none); none is success. */
    void removeRule(RouteRule rule);

    /** The rules of one family ({@code AF_INET} or {@code AF_INET6}) that a {@link RouteRule} describes. */
    List<RouteRule> rules(int family);

    /** The route the kernel would use for packets to {@code destination} now ({@code ip route get}). */
    RouteInfo routeTo(InetAddress destination);

    /** The main table's first default route of {@code family} ({@code ip route show default}), if any. */
    Optional<RouteInfo> defaultRoute(int family);
}
