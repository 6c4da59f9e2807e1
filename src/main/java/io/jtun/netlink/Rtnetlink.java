package io.jtun.netlink;

import io.jtun.net.IpPrefix;
import static io.jtun.netlink.NetlinkConstants.AF_UNSPEC;
import static io.jtun.netlink.NetlinkConstants.ESRCH;
import static io.jtun.netlink.NetlinkConstants.FIB_RULE_HDR_SIZE;
import static io.jtun.netlink.NetlinkConstants.FIB_RULE_INVERT;
import static io.jtun.netlink.NetlinkConstants.FRA_FWMARK;
import static io.jtun.netlink.NetlinkConstants.FRA_FWMASK;
import static io.jtun.netlink.NetlinkConstants.FRA_PAD;
import static io.jtun.netlink.NetlinkConstants.FRA_PRIORITY;
import static io.jtun.netlink.NetlinkConstants.FRA_PROTOCOL;
import static io.jtun.netlink.NetlinkConstants.FRA_SUPPRESS_PREFIXLEN;
import static io.jtun.netlink.NetlinkConstants.FRA_TABLE;
import static io.jtun.netlink.NetlinkConstants.FR_ACT_TO_TBL;
import static io.jtun.netlink.NetlinkConstants.IFADDRMSG_SIZE;
import static io.jtun.netlink.NetlinkConstants.IFA_ADDRESS;
import static io.jtun.netlink.NetlinkConstants.IFA_FLAGS;
import static io.jtun.netlink.NetlinkConstants.IFA_F_NODAD;
import static io.jtun.netlink.NetlinkConstants.IFA_LOCAL;
import static io.jtun.netlink.NetlinkConstants.IFF_RUNNING;
import static io.jtun.netlink.NetlinkConstants.IFF_UP;
import static io.jtun.netlink.NetlinkConstants.IFINFOMSG_SIZE;
import static io.jtun.netlink.NetlinkConstants.IFLA_IFNAME;
import static io.jtun.netlink.NetlinkConstants.IFLA_MTU;
import static io.jtun.netlink.NetlinkConstants.IFLA_STATS;
import static io.jtun.netlink.NetlinkConstants.IFLA_STATS64;
import static io.jtun.netlink.NetlinkConstants.NLM_F_ACK;
import static io.jtun.netlink.NetlinkConstants.NLM_F_CREATE;
import static io.jtun.netlink.NetlinkConstants.NLM_F_DUMP;
import static io.jtun.netlink.NetlinkConstants.NLM_F_EXCL;
import static io.jtun.netlink.NetlinkConstants.NLM_F_REQUEST;
import static io.jtun.netlink.NetlinkConstants.RTAX_MTU;
import static io.jtun.netlink.NetlinkConstants.RTA_DST;
import static io.jtun.netlink.NetlinkConstants.RTA_METRICS;
import static io.jtun.netlink.NetlinkConstants.RTA_MULTIPATH;
import static io.jtun.netlink.NetlinkConstants.RTA_OIF;
import static io.jtun.netlink.NetlinkConstants.RTA_TABLE;
import static io.jtun.netlink.NetlinkConstants.RTNEXTHOP_SIZE;
import static io.jtun.netlink.NetlinkConstants.RTMSG_SIZE;
import static io.jtun.netlink.NetlinkConstants.RTM_DELADDR;
import static io.jtun.netlink.NetlinkConstants.RTM_DELROUTE;
import static io.jtun.netlink.NetlinkConstants.RTM_DELRULE;
import static io.jtun.netlink.NetlinkConstants.RTM_GETADDR;
import static io.jtun.netlink.NetlinkConstants.RTM_GETLINK;
import static io.jtun.netlink.NetlinkConstants.RTM_GETROUTE;
import static io.jtun.netlink.NetlinkConstants.RTM_GETRULE;
import static io.jtun.netlink.NetlinkConstants.RTM_NEWADDR;
import static io.jtun.netlink.NetlinkConstants.RTM_NEWLINK;
import static io.jtun.netlink.NetlinkConstants.RTM_NEWROUTE;
import static io.jtun.netlink.NetlinkConstants.RTM_NEWRULE;
import static io.jtun.netlink.NetlinkConstants.RTN_UNICAST;
import static io.jtun.netlink.NetlinkConstants.RTN_UNSPEC;
import static io.jtun.netlink.NetlinkConstants.RTPROT_STATIC;
import static io.jtun.netlink.NetlinkConstants.RTPROT_UNSPEC;
import static io.jtun.netlink.NetlinkConstants.RT_SCOPE_HOST;
import static io.jtun.netlink.NetlinkConstants.RT_SCOPE_LINK;
import static io.jtun.netlink.NetlinkConstants.RT_SCOPE_NOWHERE;
import static io.jtun.netlink.NetlinkConstants.RT_SCOPE_UNIVERSE;
import static io.jtun.netlink.NetlinkConstants.RT_TABLE_MAIN;
import static io.jtun.netlink.NetlinkConstants.RT_TABLE_UNSPEC;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import io.jtun.ExitCode;
import io.jtun.JtunException;
import io.jtun.sys.Errno;
import io.jtun.sys.Libc;
import io.jtun.sys.Privileges;
import io.jtun.sys.SysException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Configures network interfaces through rtnetlink (NETLINK_ROUTE), the interface {@code ip} uses,
 * without running any program. Every failure is a {@link JtunException} that names the
 * operation and the interface and says what to do.
 *
 * <p>Changes are idempotent where the end state is what the caller asked for: adding an address
 * or route that is already there exactly, or removing one that is not there, succeeds. A
 * conflicting state (the address with another prefix length, the route via another interface)
 * is an error, because silently keeping or replacing it would hide a configuration mistake.
 *
 * <p>Routes are added to the main table, or the table given, with scope link, protocol static
 * (they are configured, not learned) and the interface as output device; a destination with host
 * bits set is reduced to its network, as WireGuard does for AllowedIPs. Removal matches
 * destination and interface in that table whatever protocol added the route, like
 * {@code ip route del DEST dev IF table T}. Table ids above 255 travel in RTA_TABLE.
 *
 * <p>Policy routing rules ({@link RouteRule}) are added only when no rule matching them is there
 * (the kernel itself would add a duplicate at the next free priority), and removal removes every
 * matching rule.
 *
 * <p>An instance holds one socket; calls are serialized. Changes need CAP_NET_ADMIN in the
 * network namespace the instance was opened in.
 */
public final class Rtnetlink implements NetworkControl, AutoCloseable {
    /** dev_valid_name(): the name must fit IFNAMSIZ (16) with its NUL. */
    private static final int MAX_NAME_BYTES = 15;
    private static final String NEEDS_CAP_NET_ADMIN = " needs CAP_NET_ADMIN: run as root or grant the capability"
            + " (setcap cap_net_admin+ep)";

    private final NetlinkSocket socket;

    private Rtnetlink(NetlinkSocket socket) {
        this.socket = socket;
    }

    public static Rtnetlink open() {
        try {
            return new Rtnetlink(NetlinkSocket.open());
        } catch (SysException e) {
            String fix = switch (e.errno()) {
                case Errno.EMFILE -> "too many open files; raise the limit (ulimit -n)";
                case Errno.EAFNOSUPPORT, Errno.EPROTONOSUPPORT -> "this kernel has no rtnetlink support";
                default -> "is this a Linux system?";
            };
            throw new JtunException(e.exitCode(), "cannot open a netlink socket to configure network interfaces: "
                    + e.getMessage() + ": " + fix, e);
        }
    }

    /** The kernel's index of {@code ifname}. */
    public int linkIndex(String ifname) {
        return linkMessage(ifname).s32(4);
    }

    /** Index, name, MTU, flags and counters of {@code ifname}. */
    @Override
    public LinkInfo link(String ifname) {
        return parseLink(linkMessage(ifname));
    }

    /** The interface with index {@code index}. */
    @Override
    public LinkInfo link(int index) {
        try (Arena arena = Arena.ofConfined()) {
            return socket.execute(change(arena, RTM_GETLINK, 0).ifinfomsg(AF_UNSPEC, index, 0, 0)).stream()
                    .filter(m -> m.type() == RTM_NEWLINK).findFirst().map(Rtnetlink::parseLink)
                    .orElseThrow(() -> NetlinkMessage.malformed("RTM_GETLINK for interface #" + index
                            + " answered without RTM_NEWLINK"));
        } catch (NetlinkError e) {
            if (e.errno() == Errno.ENODEV) {
                throw new JtunException(ExitCode.NOT_FOUND, "no network interface has index " + index
                        + " (it may have just been deleted)", e);
            }
            throw new JtunException(e.exitCode(), "reading interface #" + index + " failed: " + e.describe(), e);
        }
    }

    @Override
    public void setMtu(String ifname, int mtu) {
        int index = linkIndex(ifname);
        try (Arena arena = Arena.ofConfined()) {
            socket.execute(change(arena, RTM_NEWLINK, 0)
                    .ifinfomsg(AF_UNSPEC, index, 0, 0)
                    .attributeU32(IFLA_MTU, mtu));
        } catch (NetlinkError e) {
            if (e.errno() == Errno.EINVAL) {
                throw new JtunException(ExitCode.USAGE, "MTU " + Integer.toUnsignedString(mtu)
                        + " is out of range for " + ifname + kernelSays(e)
                        + ": use a value between 68 and the device's maximum (65535 for tun devices)", e);
            }
            throw failed("setting the MTU of " + ifname + " to " + Integer.toUnsignedString(mtu), ifname, e);
        }
    }

    /** Sets the interface administratively up or down (IFF_UP), leaving its other flags alone. */
    @Override
    public void setUp(String ifname, boolean up) {
        int index = linkIndex(ifname);
        try (Arena arena = Arena.ofConfined()) {
            socket.execute(change(arena, RTM_NEWLINK, 0).ifinfomsg(AF_UNSPEC, index, up ? IFF_UP : 0, IFF_UP));
        } catch (NetlinkError e) {
            throw failed("bringing " + ifname + (up ? " up" : " down"), ifname, e);
        }
    }

    /**
     * Adds {@code prefix} (address and the length of its subnet) to the interface; the kernel
     * then also routes the subnet to it. IPv6 addresses skip duplicate address detection so that
     * they are usable at once. Adding an address that is already there with the same prefix
     * length succeeds.
     */
    @Override
    public void addAddress(String ifname, IpPrefix prefix) {
        Objects.requireNonNull(prefix, "prefix");
        int index = linkIndex(ifname);
        try (Arena arena = Arena.ofConfined()) {
            socket.execute(addressRequest(arena, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, index, prefix));
        } catch (NetlinkError e) {
            String action = "adding address " + prefix + " to " + ifname;
            switch (e.errno()) {
                case Errno.EEXIST -> {
                    List<IpPrefix> present = addresses(ifname);
                    if (present.contains(prefix)) {
                        return;
                    }
                    throw new JtunException(ExitCode.BUSY, present.stream().filter(prefix::sameAddress).findFirst()
                            .map(other -> "address " + prefix.addressText() + " is already on " + ifname + " as "
                                    + other + ": remove it first (ip address del " + other + " dev " + ifname
                                    + ") or use that prefix length")
                            .orElse("address " + prefix + " is already on " + ifname), e);
                }
                case Errno.EACCES -> {
                    if (prefix.isIpv6()) {
                        // addrconf answers EACCES when IPv6 is switched off on the device.
                        throw new JtunException(ExitCode.FAILURE, action + " failed: IPv6 is disabled on " + ifname
                                + kernelSays(e) + ": enable it with sysctl -w net.ipv6.conf." + ifname
                                + ".disable_ipv6=0", e);
                    }
                }
                case Errno.EINVAL -> {
                    if (prefix.isIpv6()) {
                        int mtu = link(ifname).mtu();
                        if (mtu < 1280) {
                            throw new JtunException(ExitCode.USAGE, action + " failed: IPv6 needs an MTU of at"
                                    + " least 1280 and " + ifname + " has " + mtu + ": raise the MTU first", e);
                        }
                    }
                }
                default -> {
                }
            }
            throw failed(action, ifname, e);
        }
    }

    /**
     * Removes {@code prefix} from the interface. Removing an address that is not there succeeds;
     * the same address with another prefix length is an error (it would stay).
     */
    @Override
    public void removeAddress(String ifname, IpPrefix prefix) {
        Objects.requireNonNull(prefix, "prefix");
        int index = linkIndex(ifname);
        try (Arena arena = Arena.ofConfined()) {
            socket.execute(addressRequest(arena, RTM_DELADDR, 0, index, prefix));
        } catch (NetlinkError e) {
            if (e.errno() == Errno.EADDRNOTAVAIL) {
                Optional<IpPrefix> other = addresses(ifname).stream().filter(prefix::sameAddress).findFirst();
                if (other.isEmpty()) {
                    return;
                }
                throw new JtunException(ExitCode.USAGE, "cannot remove address " + prefix + " from " + ifname + ": "
                        + ifname + " has it as " + other.get() + "; remove " + other.get() + " instead", e);
            }
            throw failed("removing address " + prefix + " from " + ifname, ifname, e);
        }
    }

    /** The IPv4 and IPv6 addresses on the interface, including link-local ones. */
    @Override
    public List<IpPrefix> addresses(String ifname) {
        int index = linkIndex(ifname);
        List<NetlinkMessage> replies;
        try (Arena arena = Arena.ofConfined()) {
            replies = socket.dump(dumpRequest(arena, RTM_GETADDR).ifaddrmsg(AF_UNSPEC, 0, 0, 0, 0));
        } catch (NetlinkError e) {
            throw failed("listing the addresses of " + ifname, ifname, e);
        }
        List<IpPrefix> addresses = new ArrayList<>();
        for (NetlinkMessage reply : replies) {
            parseAddress(reply, index).ifPresent(addresses::add);
        }
        return addresses;
    }

    /**
     * Routes {@code destination} (host bits ignored) to the interface: main table, scope link,
     * protocol static. A route to the same destination via this interface already being there
     * (e.g. the subnet route of an address) counts as success.
     */
    public void addRoute(String ifname, IpPrefix destination) {
        addRoute(ifname, destination, RT_TABLE_MAIN);
    }

    /**
     * Routes {@code destination} (host bits ignored) to the interface in routing table {@code table}
     * (1-4294967295 as unsigned 32 bits; 254 is main): scope link, protocol static. A route to the
     * same destination via this interface already being in that table counts as success.
     */
    @Override
    public void addRoute(String ifname, IpPrefix destination, int table) {
        IpPrefix network = Objects.requireNonNull(destination, "destination").network();
        checkTable(table);
        int index = linkIndex(ifname);
        try (Arena arena = Arena.ofConfined()) {
            socket.execute(routeRequest(arena, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, network, index,
                    RTPROT_STATIC, RT_SCOPE_LINK, RTN_UNICAST, table));
        } catch (NetlinkError e) {
            String inTable = table == RT_TABLE_MAIN ? "" : " table " + RouteRule.tableName(table);
            String action = "adding a route to " + network + " via " + ifname + inTable;
            switch (e.errno()) {
                case Errno.EEXIST -> {
                    List<TableRoute> same = tableRoutes(table).stream()
                            .filter(r -> r.destination().equals(network)).toList();
                    if (same.stream().anyMatch(r -> r.oif() == index && r.type() == RTN_UNICAST)) {
                        return;
                    }
                    String via = same.stream().filter(r -> r.oif() != 0).findFirst()
                            .map(r -> " via " + linkName(r.oif())).orElse("");
                    throw new JtunException(ExitCode.BUSY, "a route to " + network + " already exists"
                            + (inTable.isEmpty() ? "" : " in" + inTable) + via + ": remove it first (ip route del "
                            + network + inTable + ") or choose another destination", e);
                }
                case Errno.ENETDOWN -> throw new JtunException(ExitCode.FAILURE, action + " failed: " + ifname
                        + " is down: bring it up first", e);
                default -> throw failed(action, ifname, e);
            }
        }
    }

    /** Removes the main-table route to {@code destination} via the interface; absent is success. */
    public void removeRoute(String ifname, IpPrefix destination) {
        removeRoute(ifname, destination, RT_TABLE_MAIN);
    }

    /** Removes the route to {@code destination} via the interface from {@code table}; absent is success. */
    @Override
    public void removeRoute(String ifname, IpPrefix destination, int table) {
        IpPrefix network = Objects.requireNonNull(destination, "destination").network();
        checkTable(table);
        int index = linkIndex(ifname);
        try (Arena arena = Arena.ofConfined()) {
            socket.execute(routeRequest(arena, RTM_DELROUTE, 0, network, index, RTPROT_UNSPEC, RT_SCOPE_NOWHERE,
                    RTN_UNSPEC, table));
        } catch (NetlinkError e) {
            if (e.errno() == ESRCH) {
                return;
            }
            String inTable = table == RT_TABLE_MAIN ? "" : " from table " + RouteRule.tableName(table);
            throw failed("removing the route to " + network + " via " + ifname + inTable, ifname, e);
        }
    }

    /** Destinations of the main-table unicast routes via the interface, IPv4 and IPv6. */
    public List<IpPrefix> routes(String ifname) {
        return routes(ifname, RT_TABLE_MAIN);
    }

    /** Destinations of the unicast routes via the interface in {@code table}, IPv4 and IPv6. */
    @Override
    public List<IpPrefix> routes(String ifname, int table) {
        int index = linkIndex(ifname);
        return tableRoutes(table).stream().filter(r -> r.oif() == index && r.type() == RTN_UNICAST)
                .map(TableRoute::destination).toList();
    }

    /**
     * True when {@code table} holds any IPv4 or IPv6 route (any interface, any type), as
     * {@code ip -4 route show table T} and {@code ip -6 route show table T} would print one.
     */
    @Override
    public boolean tableInUse(int table) {
        return !tableRoutes(table).isEmpty();
    }

    /**
     * The route the kernel picks for packets to {@code destination} now, with the rules in force
     * (RTM_GETROUTE with RTA_DST, as {@code ip route get}).
     *
     * @throws JtunException {@link ExitCode#NOT_FOUND} when there is no route to it
     */
    @Override
    public RouteInfo routeTo(InetAddress destination) {
        byte[] address = Objects.requireNonNull(destination, "destination").getAddress();
        int family = destination instanceof Inet6Address ? Libc.AF_INET6 : Libc.AF_INET;
        String shown = new IpPrefix(address, address.length * 8).addressText();
        List<NetlinkMessage> replies;
        try (Arena arena = Arena.ofConfined()) {
            replies = socket.execute(routeLookupRequest(arena, address));
        } catch (NetlinkError e) {
            switch (e.errno()) {
                case Errno.ENETUNREACH, Errno.EHOSTUNREACH, Errno.EACCES ->
                        throw new JtunException(ExitCode.NOT_FOUND, "no route to " + shown + kernelSays(e), e);
                default -> throw new JtunException(e.exitCode(), "looking up the route to " + shown + " failed: "
                        + e.describe(), e);
            }
        }
        TableRoute route = replies.stream().map(Rtnetlink::parseTableRoute).flatMap(Optional::stream)
                .filter(r -> r.family() == family).findFirst()
                .orElseThrow(() -> NetlinkMessage.malformed("RTM_GETROUTE for " + shown
                        + " answered without a route"));
        return routeInfo(route);
    }

    /**
     * The first default route of {@code family} ({@link Libc#AF_INET} or {@link Libc#AF_INET6}) in
     * the main table, as {@code ip route show default} lists it first; empty when there is none.
     */
    @Override
    public Optional<RouteInfo> defaultRoute(int family) {
        return dumpRoutes(family).stream()
                .filter(r -> r.family() == family && r.table() == RT_TABLE_MAIN && r.type() == RTN_UNICAST
                        && r.destination().prefixLength() == 0 && r.oif() != 0)
                .findFirst().map(this::routeInfo);
    }

    // ---- rules -------------------------------------------------------------------------------

    /**
     * Adds the policy routing rule, unless a rule that {@code rule} {@link RouteRule#matches matches}
     * is there already. Without a priority the kernel gives it the priority one below that of the
     * second rule in the list (so, usually, in front of the rules added before), as with
     * {@code ip rule add}.
     *
     * @return the rule as installed (with its priority): the new one, or the one that was there
     */
    @Override
    public RouteRule addRule(RouteRule rule) {
        Objects.requireNonNull(rule, "rule");
        Optional<RouteRule> present = rules(rule.family()).stream().filter(rule::matches).findFirst();
        if (present.isPresent()) {
            return present.get();
        }
        try (Arena arena = Arena.ofConfined()) {
            socket.execute(ruleRequest(arena, RTM_NEWRULE, NLM_F_CREATE | NLM_F_EXCL, rule));
        } catch (NetlinkError e) {
            if (e.errno() != Errno.EEXIST) {
                throw ruleFailed("adding rule " + rule, rule, e);
            }
            // Added meanwhile by someone else: fine if it is the same rule.
        }
        return rules(rule.family()).stream().filter(rule::matches).findFirst()
                .orElseThrow(() -> new JtunException(ExitCode.BUSY, "adding rule " + rule + " failed: the kernel"
                        + " reports a conflicting rule; compare with ip " + (rule.isIpv6() ? "-6" : "-4") + " rule"));
    }

    /**
     * Removes every rule that {@code rule} {@link RouteRule#matches matches} (at any priority when it
     * has none); no such rule is success.
     */
    @Override
    public void removeRule(RouteRule rule) {
        Objects.requireNonNull(rule, "rule");
        for (RouteRule installed : rules(rule.family()).stream().filter(rule::matches).toList()) {
            try (Arena arena = Arena.ofConfined()) {
                socket.execute(ruleRequest(arena, RTM_DELRULE, 0, installed));
            } catch (NetlinkError e) {
                if (e.errno() != Errno.ENOENT) {
                    throw ruleFailed("removing rule " + installed, installed, e);
                }
            }
        }
    }

    /**
     * The rules of {@code family} ({@link Libc#AF_INET} or {@link Libc#AF_INET6}) in priority order,
     * as far as a {@link RouteRule} describes them exactly: rules with other actions (goto,
     * blackhole, ...) or other selectors (from, to, iif, oif, tos, uidrange, ports, ...) are left out,
     * so that such a rule is never taken for one of ours.
     */
    @Override
    public List<RouteRule> rules(int family) {
        if (family != Libc.AF_INET && family != Libc.AF_INET6) {
            throw new IllegalArgumentException("family " + family + " has no routing rules: use AF_INET or AF_INET6");
        }
        List<NetlinkMessage> replies;
        try (Arena arena = Arena.ofConfined()) {
            replies = socket.dump(dumpRequest(arena, RTM_GETRULE).fibRuleHdr(family, 0, 0, 0));
        } catch (NetlinkError e) {
            if (e.errno() == Errno.EAFNOSUPPORT) {
                return List.of(); // no IPv6 policy routing in this kernel: no rules either
            }
            throw new JtunException(e.exitCode(), "listing the routing rules failed: " + e.describe(), e);
        }
        List<RouteRule> rules = new ArrayList<>();
        for (NetlinkMessage reply : replies) {
            parseRule(reply).filter(r -> r.family() == family).ifPresent(rules::add);
        }
        return rules;
    }

    @Override
    public void close() {
        socket.close();
    }

    // ---- requests ----------------------------------------------------------------------------

    private static NetlinkMessageBuilder change(Arena arena, int type, int flags) {
        return new NetlinkMessageBuilder(arena, type, NLM_F_REQUEST | NLM_F_ACK | flags);
    }

    private static NetlinkMessageBuilder dumpRequest(Arena arena, int type) {
        return new NetlinkMessageBuilder(arena, type, NLM_F_REQUEST | NLM_F_DUMP);
    }

    /** RTM_NEWADDR / RTM_DELADDR for {@code prefix} on interface {@code index}. */
    static NetlinkMessageBuilder addressRequest(Arena arena, int type, int flags, int index, IpPrefix prefix) {
        byte[] address = prefix.address();
        if (prefix.isIpv6()) {
            // IFA_F_NODAD fits the u8 ifa_flags; IFA_FLAGS carries it too for kernels that read only that.
            return change(arena, type, flags)
                    .ifaddrmsg(Libc.AF_INET6, prefix.prefixLength(), IFA_F_NODAD, RT_SCOPE_UNIVERSE, index)
                    .attribute(IFA_ADDRESS, address)
                    .attributeU32(IFA_FLAGS, IFA_F_NODAD);
        }
        int scope = (address[0] & 0xff) == 127 ? RT_SCOPE_HOST : RT_SCOPE_UNIVERSE;
        // IPv4 wants both: IFA_LOCAL is the interface's address, IFA_ADDRESS the (same) peer.
        return change(arena, type, flags)
                .ifaddrmsg(Libc.AF_INET, prefix.prefixLength(), 0, scope, index)
                .attribute(IFA_LOCAL, address)
                .attribute(IFA_ADDRESS, address);
    }

    /** RTM_NEWROUTE / RTM_DELROUTE in the main table for {@code destination} out of {@code index}. */
    static NetlinkMessageBuilder routeRequest(Arena arena, int type, int flags, IpPrefix destination, int index,
            int protocol, int scope, int routeType) {
        return routeRequest(arena, type, flags, destination, index, protocol, scope, routeType, RT_TABLE_MAIN);
    }

    /**
     * RTM_NEWROUTE / RTM_DELROUTE in {@code table} for {@code destination} out of {@code index}. As
     * iproute2 does, a table id that fits rtm_table's byte goes there, a larger one in RTA_TABLE
     * with rtm_table RT_TABLE_UNSPEC.
     */
    static NetlinkMessageBuilder routeRequest(Arena arena, int type, int flags, IpPrefix destination, int index,
            int protocol, int scope, int routeType, int table) {
        boolean small = Integer.compareUnsigned(table, 256) < 0;
        NetlinkMessageBuilder request = change(arena, type, flags)
                .rtmsg(destination.isIpv6() ? Libc.AF_INET6 : Libc.AF_INET, destination.prefixLength(),
                        small ? table : RT_TABLE_UNSPEC, protocol, scope, routeType);
        if (destination.prefixLength() > 0) {
            request.attribute(RTA_DST, destination.address());
        }
        request.attributeU32(RTA_OIF, index);
        if (!small) {
            request.attributeU32(RTA_TABLE, table);
        }
        return request;
    }

    /** RTM_GETROUTE for one address ({@code ip route get ADDRESS}): the kernel answers with the route it picks. */
    static NetlinkMessageBuilder routeLookupRequest(Arena arena, byte[] address) {
        return change(arena, RTM_GETROUTE, 0)
                .rtmsg(address.length == 16 ? Libc.AF_INET6 : Libc.AF_INET, address.length * 8, RT_TABLE_UNSPEC,
                        RTPROT_UNSPEC, RT_SCOPE_UNIVERSE, RTN_UNSPEC)
                .attribute(RTA_DST, address);
    }

    /**
     * RTM_NEWRULE / RTM_DELRULE for {@code rule}: action FR_ACT_TO_TBL, FIB_RULE_INVERT for "not",
     * the table in the header when it fits a byte, else in FRA_TABLE (as iproute2 does).
     */
    static NetlinkMessageBuilder ruleRequest(Arena arena, int type, int flags, RouteRule rule) {
        int table = rule.table();
        boolean small = Integer.compareUnsigned(table, 256) < 0;
        NetlinkMessageBuilder request = change(arena, type, flags)
                .fibRuleHdr(rule.family(), small ? table : RT_TABLE_UNSPEC, FR_ACT_TO_TBL,
                        rule.invert() ? FIB_RULE_INVERT : 0);
        rule.priority().ifPresent(priority -> request.attributeU32(FRA_PRIORITY, priority));
        if (rule.fwmark() != 0 || rule.fwmask() != 0) {
            request.attributeU32(FRA_FWMARK, rule.fwmark());
            request.attributeU32(FRA_FWMASK, rule.fwmask());
        }
        if (!small) {
            request.attributeU32(FRA_TABLE, table);
        }
        rule.suppressPrefixLength().ifPresent(length -> request.attributeU32(FRA_SUPPRESS_PREFIXLEN, length));
        return request;
    }

    // ---- replies -----------------------------------------------------------------------------

    private NetlinkMessage linkMessage(String ifname) {
        checkName(ifname);
        try (Arena arena = Arena.ofConfined()) {
            return socket.execute(change(arena, RTM_GETLINK, 0)
                            .ifinfomsg(AF_UNSPEC, 0, 0, 0)
                            .attributeString(IFLA_IFNAME, ifname))
                    .stream().filter(m -> m.type() == RTM_NEWLINK).findFirst()
                    .orElseThrow(() -> NetlinkMessage.malformed("RTM_GETLINK for " + ifname + " answered without"
                            + " RTM_NEWLINK"));
        } catch (NetlinkError e) {
            if (e.errno() == Errno.ENODEV) {
                throw new JtunException(ExitCode.NOT_FOUND, "no network interface named " + ifname
                        + ": check the name (ip link lists the interfaces)", e);
            }
            throw failed("reading interface " + ifname, ifname, e);
        }
    }

    /** For messages: the name of interface {@code index}, or "interface #N" if it has gone. */
    private String linkName(int index) {
        try (Arena arena = Arena.ofConfined()) {
            return socket.execute(change(arena, RTM_GETLINK, 0).ifinfomsg(AF_UNSPEC, index, 0, 0)).stream()
                    .filter(m -> m.type() == RTM_NEWLINK).findFirst()
                    .flatMap(m -> m.attributes(IFINFOMSG_SIZE).string(IFLA_IFNAME))
                    .orElse("interface #" + index);
        } catch (NetlinkError e) {
            return "interface #" + index;
        }
    }

    static LinkInfo parseLink(NetlinkMessage message) {
        int index = message.s32(4);
        int flags = message.s32(8);
        NetlinkAttributes attributes = message.attributes(IFINFOMSG_SIZE);
        return new LinkInfo(index,
                attributes.string(IFLA_IFNAME).orElse(""),
                attributes.u32(IFLA_MTU).orElse(0),
                (flags & IFF_UP) != 0,
                (flags & IFF_RUNNING) != 0,
                parseStats(attributes));
    }

    /** struct rtnl_link_stats64 (u64 fields), or the older rtnl_link_stats (u32) if that is all there is. */
    private static LinkStats parseStats(NetlinkAttributes attributes) {
        Optional<MemorySegment> stats64 = attributes.get(IFLA_STATS64).filter(s -> s.byteSize() >= 8 * 8);
        if (stats64.isPresent()) {
            long[] v = new long[8];
            for (int i = 0; i < v.length; i++) {
                v[i] = stats64.get().get(JAVA_LONG_UNALIGNED, 8L * i);
            }
            return new LinkStats(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]);
        }
        Optional<MemorySegment> stats32 = attributes.get(IFLA_STATS).filter(s -> s.byteSize() >= 8 * 4);
        if (stats32.isPresent()) {
            long[] v = new long[8];
            for (int i = 0; i < v.length; i++) {
                v[i] = Integer.toUnsignedLong(stats32.get().get(JAVA_INT_UNALIGNED, 4L * i));
            }
            return new LinkStats(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]);
        }
        return LinkStats.ZERO;
    }

    /** The address an RTM_NEWADDR of a dump carries, if it belongs to interface {@code index}. */
    static Optional<IpPrefix> parseAddress(NetlinkMessage message, int index) {
        if (message.type() != RTM_NEWADDR || message.s32(4) != index) {
            return Optional.empty();
        }
        int prefixLength = message.u8(1);
        // IFA_LOCAL is our side; IFA_ADDRESS is the peer on point-to-point links, else the same.
        NetlinkAttributes attributes = message.attributes(IFADDRMSG_SIZE);
        return attributes.bytes(IFA_LOCAL).or(() -> attributes.bytes(IFA_ADDRESS))
                .filter(a -> (a.length == 4 || a.length == 16) && prefixLength <= a.length * 8)
                .map(a -> new IpPrefix(a, prefixLength));
    }

    /** A route of the main table, reduced to what jtun compares. */
    record Route(IpPrefix destination, int oif) {
    }

    /**
     * An IPv4 or IPv6 route of any table and type, reduced to what jtun reads.
     *
     * @param oif the output interface, or for a multipath route its first path's; 0 when none
     * @param mtu RTAX_MTU of RTA_METRICS; 0 when the route has none
     */
    record TableRoute(int family, IpPrefix destination, int table, int type, int oif, int mtu) {
    }

    /** Every IPv4 and IPv6 route of {@code table}. */
    private List<TableRoute> tableRoutes(int table) {
        return dumpRoutes(AF_UNSPEC).stream().filter(r -> r.table() == table).toList();
    }

    /** Every route of {@code family} (AF_UNSPEC: IPv4 and IPv6) in every table. */
    private List<TableRoute> dumpRoutes(int family) {
        List<NetlinkMessage> replies;
        try (Arena arena = Arena.ofConfined()) {
            replies = socket.dump(dumpRequest(arena, RTM_GETROUTE).rtmsg(family, 0, 0, 0, 0, 0));
        } catch (NetlinkError e) {
            throw new JtunException(e.exitCode(), "listing the routes failed: " + e.describe(), e);
        }
        List<TableRoute> routes = new ArrayList<>();
        for (NetlinkMessage reply : replies) {
            parseTableRoute(reply).ifPresent(routes::add);
        }
        return routes;
    }

    private RouteInfo routeInfo(TableRoute route) {
        String name = "";
        if (route.oif() != 0) {
            try {
                name = link(route.oif()).name();
            } catch (JtunException e) {
                // The interface went away between the two requests; the index still says which it was.
            }
        }
        return new RouteInfo(route.destination(), route.table(), route.oif(), name,
                route.mtu() > 0 ? OptionalInt.of(route.mtu()) : OptionalInt.empty());
    }

    /** A unicast IPv4/IPv6 route of the main table, or empty for anything else in a route dump. */
    static Optional<Route> parseRoute(NetlinkMessage message) {
        return parseTableRoute(message)
                .filter(r -> r.type() == RTN_UNICAST && r.table() == RT_TABLE_MAIN)
                .map(r -> new Route(r.destination(), r.oif()));
    }

    /** An IPv4/IPv6 route of any table and type, or empty for anything else (other families, other messages). */
    static Optional<TableRoute> parseTableRoute(NetlinkMessage message) {
        if (message.type() != RTM_NEWROUTE) {
            return Optional.empty();
        }
        int family = message.u8(0);
        int addressLength = family == Libc.AF_INET ? 4 : family == Libc.AF_INET6 ? 16 : 0;
        int destinationLength = message.u8(1);
        if (addressLength == 0 || destinationLength > addressLength * 8) {
            return Optional.empty();
        }
        NetlinkAttributes attributes = message.attributes(RTMSG_SIZE);
        int table = attributes.u32(RTA_TABLE).orElse(message.u8(4));
        byte[] destination = attributes.bytes(RTA_DST).filter(d -> d.length == addressLength)
                .orElse(new byte[addressLength]);
        int oif = attributes.u32(RTA_OIF).or(() -> attributes.get(RTA_MULTIPATH).flatMap(Rtnetlink::firstNexthop))
                .orElse(0);
        int mtu = attributes.get(RTA_METRICS).flatMap(m -> NetlinkAttributes.parse(m).u32(RTAX_MTU)).orElse(0);
        return Optional.of(new TableRoute(family, new IpPrefix(destination, destinationLength), table,
                message.u8(7), oif, mtu));
    }

    /** The interface of the first struct rtnexthop in an RTA_MULTIPATH. */
    private static Optional<Integer> firstNexthop(MemorySegment multipath) {
        if (multipath.byteSize() < RTNEXTHOP_SIZE
                || Short.toUnsignedInt(multipath.get(JAVA_SHORT_UNALIGNED, 0)) < RTNEXTHOP_SIZE) {
            return Optional.empty();
        }
        return Optional.of(multipath.get(JAVA_INT_UNALIGNED, 4));
    }

    /** The FRA_* attributes a {@link RouteRule} accounts for; a rule with any other is not one of its kind. */
    private static final Set<Integer> RULE_ATTRIBUTES = Set.of(FRA_PRIORITY, FRA_FWMARK, FRA_FWMASK, FRA_TABLE,
            FRA_SUPPRESS_PREFIXLEN, FRA_PROTOCOL, FRA_PAD);

    /**
     * The rule an RTM_NEWRULE of a dump describes, if a {@link RouteRule} can describe it exactly:
     * action "to table", no address, tos or interface selectors, only the attributes in
     * {@link #RULE_ATTRIBUTES}.
     */
    static Optional<RouteRule> parseRule(NetlinkMessage message) {
        if (message.type() != RTM_NEWRULE) {
            return Optional.empty();
        }
        int family = message.u8(0);
        boolean selectsMore = message.u8(1) != 0 || message.u8(2) != 0 || message.u8(3) != 0;
        if ((family != Libc.AF_INET && family != Libc.AF_INET6) || selectsMore || message.u8(7) != FR_ACT_TO_TBL) {
            return Optional.empty();
        }
        int flags = message.s32(8);
        NetlinkAttributes attributes = message.attributes(FIB_RULE_HDR_SIZE);
        if (!RULE_ATTRIBUTES.containsAll(attributes.types())) {
            return Optional.empty();
        }
        int table = attributes.u32(FRA_TABLE).orElse(message.u8(4));
        int fwmark = attributes.u32(FRA_FWMARK).orElse(0);
        int fwmask = attributes.u32(FRA_FWMASK).orElse(0);
        // The kernel reports "no suppress_prefixlength" as -1, or (older kernels) not at all.
        OptionalInt suppress = attributes.u32(FRA_SUPPRESS_PREFIXLEN).filter(length -> length != -1)
                .map(OptionalInt::of).orElse(OptionalInt.empty());
        if (table == 0 || (fwmark != 0 && fwmask == 0)) {
            return Optional.empty();
        }
        try {
            // The kernel leaves FRA_PRIORITY out for priority 0 (the local rule).
            return Optional.of(new RouteRule(family, OptionalInt.of(attributes.u32(FRA_PRIORITY).orElse(0)), table,
                    fwmark, fwmask, (flags & FIB_RULE_INVERT) != 0, suppress));
        } catch (IllegalArgumentException e) {
            return Optional.empty(); // e.g. a suppress_prefixlength longer than the family's addresses
        }
    }

    // ---- errors ------------------------------------------------------------------------------

    /**
     * Rejects names the kernel would refuse (dev_valid_name), so the user hears why instead of a
     * bare EINVAL.
     */
    private static void checkName(String ifname) {
        Objects.requireNonNull(ifname, "ifname");
        int bytes = ifname.getBytes(StandardCharsets.UTF_8).length;
        boolean valid = bytes > 0 && bytes <= MAX_NAME_BYTES && !ifname.equals(".") && !ifname.equals("..")
                && ifname.chars().noneMatch(c -> c == '/' || c == ':' || c == 0 || Character.isWhitespace(c));
        if (!valid) {
            throw new JtunException(ExitCode.USAGE, "'" + ifname + "' is not a valid interface name: use 1-"
                    + MAX_NAME_BYTES + " characters without '/', ':' or spaces");
        }
    }

    /** Table 0 (RT_TABLE_UNSPEC) is no table: the kernel would quietly use main. */
    private static void checkTable(int table) {
        if (table == RT_TABLE_UNSPEC) {
            throw new IllegalArgumentException("table 0 is not a routing table");
        }
    }

    /** The errors adding or removing a rule can meet. */
    private static JtunException ruleFailed(String action, RouteRule rule, NetlinkError e) {
        return switch (e.errno()) {
            case Errno.EPERM, Errno.EACCES -> new JtunException(ExitCode.NO_PERMISSION,
                    "changing the routing rules" + NEEDS_CAP_NET_ADMIN + Privileges.hint(), e);
            case Errno.EAFNOSUPPORT -> new JtunException(ExitCode.FAILURE, action + " failed: this kernel has no "
                    + (rule.isIpv6() ? "IPv6" : "IPv4") + " policy routing (CONFIG_"
                    + (rule.isIpv6() ? "IPV6" : "IP") + "_MULTIPLE_TABLES)" + kernelSays(e), e);
            default -> new JtunException(e.exitCode(), action + " failed: " + e.describe(), e);
        };
    }

    private static String kernelSays(NetlinkError e) {
        return e.kernelMessage().map(m -> " (kernel: " + m + ")").orElse("");
    }

    /** The errors every change can meet; specific ones are handled by the callers first. */
    private static JtunException failed(String action, String ifname, NetlinkError e) {
        return switch (e.errno()) {
            case Errno.EPERM, Errno.EACCES -> new JtunException(ExitCode.NO_PERMISSION,
                    "changing " + ifname + NEEDS_CAP_NET_ADMIN + Privileges.hint(), e);
            case Errno.ENODEV -> new JtunException(ExitCode.NOT_FOUND, action + " failed: network interface "
                    + ifname + " has gone (deleted, or the program that owned it exited); create it again", e);
            default -> new JtunException(e.exitCode(), action + " failed: " + e.describe(), e);
        };
    }
}
