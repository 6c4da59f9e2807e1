/**
 * What {@code wg-quick up} and {@code wg-quick down} do around a WireGuard interface, done
 * through rtnetlink instead of {@code ip}: hooks, addresses, MTU, DNS through resolvconf, routes
 * for the peers' AllowedIPs and, for a default route, the policy routing that keeps the tunnel's
 * own packets out of the tunnel.
 *
 * <p>{@link io.jtun.wgquick.WgQuick} is the entry point. What it needs from the system is behind
 * small interfaces ({@link io.jtun.netlink.NetworkControl}, {@link io.jtun.wgquick.HookRunner},
 * {@link io.jtun.wgquick.ResolvConf}, {@link io.jtun.wgquick.Sysctl},
 * {@link io.jtun.wgquick.EndpointResolver}) so that tests can record what it does.
 */
package io.jtun.wgquick;
