package io.jtun.wgquick;

import io.jtun.net.IpPrefix;
import io.jtun.netlink.NetworkControl;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The routes via one interface, per table, read from the kernel once and then kept up to date
 * as up adds its own: asking the kernel again for every one of 10,000 peers' prefixes would make
 * up quadratic. Routes are grouped by prefix length, so "does a route cover this prefix" is one
 * set lookup per length in use instead of a scan.
 */
public final class InterfaceRoutes {
    private final String ifname;
    private final NetworkControl netlink;
    /** table → prefix length → networks. */
    private final Map<Integer, TreeMap<Integer, Set<IpPrefix>>> tables = new HashMap<>();

    public InterfaceRoutes(String ifname, NetworkControl netlink) {
        this.ifname = ifname;
        this.netlink = netlink;
    }

    public boolean contains(int table, IpPrefix network) {
        Set<IpPrefix> sameLength = table(table).get(network.prefixLength());
        return sameLength != null && sameLength.contains(network);
    }

    /** Whether a route of this table covers {@code destination} (wg-quick's "ip route show dev IFACE match PREFIX"). */
    public boolean covers(int table, IpPrefix destination) {
        for (Map.Entry<Integer, Set<IpPrefix>> entry : table(table).headMap(destination.prefixLength(), true)
                .entrySet()) {
            if (entry.getValue().contains(new IpPrefix(destination.address(), entry.getKey()).network())) {
                return true;
            }
        }
        return false;
    }

    /** Records a route just added. */
    public void added(int table, IpPrefix network) {
        table(table).computeIfAbsent(network.prefixLength(), length -> new HashSet<>()).add(network);
    }

    private TreeMap<Integer, Set<IpPrefix>> table(int table) {
        return tables.computeIfAbsent(table, t -> {
            TreeMap<Integer, Set<IpPrefix>> byLength = new TreeMap<>();
            for (IpPrefix route : netlink.routes(ifname, t)) {
                IpPrefix network = route.network();
                byLength.computeIfAbsent(network.prefixLength(), length -> new HashSet<>()).add(network);
            }
            return byLength;
        });
    }
}
