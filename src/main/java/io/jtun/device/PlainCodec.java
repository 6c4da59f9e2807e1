package io.jtun.device;

import io.jtun.conn.PacketBatch;
import io.jtun.conn.SocketEndpoint;

/**
 * No encryption: the datagram is the inner packet itself (RFC 2003/4213 for IP-in-IP, where the
 * kernel adds the outer header), and a peer is known by its endpoint.
 */
final class PlainCodec implements PacketCodec {
    private final PeerTable peers;
    private final TrafficCounters interfaceCounters;

    PlainCodec(PeerTable peers, TrafficCounters interfaceCounters) {
        this.peers = peers;
        this.interfaceCounters = interfaceCounters;
    }

    @Override
    public int headroom() {
        return 0;
    }

    @Override
    public boolean seal(Peer peer, PacketBatch batch, int slot) {
        SocketEndpoint endpoint = peer.endpoint();
        if (endpoint == null) {
            peer.counters().dropped(DropReason.NO_ENDPOINT);
            return false;
        }
        batch.setAddress(slot, endpoint);
        peer.counters().sent(batch.length(slot));
        return true;
    }

    @Override
    public Peer open(PacketBatch batch, int slot) {
        Peer peer = peers.sender(batch, slot);
        if (peer == null) {
            interfaceCounters.dropped(DropReason.UNKNOWN_SOURCE);
        }
        return peer;
    }
}
