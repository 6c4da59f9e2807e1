package io.jtun.device;

import io.jtun.sys.WakePipe;
import io.jtun.tun.TunMode;

/**
 * What the inbound and outbound loops of one interface share.
 *
 * @param mode              TUN (route by IP address) or TAP (point-to-point frames)
 * @param underlay          the underlay transport (replaceable)
 * @param peers             the peers and their AllowedIPs
 * @param codec             plain or WireGuard
 * @param interfaceCounters drops that belong to no peer (no route, unknown source)
 * @param wake              polled by every loop so {@link Tunnel#stop()} ends them at once
 * @param lifecycle         running flag and failure reporting
 * @param batchSize         slots per batch
 * @param vnetHeader        the device has virtio-net headers: reads may be TSO super-packets
 * @param coalesce          merge TCP segments into super-packets for device writes (GRO; needs vnetHeader)
 */
record LoopContext(TunMode mode, Underlay underlay, PeerTable peers, PacketCodec codec,
        TrafficCounters interfaceCounters,
        WakePipe wake, Tunnel.Lifecycle lifecycle, int batchSize, boolean vnetHeader,
        boolean coalesce) {
}
