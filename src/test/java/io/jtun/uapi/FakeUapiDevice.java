package io.jtun.uapi;

import io.jtun.config.Key;
import io.jtun.config.Secret;
import io.jtun.net.IpPrefix;
import io.jtun.noise.Keys;
import io.jtun.sys.Errno;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An in-memory device that applies set requests as {@link UapiDevice#set} documents
 * (wireguard-go's semantics) and records every request it is given.
 */
final class FakeUapiDevice implements UapiDevice {
    static final class Peer {
        Secret presharedKey;
        InetSocketAddress endpoint;
        int keepalive;
        final Set<IpPrefix> allowedIps = new LinkedHashSet<>();
        long handshakeSeconds;
        long handshakeNanos;
        long rx;
        long tx;
    }

    final List<SetRequest> requests = new CopyOnWriteArrayList<>();
    Secret privateKey;
    int listenPort;
    int fwMark;
    final Map<Key, Peer> peers = new LinkedHashMap<>();
    /** A port whose binding "fails" with EADDRINUSE. */
    volatile int busyPort = -1;
    /** When set, thrown by {@link #set} as a bug would be. */
    volatile RuntimeException bug;

    @Override
    public synchronized DeviceState get() {
        List<PeerState> states = new ArrayList<>();
        // Copies, as the real device hands out: the server destroys them once written.
        peers.forEach((key, peer) -> states.add(new PeerState(key, copy(peer.presharedKey), peer.endpoint,
                peer.handshakeSeconds, peer.handshakeNanos, peer.rx, peer.tx, peer.keepalive,
                List.copyOf(peer.allowedIps))));
        return new DeviceState(copy(privateKey), listenPort, fwMark, states);
    }

    private static SetRequest withCopiedKeys(SetRequest request) {
        List<PeerChange> changes = request.peers().stream()
                .map(c -> new PeerChange(c.publicKey(), c.remove(), c.updateOnly(), copy(c.presharedKey()), c.endpoint(),
                        c.persistentKeepaliveInterval(), c.replaceAllowedIps(), c.allowedIps()))
                .toList();
        return new SetRequest(copy(request.privateKey()), request.listenPort(), request.fwMark(), request.replacePeers(),
                changes);
    }

    private static Secret copy(Secret secret) {
        return secret == null ? null : secret.copy();
    }

    @Override
    public synchronized void set(SetRequest request) throws UapiException {
        requests.add(withCopiedKeys(request)); // the server destroys the request's own after set
        if (bug != null) {
            throw bug;
        }
        if (request.privateKey() != null) {
            if (request.removesPrivateKey()) {
                privateKey = null;
            } else {
                privateKey = request.privateKey().copy(); // the server destroys the request's
                peers.remove(Keys.pubkey(privateKey));
            }
        }
        if (request.listenPort().isPresent()) {
            if (request.listenPort().getAsInt() == busyPort) {
                throw new UapiException(Errno.EADDRINUSE, "port " + busyPort + " is in use");
            }
            listenPort = request.listenPort().getAsInt();
        }
        request.fwMark().ifPresent(mark -> fwMark = mark);
        if (request.replacePeers()) {
            peers.clear();
        }
        Key own = privateKey == null ? null : Keys.pubkey(privateKey);
        for (PeerChange change : request.peers()) {
            if (change.publicKey().equals(own)) {
                continue;
            }
            if (change.remove()) {
                peers.remove(change.publicKey());
                continue;
            }
            Peer peer = peers.get(change.publicKey());
            if (peer == null) {
                if (change.updateOnly()) {
                    continue;
                }
                peer = new Peer();
                peers.put(change.publicKey(), peer);
            }
            if (change.presharedKey() != null) {
                peer.presharedKey = change.removesPresharedKey() ? null : change.presharedKey().copy();
            }
            if (change.endpoint() != null) {
                peer.endpoint = change.endpointAddress();
            }
            if (change.persistentKeepaliveInterval().isPresent()) {
                peer.keepalive = change.persistentKeepaliveInterval().getAsInt();
            }
            if (change.replaceAllowedIps()) {
                peer.allowedIps.clear();
            }
            for (AllowedIpChange ip : change.allowedIps()) {
                if (ip.remove()) {
                    peer.allowedIps.remove(ip.prefix());
                } else {
                    for (Peer other : peers.values()) {
                        other.allowedIps.remove(ip.prefix());
                    }
                    peer.allowedIps.add(ip.prefix());
                }
            }
        }
    }

    synchronized Peer addPeer(Key key) {
        Peer peer = new Peer();
        peers.put(key, peer);
        return peer;
    }

    SetRequest lastRequest() {
        return requests.getLast();
    }
}
