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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * The handshake thread: everything of WireGuard that is not per data packet. It consumes
 * handshake messages (initiations, responses, cookie replies) the inbound loop hands over, sends
 * initiations the data path or the timers ask for, runs every peer's timers, flushes packets
 * that waited for a session, and zeroes retired keys. Handshakes cost public-key operations, so
 * they run here, off the data path.
 *
 * <p>Under a flood (WireGuard's DoS mitigation): once messages pile up in the {@link
 * HandshakeInbox}, a message without a valid cookie MAC (MAC2) gets a cookie reply instead of
 * an answer, and one with a valid MAC2 still has to pass its source's {@link SourceRateLimiter}
 * bucket (WireGuard's 20 a second). Cookie replies are limited per source too, to one a second
 * after a burst of five: more than any peer needs (one per handshake attempt, every 5 s), so a
 * flood from a few thousand addresses costs a table lookup per message instead of a reply,
 * leaving room for everyone's first message, and no address is showered with our replies.
 * (jtun's own addition, not WireGuard's. The price: someone
 * who spoofs a peer's own address can use up that address's cookie replies while the flood
 * lasts.) A legitimate peer gets its cookie like everyone else, and retries with it; when the
 * inbox is full, that retry is let into a small priority inbox if its MAC2 checks out (see
 * {@link #submit}), so a flood of forged messages, which can never carry a valid MAC2, cannot
 * crowd it out. Messages are taken in runs and their replies sent together (one sendmmsg per
 * {@link #SEND_SLOTS}), and the timers, which look at every peer, run every {@link
 * #BUSY_TIMER_INTERVAL_NANOS} while busy rather than after every message, so one message costs
 * the same with ten peers or ten thousand.
 */
final class HandshakeWorker implements AutoCloseable {
    /** Requests from the data path and timers that may wait (a repeated request adds nothing). */
    private static final int CONTROL_CAPACITY = 1024;
    /**
     * Above this many queued messages we are "under load" and ask for cookies (wireguard-go's
     * figure: an eighth of its 1024-message queue; a deeper inbox does not make us wait longer).
     */
    private static final int UNDER_LOAD_THRESHOLD = 128;
    private static final long UNDER_LOAD_HOLD_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long MAX_SLEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
    /** Retired keys are zeroed this long after retirement, when no packet can still be using them. */
    private static final long BURIAL_DELAY_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final int SEND_SLOTS = 16;
    /** Messages with a valid MAC2 that may wait while the main inbox is full. */
    private static final int PRIORITY_CAPACITY = 64;
    /** Cookie replies a second one source (IPv4 address, IPv6 /64) may get under load, and at once. */
    private static final int COOKIES_PER_SECOND = 1;
    private static final int COOKIE_BURST = 5;
    /** Handshake messages handled in one run before the control queue and the timers get a look. */
    private static final int RUN_LENGTH = 64;
    /** While messages keep coming, the timers still run this often. */
    private static final long BUSY_TIMER_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final int SEND_WAIT_MILLIS = 100;
    /** While handshakes fail, a named endpoint is looked up again this often. */
    private static final long RESOLVE_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(15);

    private sealed interface Work permits Request, Flush, Keepalive {
    }

    private record Keepalive(WireGuardPeer peer) implements Work {
    }

    private record Request(WireGuardPeer peer) implements Work {
    }

    private record Flush(WireGuardPeer peer) implements Work {
    }

    private record Buried(Session session, long retiredAt) {
    }

    private final WireGuard wireGuard;
    private final Underlay underlay;
    private final int slotSize;
    private final WgClock clock;
    private final HandshakeInbox inbox = new HandshakeInbox(HandshakeInbox.CAPACITY);
    private final HandshakeInbox priority = new HandshakeInbox(PRIORITY_CAPACITY);
    private final ArrayBlockingQueue<Work> control = new ArrayBlockingQueue<>(CONTROL_CAPACITY);
    private final ArrayDeque<Buried> graveyard = new ArrayDeque<>();
    private final Set<TimerAction> due = EnumSet.noneOf(TimerAction.class);
    private final SourceRateLimiter rateLimiter = new SourceRateLimiter();
    private final SourceRateLimiter cookieLimiter = new SourceRateLimiter(COOKIES_PER_SECOND, COOKIE_BURST);
    private final LongAdder cookieReplies = new LongAdder();
    private volatile boolean running = true;
    /** The thread is about to sleep, or sleeps: a producer must wake it. */
    private volatile boolean idle;
    private long underLoadUntil;
    private volatile Thread thread;
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

    /**
     * From the inbound loop: the handshake message at {@code data[start, start+length)}, sent
     * from {@code sockaddr}, to process. Copied, so the batch can be reused at once. False when
     * too many are waiting already.
     *
     * <p>When the inbox is full (a flood, most likely), a message with a valid MAC2 still gets in,
     * through the priority inbox: its sender received our cookie at its address, so it is no
     * forgery from a spoofed source. Checking costs this thread two MACs, and only for messages
     * that arrive while the inbox is full and carry a MAC2 at all; the rate limit still applies
     * to it on the handshake thread.
     */
    boolean submit(MemorySegment data, long start, int length, MemorySegment sockaddr, int sockaddrLength) {
        if (!inbox.offer(data, start, length, sockaddr, sockaddrLength) && !submitProven(data, start, length,
                sockaddr, sockaddrLength)) {
            return false;
        }
        wake();
        return true;
    }

    private boolean submitProven(MemorySegment data, long start, int length, MemorySegment sockaddr,
            int sockaddrLength) {
        WireGuard.Noise noise = wireGuard.noise();
        if (noise == null || length < Messages.MACS_SIZE
                || data.get(ValueLayout.JAVA_BYTE, start) == Messages.TYPE_COOKIE_REPLY
                || isZero(data, start + length - Messages.MAC_SIZE, Messages.MAC_SIZE)) {
            return false; // a cookie reply has no MAC2, and a zero MAC2 is a sender without a cookie
        }
        HandshakeInbox.Message message = priority.take(data, start, length, sockaddr, sockaddrLength);
        if (message == null) {
            return false;
        }
        byte[] source = message.sourceBytes();
        if (source == null || !noise.cookies().checkMac2(message.bytes, 0, message.length, source, clock.nanoTime())) {
            return false; // not published: the slot stays free
        }
        priority.publish();
        return true;
    }

    private static boolean isZero(MemorySegment data, long start, int length) {
        int any = 0;
        for (long i = start; i < start + length; i++) {
            any |= data.get(ValueLayout.JAVA_BYTE, i);
        }
        return any == 0;
    }

    /** From the data path: the peer needs a (new) session. Cheap to call often. */
    void requestHandshake(WireGuardPeer peer) {
        ask(new Request(peer));
    }

    /** A keepalive now (persistent keepalive switched on): it also brings a session up. */
    void requestKeepalive(WireGuardPeer peer) {
        ask(new Keepalive(peer));
    }

    /** From the inbound loop: a session was confirmed; send what waited for it. */
    void flushStaged(WireGuardPeer peer) {
        ask(new Flush(peer));
    }

    private void ask(Work work) {
        if (control.offer(work)) {
            wake();
        }
    }

    /** Wakes the thread if it sleeps; while it works (under a flood, all the time) this costs a volatile read. */
    private void wake() {
        Thread worker = thread;
        if (worker != null && idle) {
            LockSupport.unpark(worker);
        }
    }

    /** Cookie replies sent since the start: handshake messages answered so while under load. */
    long cookieRepliesSent() {
        return cookieReplies.sum();
    }

    /** Whether so many messages ever waited that cookies were asked for. */
    boolean loadSeen() {
        return inbox.peak() >= UNDER_LOAD_THRESHOLD || cookieReplies.sum() > 0;
    }

    /** The most handshake messages that were ever waiting at once in the main inbox. */
    int queuePeak() {
        return inbox.peak();
    }

    static int queueCapacity() {
        return HandshakeInbox.CAPACITY;
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
            long timersRan = clock.nanoTime();
            while (running) {
                boolean busy = false;
                for (int i = 0; i < CONTROL_CAPACITY; i++) {
                    Work work = control.poll();
                    if (work == null) {
                        break;
                    }
                    busy = true;
                    perform(work, sender);
                }
                try {
                    busy |= handleMessages(sender, RUN_LENGTH);
                } catch (RuntimeException e) {
                    // One bad message must not stop the handshakes of the others.
                    busy = true;
                    Log.error(interfaceName + ": handshake processing failed: " + e);
                }
                long now = clock.nanoTime();
                if (!busy || now - timersRan >= BUSY_TIMER_INTERVAL_NANOS) {
                    timersRan = now;
                    try {
                        runTimers(sender);
                        zeroBuried(false);
                    } catch (RuntimeException e) {
                        Log.error(interfaceName + ": handshake timers failed: " + e);
                    }
                }
                sender.flush();
                if (!busy) {
                    // Woken early by submit and ask; spurious wake-ups only cost a loop. The flag
                    // is set before the last look, and they set their work before reading it, so
                    // one of the two always sees the other (both are volatile).
                    idle = true;
                    if (control.isEmpty() && inbox.size() == 0 && priority.size() == 0) {
                        wireGuard.forgetKeys(); // keepalives and staged packets it sealed
                        LockSupport.parkNanos(this, sleepNanos());
                    }
                    idle = false;
                }
            }
        }
    }

    private void perform(Work work, Sender sender) {
        try {
            if (work instanceof Request request) {
                if (needsSession(request.peer())) {
                    initiate(request.peer(), false, sender);
                }
            } else if (work instanceof Flush flush) {
                sendStaged(flush.peer(), sender);
            } else if (work instanceof Keepalive keepalive) {
                sendKeepalive(keepalive.peer(), sender); // also brings the session up behind NATs
            }
        } catch (RuntimeException e) {
            // One bad peer must not stop the handshakes of the others.
            Log.error(interfaceName + ": handshake processing failed: " + e);
        }
    }

    /**
     * Handles up to {@code limit} queued handshake messages, the priority inbox's first; false
     * when there were none.
     */
    private boolean handleMessages(Sender sender, int limit) {
        boolean any = false;
        for (int i = 0; i < limit; i++) {
            HandshakeInbox from = priority;
            HandshakeInbox.Message message = priority.poll();
            if (message == null) {
                from = inbox;
                message = inbox.poll();
            }
            if (message == null) {
                break;
            }
            any = true;
            try {
                handle(message, sender);
            } finally {
                from.done();
            }
        }
        return any;
    }

    /**
     * Does the queued work on the caller's thread, without waiting: the worker's loop without its
     * thread, for the fuzz target, which drives handshakes one message at a time and must see
     * any exception a message causes. Only for a worker that was never started.
     */
    void runQueued(Sender sender) {
        for (Work work = control.poll(); work != null; work = control.poll()) {
            perform(work, sender);
        }
        while (handleMessages(sender, Integer.MAX_VALUE)) {
            // until both inboxes are empty
        }
        runTimers(sender);
        zeroBuried(false);
        sender.flush();
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

    /**
     * One handshake message: its MACs checked (under load, MAC2 and the source's rate too), then
     * consumed. Until it has passed its MACs nothing is allocated for it but a cookie reply, so a
     * flood of forged messages costs little more than the MACs.
     */
    private void handle(HandshakeInbox.Message incoming, Sender sender) {
        byte[] message = incoming.bytes;
        int length = incoming.length;
        int type = incoming.type();
        long now = clock.nanoTime();
        WireGuard.Noise noise = wireGuard.noise();
        if (noise == null) {
            wireGuard.interfaceCounters().dropped(DropReason.HANDSHAKE_REJECTED); // no private key yet
            return;
        }
        if (type == Messages.TYPE_COOKIE_REPLY) {
            consumeCookieReply(message, length, now);
            return;
        }
        boolean loaded = underLoad(now);
        byte[] source = loaded ? incoming.sourceBytes() : null;
        if (loaded && source == null) {
            wireGuard.interfaceCounters().dropped(DropReason.HANDSHAKE_REJECTED);
            return;
        }
        boolean cookieOnly = loaded && !incoming.hasMac2();
        // Without a cookie, the answer can only be a cookie reply: a source that had its share is
        // dropped before any MAC is computed, the cheapest way through a flood.
        if (cookieOnly && !mayHaveCookie(source, now)) {
            return;
        }
        CookieChecker cookieChecker = noise.cookies();
        if (!cookieChecker.checkMac1(message, 0, length)) {
            wireGuard.interfaceCounters().dropped(DropReason.HANDSHAKE_REJECTED);
            return;
        }
        if (loaded) {
            if (!cookieOnly && !cookieChecker.checkMac2(message, 0, length, source, now)) {
                cookieOnly = mayHaveCookie(source, now);
                if (!cookieOnly) {
                    return;
                }
            }
            if (cookieOnly) {
                // Initiations and responses both have their sender index at offset 4.
                int senderIndex = Messages.getIndex(message, Messages.INITIATION_SENDER);
                sender.send(cookieChecker.createReply(message, 0, length, senderIndex, source, now), incoming.sockaddr,
                        incoming.sockaddrLength);
                cookieReplies.increment();
                return;
            }
            // The source proved it receives at its address; it still gets only its share.
            if (!rateLimiter.allow(source, source.length - 2, now)) {
                wireGuard.interfaceCounters().dropped(DropReason.HANDSHAKE_RATE_LIMITED);
                return;
            }
        }
        switch (type) {
            case Messages.TYPE_INITIATION -> consumeInitiation(noise.engine(), message, length, incoming.source(), now,
                    sender);
            case Messages.TYPE_RESPONSE -> consumeResponse(noise.engine(), message, length, incoming.source(), now,
                    sender);
            default -> wireGuard.interfaceCounters().dropped(DropReason.MALFORMED);
        }
    }

    /**
     * Whether the source may be sent another cookie reply now; if not, the message is counted as
     * dropped, and we stay under load: refusing messages cheaply drains the inbox below the
     * threshold, and without this the next second would treat the same flood as ordinary
     * handshakes, each costing a Diffie-Hellman, until the inbox filled up again.
     */
    private boolean mayHaveCookie(byte[] source, long now) {
        if (cookieLimiter.allow(source, source.length - 2, now)) {
            return true;
        }
        wireGuard.interfaceCounters().dropped(DropReason.COOKIE_RATE_LIMITED);
        underLoadUntil = now + UNDER_LOAD_HOLD_NANOS;
        return false;
    }

    private boolean underLoad(long now) {
        if (inbox.size() >= UNDER_LOAD_THRESHOLD) {
            underLoadUntil = now + UNDER_LOAD_HOLD_NANOS;
            return true;
        }
        return now - underLoadUntil < 0;
    }

    private void consumeInitiation(NoiseEngine engine, byte[] message, int length, SocketEndpoint source, long now,
            Sender sender) {
        ConsumedInitiation consumed = engine.consumeInitiation(message, 0, length, key -> {
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

    private void consumeResponse(NoiseEngine engine, byte[] message, int length, SocketEndpoint source, long now,
            Sender sender) {
        int receiver = Messages.getIndex(message, Messages.RESPONSE_RECEIVER);
        if (!(wireGuard.indices().get(receiver) instanceof WireGuardPeer peer)) {
            wireGuard.interfaceCounters().dropped(DropReason.HANDSHAKE_REJECTED);
            return;
        }
        if (!engine.consumeResponse(peer.handshake(), message, 0, length)) {
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

    private void consumeCookieReply(byte[] message, int length, long now) {
        int receiver = Messages.getIndex(message, Messages.COOKIE_REPLY_RECEIVER);
        if (!(wireGuard.indices().get(receiver) instanceof WireGuardPeer peer)
                || !peer.cookies().consumeReply(message, 0, length, now)) {
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
        control.clear(); // the inboxes belong to the threads that fill and empty them, and go with them
        Thread worker = thread;
        if (worker != null) {
            LockSupport.unpark(worker);
        }
        if (thread != null) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * The worker's own small batch: what it sends collects in the slots and goes out with one
     * sendmmsg when they are full or the worker has nothing more to do ({@link #flush}).
     */
    final class Sender {
        private final PacketBatch batch;
        private final PollSet writable;

        Sender(Arena arena) {
            this.batch = new PacketBatch(arena, SEND_SLOTS, slotSize);
            this.writable = new PollSet(arena, 1);
        }

        /** Sends a handshake message as is. */
        void send(byte[] message, SocketEndpoint to) {
            int slot = message(message);
            batch.setAddress(slot, to);
            batch.setCount(slot + 1);
        }

        /** Sends a handshake message to a sockaddr as a received datagram had it. */
        void send(byte[] message, MemorySegment sockaddr, int sockaddrLength) {
            int slot = message(message);
            batch.setAddress(slot, sockaddr, sockaddrLength);
            batch.setCount(slot + 1);
        }

        private int message(byte[] message) {
            int slot = nextSlot();
            batch.setOffset(slot, 0);
            MemorySegment.copy(message, 0, batch.data(), ValueLayout.JAVA_BYTE, batch.slotStart(slot), message.length);
            batch.setLength(slot, message.length);
            return slot;
        }

        /** Seals a packet (or a keepalive, when empty) for the peer and sends it; false without a session. */
        boolean sendSealed(WireGuardPeer peer, byte[] packet) {
            Session session = peer.keypairs().current();
            SocketEndpoint endpoint = peer.peer().endpoint();
            long now = clock.nanoTime();
            if (session == null || session.retired() || !PeerTimers.canSend(session, now) || endpoint == null) {
                return false;
            }
            int slot = nextSlot();
            batch.setOffset(slot, wireGuard.headroom());
            MemorySegment.copy(packet, 0, batch.data(), ValueLayout.JAVA_BYTE, batch.payloadStart(slot), packet.length);
            batch.setLength(slot, packet.length);
            if (!wireGuard.sealForWorker(peer, session, batch, slot, now)) {
                return false;
            }
            batch.setAddress(slot, endpoint);
            batch.setCount(slot + 1);
            return true;
        }

        /** The next free slot, sending what the batch holds first if it is full. */
        private int nextSlot() {
            if (batch.count() == batch.capacity()) {
                flush();
            }
            return batch.count();
        }

        /** Sends what collected. */
        void flush() {
            int count = batch.count();
            if (count == 0) {
                return;
            }
            Transport transport = underlay.get();
            int next = 0;
            boolean waited = false;
            while (next < count) {
                int sent = transport.send(batch, next);
                if (sent == 0) {
                    if (waited) {
                        break; // still full: give up on the rest (handshakes are retried by the timers anyway)
                    }
                    // The socket buffer is full: wait briefly once.
                    writable.set(0, transport.blockedFd(), Libc.POLLOUT);
                    writable.poll(SEND_WAIT_MILLIS);
                    waited = true;
                }
                next += sent;
            }
            batch.setCount(0);
        }
    }
}
