package io.jtun.noise;

import java.time.Duration;

/**
 * WireGuard's protocol constants (whitepaper section 6.1 and wireguard-go's constants.go): when
 * to rekey, when a key becomes unusable, how often to retry, and how fast a peer may send
 * handshakes. Each duration is given as a {@link Duration} and, for arithmetic on the monotonic
 * nanosecond clock the device passes in, as nanoseconds.
 */
public final class Protocol {
    /** After this many messages under one key, the sender starts a new handshake. */
    public static final long REKEY_AFTER_MESSAGES = 1L << 60;
    /**
     * 2^64 - 2^13 - 1 as an unsigned 64-bit number (it is negative as a Java long): no message is
     * sent or accepted with a counter at or above it. Compare with {@link Long#compareUnsigned}
     * or {@link #counterExhausted}. The margin of 2^13 keeps the receiver's replay window
     * meaningful up to the end of the counter space.
     */
    public static final long REJECT_AFTER_MESSAGES = -(1L << 13) - 1;

    /** A session older than this makes its initiator start a new handshake when sending. */
    public static final Duration REKEY_AFTER_TIME = Duration.ofSeconds(120);
    /** A session older than this is not used at all. */
    public static final Duration REJECT_AFTER_TIME = Duration.ofSeconds(180);
    /** How long to keep retrying a handshake before giving up. */
    public static final Duration REKEY_ATTEMPT_TIME = Duration.ofSeconds(90);
    /** How long to wait for a response before retrying the initiation. */
    public static final Duration REKEY_TIMEOUT = Duration.ofSeconds(5);
    /** Send an empty packet when data arrived and nothing was sent back for this long. */
    public static final Duration KEEPALIVE_TIMEOUT = Duration.ofSeconds(10);
    /** A cookie (and the secret cookies derive from) is good for this long. */
    public static final Duration COOKIE_REFRESH_TIME = Duration.ofSeconds(120);
    /** At most one handshake initiation from a given peer is processed per this interval (50/s). */
    public static final Duration HANDSHAKE_INITIATION_RATE = Duration.ofSeconds(1).dividedBy(50);
    /** Up to this much random delay is added to each retry, so peers do not retry in lockstep. */
    public static final Duration REKEY_TIMEOUT_JITTER_MAX = Duration.ofMillis(334);
    /** Initiation attempts before giving up: REKEY_ATTEMPT_TIME / REKEY_TIMEOUT. */
    public static final int MAX_TIMER_HANDSHAKES =
            (int) (REKEY_ATTEMPT_TIME.toSeconds() / REKEY_TIMEOUT.toSeconds());

    public static final long REKEY_AFTER_TIME_NANOS = REKEY_AFTER_TIME.toNanos();
    public static final long REJECT_AFTER_TIME_NANOS = REJECT_AFTER_TIME.toNanos();
    public static final long REKEY_ATTEMPT_TIME_NANOS = REKEY_ATTEMPT_TIME.toNanos();
    public static final long REKEY_TIMEOUT_NANOS = REKEY_TIMEOUT.toNanos();
    public static final long KEEPALIVE_TIMEOUT_NANOS = KEEPALIVE_TIMEOUT.toNanos();
    public static final long COOKIE_REFRESH_TIME_NANOS = COOKIE_REFRESH_TIME.toNanos();
    public static final long HANDSHAKE_INITIATION_RATE_NANOS = HANDSHAKE_INITIATION_RATE.toNanos();
    public static final long REKEY_TIMEOUT_JITTER_MAX_NANOS = REKEY_TIMEOUT_JITTER_MAX.toNanos();

    private Protocol() {
    }

    /** Whether a message counter is at or beyond {@link #REJECT_AFTER_MESSAGES} (unsigned). */
    public static boolean counterExhausted(long counter) {
        return Long.compareUnsigned(counter, REJECT_AFTER_MESSAGES) >= 0;
    }

    /** Whether a sender should start a new handshake after using this counter (unsigned). */
    public static boolean counterNeedsRekey(long counter) {
        return Long.compareUnsigned(counter, REKEY_AFTER_MESSAGES) >= 0;
    }
}
