package io.jtun.device.wg;

import io.jtun.conn.PacketBatch;
import io.jtun.conn.SocketEndpoint;
import io.jtun.conn.Transport;
import io.jtun.device.DropReason;
import io.jtun.device.Underlay;
import io.jtun.log.Log;
import io.jtun.device.timers.PeerTimers;
import io.jtun.device.timers.TimerAction;
import io.jtun.noise.ConsumedInitiation;
import io.jtun.noise.CookieChecker;
import io.jtun.noise.Messages;
import io.jtun.noise.NoiseEngine;
import io.jtun.noise.SessionKeys;
import io.jtun.sys.Libc;
import io.jtun.sys.PollSet;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayDeque;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The handshake thread: everything of WireGuard that is not per data packet. It consumes
 * handshake messages (initiations, responses, cookie replies) the inbound loop hands over, sends
 * initiations the data path or the timers ask for, runs every peer's timers, flushes packets
 * that waited for a session, and zeroes retired keys. Handshakes cost public-key operations, so
 * they run here, off the data path; under a flood the queue fills, and initiations without a
 * valid cookie MAC are answered with cookie replies instead (WireGuard's DoS mitigation).
 */
final class HandshakeWorker implements AutoCloseable {
    private static final int QUEUE_CAPACITY = 1024;
    /** Above this many queued messages we are "under load" and ask for cookies. */
    private static final int UNDER_LOAD_THRESHOLD = QUEUE_CAPACITY / 8;
    private static final long UNDER_LOAD_HOLD_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long MAX_SLEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
    /** Retired keys are zeroed this long after retirement, when no packet can still be using them. */
    private static final long BURIAL_DELAY_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final int SEND_SLOTS = 16;
    private static final int SEND_WAIT_MILLIS = 100;
    /** While handshakes fail, a named endpoint is looked up again this often. */
    private static final long RESOLVE_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(15);

    private sealed interface Work permits Incoming, Request, Flush, Keepalive, Stop {
    }

    private record Keepalive(WireGuardPeer peer) implements Work {
    }

    private record Incoming(byte[] message, SocketEndpoint source) implements Work {
    }

    private record Request(WireGuardPeer peer) implements Work {
    }

    private record Flush(WireGuardPeer peer) implements Work {
    }

    private record Stop() implements Work {
    }

    private record Buried(Session session, long retiredAt) {
    }

    private final WireGuard wireGuard;
    private final Underlay underlay;
    private final int slotSize;
    private final WgClock clock;
    private final BlockingQueue<Work> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    private final ArrayDeque<Buried> graveyard = new ArrayDeque<>();
    private final Set<TimerAction> due = EnumSet.noneOf(TimerAction.class);
    private volatile boolean running = true;
    private long underLoadUntil;
    private Thread thread;
    private String interfaceName = "?";

    HandshakeWorker(WireGuard wireGuard, Underlay underlay, int slotSize, WgClock clock) {
        this.wireGuard = wireGuard;
        this.underlay = underlay;
        this.slotSize = slotSize;
        this.clock = clock;
    }

    void start(String name) {
        interfaceName = name;
        thread = Thread.ofPlatform().name(name + "-handshake").daemon().start(this::run);
    }

    private String who(WireGuardPeer peer) {
        return interfaceName + ": peer " + Log.shortKey(peer.publicKey().toString());
    }

    /** From the inbound loop: a handshake message to process. False when the queue is full. */
    boolean submit(byte[] message, SocketEndpoint source) {
        return queue.offer(new Incoming(message, source));
    }

    /** From the data path: the peer needs a (new) session. Cheap to call often. */
    void requestHandshake(WireGuardPeer peer) {
        queue.offer(new Request(peer));
    }

    /** A keepalive now (persistent keepalive switched on): it also brings a session up. */
    void requestKeepalive(WireGuardPeer peer) {
        queue.offer(new Keepalive(peer));
    }

    /** From the inbound loop: a session was confirmed; send what waited for it. */
    void flushStaged(WireGuardPeer peer) {
        queue.offer(new Flush(peer));
    }

    /** A retired session whose keys are to be zeroed once nobody can be using them. */
    void bury(Session session) {
        synchronized (graveyard) {
            graveyard.addLast(new Buried(session, clock.nanoTime()));
        }
    }

    private void run() {
        try (Arena arena = Arena.ofConfined()) {
            Sender sender = new Sender(arena);
            while (running) {
                Work work = queue.poll(sleepNanos(), TimeUnit.NANOSECONDS);
                try {
                    process(work, sender);
                } catch (RuntimeException e) {
                    // One bad message or peer must not stop the handshakes of the others.
                    Log.error(interfaceName + ": handshake processing failed: " + e);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One piece of work (null: none came), then the timers and the zeroing of retired keys. */
    private void process(Work work, Sender sender) {
        if (work instanceof Incoming incoming) {
            handle(incoming, sender);
        } else if (work instanceof Request request) {
            if (needsSession(request.peer())) {
                initiate(request.peer(), false, sender);
            }
        } else if (work instanceof Flush flush) {
            sendStaged(flush.peer(), sender);
        } else if (work instanceof Keepalive keepalive) {
            sendKeepalive(keepalive.peer(), sender); // also brings the session up behind NATs
        }
        runTimers(sender);
        zeroBuried(false);
    }

    /**
     * Does the queued work on the caller's thread, without waiting: the worker's loop without its
     * thread, for the fuzz target, which drives handshakes one message at a time and must see
     * any exception. Only for a worker that was never started.
     */
    void runQueued(Sender sender) {
        for (Work work = queue.poll(); work != null; work = queue.poll()) {
            process(work, sender);
        }
    }

    private long sleepNanos() {
        long now = clock.nanoTime();
        long sleep = MAX_SLEEP_NANOS;
        for (WireGuardPeer peer : wireGuard.peers()) {
            sleep = Math.min(sleep, peer.timers().nanosUntilNextDeadline(now));
        }
        return Math.max(sleep, 0);
    }

    // ---- incoming handshake messages ----

    private void handle(Incoming incoming, Sender sender) {
        byte[] message = incoming.message();
        int type = message[0];
        long now = clock.nanoTime();
        WireGuard.Noise noise = wireGuard.noise();
        if (noise == null) {
            wireGuard.interfaceCounters().dropped(DropReason.HANDSHAKE_REJECTED); // no private key yet
            return;
        }
        CookieChecker cookieChecker = noise.cookies();
        if (type != Messages.TYPE_COOKIE_REPLY && !cookieChecker.checkMac1(message)) {
            wireGuard.interfaceCounters().dropped(DropReason.HANDSHAKE_REJECTED);
            return;
        }
        if (type != Messages.TYPE_COOKIE_REPLY && underLoad(now)) {
            byte[] source = CookieChecker.sourceBytes(incoming.source().toInetSocketAddress());
            if (!cookieChecker.checkMac2(message, source, now)) {
                int senderIndex = Messages.getIndex(message, Messages.INITIATION_SENDER);
                sender.send(cookieChecker.createReply(message, senderIndex, source, now), incoming.source());
                return;
            }
        }
        switch (type) {
            case Messages.TYPE_INITIATION -> consumeInitiation(noise.engine(), message, incoming.source(), now, sender);
            case Messages.TYPE_RESPONSE -> consumeResponse(noise.engine(), message, incoming.source(), now, sender);
            case Messages.TYPE_COOKIE_REPLY -> consumeCookieReply(message, now);
            default -> wireGuard.interfaceCounters().dropped(DropReason.MALFORMED);
        }
    }

    private boolean underLoad(long now) {
        if (queue.size() >= UNDER_LOAD_THRESHOLD) {
            underLoadUntil = now + UNDER_LOAD_HOLD_NANOS;
            return true;
        }
        return now - underLoadUntil < 0;
    }

    private void consumeInitiation(NoiseEngine engine, byte[] message, SocketEndpoint source, long now,
            Sender sender) {
        ConsumedInitiation consumed = engine.consumeInitiation(message, key -> {
            WireGuardPeer peer = wireGuard.peerByKey(key);
            return peer == null ? null : peer.handshake();
        }, now);
        if (consumed == null) {
            wireGuard.interfaceCounters().dropped(DropReason.HANDSHAKE_REJECTED);
            return;
        }
        WireGuardPeer peer = wireGuard.peerByKey(consumed.peer().remoteStatic());
        follow(peer, source);
        Log.debug(who(peer) + ": handshake initiation received from " + source);
        PeerTimers timers = peer.timers();
        timers.onAnyAuthenticatedPacketTraversal(now);
        timers.onAnyAuthenticatedPacketReceived(now);

        int index = freshHandshakeIndex(peer);
        byte[] response = engine.createResponse(peer.handshake(), index);
        peer.cookies().addMacs(response, now);
        SessionKeys keys = engine.deriveKeys(peer.handshake(), now);
        Session session = session(peer, keys);
        wireGuard.indices().replace(index, session);
        peer.setHandshakeIndex(0);
        peer.keypairs().responderSession(session);
        sender.send(response, source);
        Log.info(who(peer) + ": handshake completed (responder), endpoint " + source);
        timers.onSessionDerived(now);
        timers.onAnyAuthenticatedPacketTraversal(now);
        timers.onAnyAuthenticatedPacketSent(now);
    }

    private void consumeResponse(NoiseEngine engine, byte[] message, SocketEndpoint source, long now,
            Sender sender) {
        int receiver = Messages.getIndex(message, Messages.RESPONSE_RECEIVER);
        if (!(wireGuard.indices().get(receiver) instanceof WireGuardPeer peer)) {
            wireGuard.interfaceCounters().dropped(DropReason.HANDSHAKE_REJECTED);
            return;
        }
        if (!engine.consumeResponse(peer.handshake(), message)) {
            peer.handshakeFailures().increment(); // e.g. a wrong preshared key
            wireGuard.interfaceCounters().dropped(DropReason.HANDSHAKE_REJECTED);
            return;
        }
        follow(peer, source);
        PeerTimers timers = peer.timers();
        timers.onAnyAuthenticatedPacketTraversal(now);
        timers.onAnyAuthenticatedPacketReceived(now);
        SessionKeys keys = engine.deriveKeys(peer.handshake(), now);
        Session session = session(peer, keys);
        Log.info(who(peer) + ": handshake completed (initiator), endpoint " + source);
        wireGuard.indices().replace(receiver, session);
        peer.setHandshakeIndex(0);
        peer.keypairs().initiatorSession(session);
        timers.onHandshakeComplete(now);
        timers.onSessionDerived(now);
        // The responder may send only once it hears from us on the new session: send at once.
        if (!sendStaged(peer, sender)) {
            sendKeepalive(peer, sender);
        }
    }

    private void consumeCookieReply(byte[] message, long now) {
        int receiver = Messages.getIndex(message, Messages.COOKIE_REPLY_RECEIVER);
        if (!(wireGuard.indices().get(receiver) instanceof WireGuardPeer peer)
                || !peer.cookies().consumeReply(message, now)) {
            wireGuard.interfaceCounters().dropped(DropReason.HANDSHAKE_REJECTED);
        }
        // The next retransmission carries the cookie in its MAC2.
    }

    /**
     * Looks the peer's endpoint name up again, off this thread (DNS can take seconds), and
     * moves the peer to the next of its addresses.
     */
    private void reresolve(WireGuardPeer peer) {
        String host = peer.endpointHost();
        int port = peer.endpointPort();
        Thread.ofVirtual().start(() -> {
            try {
                InetAddress[] addresses = InetAddress.getAllByName(host);
                InetAddress chosen = addresses[peer.takeNextAddressIndex(addresses.length)];
                SocketEndpoint endpoint = SocketEndpoint.of(new InetSocketAddress(chosen, port));
                if (!endpoint.equals(peer.peer().endpoint())) {
                    Log.info(who(peer) + ": endpoint " + host + " now resolves to " + endpoint);
                    peer.peer().updateEndpoint(endpoint);
                }
            } catch (UnknownHostException e) {
                Log.warning(who(peer) + ": cannot resolve endpoint " + host + " (" + e.getMessage() + "); will retry");
            }
        });
    }

    /** Roaming: an authenticated handshake message came from this address. */
    private void follow(WireGuardPeer peer, SocketEndpoint source) {
        SocketEndpoint known = peer.peer().endpoint();
        if (!source.equals(known)) {
            if (known != null) {
                Log.info(who(peer) + ": endpoint moved from " + known + " to " + source);
            }
            peer.peer().updateEndpoint(source);
        }
    }

    private Session session(WireGuardPeer peer, SessionKeys keys) {
        Session session = new Session(peer, keys.localIndex(), keys.remoteIndex(), keys.sendKey().clone(),
                keys.receiveKey().clone(), keys.isInitiator(), keys.createdNanos());
        keys.destroy();
        return session;
    }

    /** Frees the index of an abandoned handshake and takes a new one pointing at the peer. */
    private int freshHandshakeIndex(WireGuardPeer peer) {
        int old = peer.handshakeIndex();
        if (old != 0 && wireGuard.indices().get(old) == peer) {
            wireGuard.indices().remove(old);
        }
        int index = wireGuard.indices().add(peer);
        peer.setHandshakeIndex(index);
        return index;
    }

    // ---- outgoing ----

    private void initiate(WireGuardPeer peer, boolean retry, Sender sender) {
        SocketEndpoint endpoint = peer.peer().endpoint();
        long now = clock.nanoTime();
        WireGuard.Noise noise = wireGuard.noise();
        if (endpoint == null || noise == null || peer.peer().removed() || !peer.handshake().canHandshake()) {
            return; // it must reach us first (its packets stay staged until then), or we have no key
        }
        NoiseEngine engine = noise.engine();
        Session current = peer.keypairs().current();
        if (peer.endpointHost() != null && (current == null || !PeerTimers.canSend(current, now))
                && now - peer.lastResolvedNanos() >= RESOLVE_INTERVAL_NANOS) {
            peer.setLastResolvedNanos(now);
            reresolve(peer); // no working session: the name may point elsewhere by now
        }
        if (!peer.timers().beginInitiation(now, retry)) {
            return; // rate-limited: one initiation per REKEY_TIMEOUT unless retrying
        }
        int index = freshHandshakeIndex(peer);
        byte[] initiation = engine.createInitiation(peer.handshake(), index, clock.epochNanos());
        peer.cookies().addMacs(initiation, now);
        sender.send(initiation, endpoint);
        peer.handshakeAttempts().increment();
        Log.debug(who(peer) + ": handshake initiation sent to " + endpoint + (retry ? " (retry)" : ""));
        PeerTimers timers = peer.timers();
        timers.onAnyAuthenticatedPacketTraversal(now);
        timers.onAnyAuthenticatedPacketSent(now);
        timers.onHandshakeInitiated(now);
    }

    /**
     * Whether a request from the data path still stands: many packets ask at once, and a session
     * may have come up since they did. (Timer-driven handshakes skip this: they fire precisely
     * when a session that looks usable has gone silent.)
     */
    private boolean needsSession(WireGuardPeer peer) {
        Session current = peer.keypairs().current();
        long now = clock.nanoTime();
        // The receive path's "last minute" rekey concerns sessions we initiated that are over
        // 165 s old, which shouldInitiateOnSend (over 120 s) already covers.
        return current == null || !PeerTimers.canSend(current, now) || PeerTimers.shouldInitiateOnSend(current, now);
    }

    /** Encrypts and sends what waited for a session; false if nothing waited. */
    private boolean sendStaged(WireGuardPeer peer, Sender sender) {
        List<byte[]> packets = peer.takeStaged();
        if (packets.isEmpty()) {
            return false;
        }
        for (byte[] packet : packets) {
            if (!sender.sendSealed(peer, packet)) {
                peer.stage(packet);
                requestHandshake(peer);
                break;
            }
        }
        return true;
    }

    private void sendKeepalive(WireGuardPeer peer, Sender sender) {
        if (!sender.sendSealed(peer, new byte[0])) {
            requestHandshake(peer); // no session yet: the handshake's completion sends one
        }
    }

    private void runTimers(Sender sender) {
        long now = clock.nanoTime();
        for (WireGuardPeer peer : wireGuard.peers()) {
            due.clear();
            if (!peer.timers().due(now, due)) {
                continue;
            }
            for (TimerAction action : due) {
                switch (action) {
                    case ZERO_KEYS -> {
                        peer.keypairs().clear();
                        peer.handshake().clear();
                    }
                    case GIVE_UP -> {
                        peer.handshakeFailures().increment();
                        int dropped = peer.dropStaged();
                        Log.warning(who(peer) + ": no handshake after " + io.jtun.noise.Protocol.REKEY_ATTEMPT_TIME
                                .toSeconds() + " s; giving up" + (dropped > 0 ? ", dropped " + dropped + " queued packets"
                                : ""));
                    }
                    case RETRANSMIT_HANDSHAKE -> initiate(peer, true, sender);
                    case INITIATE_HANDSHAKE -> initiate(peer, false, sender);
                    case SEND_KEEPALIVE -> sendKeepalive(peer, sender);
                }
            }
        }
    }

    private void zeroBuried(boolean all) {
        long now = clock.nanoTime();
        synchronized (graveyard) {
            while (!graveyard.isEmpty() && (all || now - graveyard.peekFirst().retiredAt() >= BURIAL_DELAY_NANOS)) {
                graveyard.pollFirst().session().zeroKeys();
            }
        }
    }

    void zeroAllBuried() {
        zeroBuried(true);
    }

    @Override
    public void close() {
        running = false;
        queue.clear();
        queue.offer(new Stop());
        if (thread != null) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The worker's own small batch for the few datagrams it sends. */
    final class Sender {
        private final PacketBatch batch;
        private final PollSet writable;

        Sender(Arena arena) {
            this.batch = new PacketBatch(arena, SEND_SLOTS, slotSize);
            this.writable = new PollSet(arena, 1);
        }

        /** Sends a handshake message as is. */
        void send(byte[] message, SocketEndpoint to) {
            batch.setOffset(0, 0);
            MemorySegment.copy(message, 0, batch.data(), ValueLayout.JAVA_BYTE, batch.slotStart(0), message.length);
            batch.setLength(0, message.length);
            batch.setAddress(0, to);
            batch.setCount(1);
            transmit();
        }

        /** Seals a packet (or a keepalive, when empty) for the peer and sends it; false without a session. */
        boolean sendSealed(WireGuardPeer peer, byte[] packet) {
            Session session = peer.keypairs().current();
            SocketEndpoint endpoint = peer.peer().endpoint();
            long now = clock.nanoTime();
            if (session == null || session.retired() || !PeerTimers.canSend(session, now) || endpoint == null) {
                return false;
            }
            batch.setOffset(0, wireGuard.headroom());
            MemorySegment.copy(packet, 0, batch.data(), ValueLayout.JAVA_BYTE, batch.payloadStart(0), packet.length);
            batch.setLength(0, packet.length);
            if (!wireGuard.sealForWorker(peer, session, batch, 0, now)) {
                return false;
            }
            batch.setAddress(0, endpoint);
            batch.setCount(1);
            transmit();
            return true;
        }

        private void transmit() {
            Transport transport = underlay.get();
            if (transport.send(batch, 0) == 0) {
                // The socket buffer is full: wait briefly once, then give up on this datagram
                // (handshakes are retried by the timers anyway).
                writable.set(0, transport.blockedFd(), Libc.POLLOUT);
                writable.poll(SEND_WAIT_MILLIS);
                transport.send(batch, 0);
            }
        }
    }
}
