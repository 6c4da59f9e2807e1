package io.jtun.netlink;

/**
 * The state of one network interface.
 *
 * @param up administratively up (IFF_UP: someone set it up)
 * @param running operationally up (IFF_RUNNING: carrier, e.g. a tun device with a process attached)
 */
public record LinkInfo(int index, String name, int mtu, boolean up, boolean running, LinkStats stats) {
}
