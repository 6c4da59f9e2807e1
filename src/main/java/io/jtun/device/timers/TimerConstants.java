package io.jtun.device.timers;

import java.util.concurrent.TimeUnit;

/**
 * The protocol's timing and message-count limits (WireGuard whitepaper, section 6.1), in
 * nanoseconds where they are times.
 *
 * <p>These duplicate the numbers of {@code io.jtun.noise.Protocol}; they are kept here,
 * package-private, so that this package depends on nothing else. Everything outside the package
 * asks {@link PeerTimers} instead of reading them.
 */
final class TimerConstants {
    private TimerConstants() {}

    /** A session older than this is renewed by its initiator on the next send: 120 s. */
    static final long REKEY_AFTER_TIME = TimeUnit.SECONDS.toNanos(120);
    /** A session older than this is neither used to send nor to receive: 180 s. */
    static final long REJECT_AFTER_TIME = TimeUnit.SECONDS.toNanos(180);
    /** How long handshake retransmissions go on before giving up: 90 s. */
    static final long REKEY_ATTEMPT_TIME = TimeUnit.SECONDS.toNanos(90);
    /** Wait for a handshake response before retransmitting the initiation: 5 s. */
    static final long REKEY_TIMEOUT = TimeUnit.SECONDS.toNanos(5);
    /** Passive keepalive delay after receiving data and sending nothing back: 10 s. */
    static final long KEEPALIVE_TIMEOUT = TimeUnit.SECONDS.toNanos(10);
    /** Upper bound (exclusive) of the random jitter added to handshake timers: 334 ms. */
    static final long REKEY_TIMEOUT_JITTER_MAX = TimeUnit.MILLISECONDS.toNanos(334);
    /** How many retransmissions fit in {@link #REKEY_ATTEMPT_TIME}: 90 / 5 = 18. */
    static final int MAX_TIMER_HANDSHAKES = (int) (REKEY_ATTEMPT_TIME / REKEY_TIMEOUT);

    /** Messages sent on a session after which its initiator renews it: 2^60 (unsigned). */
    static final long REKEY_AFTER_MESSAGES = 1L << 60;
    /**
     * Messages after which a session is no longer used: 2^64 - 2^13 - 1, an unsigned value
     * (negative as a Java long); compare with {@link Long#compareUnsigned}.
     */
    static final long REJECT_AFTER_MESSAGES = -1L - (1L << 13);

    /** When keys are erased after the last session was derived: REJECT_AFTER_TIME * 3 = 540 s. */
    static final long ZERO_KEY_MATERIAL_AFTER = REJECT_AFTER_TIME * 3;
    /** When a sending side that hears nothing back starts a new handshake: 15 s (+ jitter). */
    static final long NEW_HANDSHAKE_AFTER = KEEPALIVE_TIMEOUT + REKEY_TIMEOUT;
    /** Age at which an initiator renews a session on receive, before it expires: 165 s. */
    static final long LAST_MINUTE_REKEY_AGE = REJECT_AFTER_TIME - KEEPALIVE_TIMEOUT - REKEY_TIMEOUT;
    /** The largest persistent-keepalive interval, in seconds (a 16-bit field in configs). */
    static final int MAX_PERSISTENT_KEEPALIVE_SECONDS = 65535;
}
