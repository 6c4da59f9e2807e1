package io.jtun.netlink;

import io.jtun.net.IpPrefix;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * Where the kernel sends packets for a destination: one route, as {@code ip route get} or
 * {@code ip route show default} reports it.
 *
 * @param destination the route's destination (for a lookup, the address looked up as a /32 or /128)
 * @param table the table the route is in, unsigned (254 is main)
 * @param interfaceIndex the output interface's index; for a multipath route, its first path's
 * @param interfaceName the output interface's name; empty if the interface went away meanwhile
 * @param mtu the route's own MTU (RTAX_MTU: {@code ip route add ... mtu N}, or a path MTU the kernel
 *     learnt); empty when the route has none and the interface's MTU applies
 */
public record RouteInfo(IpPrefix destination, int table, int interfaceIndex, String interfaceName, OptionalInt mtu) {

    public RouteInfo {
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(interfaceName, "interfaceName");
        Objects.requireNonNull(mtu, "mtu");
    }
}
