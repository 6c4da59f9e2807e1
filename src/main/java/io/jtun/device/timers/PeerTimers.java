package io.jtun.device.timers;

import static io.jtun.device.timers.TimerConstants.KEEPALIVE_TIMEOUT;
import static io.jtun.device.timers.TimerConstants.LAST_MINUTE_REKEY_AGE;
import static io.jtun.device.timers.TimerConstants.MAX_PERSISTENT_KEEPALIVE_SECONDS;
import static io.jtun.device.timers.TimerConstants.MAX_TIMER_HANDSHAKES;
import static io.jtun.device.timers.TimerConstants.NEW_HANDSHAKE_AFTER;
import static io.jtun.device.timers.TimerConstants.REJECT_AFTER_MESSAGES;
import static io.jtun.device.timers.TimerConstants.REJECT_AFTER_TIME;
import static io.jtun.device.timers.TimerConstants.REKEY_AFTER_MESSAGES;
import static io.jtun.device.timers.TimerConstants.REKEY_AFTER_TIME;
import static io.jtun.device.timers.TimerConstants.REKEY_TIMEOUT;
import static io.jtun.device.timers.TimerConstants.REKEY_TIMEOUT_JITTER_MAX;
import static io.jtun.device.timers.TimerConstants.ZERO_KEY_MATERIAL_AFTER;

import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

/**
 * The timer state machine of one WireGuard peer (whitepaper section 6), without I/O: the device
 * reports what happened through the {@code on...} events, polls {@link #due(long)} for what to do
 * (at the latest by {@link #nextDeadline()}, or every ~100 ms), and does it itself: sending
 * initiations and keepalives, dropping queued packets, erasing keys.
 *
 * <p>Nothing here reads a clock or sleeps: every method takes {@code now}, in nanoseconds of a
 * monotonic clock such as {@link System#nanoTime()}, and deadlines are compared overflow-safely
 * ({@code now - deadline >= 0}), so any origin works, wrapping included. The jitter added to the
 * handshake timers comes from the injected {@link RandomGenerator}.
 *
 * <h2>The timers</h2>
 * Each is disarmed or armed with a deadline; one that fires is disarmed unless its rule re-arms it.
 * <ul>
 *   <li>{@link TimerKind#RETRANSMIT_HANDSHAKE}: armed REKEY_TIMEOUT (5 s) + jitter [0, 334 ms)
 *       after an initiation is sent. Fires: after more than MAX_TIMER_HANDSHAKES (18) retries,
 *       {@link TimerAction#GIVE_UP} (and disarm the passive keepalive, and arm key erasure in 540 s
 *       unless it is armed); otherwise count one more attempt and
 *       {@link TimerAction#RETRANSMIT_HANDSHAKE}. So an unanswered handshake is sent 20 times
 *       (the first and 19 retries) and abandoned ~100 s after the first.
 *   <li>{@link TimerKind#SEND_KEEPALIVE}: armed KEEPALIVE_TIMEOUT (10 s) after receiving data, or
 *       if already armed, remembers that another keepalive will be needed; disarmed by sending any
 *       authenticated packet. Fires: {@link TimerAction#SEND_KEEPALIVE}, then re-armed 10 s later
 *       if another was needed.
 *   <li>{@link TimerKind#NEW_HANDSHAKE}: armed KEEPALIVE_TIMEOUT + REKEY_TIMEOUT + jitter after
 *       sending data, unless armed; disarmed by receiving any authenticated packet. Fires:
 *       {@link TimerAction#INITIATE_HANDSHAKE}.
 *   <li>{@link TimerKind#ZERO_KEY_MATERIAL}: (re)armed REJECT_AFTER_TIME * 3 (540 s) after each
 *       session is derived. Fires: {@link TimerAction#ZERO_KEYS}.
 *   <li>{@link TimerKind#PERSISTENT_KEEPALIVE}: when an interval is configured, (re)armed that many
 *       seconds after any authenticated packet is sent or received. Fires:
 *       {@link TimerAction#SEND_KEEPALIVE}.
 * </ul>
 *
 * <h2>What the device does with the actions</h2>
 * Sending anything goes through the events like any other packet (a keepalive is an
 * authenticated packet sent: {@link #onAnyAuthenticatedPacketTraversal} and
 * {@link #onAnyAuthenticatedPacketSent}); initiations go through {@link #beginInitiation} first
 * and {@link #onHandshakeInitiated} after.
 *
 * <h2>Threads</h2>
 * Every method is safe to call from any thread; state changes hold this object's monitor for a
 * few field updates and never allocate, except {@link #due(long)} when something fired and
 * {@link #snapshot()}. The static checks ({@link #canSend}, {@link #canReceive},
 * {@link #shouldInitiateOnSend}) hold no lock.
 */
public final class PeerTimers {
    private static final TimerKind[] KINDS = TimerKind.values();
    private static final TimerAction[] ACTIONS = TimerAction.values();
    private static final int RETRANSMIT = TimerKind.RETRANSMIT_HANDSHAKE.ordinal();
    private static final int KEEPALIVE = TimerKind.SEND_KEEPALIVE.ordinal();
    private static final int NEW_HANDSHAKE = TimerKind.NEW_HANDSHAKE.ordinal();
    private static final int ZERO_KEYS = TimerKind.ZERO_KEY_MATERIAL.ordinal();
    private static final int PERSISTENT = TimerKind.PERSISTENT_KEEPALIVE.ordinal();

    private final RandomGenerator random;

    // All guarded by this.
    private final boolean[] armed = new boolean[KINDS.length];
    private final long[] deadline = new long[KINDS.length];
    private boolean running = true;
    private int handshakeAttempts;
    private boolean needAnotherKeepalive;
    private boolean sentLastMinuteHandshake;
    private int persistentKeepaliveSeconds;
    private boolean initiationSent;
    private long lastInitiationSentNanos;
    private boolean handshakeCompleted;
    private long lastHandshakeNanos;

    /** Timers whose jitter comes from {@code random}, used only under this object's lock. */
    public PeerTimers(RandomGenerator random) {
        this.random = Objects.requireNonNull(random, "random");
    }

    /** Timers with jitter from {@link RandomGenerator#getDefault()} (jitter needs no secrecy). */
    public PeerTimers() {
        this(RandomGenerator.getDefault());
    }

    // ---------------------------------------------------------------------------------------
    // Events
    // ---------------------------------------------------------------------------------------

    /** An authenticated data packet (not a keepalive) was sent: expect an answer within 15 s. */
    public synchronized void onDataSent(long now) {
        if (running && !armed[NEW_HANDSHAKE]) {
            arm(NEW_HANDSHAKE, now + NEW_HANDSHAKE_AFTER + jitter());
        }
    }

    /** An authenticated data packet (not a keepalive) was received: answer within 10 s. */
    public synchronized void onDataReceived(long now) {
        if (!running) {
            return;
        }
        if (!armed[KEEPALIVE]) {
            arm(KEEPALIVE, now + KEEPALIVE_TIMEOUT);
        } else {
            needAnotherKeepalive = true;
        }
    }

    /**
     * Any authenticated packet (data, keepalive or handshake) was sent: it serves as a keepalive,
     * so the pending passive keepalive is dropped.
     */
    public synchronized void onAnyAuthenticatedPacketSent(long now) {
        if (running) {
            armed[KEEPALIVE] = false;
        }
    }

    /**
     * Any authenticated packet (data, keepalive or handshake) was received: the peer is alive, so
     * no new handshake is needed for the data we sent.
     */
    public synchronized void onAnyAuthenticatedPacketReceived(long now) {
        if (running) {
            armed[NEW_HANDSHAKE] = false;
        }
    }

    /**
     * Any authenticated packet is about to be sent, or was received: the persistent keepalive
     * restarts its interval.
     */
    public synchronized void onAnyAuthenticatedPacketTraversal(long now) {
        if (running && persistentKeepaliveSeconds > 0) {
            arm(PERSISTENT, now + TimeUnit.SECONDS.toNanos(persistentKeepaliveSeconds));
        }
    }

    /**
     * A handshake initiation was sent (first or retry): wait REKEY_TIMEOUT + jitter for the
     * response before retransmitting, and start the rate-limit interval.
     */
    public synchronized void onHandshakeInitiated(long now) {
        initiationSent = true;
        lastInitiationSentNanos = now;
        if (running) {
            arm(RETRANSMIT, now + REKEY_TIMEOUT + jitter());
        }
    }

    /**
     * A handshake completed: we received the response to our initiation, or, as responder, the
     * first data message confirming the keys. Stops retransmissions and resets the attempts.
     */
    public synchronized void onHandshakeComplete(long now) {
        if (running) {
            armed[RETRANSMIT] = false;
        }
        handshakeAttempts = 0;
        sentLastMinuteHandshake = false;
        handshakeCompleted = true;
        lastHandshakeNanos = now;
    }

    /**
     * New session keys were derived (before sending a handshake response, or after receiving
     * one): the keys are erased 540 s after the last such event.
     */
    public synchronized void onSessionDerived(long now) {
        if (running) {
            arm(ZERO_KEYS, now + ZERO_KEY_MATERIAL_AFTER);
        }
    }

    /**
     * Sets the persistent-keepalive interval, in seconds, 0 to disable it (which disarms its
     * timer). A change between non-zero values takes effect at the next packet.
     *
     * @return true if persistent keepalives were off and are now on: the device should then send
     *     a keepalive right away (when the interface is up), which arms the timer, as WireGuard
     *     does on configuration
     * @throws IllegalArgumentException unless 0 &lt;= seconds &lt;= 65535
     */
    public synchronized boolean setPersistentKeepaliveInterval(int seconds) {
        if (seconds < 0 || seconds > MAX_PERSISTENT_KEEPALIVE_SECONDS) {
            throw new IllegalArgumentException(
                    "persistent keepalive interval must be 0 to " + MAX_PERSISTENT_KEEPALIVE_SECONDS
                            + " seconds: " + seconds);
        }
        int old = persistentKeepaliveSeconds;
        persistentKeepaliveSeconds = seconds;
        if (seconds == 0) {
            armed[PERSISTENT] = false;
        }
        return old == 0 && seconds != 0;
    }

    /**
     * Disarms every timer and ignores timer events until {@link #start()}: the peer was removed or
     * the interface went down. The recorded times (last handshake, last initiation) are kept.
     */
    public synchronized void stop() {
        running = false;
        Arrays.fill(armed, false);
    }

    /**
     * Lets events arm timers again after {@link #stop()} (timers start running when constructed),
     * with fresh counters: no attempts, no pending keepalive, no last-minute handshake sent.
     */
    public synchronized void start() {
        running = true;
        handshakeAttempts = 0;
        needAnotherKeepalive = false;
        sentLastMinuteHandshake = false;
    }

    // ---------------------------------------------------------------------------------------
    // Polling
    // ---------------------------------------------------------------------------------------

    /**
     * Fires the timers whose deadline is at or before {@code now} and returns what the device must
     * do, in {@link TimerAction} declaration order. Allocates nothing when nothing is due (the
     * result is then an immutable empty set); otherwise returns a new mutable set.
     */
    public Set<TimerAction> due(long now) {
        int actions = fire(now);
        if (actions == 0) {
            return Collections.emptySet();
        }
        EnumSet<TimerAction> result = EnumSet.noneOf(TimerAction.class);
        addActions(actions, result);
        return result;
    }

    /**
     * Like {@link #due(long)} but adds the actions to {@code out}, a set the caller reuses.
     *
     * @return whether anything was due
     */
    public boolean due(long now, Set<TimerAction> out) {
        int actions = fire(now);
        addActions(actions, out);
        return actions != 0;
    }

    /**
     * The earliest armed deadline, to sleep until; {@link Long#MAX_VALUE} if nothing is armed.
     * Since a deadline may itself be any long (the clock may wrap), {@link #nanosUntilNextDeadline}
     * is the unambiguous form.
     */
    public synchronized long nextDeadline() {
        long earliest = Long.MAX_VALUE;
        boolean any = false;
        for (int i = 0; i < KINDS.length; i++) {
            if (armed[i] && (!any || deadline[i] - earliest < 0)) {
                earliest = deadline[i];
                any = true;
            }
        }
        return earliest;
    }

    /**
     * How long from {@code now} until the earliest armed deadline, 0 if one has passed, and
     * {@link Long#MAX_VALUE} if nothing is armed.
     */
    public synchronized long nanosUntilNextDeadline(long now) {
        long least = Long.MAX_VALUE;
        for (int i = 0; i < KINDS.length; i++) {
            if (armed[i]) {
                least = Math.min(least, Math.max(0, deadline[i] - now));
            }
        }
        return least;
    }

    private synchronized int fire(long now) {
        int actions = 0;
        if (expired(RETRANSMIT, now)) {
            armed[RETRANSMIT] = false;
            if (handshakeAttempts > MAX_TIMER_HANDSHAKES) {
                actions |= bit(TimerAction.GIVE_UP);
                armed[KEEPALIVE] = false;
                if (!armed[ZERO_KEYS]) {
                    arm(ZERO_KEYS, now + ZERO_KEY_MATERIAL_AFTER);
                }
            } else {
                handshakeAttempts++;
                actions |= bit(TimerAction.RETRANSMIT_HANDSHAKE);
            }
        }
        if (expired(ZERO_KEYS, now)) {
            armed[ZERO_KEYS] = false;
            actions |= bit(TimerAction.ZERO_KEYS);
        }
        if (expired(NEW_HANDSHAKE, now)) {
            armed[NEW_HANDSHAKE] = false;
            actions |= bit(TimerAction.INITIATE_HANDSHAKE);
        }
        if (expired(KEEPALIVE, now)) {
            armed[KEEPALIVE] = false;
            actions |= bit(TimerAction.SEND_KEEPALIVE);
            if (needAnotherKeepalive) {
                needAnotherKeepalive = false;
                arm(KEEPALIVE, now + KEEPALIVE_TIMEOUT);
            }
        }
        if (expired(PERSISTENT, now)) {
            armed[PERSISTENT] = false;
            if (persistentKeepaliveSeconds > 0) {
                actions |= bit(TimerAction.SEND_KEEPALIVE);
            }
        }
        return actions;
    }

    private static int bit(TimerAction action) {
        return 1 << action.ordinal();
    }

    private static void addActions(int actions, Set<TimerAction> out) {
        for (TimerAction action : ACTIONS) {
            if ((actions & bit(action)) != 0) {
                out.add(action);
            }
        }
    }

    private boolean expired(int timer, long now) {
        return armed[timer] && now - deadline[timer] >= 0;
    }

    private void arm(int timer, long at) {
        armed[timer] = true;
        deadline[timer] = at;
    }

    private long jitter() {
        return random.nextLong(REKEY_TIMEOUT_JITTER_MAX);
    }

    // ---------------------------------------------------------------------------------------
    // Checks for the packet paths
    // ---------------------------------------------------------------------------------------

    /**
     * Whether a session may still encrypt: younger than REJECT_AFTER_TIME (180 s) and its next
     * nonce below REJECT_AFTER_MESSAGES (unsigned). False for null.
     */
    public static boolean canSend(SessionInfo session, long now) {
        return session != null
                && now - session.createdNanos() < REJECT_AFTER_TIME
                && Long.compareUnsigned(session.sendCounter(), REJECT_AFTER_MESSAGES) < 0;
    }

    /** Whether a session may still decrypt: younger than REJECT_AFTER_TIME (180 s). False for null. */
    public static boolean canReceive(SessionInfo session, long now) {
        return session != null && now - session.createdNanos() < REJECT_AFTER_TIME;
    }

    /**
     * Whether a received message counter is below REJECT_AFTER_MESSAGES (unsigned): the limit the
     * replay filter applies to incoming counters.
     */
    public static boolean receiveCounterAllowed(long counter) {
        return Long.compareUnsigned(counter, REJECT_AFTER_MESSAGES) < 0;
    }

    /**
     * Whether sending with the current session calls for a new handshake: there is no usable
     * session ({@link #canSend} false), or it sent REKEY_AFTER_MESSAGES (2^60) messages, or we
     * initiated it REKEY_AFTER_TIME (120 s) ago or more. (Only the initiator renews by age, so the
     * two peers do not both start a handshake at once.)
     */
    public static boolean shouldInitiateOnSend(SessionInfo session, long now) {
        return !canSend(session, now)
                || Long.compareUnsigned(session.sendCounter(), REKEY_AFTER_MESSAGES) >= 0
                || (session.isInitiator() && now - session.createdNanos() >= REKEY_AFTER_TIME);
    }

    /**
     * Whether receiving on the current session calls for a new handshake: we initiated it and it
     * is REJECT_AFTER_TIME - KEEPALIVE_TIMEOUT - REKEY_TIMEOUT (165 s) old or more, so it would
     * expire before the peer, which only answers, renews it. True at most once per completed
     * handshake: a true answer is remembered until {@link #onHandshakeComplete}.
     */
    public synchronized boolean shouldInitiateOnReceive(SessionInfo session, long now) {
        if (sentLastMinuteHandshake
                || session == null
                || !session.isInitiator()
                || now - session.createdNanos() < LAST_MINUTE_REKEY_AGE) {
            return false;
        }
        sentLastMinuteHandshake = true;
        return true;
    }

    /**
     * Whether the rate limit lets an initiation be sent now: none was sent yet, or the last one is
     * REKEY_TIMEOUT (5 s) old or more. Changes nothing; see {@link #beginInitiation}.
     */
    public synchronized boolean initiationAllowed(long now) {
        return !initiationSent || now - lastInitiationSentNanos >= REKEY_TIMEOUT;
    }

    /**
     * To call whenever the device wants to send an initiation; it sends one only if this returns
     * true, then calls {@link #onHandshakeInitiated}.
     *
     * <p>A new handshake ({@code isRetry} false: traffic is waiting, a session is old, the peer is
     * silent) resets the attempt count, even when rate-limited, so the REKEY_ATTEMPT_TIME window
     * restarts whenever packets are queued and the handshake is abandoned only after ~90 s without
     * them. A retry ({@link TimerAction#RETRANSMIT_HANDSHAKE}) keeps the count. Either way, if
     * {@link #initiationAllowed} the slot is taken (the last initiation time becomes {@code now}),
     * so that of several threads asking at once only one sends.
     */
    public synchronized boolean beginInitiation(long now, boolean isRetry) {
        if (!isRetry) {
            handshakeAttempts = 0;
        }
        if (!initiationAllowed(now)) {
            return false;
        }
        initiationSent = true;
        lastInitiationSentNanos = now;
        return true;
    }

    // ---------------------------------------------------------------------------------------
    // State, for `show` and tests
    // ---------------------------------------------------------------------------------------

    /** Retransmissions of the current handshake so far (0 after a completed one). */
    public synchronized int handshakeAttempts() {
        return handshakeAttempts;
    }

    /** When the last handshake completed, or empty if none did. */
    public synchronized OptionalLong lastHandshakeNanos() {
        return handshakeCompleted ? OptionalLong.of(lastHandshakeNanos) : OptionalLong.empty();
    }

    /** The persistent-keepalive interval in seconds, 0 when disabled. */
    public synchronized int persistentKeepaliveInterval() {
        return persistentKeepaliveSeconds;
    }

    /** The deadline of a timer, or empty if it is disarmed. */
    public synchronized OptionalLong deadline(TimerKind timer) {
        int i = timer.ordinal();
        return armed[i] ? OptionalLong.of(deadline[i]) : OptionalLong.empty();
    }

    /** A consistent copy of the whole state. */
    public synchronized Snapshot snapshot() {
        EnumMap<TimerKind, Long> deadlines = new EnumMap<>(TimerKind.class);
        for (TimerKind kind : KINDS) {
            if (armed[kind.ordinal()]) {
                deadlines.put(kind, deadline[kind.ordinal()]);
            }
        }
        return new Snapshot(
                running,
                handshakeAttempts,
                handshakeCompleted ? OptionalLong.of(lastHandshakeNanos) : OptionalLong.empty(),
                initiationSent ? OptionalLong.of(lastInitiationSentNanos) : OptionalLong.empty(),
                needAnotherKeepalive,
                sentLastMinuteHandshake,
                persistentKeepaliveSeconds,
                Collections.unmodifiableMap(deadlines));
    }

    /**
     * The state of a peer's timers at one moment.
     *
     * @param running                 false after {@link #stop()} until {@link #start()}
     * @param handshakeAttempts       retransmissions of the current handshake
     * @param lastHandshakeNanos      when the last handshake completed, if any did
     * @param lastInitiationNanos     when the last initiation was sent (or its slot taken), if any
     * @param needAnotherKeepalive    whether the passive keepalive re-arms when it fires
     * @param sentLastMinuteHandshake whether the 165 s renewal on receive was already asked for
     * @param persistentKeepaliveSeconds the persistent-keepalive interval, 0 when disabled
     * @param deadlines               the armed timers and their deadlines
     */
    public record Snapshot(
            boolean running,
            int handshakeAttempts,
            OptionalLong lastHandshakeNanos,
            OptionalLong lastInitiationNanos,
            boolean needAnotherKeepalive,
            boolean sentLastMinuteHandshake,
            int persistentKeepaliveSeconds,
            Map<TimerKind, Long> deadlines) {

        /** The deadline of a timer, or empty if it is disarmed. */
        public OptionalLong deadline(TimerKind timer) {
            Long at = deadlines.get(timer);
            return at == null ? OptionalLong.empty() : OptionalLong.of(at);
        }
    }
}
