package io.jtun.device;

import io.jtun.conn.SocketEndpoint;

/**
 * A remote host of the tunnel: where to send its packets (the endpoint) and what it sent and
 * received. Which inner addresses belong to it is held by the interface's {@link PeerTable}.
 *
 * <p>A peer configured without an endpoint learns it from the first packet it sends and then
 * follows it when it changes (roaming). The endpoint is read by the outbound threads and
 * written by the inbound one, hence volatile; it is replaced as a whole, never mutated.
 */
public final class Peer {
    private final String label;
    private final boolean learnsEndpoint;
    private final TrafficCounters counters = new TrafficCounters();
    private volatile SocketEndpoint endpoint;
    private volatile boolean removed;
    /** The codec's own per-peer state (WireGuard's sessions), so the data path finds it without a lookup. */
    private volatile Object codecState;

    /**
     * @param label    how {@code jtun show} and logs name the peer (its public key with WireGuard)
     * @param endpoint the configured endpoint, or null to learn it from incoming packets
     */
    public Peer(String label, SocketEndpoint endpoint) {
        this.label = label;
        this.endpoint = endpoint;
        this.learnsEndpoint = endpoint == null;
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

    /** Moves the peer to a new endpoint (learned, configured, or roamed to: an authenticated packet came from it). */
    public void updateEndpoint(SocketEndpoint newEndpoint) {
        endpoint = newEndpoint;
    }

    public TrafficCounters counters() {
        return counters;
    }

    public Object codecState() {
        return codecState;
    }

    public void setCodecState(Object state) {
        codecState = state;
    }

    /** True once the peer was taken out of its interface; the data path drops what it still holds for it. */
    public boolean removed() {
        return removed;
    }

    void markRemoved() {
        removed = true;
    }
}
