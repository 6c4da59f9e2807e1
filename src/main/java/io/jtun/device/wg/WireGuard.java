package io.jtun.device.wg;

import io.jtun.config.Key;
import io.jtun.config.Secret;
import io.jtun.conn.PacketBatch;
import io.jtun.conn.SocketEndpoint;
import io.jtun.conn.UdpTransport;
import io.jtun.device.DropReason;
import io.jtun.device.IndexTable;
import io.jtun.device.IpPacket;
import io.jtun.device.PacketCodec;
import io.jtun.device.Peer;
import io.jtun.device.PeerTable;
import io.jtun.device.Underlay;
import io.jtun.device.l2.EthernetFrame;
import io.jtun.device.l2.FrameHeader;
import io.jtun.log.Log;
import io.jtun.device.TrafficCounters;
import io.jtun.device.timers.PeerTimers;
import io.jtun.noise.ChaCha20Poly1305;
import io.jtun.noise.CookieChecker;
import io.jtun.noise.CookieGenerator;
import io.jtun.noise.Messages;
import io.jtun.noise.NoiseEngine;
import io.jtun.noise.OpenSslAead;
import io.jtun.noise.PeerHandshake;
import io.jtun.noise.StaticIdentity;
import io.jtun.noise.TransportMessage;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Collection;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * WireGuard on the data path: seals outbound packets into transport messages, opens inbound
 * ones, and hands handshake messages to the {@link HandshakeWorker}, which also runs the timers.
 *
 * <p>Outbound, for each packet routed to a peer: if the peer has a usable session, take the next
 * counter, pad, encrypt in place behind the 16-byte header and address it to the peer's endpoint;
 * if not, keep a copy until a handshake completes and ask for one. Inbound: find the session by
 * receiver index, check the counter against the replay window, decrypt, mark the counter, follow
 * the peer to the packet's source address (roaming), and cut the padding off using the inner IP
 * header's length.
 */
public final class WireGuard implements PacketCodec, AutoCloseable {
    private static final ValueLayout.OfInt INT_LE =
            ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LONG_LE =
            ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final int HEADER = TransportMessage.HEADER_SIZE;
    /** How often a peer sending the wrong kind of data (IP to a TAP interface, or frames to TUN) is logged. */
    private static final long MODE_WARNING_INTERVAL_NANOS = 60_000_000_000L;
    /** How often at most a peer's roaming is logged by the data path (a peer flapping between two paths would flood it). */
    private static final long MOVE_LOG_INTERVAL_NANOS = 1_000_000_000L;
    private static final int SEALED = 0;
    /** The session cannot send: the packet is intact and waits for the next one. */
    private static final int NEEDS_SESSION = 1;
    /** The session retired while the packet was encrypted in place: it is lost (counted). */
    private static final int LOST = 2;

    private final PeerTable peerTable;
    private final Map<Key, WireGuardPeer> byPublicKey = new ConcurrentHashMap<>();
    private final IndexTable<Object> indices = new IndexTable<>();
    private final TrafficCounters interfaceCounters;
    private final WgClock clock;
    private final int mtu;
    /** A {@code Mode = tap} interface: frames travel as jtun's type-5 messages (docs/protocol.md). */
    private final boolean layer2;
    /** The message type this interface sends data in: 4 (IP packets) or 5 (frames). */
    private final int messageType;
    /** Padding stops here, so a full-size packet or frame never grows past the underlay's MTU. */
    private final int paddingLimit;
    private final ThreadLocal<Scratch> scratch;
    private final HandshakeWorker worker;
    /** Our identity and what hangs off it; null while no private key is set (wireguard-go allows that). */
    private volatile Noise noise;
    /** For log lines; set by {@link #start}. */
    private volatile String interfaceName = "?";

    /** The interface's static identity with the engine and cookie checker made from it. */
    record Noise(StaticIdentity identity, NoiseEngine engine, CookieChecker cookies) {
        static Noise of(Secret privateKey) {
            StaticIdentity identity = StaticIdentity.of(privateKey);
            return new Noise(identity, new NoiseEngine(identity), new CookieChecker(identity));
        }
    }

    /** Per-thread cipher state and a buffer to encrypt/decrypt in (JDK ciphers work on arrays). */
    static final class Scratch {
        final ChaCha20Poly1305 aead = new ChaCha20Poly1305();
        /** libcrypto's AEAD working in place on the batch slots; null where it is not available. */
        final OpenSslAead openSsl = OpenSslAead.forThisThread().orElse(null);
        final byte[] buffer;

        /** {@link #buffer} as a segment, made once. */
        final MemorySegment bufferView;

        Scratch(int size) {
            buffer = new byte[size];
            bufferView = MemorySegment.ofArray(buffer);
        }

        void forgetKeys() {
            aead.clear();
            if (openSsl != null) {
                openSsl.forgetKeys();
            }
        }
    }

    /**
     * @param privateKey the interface's key, or null to start without one
     * @param peerTable  the interface's peers (WireGuard state is attached to each as it is added here)
     * @param slotSize   the size of the data path's batch slots
     * @param layer2     the interface carries Ethernet frames (each behind a {@link FrameHeader})
     */
    public WireGuard(Secret privateKey, PeerTable peerTable, Underlay underlay, TrafficCounters interfaceCounters,
            int mtu, int slotSize, WgClock clock, boolean layer2) {
        this.peerTable = peerTable;
        this.interfaceCounters = interfaceCounters;
        this.clock = clock;
        this.mtu = mtu;
        this.layer2 = layer2;
        this.messageType = layer2 ? Messages.TYPE_FRAME : Messages.TYPE_TRANSPORT;
        this.paddingLimit = layer2 ? mtu + EthernetFrame.HEADER + FrameHeader.SIZE : mtu;
        this.scratch = ThreadLocal.withInitial(() -> new Scratch(slotSize));
        this.noise = privateKey == null || privateKey.isZero() ? null : Noise.of(privateKey);
        this.worker = new HandshakeWorker(this, underlay, slotSize, clock);
    }

    /** Starts the handshake and timer thread. */
    public void start(String name) {
        interfaceName = name;
        worker.start(name);
    }

    Noise noise() {
        return noise;
    }

    HandshakeWorker worker() {
        return worker;
    }

    // ---- configuration ----

    /**
     * Attaches WireGuard state to a new peer. The caller then adds it to the peer table.
     *
     * @param presharedKey null for none
     * @param keepalive    persistent keepalive in seconds, 0 for off
     */
    public synchronized void addPeer(Peer peer, Key publicKey, Secret presharedKey, int keepalive) {
        Noise current = noise;
        PeerTimers timers = new PeerTimers();
        timers.setPersistentKeepaliveInterval(keepalive);
        byte[] psk = pskBytes(presharedKey);
        WireGuardPeer wp = new WireGuardPeer(peer, publicKey, new PeerHandshake(current == null ? null
                : current.identity(), publicKey.bytes(), psk), new CookieGenerator(publicKey.bytes()),
                timers, new Keypairs(this::retire), ownCopy(presharedKey));
        zero(psk);
        peer.setCodecState(wp);
        byPublicKey.put(publicKey, wp);
        if (keepalive > 0) {
            worker.requestKeepalive(wp);
        }
    }

    /** Forgets a peer: its sessions end, its indices are freed, its handshake is wiped. */
    public synchronized void removePeer(Peer peer) {
        WireGuardPeer wp = state(peer);
        byPublicKey.remove(wp.publicKey());
        wp.timers().stop();
        wp.keypairs().clear();
        int index = wp.handshakeIndex();
        if (index != 0 && indices.get(index) == wp) {
            indices.remove(index);
        }
        wp.dropStaged();
        wp.handshake().destroy();
        wp.setPresharedKey(null);
    }

    /**
     * Changes the interface's private key (null or all-zero: none). Every session and handshake
     * was made with the old key, so all are dropped; a peer whose public key is now our own is
     * removed, as wireguard-go does.
     */
    public synchronized void setPrivateKey(Secret privateKey) {
        Noise old = noise;
        Noise next = privateKey == null || privateKey.isZero() ? null : Noise.of(privateKey);
        if (old != null && next != null && old.identity().publicKeyAsKey().equals(next.identity().publicKeyAsKey())) {
            next.identity().destroy();
            return;
        }
        noise = next;
        for (WireGuardPeer wp : byPublicKey.values()) {
            wp.keypairs().clear();
            wp.handshake().updateLocalIdentity(next == null ? null : next.identity());
        }
        if (next != null) {
            WireGuardPeer self = byPublicKey.get(next.identity().publicKeyAsKey());
            if (self != null) {
                peerTable.remove(self.peer());
                removePeer(self.peer());
            }
        }
        if (old != null) {
            old.identity().destroy();
        }
    }

    public void setPresharedKey(Peer peer, Secret presharedKey) {
        WireGuardPeer wp = state(peer);
        wp.setPresharedKey(ownCopy(presharedKey));
        byte[] psk = pskBytes(presharedKey);
        wp.handshake().setPresharedKey(psk);
        zero(psk);
    }

    public void setPersistentKeepalive(Peer peer, int seconds) {
        WireGuardPeer wp = state(peer);
        if (wp.timers().setPersistentKeepaliveInterval(seconds)) {
            worker.requestKeepalive(wp);
        }
    }

    /**
     * Remembers that the peer's endpoint was given as a host name, so it is looked up again while
     * handshakes to it fail (its address may have changed since; WireGuard itself resolves once).
     */
    public void setEndpointHost(Peer peer, String host, int port) {
        state(peer).setEndpointHost(host, port, clock.nanoTime());
    }

    /** The peer with this public key, or null. */
    public Peer peer(Key publicKey) {
        WireGuardPeer wp = byPublicKey.get(publicKey);
        return wp == null ? null : wp.peer();
    }

    public Key publicKeyOf(Peer peer) {
        return state(peer).publicKey();
    }

    /** A copy of the peer's preshared key, or null: only for the wg tool's get, which destroys it. */
    public Secret presharedKeyOf(Peer peer) {
        return state(peer).presharedKey();
    }

    /** Our private key (a copy), or null without one: only for the wg tool's get. */
    public Secret privateKey() {
        Noise current = noise;
        return current == null ? null : current.identity().privateKey();
    }

    /** Our public key in wg's base64, or null without a private key. */
    public String publicKey() {
        Noise current = noise;
        return current == null ? null : current.identity().publicKeyAsKey().toString();
    }

    private static WireGuardPeer state(Peer peer) {
        return (WireGuardPeer) peer.codecState();
    }

    /**
     * The preshared key's bytes for the handshake state, which copies them; null for none. The
     * caller zeroes the array after handing it over.
     */
    private static byte[] pskBytes(Secret presharedKey) {
        return presharedKey == null || presharedKey.isZero() ? null : presharedKey.bytes();
    }

    /** The peer keeps a copy of its own: the caller's Secret is destroyed on the caller's schedule. */
    private static Secret ownCopy(Secret presharedKey) {
        return presharedKey == null ? null : presharedKey.copy();
    }

    private static void zero(byte[] bytes) {
        if (bytes != null) {
            java.util.Arrays.fill(bytes, (byte) 0);
        }
    }

    @Override
    public int headroom() {
        return HEADER;
    }

    @Override
    public void forgetKeys() {
        scratch.get().forgetKeys();
    }

    // ---- outbound ----

    @Override
    public boolean seal(Peer peer, PacketBatch batch, int slot) {
        WireGuardPeer wp = state(peer);
        if (TransportMessage.messageSize(batch.length(slot), paddingLimit) > UdpTransport.MAX_PAYLOAD) {
            // Only a device whose MTU was raised behind our back hands over such a packet: no UDP
            // datagram can carry it, so say so instead of leaving it to a failed send.
            peer.counters().dropped(DropReason.TOO_BIG);
            return false;
        }
        long now = clock.nanoTime();
        Session session = wp.keypairs().current();
        if (session == null || session.retired() || !PeerTimers.canSend(session, now)) {
            if (noise == null) {
                peer.counters().dropped(DropReason.NO_SESSION); // no private key: no session can ever come
                return false;
            }
            wp.stage(copyPayload(batch, slot));
            worker.requestHandshake(wp);
            return false;
        }
        SocketEndpoint endpoint = peer.endpoint();
        if (endpoint == null) {
            peer.counters().dropped(DropReason.NO_ENDPOINT);
            return false;
        }
        int sealed = encrypt(wp, session, batch, slot, now);
        if (sealed == NEEDS_SESSION) {
            wp.stage(copyPayload(batch, slot));
            worker.requestHandshake(wp);
        }
        if (sealed != SEALED) {
            return false;
        }
        batch.setAddress(slot, endpoint);
        return true;
    }

    /**
     * Encrypts slot {@code slot}'s packet (at offset {@link #headroom()}) into a transport message
     * at offset 0 of the slot. False when it was not sent: the session may not send any more (or
     * retired meanwhile).
     */
    boolean sealForWorker(WireGuardPeer wp, Session session, PacketBatch batch, int slot, long now) {
        return encrypt(wp, session, batch, slot, now) == SEALED;
    }

    /**
     * Encrypts slot {@code slot}'s packet into a message at offset 0 of the slot: {@link #SEALED},
     * {@link #NEEDS_SESSION} (nothing written) or {@link #LOST}.
     */
    private int encrypt(WireGuardPeer wp, Session session, PacketBatch batch, int slot, long now) {
        long counter = session.nextSendCounter();
        if (io.jtun.noise.Protocol.counterExhausted(counter)) {
            return NEEDS_SESSION;
        }
        Scratch s = scratch.get();
        MemorySegment data = batch.data();
        int length = batch.length(slot);
        long slotStart = batch.slotStart(slot);
        int size;
        boolean inPlace = s.openSsl != null && batch.offset(slot) == HEADER;
        if (inPlace) {
            size = sealInPlace(s.openSsl, session, counter, data, slotStart, length);
        } else {
            MemorySegment.copy(data, ValueLayout.JAVA_BYTE, batch.payloadStart(slot), s.buffer, HEADER, length);
            size = TransportMessage.encrypt(messageType, s.aead, session.sendKey(), session.remoteIndex(), counter,
                    s.buffer, HEADER, length, paddingLimit, s.buffer, 0);
        }
        if (session.retired()) {
            // The keys may have been changing under us: never send that. Encrypted in place, the
            // packet itself is gone; a lost packet is what a rekey may cost, as on any link.
            if (inPlace) {
                wp.peer().counters().dropped(DropReason.NO_SESSION);
                return LOST;
            }
            return NEEDS_SESSION;
        }
        if (!inPlace) {
            MemorySegment.copy(s.buffer, 0, data, ValueLayout.JAVA_BYTE, slotStart, size);
        }
        batch.setOffset(slot, 0);
        batch.setLength(slot, size);
        wp.peer().counters().sent(length);
        PeerTimers timers = wp.timers();
        if (length > 0) {
            timers.onDataSent(now);
        }
        timers.onAnyAuthenticatedPacketSent(now);
        timers.onAnyAuthenticatedPacketTraversal(now);
        if (PeerTimers.shouldInitiateOnSend(session, now)) {
            worker.requestHandshake(wp);
        }
        return SEALED;
    }

    /**
     * The transport message built where the packet lies: the packet is already at {@code
     * start + HEADER} (the outbound loop leaves {@link #headroom()} in front), so the header goes in
     * front of it, the padding after it, and libcrypto encrypts in place and appends the tag.
     */
    private int sealInPlace(OpenSslAead aead, Session session, long counter, MemorySegment data, long start,
            int length) {
        int padded = TransportMessage.paddedLength(length, paddingLimit);
        long content = start + HEADER;
        for (long i = content + length; i < content + padded; i++) {
            data.set(ValueLayout.JAVA_BYTE, i, (byte) 0);
        }
        data.set(INT_LE, start, messageType);
        data.set(INT_LE, start + Messages.TRANSPORT_RECEIVER, session.remoteIndex());
        data.set(LONG_LE, start + Messages.TRANSPORT_COUNTER, counter);
        aead.seal(session.sendKey(), counter, data, content, padded);
        return HEADER + padded + TransportMessage.TAG_SIZE;
    }

    private static byte[] copyPayload(PacketBatch batch, int slot) {
        byte[] copy = new byte[batch.length(slot)];
        MemorySegment.copy(batch.data(), ValueLayout.JAVA_BYTE, batch.payloadStart(slot), copy, 0, copy.length);
        return copy;
    }

    // ---- inbound ----

    @Override
    public Peer open(PacketBatch batch, int slot) {
        MemorySegment data = batch.data();
        long start = batch.payloadStart(slot);
        int length = batch.length(slot);
        int type = length >= Messages.TYPE_SIZE ? data.get(INT_LE, start) : -1;
        if ((type == Messages.TYPE_TRANSPORT || type == Messages.TYPE_FRAME) && length >= TransportMessage.MIN_SIZE) {
            return openTransport(batch, slot, data, start, length, type);
        }
        if (type == Messages.TYPE_INITIATION && length == Messages.INITIATION_SIZE
                || type == Messages.TYPE_RESPONSE && length == Messages.RESPONSE_SIZE
                || type == Messages.TYPE_COOKIE_REPLY && length == Messages.COOKIE_REPLY_SIZE) {
            if (!worker.submit(data, start, length, batch.address(slot), batch.addressLength(slot))) {
                interfaceCounters.dropped(DropReason.HANDSHAKE_OVERLOAD);
            }
            return null;
        }
        interfaceCounters.dropped(DropReason.MALFORMED);
        return null;
    }

    private Peer openTransport(PacketBatch batch, int slot, MemorySegment data, long start, int length, int type) {
        int receiver = data.get(INT_LE, start + Messages.TRANSPORT_RECEIVER);
        if (!(indices.get(receiver) instanceof Session session)) {
            interfaceCounters.dropped(DropReason.UNKNOWN_SESSION);
            return null;
        }
        WireGuardPeer wp = session.peer();
        Peer peer = wp.peer();
        long now = clock.nanoTime();
        if (session.retired() || !PeerTimers.canReceive(session, now)) {
            peer.counters().dropped(DropReason.SESSION_EXPIRED);
            return null;
        }
        long counter = data.get(LONG_LE, start + Messages.TRANSPORT_COUNTER);
        if (!PeerTimers.receiveCounterAllowed(counter) || !session.replay().check(counter)) {
            peer.counters().dropped(DropReason.REPLAYED);
            return null;
        }
        Scratch s = scratch.get();
        int plain;
        if (s.openSsl != null) {
            // In place: the plaintext ends up at start + HEADER, where the packet is delivered from.
            plain = s.openSsl.open(session.receiveKey(), counter, data, start + HEADER, length - HEADER);
        } else {
            MemorySegment.copy(data, ValueLayout.JAVA_BYTE, start, s.buffer, 0, length);
            plain = TransportMessage.decrypt(type, s.aead, session.receiveKey(), s.buffer, 0, length, s.buffer,
                    HEADER);
        }
        if (plain < 0) {
            peer.counters().dropped(DropReason.NOT_AUTHENTIC);
            return null;
        }
        if (!session.replay().update(counter)) {
            peer.counters().dropped(DropReason.REPLAYED);
            return null;
        }
        SocketEndpoint known = peer.endpoint();
        if (known == null || !batch.addressEquals(slot, known)) {
            peer.updateEndpoint(batch.endpoint(slot)); // roaming: follow the latest authenticated packet
            if (known != null && wp.unloggedMoveFrom() == null) {
                wp.setUnloggedMoveFrom(known);
            }
        }
        if (wp.unloggedMoveFrom() != null) {
            logMove(wp, now);
        }
        PeerTimers timers = wp.timers();
        if (wp.keypairs().received(session)) {
            timers.onHandshakeComplete(now);
            worker.flushStaged(wp);
        }
        timers.onAnyAuthenticatedPacketReceived(now);
        timers.onAnyAuthenticatedPacketTraversal(now);
        if (timers.shouldInitiateOnReceive(session, now)) {
            worker.requestHandshake(wp);
        }
        if (plain == 0) {
            return null; // a keepalive: nothing for the device
        }
        timers.onDataReceived(now);
        if (type != messageType) {
            wrongMessageType(wp, now);
            return null;
        }
        int inner;
        if (s.openSsl != null) {
            inner = contentLength(data, start + HEADER, plain);
        } else {
            inner = contentLength(s.bufferView, HEADER, plain);
            if (inner >= 0) {
                MemorySegment.copy(s.buffer, HEADER, data, ValueLayout.JAVA_BYTE, start + HEADER, inner);
            }
        }
        if (inner < 0) {
            peer.counters().dropped(DropReason.MALFORMED);
            return null;
        }
        batch.setOffset(slot, batch.offset(slot) + HEADER);
        batch.setLength(slot, inner);
        return peer;
    }

    /**
     * Says that a peer's data now comes from elsewhere, as the handshake thread does for
     * handshakes: at most once per {@link #MOVE_LOG_INTERVAL_NANOS} per peer, so a peer whose
     * packets alternate between two paths cannot flood the log; moves in between are summed up
     * by the next line, from where the peer was to where it is then.
     */
    private void logMove(WireGuardPeer wp, long now) {
        long last = wp.lastMoveLogNanos();
        if (last != 0 && now - last < MOVE_LOG_INTERVAL_NANOS) {
            return;
        }
        SocketEndpoint from = wp.unloggedMoveFrom();
        SocketEndpoint to = wp.peer().endpoint();
        wp.setUnloggedMoveFrom(null);
        if (!from.equals(to)) {
            wp.setLastMoveLogNanos(now == 0 ? 1 : now);
            Log.info(interfaceName + ": peer " + Log.shortKey(wp.peer().label()) + ": endpoint moved from " + from
                    + " to " + to);
        }
    }

    /**
     * Authentic data of the other kind: IP packets on a TAP interface come from a plain
     * WireGuard peer (or a jtun with Mode = tun), frames on a TUN interface from a jtun with
     * Mode = tap. Either way nothing can be delivered; say why, once a minute per peer.
     */
    private void wrongMessageType(WireGuardPeer wp, long now) {
        wp.peer().counters().dropped(DropReason.WRONG_MESSAGE_TYPE);
        long last = wp.lastModeWarningNanos();
        if (last != 0 && now - last < MODE_WARNING_INTERVAL_NANOS) {
            return;
        }
        wp.setLastModeWarningNanos(now == 0 ? 1 : now);
        String peer = interfaceName + ": peer " + Log.shortKey(wp.peer().label());
        Log.warning(layer2
                ? peer + " sends IP packets (WireGuard transport data), but this interface is Mode = tap and"
                        + " carries Ethernet frames: the peer must run jtun with Mode = tap too; a plain WireGuard"
                        + " peer cannot join a layer-2 network (its packets are dropped)"
                : peer + " sends Ethernet frames (jtun Mode = tap), but this interface is Mode = tun:"
                        + " set the same Mode on both ends (its frames are dropped)");
    }

    /**
     * The length of the decrypted content without WireGuard's padding: the inner IP packet's
     * own length from its header, or on a TAP interface the frame header's; -1 if it is
     * malformed or claims more bytes than arrived.
     */
    private int contentLength(MemorySegment buffer, long offset, int available) {
        return layer2 ? FrameHeader.messageLength(buffer, offset, available)
                : IpPacket.ownLength(buffer, offset, available);
    }

    // ---- shared with the handshake worker ----

    IndexTable<Object> indices() {
        return indices;
    }

    WireGuardPeer peerByKey(byte[] publicKey) {
        return byPublicKey.get(Key.of(publicKey));
    }

    Collection<WireGuardPeer> peers() {
        return byPublicKey.values();
    }

    TrafficCounters interfaceCounters() {
        return interfaceCounters;
    }

    /** A session leaves a peer's set: its index is freed now, its keys zeroed a little later. */
    private void retire(Session session) {
        indices.remove(session.localIndex());
        session.retire();
        worker.bury(session);
    }

    /** When the peer last completed a handshake (monotonic nanos), for {@code jtun show}. */
    public OptionalLong lastHandshakeNanos(Peer peer) {
        return state(peer).timers().lastHandshakeNanos();
    }

    /** When the peer last completed a handshake as wall-clock time (epoch nanos), for the UAPI. */
    public OptionalLong lastHandshakeEpochNanos(Peer peer) {
        OptionalLong monotonic = lastHandshakeNanos(peer);
        if (monotonic.isEmpty()) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(clock.epochNanos() - (clock.nanoTime() - monotonic.getAsLong()));
    }

    /** Handshake messages answered with a cookie reply (we were under load and they had no valid MAC2). */
    public long cookieRepliesSent() {
        return worker.cookieRepliesSent();
    }

    /** Whether the interface has ever been under handshake load (cookies were asked for). */
    public boolean handshakeLoadSeen() {
        return worker.loadSeen();
    }

    /** The most handshake messages ever waiting for the handshake thread at once. */
    public int handshakeQueuePeak() {
        return worker.queuePeak();
    }

    /** How many handshake messages may wait; past that they are dropped as {@link DropReason#HANDSHAKE_OVERLOAD}. */
    public int handshakeQueueCapacity() {
        return HandshakeWorker.queueCapacity();
    }

    public long handshakeAttempts(Peer peer) {
        return state(peer).handshakeAttempts().sum();
    }

    public long handshakeFailures(Peer peer) {
        return state(peer).handshakeFailures().sum();
    }

    public int persistentKeepalive(Peer peer) {
        return state(peer).timers().persistentKeepaliveInterval();
    }

    public WgClock clock() {
        return clock;
    }

    @Override
    public void close() {
        worker.close();
        for (WireGuardPeer wp : byPublicKey.values()) {
            wp.timers().stop();
            wp.keypairs().clear();
            wp.handshake().destroy();
            wp.setPresharedKey(null);
        }
        worker.zeroAllBuried();
        Noise current = noise;
        if (current != null) {
            current.identity().destroy();
        }
    }
}
