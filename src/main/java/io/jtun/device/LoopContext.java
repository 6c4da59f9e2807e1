package io.jtun.device;

import io.jtun.conn.PacketBatch;
import io.jtun.conn.Transport;
import io.jtun.sys.Libc;
import io.jtun.sys.PollSet;
import io.jtun.sys.WakePipe;

/**
 * What the inbound and outbound loops of one interface share.
 *
 * @param underlay          the underlay transport (replaceable)
 * @param peers             the peers and their AllowedIPs
 * @param codec             plain or WireGuard
 * @param interfaceCounters drops that belong to no peer (no route, unknown source)
 * @param wake              polled by every loop so {@link Tunnel#stop()} ends them at once
 * @param lifecycle         running flag and failure reporting
 * @param batchSize         slots per batch
 * @param vnetHeader        the device has virtio-net headers: reads may be TSO super-packets
 * @param coalesce          merge TCP segments into super-packets for device writes (GRO; needs vnetHeader)
 * @param frameSwitch       TAP: the learning switch (frames go by MAC address); null for TUN
 *                          (packets go by AllowedIPs)
 * @param framed            TAP over WireGuard: each frame travels behind a frame header
 * @param compress          framed frames are LZ4-compressed where that pays
 */
record LoopContext(Underlay underlay, PeerTable peers, PacketCodec codec,
        TrafficCounters interfaceCounters,
        WakePipe wake, Tunnel.Lifecycle lifecycle, int batchSize, boolean vnetHeader,
        boolean coalesce, FrameSwitch frameSwitch, boolean framed, boolean compress) {

    /**
     * Sends the whole batch and empties it; a full socket buffer is waited out (in {@code
     * blocked}, which polls the wake pipe at index 1 and the socket at 2), not dropped.
     */
    void sendAll(PacketBatch batch, PollSet blocked) {
        Transport transport = underlay.get();
        int next = 0;
        while (next < batch.count()) {
            next += transport.send(batch, next);
            if (next < batch.count()) {
                blocked.set(2, transport.blockedFd(), Libc.POLLOUT);
                blocked.poll(-1);
                if (!lifecycle.running()) {
                    break;
                }
            }
        }
        batch.setCount(0);
    }

    /** A poll set for {@link #sendAll}: the wake pipe, and a slot for the blocked socket. */
    PollSet blockedPollSet(java.lang.foreign.Arena arena) {
        PollSet blocked = new PollSet(arena, 3);
        blocked.set(0, -1, (short) 0);
        blocked.set(1, wake.fd(), Libc.POLLIN);
        return blocked;
    }
}
