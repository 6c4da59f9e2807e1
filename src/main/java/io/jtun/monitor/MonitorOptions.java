package io.jtun.monitor;

import io.jtun.net.IpPrefix;
import io.jtun.tun.TunOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;

/**
 * What {@code jtun monitor} was asked to do.
 *
 * @param device    the device to create or attach to
 * @param addresses addresses to put on the device (it is brought up in any case)
 * @param mtu       the MTU to set, if any
 * @param pcap      the capture file to write, or null
 * @param respond   answer echo requests (and, on TAP, ARP and neighbour solicitations)
 * @param persist   leave the device in place when the monitor exits
 * @param owner     uid allowed to attach to the persistent device
 * @param group     gid allowed to attach to the persistent device
 */
public record MonitorOptions(TunOptions device, List<IpPrefix> addresses, OptionalInt mtu, Path pcap,
        boolean respond, boolean persist, OptionalInt owner, OptionalInt group) {
    public MonitorOptions {
        addresses = List.copyOf(addresses);
    }
}
