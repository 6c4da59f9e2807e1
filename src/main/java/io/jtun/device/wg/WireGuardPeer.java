package io.jtun.device.wg;

import io.jtun.config.Key;
import io.jtun.config.Secret;
import io.jtun.conn.SocketEndpoint;
import io.jtun.device.DropReason;
import io.jtun.device.Peer;
import io.jtun.device.timers.PeerTimers;
import io.jtun.noise.CookieGenerator;
import io.jtun.noise.PeerHandshake;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/** A peer's WireGuard state: its handshake, cookies, timers, sessions and the packets waiting for a session. */
final class WireGuardPeer {
    /** Packets kept while a handshake is under way (wireguard-go keeps as many). */
    static final int MAX_STAGED = 128;

    private final Peer peer;
    private final Key publicKey;
    /** Our own copy, guarded by this; destroyed when replaced. */
    private Secret presharedKey;
    private final PeerHandshake handshake;
    private final CookieGenerator cookies;
    private final PeerTimers timers;
    private final Keypairs keypairs;
    private final ArrayDeque<byte[]> staged = new ArrayDeque<>();
    private final LongAdder handshakeAttempts = new LongAdder();
    private final LongAdder handshakeFailures = new LongAdder();
    /** The configured endpoint host when it is a name, re-resolved while handshakes fail; else null. */
    private volatile String endpointHost;
    private volatile int endpointPort;
    private volatile long lastResolvedNanos;
    /** Which of the name's addresses to try next (dual-stack names: IPv6 and IPv4 in turn). */
    private int nextAddress;
    /** When a wrong-mode warning about this peer was last logged (0: never); the inbound thread's. */
    private long lastModeWarningNanos;
    /** When the inbound thread last logged a move of this peer's endpoint (0: never). */
    private long lastMoveLogNanos;
    /** Where the peer was before the moves the inbound thread has not logged yet (null: none). */
    private SocketEndpoint unloggedMoveFrom;
    /** The receiver index of the handshake in progress (0: none), guarded by the handshake thread. */
    private int handshakeIndex;

    WireGuardPeer(Peer peer, Key publicKey, PeerHandshake handshake, CookieGenerator cookies, PeerTimers timers,
            Keypairs keypairs, Secret presharedKey) {
        this.peer = peer;
        this.publicKey = publicKey;
        this.presharedKey = presharedKey;
        this.handshake = handshake;
        this.cookies = cookies;
        this.timers = timers;
        this.keypairs = keypairs;
    }

    Peer peer() {
        return peer;
    }

    /** Initiations sent (first tries and retries). */
    LongAdder handshakeAttempts() {
        return handshakeAttempts;
    }

    /** Handshakes given up after REKEY_ATTEMPT_TIME, and responses that did not authenticate. */
    LongAdder handshakeFailures() {
        return handshakeFailures;
    }

    void setEndpointHost(String host, int port, long resolvedNanos) {
        endpointHost = host;
        endpointPort = port;
        lastResolvedNanos = resolvedNanos;
    }

    long lastModeWarningNanos() {
        return lastModeWarningNanos;
    }

    void setLastModeWarningNanos(long nanos) {
        lastModeWarningNanos = nanos;
    }

    long lastMoveLogNanos() {
        return lastMoveLogNanos;
    }

    void setLastMoveLogNanos(long nanos) {
        lastMoveLogNanos = nanos;
    }

    SocketEndpoint unloggedMoveFrom() {
        return unloggedMoveFrom;
    }

    void setUnloggedMoveFrom(SocketEndpoint from) {
        unloggedMoveFrom = from;
    }

    long lastResolvedNanos() {
        return lastResolvedNanos;
    }

    void setLastResolvedNanos(long nanos) {
        lastResolvedNanos = nanos;
    }

    String endpointHost() {
        return endpointHost;
    }

    int endpointPort() {
        return endpointPort;
    }

    /** Rotates through a name's addresses, so a family that does not work gives way to the other. */
    synchronized int takeNextAddressIndex(int count) {
        int index = Math.floorMod(nextAddress, count);
        nextAddress = index + 1;
        return index;
    }

    Key publicKey() {
        return publicKey;
    }

    /** A copy of the preshared key (the caller destroys it), or null. */
    synchronized Secret presharedKey() {
        return presharedKey == null ? null : presharedKey.copy();
    }

    /** Takes {@code key} (null: none) as its own, and zeroes the one it replaces. */
    synchronized void setPresharedKey(Secret key) {
        Secret old = presharedKey;
        presharedKey = key;
        Secret.destroyIfAny(old);
    }

    PeerHandshake handshake() {
        return handshake;
    }

    CookieGenerator cookies() {
        return cookies;
    }

    PeerTimers timers() {
        return timers;
    }

    Keypairs keypairs() {
        return keypairs;
    }

    int handshakeIndex() {
        return handshakeIndex;
    }

    void setHandshakeIndex(int index) {
        handshakeIndex = index;
    }

    /**
     * Keeps a copy of a packet until a session exists; the oldest is dropped (and counted) when
     * the queue is full, as the newest packets are the ones still worth sending.
     */
    void stage(byte[] packet) {
        synchronized (staged) {
            if (staged.size() >= MAX_STAGED) {
                staged.pollFirst();
                peer.counters().dropped(DropReason.NO_SESSION);
            }
            staged.addLast(packet);
        }
    }

    /** Takes every staged packet, oldest first. */
    List<byte[]> takeStaged() {
        synchronized (staged) {
            List<byte[]> all = List.copyOf(staged);
            staged.clear();
            return all;
        }
    }

    /** Drops the staged packets (the handshake was given up); returns how many. */
    int dropStaged() {
        synchronized (staged) {
            int n = staged.size();
            staged.clear();
            for (int i = 0; i < n; i++) {
                peer.counters().dropped(DropReason.NO_SESSION);
            }
            return n;
        }
    }

    @Override
    public String toString() {
        return peer.label();
    }
}
