package io.jtun.device.timers;

/**
 * The little {@link PeerTimers} needs to know about a session (a keypair) to decide whether it
 * may still be used and whether it is time to renew it. The device's keypair class implements
 * it, or adapts to it, so that the checks on the packet paths allocate nothing.
 */
public interface SessionInfo {
    /** When the session's keys were derived, on the same monotonic clock as the timers' {@code now}. */
    long createdNanos();

    /** Whether we initiated the handshake that made this session (only the initiator renews by age). */
    boolean isInitiator();

    /**
     * How many messages were sent with this session, that is the nonce the next message would use:
     * an unsigned 64-bit value.
     */
    long sendCounter();

    /** A fixed-value session, for tests and for callers with nothing to adapt. */
    static SessionInfo of(long createdNanos, boolean isInitiator, long sendCounter) {
        return new Fixed(createdNanos, isInitiator, sendCounter);
    }

    /** An immutable {@link SessionInfo}. */
    record Fixed(long createdNanos, boolean isInitiator, long sendCounter) implements SessionInfo {}
}
