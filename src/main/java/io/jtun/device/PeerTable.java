package io.jtun.device;

import io.jtun.conn.PacketBatch;
import io.jtun.conn.SocketEndpoint;
import io.jtun.net.IpPrefix;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The interface's peers: outbound, which peer a destination address belongs to (longest prefix
 * match over AllowedIPs); inbound, which peer a datagram came from (its endpoint) and whether
 * the inner source address is one that peer may use.
 *
 * <p>Peers can be added and removed while packets flow: the data path reads an array that is
 * replaced, never changed, and AllowedIPs are a trie with the same property.
 */
public final class PeerTable {
    private static final int IP_VERSION_4 = 4;
    private static final int IP_VERSION_6 = 6;
    private static final int IPV4_MIN_HEADER = 20;
    private static final int IPV4_SOURCE = 12;
    private static final int IPV4_DESTINATION = 16;
    private static final int IPV6_HEADER = 40;
    private static final int IPV6_SOURCE = 8;
    private static final int IPV6_DESTINATION = 24;

    private final AllowedIps<Peer> routes = new AllowedIps<>();
    /** Each peer's ranges, kept beside the trie so that changes and listings never walk all of it. */
    private final Map<Peer, Set<IpPrefix>> rangesByPeer = new IdentityHashMap<>();
    private volatile Peer[] peers = new Peer[0];

    /** Adds a peer with its ranges; a range another peer had moves to this one. */
    public synchronized void add(Peer peer, List<IpPrefix> allowedIps) {
        Peer[] grown = Arrays.copyOf(peers, peers.length + 1);
        grown[peers.length] = peer;
        for (IpPrefix range : allowedIps) {
            assign(range.network(), peer);
        }
        peers = grown;
    }

    /** Takes a peer out: no packet is routed to it or accepted from it afterwards. */
    public synchronized void remove(Peer peer) {
        peers = Arrays.stream(peers).filter(p -> p != peer).toArray(Peer[]::new);
        Set<IpPrefix> ranges = rangesByPeer.remove(peer);
        if (ranges != null) {
            for (IpPrefix range : ranges) {
                routes.remove(range);
            }
        }
        peer.markRemoved();
    }

    /**
     * Gives the peer more ranges, or (with {@code replace}) exactly these. Replacing touches only
     * the ranges that differ, so a reload that keeps a peer's AllowedIPs costs nothing per range,
     * whatever the number of peers.
     */
    public synchronized void setAllowedIps(Peer peer, List<IpPrefix> allowedIps, boolean replace) {
        if (replace) {
            Set<IpPrefix> wanted = new HashSet<>();
            for (IpPrefix range : allowedIps) {
                wanted.add(range.network());
            }
            Set<IpPrefix> current = rangesByPeer.getOrDefault(peer, Set.of());
            for (IpPrefix range : List.copyOf(current)) {
                if (!wanted.contains(range)) {
                    routes.remove(range);
                    current.remove(range);
                }
            }
        }
        for (IpPrefix range : allowedIps) {
            assign(range.network(), peer);
        }
    }

    /** Takes one range from the peer, if it has it (another peer's range is left alone). */
    public synchronized void removeAllowedIp(Peer peer, IpPrefix range) {
        IpPrefix network = range.network();
        Set<IpPrefix> current = rangesByPeer.get(peer);
        if (current != null && current.remove(network)) {
            routes.remove(network);
        }
    }

    /** Routes the range to the peer, taking it from whoever had it. */
    private void assign(IpPrefix network, Peer peer) {
        Peer previous = routes.exact(network);
        if (previous == peer) {
            return;
        }
        if (previous != null) {
            Set<IpPrefix> theirs = rangesByPeer.get(previous);
            if (theirs != null) {
                theirs.remove(network);
            }
        }
        routes.insert(network, peer);
        rangesByPeer.computeIfAbsent(peer, p -> new HashSet<>()).add(network);
    }

    /** The peer's ranges, in address order (IPv4 first). */
    public synchronized List<IpPrefix> allowedIps(Peer peer) {
        return sorted(rangesByPeer.getOrDefault(peer, Set.of()));
    }

    /**
     * Every peer's ranges, in address order; peers without ranges are absent. One call for all
     * peers, for listings of thousands of them.
     */
    public synchronized Map<Peer, List<IpPrefix>> allowedIpsByPeer() {
        Map<Peer, List<IpPrefix>> byPeer = new IdentityHashMap<>();
        rangesByPeer.forEach((peer, ranges) -> {
            if (!ranges.isEmpty()) {
                byPeer.put(peer, sorted(ranges));
            }
        });
        return byPeer;
    }

    /** The order of a walk of the trie: IPv4 first, then by address, a range before those inside it. */
    private static List<IpPrefix> sorted(Set<IpPrefix> ranges) {
        return ranges.stream().sorted(ADDRESS_ORDER).toList();
    }

    private static final Comparator<IpPrefix> ADDRESS_ORDER = Comparator
            .comparing(IpPrefix::isIpv6)
            .thenComparing(IpPrefix::address, Arrays::compareUnsigned)
            .thenComparingInt(IpPrefix::prefixLength);

    public List<Peer> peers() {
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

    /**
     * The peer whose AllowedIPs hold the packet's destination; null if none, or not IP. {@code
     * cache} is the calling thread's.
     */
    Peer byDestination(MemorySegment data, long start, int length, AllowedIps.LookupCache<Peer> cache) {
        return byAddress(data, start, length, IPV4_DESTINATION, IPV6_DESTINATION, cache);
    }

    /** The peer whose AllowedIPs hold the packet's source; null if none, or not IP. */
    Peer bySource(MemorySegment data, long start, int length, AllowedIps.LookupCache<Peer> cache) {
        return byAddress(data, start, length, IPV4_SOURCE, IPV6_SOURCE, cache);
    }

    private Peer byAddress(MemorySegment data, long start, int length, int ipv4Offset, int ipv6Offset,
            AllowedIps.LookupCache<Peer> cache) {
        if (!isIpPacket(data, start, length)) {
            return null;
        }
        return ipVersion(data, start) == IP_VERSION_4
                ? routes.lookupIpv4(data, start + ipv4Offset, cache)
                : routes.lookupIpv6(data, start + ipv6Offset, cache);
    }

    private static int ipVersion(MemorySegment data, long start) {
        return (data.get(ValueLayout.JAVA_BYTE, start) & 0xf0) >>> 4;
    }

    /** Every peer, for flooding frames: the table's own array, which is replaced, never changed. */
    Peer[] all() {
        return peers;
    }

    /**
     * Plain tunnels: the peer that sent the datagram in {@code slot}, by its endpoint, or null.
     * A peer without a configured endpoint adopts a new source address as its endpoint: the
     * only allocation on the inbound path, and only when the address actually changes.
     */
    Peer sender(PacketBatch batch, int slot) {
        Peer learner = null;
        for (Peer peer : peers) {
            SocketEndpoint endpoint = peer.endpoint();
            if (endpoint != null && batch.addressEquals(slot, endpoint)) {
                return peer;
            }
            if (peer.learnsEndpoint()) {
                learner = peer;
            }
        }
        if (learner != null) {
            learner.updateEndpoint(batch.endpoint(slot));
        }
        return learner;
    }
}
