package io.jtun.device.wg;

import io.jtun.config.Key;
import io.jtun.conn.PacketBatch;
import io.jtun.conn.RecordingTransport;
import io.jtun.conn.SocketEndpoint;
import io.jtun.device.Peer;
import io.jtun.noise.ChaCha20Poly1305;
import io.jtun.noise.CookieGenerator;
import io.jtun.noise.Messages;
import io.jtun.noise.NoiseEngine;
import io.jtun.noise.PeerHandshake;
import io.jtun.noise.SessionKeys;
import io.jtun.noise.StaticIdentity;
import io.jtun.noise.TransportMessage;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.security.SecureRandom;

/**
 * The peer at the far end of a {@link WireGuard} interface, for tests that drive the interface's
 * inbound side without sockets or threads: it runs real handshakes with the interface (whose
 * handshake worker runs on the caller's thread, answering into a {@link RecordingTransport}), or
 * gives the interface a session directly, and then seals transport messages the interface can
 * open. The interface's worker must never have been started.
 */
public final class RemotePeer {
    private static final int INDEX = 0x5eed;

    private final WireGuard local;
    private final Peer peer;
    private final SocketEndpoint endpoint;
    private final RecordingTransport underlay;
    private final NoiseEngine engine;
    private final PeerHandshake handshake;
    private final CookieGenerator cookies;
    private final HandshakeWorker.Sender sender;
    private byte[] sendKey;
    private int receiverIndex;

    /**
     * @param peer     the interface's peer for this remote (added to {@code local} with this identity's key)
     * @param endpoint where the remote's datagrams come from
     * @param underlay the interface's underlay, where its answers are recorded
     * @param arena    for the worker's send buffers
     */
    public RemotePeer(WireGuard local, Peer peer, StaticIdentity identity, SecureRandom random,
            SocketEndpoint endpoint, RecordingTransport underlay, Arena arena) {
        this.local = local;
        this.peer = peer;
        this.endpoint = endpoint;
        this.underlay = underlay;
        byte[] localPublic = Key.fromBase64(local.publicKey()).bytes();
        this.engine = new NoiseEngine(identity, random);
        this.handshake = new PeerHandshake(identity, localPublic, null);
        this.cookies = new CookieGenerator(localPublic);
        this.sender = local.worker().new Sender(arena);
    }

    /** A handshake initiation to the interface, MACs added, timestamped {@code epochNanos}. */
    public byte[] initiation(long epochNanos) {
        byte[] msg = engine.createInitiation(handshake, INDEX, epochNanos);
        addMacs(msg);
        return msg;
    }

    /** Adds MAC1 (and MAC2, with a cookie) to a handshake message again, after it was changed. */
    public void addMacs(byte[] msg) {
        cookies.addMacs(msg, 0);
    }

    /**
     * Hands a handshake message to the interface as a received datagram and lets its handshake
     * worker do what is queued. If the interface answered with a response to our initiation,
     * takes it: then the session is up on both sides.
     *
     * @return whether a session came up
     */
    public boolean deliverHandshake(byte[] msg, PacketBatch batch, int headroom) {
        batch.setLength(0, 0);
        batch.setOffset(0, headroom);
        MemorySegment.copy(msg, 0, batch.data(), ValueLayout.JAVA_BYTE, batch.payloadStart(0), msg.length);
        batch.setLength(0, msg.length);
        batch.setAddress(0, endpoint);
        if (local.open(batch, 0) != null) {
            throw new AssertionError("a handshake message was delivered as data");
        }
        runWorker();
        boolean up = false;
        for (byte[] answer : underlay.takeSent()) {
            if (Messages.typeOf(answer, 0, answer.length) == Messages.TYPE_RESPONSE
                    && engine.consumeResponse(handshake, answer)) {
                SessionKeys keys = engine.deriveKeys(handshake, 0);
                sendKey = keys.sendKey().clone();
                receiverIndex = keys.remoteIndex();
                keys.destroy();
                up = true;
            }
        }
        return up;
    }

    /** Lets the interface's handshake worker do what it queued (raw handshake messages, requests). */
    public void runWorker() {
        local.worker().runQueued(sender);
    }

    /**
     * Gives the interface a session with this remote without a handshake, as its handshake
     * worker would after one: as the responder's next session (confirmed by the first packet
     * that arrives on it) or as the initiator's current one.
     */
    public void giveSession(byte[] key, boolean localInitiated, long nowNanos) {
        WireGuardPeer wp = (WireGuardPeer) peer.codecState();
        int index = local.indices().add(wp);
        Session session = new Session(wp, index, INDEX, key.clone(), key.clone(), localInitiated, nowNanos);
        local.indices().replace(index, session);
        if (localInitiated) {
            wp.keypairs().initiatorSession(session);
        } else {
            wp.keypairs().responderSession(session);
        }
        sendKey = key.clone();
        receiverIndex = index;
    }

    /** Drops the interface's sessions with this remote (their indices are freed). */
    public void endSessions() {
        ((WireGuardPeer) peer.codecState()).keypairs().clear();
        sendKey = null;
    }

    /** Whether this side has a session to seal with. */
    public boolean hasSession() {
        return sendKey != null;
    }

    /** A transport (type 4) or frame (type 5) message carrying {@code content}, padded up to {@code mtu}. */
    public byte[] seal(int type, long counter, byte[] content, int mtu) {
        byte[] msg = new byte[TransportMessage.messageSize(content.length, mtu)];
        // A cipher of its own each time: a test may send a counter again (a replay), which the
        // JDK's cipher refuses to do twice.
        TransportMessage.encrypt(type, new ChaCha20Poly1305(), sendKey, receiverIndex, counter, content, 0,
                content.length, mtu, msg, 0);
        return msg;
    }
}
