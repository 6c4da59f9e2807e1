package io.jtun.device;

import io.jtun.conn.SocketEndpoint;
import io.jtun.net.IpPrefix;
import java.util.List;

/**
 * A remote host of the tunnel: where to send its packets (the endpoint) and which inner
 * addresses belong to it (its AllowedIPs, held in the interface's routing table).
 *
 * <p>A peer configured without an endpoint learns it from the first packet it sends and then
 * follows it when it changes (roaming). The endpoint is read by the outbound threads and
 * written by the inbound one, hence volatile; it is replaced as a whole, never mutated.
 */
public final class Peer {
    private final int id;
    private final String label;
    private final List<IpPrefix> allowedIps;
    private final boolean learnsEndpoint;
    private final TrafficCounters counters = new TrafficCounters();
    private volatile SocketEndpoint endpoint;

    /**
     * @param id         the peer's position in its interface (0, 1, ...), so per-peer state of
     *                   other layers can live in arrays indexed by it
     * @param label      how {@code jtun show} and logs name the peer
     * @param endpoint   the configured endpoint, or null to learn it from incoming packets
     * @param allowedIps the inner ranges routed to this peer
     */
    public Peer(int id, String label, SocketEndpoint endpoint, List<IpPrefix> allowedIps) {
        this.id = id;
        this.label = label;
        this.endpoint = endpoint;
        this.allowedIps = List.copyOf(allowedIps);
        this.learnsEndpoint = endpoint == null;
    }

    public int id() {
        return id;
    }

    public String label() {
        return label;
    }

    /** The current endpoint, or null while a learning peer has not been heard from. */
    public SocketEndpoint endpoint() {
        return endpoint;
    }

    public boolean learnsEndpoint() {
        return learnsEndpoint;
    }

    /** Moves the peer to a new endpoint (learned, or roamed to: an authenticated packet came from it). */
    public void updateEndpoint(SocketEndpoint newEndpoint) {
        endpoint = newEndpoint;
    }

    public List<IpPrefix> allowedIps() {
        return allowedIps;
    }

    public TrafficCounters counters() {
        return counters;
    }
}
