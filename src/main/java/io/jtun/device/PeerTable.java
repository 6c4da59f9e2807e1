package io.jtun.device;

import io.jtun.conn.PacketBatch;
import io.jtun.conn.SocketEndpoint;
import io.jtun.net.IpPrefix;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

/**
 * The interface's peers: outbound, which peer a destination address belongs to (longest prefix
 * match over AllowedIPs); inbound, which peer a datagram came from (its endpoint) and whether
 * the inner source address is one that peer may use.
 */
final class PeerTable {
    private static final int IP_VERSION_4 = 4;
    private static final int IP_VERSION_6 = 6;
    private static final int IPV4_MIN_HEADER = 20;
    private static final int IPV4_SOURCE = 12;
    private static final int IPV4_DESTINATION = 16;
    private static final int IPV6_HEADER = 40;
    private static final int IPV6_SOURCE = 8;
    private static final int IPV6_DESTINATION = 24;

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

    /** Whether {@code data[start..start+length)} holds at least an IPv4 or IPv6 header. */
    static boolean isIpPacket(MemorySegment data, long start, int length) {
        if (length < 1) {
            return false;
        }
        int version = ipVersion(data, start);
        return version == IP_VERSION_4 && length >= IPV4_MIN_HEADER || version == IP_VERSION_6 && length >= IPV6_HEADER;
    }

    /** The peer whose AllowedIPs hold the packet's destination; null if none, or not IP. */
    Peer byDestination(MemorySegment data, long start, int length) {
        return byAddress(data, start, length, IPV4_DESTINATION, IPV6_DESTINATION);
    }

    /** The peer whose AllowedIPs hold the packet's source; null if none, or not IP. */
    Peer bySource(MemorySegment data, long start, int length) {
        return byAddress(data, start, length, IPV4_SOURCE, IPV6_SOURCE);
    }

    private Peer byAddress(MemorySegment data, long start, int length, int ipv4Offset, int ipv6Offset) {
        if (!isIpPacket(data, start, length)) {
            return null;
        }
        return ipVersion(data, start) == IP_VERSION_4
                ? routes.lookupIpv4(data, start + ipv4Offset)
                : routes.lookupIpv6(data, start + ipv6Offset);
    }

    private static int ipVersion(MemorySegment data, long start) {
        return (data.get(ValueLayout.JAVA_BYTE, start) & 0xf0) >>> 4;
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
