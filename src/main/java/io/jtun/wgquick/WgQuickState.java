package io.jtun.wgquick;

import io.jtun.net.IpPrefix;
import io.jtun.netlink.RouteRule;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * What {@link WgQuick#up} changed, so that {@link WgQuick#down} undoes exactly that, whatever the
 * configuration says by then. Only what up added is listed: an address, route or rule that was
 * there before is left alone.
 *
 * @param interfaceName the interface it configured
 * @param addresses the addresses it added, in order
 * @param routes the routes it added (main table or another), in order
 * @param rules the policy routing rules it added, as installed (with their priorities), in order
 * @param table the table of the default-route setup; empty when there was none
 * @param fwmark the firewall mark the tunnel's own packets must carry so that the rules let them
 *     out: the configured FwMark, or the chosen table's number; empty when there was no
 *     default-route setup
 * @param dns true when it registered DNS servers with resolvconf
 * @param mtu the MTU it set
 */
public record WgQuickState(String interfaceName, List<IpPrefix> addresses, List<Route> routes, List<RouteRule> rules,
        OptionalInt table, OptionalInt fwmark, boolean dns, int mtu) {

    /** A route via the interface. */
    public record Route(IpPrefix destination, int table) {
        public Route {
            Objects.requireNonNull(destination, "destination");
        }

        @Override
        public String toString() {
            return destination + " table " + Integer.toUnsignedString(table);
        }
    }

    public WgQuickState {
        Objects.requireNonNull(interfaceName, "interfaceName");
        addresses = List.copyOf(addresses);
        routes = List.copyOf(routes);
        rules = List.copyOf(rules);
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(fwmark, "fwmark");
    }
}
