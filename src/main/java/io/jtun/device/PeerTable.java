package io.jtun.device;

import io.jtun.conn.PacketBatch;
import io.jtun.conn.SocketEndpoint;
import io.jtun.net.IpPrefix;
import java.util.List;

/**
 * The interface's peers: outbound, which peer a destination address belongs to (longest prefix
 * match over AllowedIPs); inbound, which peer a datagram came from (its endpoint) and whether
 * the inner source address is one that peer may use.
 */
final class PeerTable {
    private final Peer[] peers;
    private final AllowedIps<Peer> routes = new AllowedIps<>();
    /** The one peer without a configured endpoint, if any: it takes whatever source writes to us. */
    private final Peer learner;

    PeerTable(List<Peer> peers) {
        this.peers = peers.toArray(Peer[]::new);
        Peer found = null;
        for (Peer peer : peers) {
            for (IpPrefix range : peer.allowedIps()) {
                routes.insert(range, peer);
            }
            if (peer.learnsEndpoint()) {
                found = peer;
            }
        }
        this.learner = found;
    }

    List<Peer> peers() {
        return List.of(peers);
    }

    AllowedIps<Peer> routes() {
        return routes;
    }

    /** The only peer, for point-to-point (TAP) tunnels. */
    Peer single() {
        return peers.length == 1 ? peers[0] : null;
    }

    /**
     * The peer that sent the datagram in {@code slot}, or null if none did. A learning peer
     * adopts a new source address as its endpoint: the only allocation on the inbound path,
     * and only when the address actually changes.
     */
    Peer sender(PacketBatch batch, int slot) {
        for (Peer peer : peers) {
            SocketEndpoint endpoint = peer.endpoint();
            if (endpoint != null && batch.addressEquals(slot, endpoint)) {
                return peer;
            }
        }
        if (learner != null) {
            learner.updateEndpoint(SocketEndpoint.fromSockaddr(batch.address(slot), batch.addressLength(slot)));
            return learner;
        }
        return null;
    }
}
