/**
 * A small rtnetlink client: reads and changes network interfaces, addresses and routes by
 * talking NETLINK_ROUTE to the kernel directly, so jtun never runs {@code ip}.
 *
 * <p>{@link io.jtun.netlink.Rtnetlink} is the entry point; {@link io.jtun.net.IpPrefix},
 * {@link io.jtun.netlink.LinkInfo} and {@link io.jtun.netlink.LinkStats} are its values. The
 * package-private classes build requests (NetlinkMessageBuilder), split replies into messages
 * and attributes (NetlinkMessage, NetlinkAttributes, NetlinkAck) and pair replies with requests
 * (NetlinkReply, NetlinkSocket).
 */
package io.jtun.netlink;
