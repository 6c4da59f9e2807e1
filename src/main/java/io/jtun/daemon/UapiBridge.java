package io.jtun.daemon;

import io.jtun.JtunException;
import io.jtun.config.Key;
import io.jtun.config.Secret;
import io.jtun.conn.SocketEndpoint;
import io.jtun.device.Peer;
import io.jtun.device.PeerTable;
import io.jtun.device.Tunnel;
import io.jtun.device.wg.WireGuard;
import io.jtun.log.Log;
import io.jtun.net.IpPrefix;
import io.jtun.sys.Errno;
import io.jtun.uapi.AllowedIpChange;
import io.jtun.uapi.DeviceState;
import io.jtun.uapi.PeerChange;
import io.jtun.uapi.PeerState;
import io.jtun.uapi.SetRequest;
import io.jtun.uapi.UapiDevice;
import io.jtun.uapi.UapiException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * A running WireGuard tunnel as the {@code wg} tool sees it: its state for {@code wg show} and
 * {@code wg showconf}, and every change {@code wg set}, {@code setconf}, {@code addconf} and
 * {@code syncconf} make, applied while packets flow. Peers that a change leaves in place keep
 * their sessions.
 */
public final class UapiBridge implements UapiDevice {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final Tunnel tunnel;
    private final WireGuard wireGuard;
    private final PeerTable peers;

    public UapiBridge(Tunnel tunnel) {
        this.tunnel = tunnel;
        this.wireGuard = tunnel.wireGuard();
        this.peers = tunnel.peerTable();
        if (wireGuard == null) {
            throw new IllegalArgumentException("the wg tool manages WireGuard interfaces only");
        }
    }

    @Override
    public synchronized DeviceState get() {
        List<PeerState> states = new ArrayList<>();
        Map<Peer, List<IpPrefix>> allowedIps = peers.allowedIpsByPeer();
        for (Peer peer : peers.peers()) {
            SocketEndpoint endpoint = peer.endpoint();
            OptionalLong handshake = wireGuard.lastHandshakeEpochNanos(peer);
            long epochNanos = handshake.orElse(0);
            states.add(new PeerState(wireGuard.publicKeyOf(peer), wireGuard.presharedKeyOf(peer),
                    endpoint == null ? null : endpoint.toInetSocketAddress(), epochNanos / NANOS_PER_SECOND,
                    epochNanos % NANOS_PER_SECOND, peer.counters().rxBytes(), peer.counters().txBytes(),
                    wireGuard.persistentKeepalive(peer), allowedIps.getOrDefault(peer, List.of())));
        }
        return new DeviceState(wireGuard.privateKey(), tunnel.listenPort(), tunnel.fwMark(), states);
    }

    @Override
    public synchronized void set(SetRequest request) throws UapiException {
        if (request.privateKey() != null) {
            wireGuard.setPrivateKey(request.removesPrivateKey() ? null : request.privateKey());
        }
        try {
            if (request.listenPort().isPresent()) {
                tunnel.setListenPort(request.listenPort().getAsInt());
            }
            if (request.fwMark().isPresent()) {
                tunnel.setFwMark(request.fwMark().getAsInt());
            }
        } catch (JtunException e) {
            throw new UapiException(Errno.EADDRINUSE, e.getMessage(), e);
        }
        if (request.replacePeers()) {
            for (Peer peer : peers.peers()) {
                remove(peer);
            }
        }
        for (PeerChange change : request.peers()) {
            apply(change);
        }
    }

    private void apply(PeerChange change) throws UapiException {
        String ownKey = wireGuard.publicKey();
        if (ownKey != null && ownKey.equals(change.publicKey().toString())) {
            return; // a device is never its own peer
        }
        Peer peer = wireGuard.peer(change.publicKey());
        if (change.remove()) {
            if (peer != null) {
                remove(peer);
            }
            return;
        }
        if (peer == null) {
            if (change.updateOnly()) {
                return;
            }
            peer = add(change.publicKey());
        }
        if (change.presharedKey() != null) {
            wireGuard.setPresharedKey(peer, change.removesPresharedKey() ? null : change.presharedKey());
        }
        InetSocketAddress endpoint = change.endpointAddress();
        if (endpoint != null) {
            peer.updateEndpoint(SocketEndpoint.of(endpoint));
        }
        if (change.persistentKeepaliveInterval().isPresent()) {
            wireGuard.setPersistentKeepalive(peer, change.persistentKeepaliveInterval().getAsInt());
        }
        if (change.replaceAllowedIps()) {
            // Worked out first and applied as one replacement: the ranges the peer keeps are never
            // absent in between (no packet to it is dropped by a reload), and unchanged ones cost nothing.
            List<IpPrefix> wanted = new ArrayList<>();
            for (AllowedIpChange allowed : change.allowedIps()) {
                if (allowed.remove()) {
                    wanted.remove(allowed.prefix().network());
                } else {
                    wanted.add(allowed.prefix().network());
                }
            }
            peers.setAllowedIps(peer, wanted, true);
            return;
        }
        for (AllowedIpChange allowed : change.allowedIps()) {
            if (allowed.remove()) {
                peers.removeAllowedIp(peer, allowed.prefix());
            } else {
                peers.setAllowedIps(peer, List.of(allowed.prefix()), false);
            }
        }
    }

    private Peer add(Key publicKey) {
        Peer peer = new Peer(publicKey.toString(), null);
        wireGuard.addPeer(peer, publicKey, (Secret) null, 0);
        peers.add(peer, List.<IpPrefix>of());
        Log.info(tunnel.name() + ": peer " + Log.shortKey(publicKey.toString()) + " added");
        return peer;
    }

    private void remove(Peer peer) {
        peers.remove(peer);
        wireGuard.removePeer(peer);
        Log.info(tunnel.name() + ": peer " + Log.shortKey(peer.label()) + " removed");
    }
}
