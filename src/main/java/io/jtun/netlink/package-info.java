/**
 * A small rtnetlink client: reads and changes network interfaces, addresses, routes (in any
 * table) and policy routing rules by talking NETLINK_ROUTE to the kernel directly, so jtun never
 * runs {@code ip}.
 *
 * <p>{@link io.jtun.netlink.Rtnetlink} is the entry point and implements
 * {@link io.jtun.netlink.NetworkControl}, the operations tunnel setup needs, for code that wants
 * to be tested without a kernel. {@link io.jtun.net.IpPrefix}, {@link io.jtun.netlink.LinkInfo},
 * {@link io.jtun.netlink.LinkStats}, {@link io.jtun.netlink.RouteRule} and
 * {@link io.jtun.netlink.RouteInfo} are its values. The package-private classes build requests
 * (NetlinkMessageBuilder), split replies into messages and attributes (NetlinkMessage,
 * NetlinkAttributes, NetlinkAck) and pair replies with requests (NetlinkReply, NetlinkSocket).
 */
package io.jtun.netlink;
