package io.jtun.device.timers;

/**
 * What the device must do because a timer of a peer expired; returned by
 * {@link PeerTimers#due(long)}. The declaration order is the order a set of them iterates in.
 */
public enum TimerAction {
    /**
     * Erase every key of the peer (current, previous and next sessions, and any half-done
     * handshake): no new session was derived for 540 s.
     */
    ZERO_KEYS,
    /**
     * The handshake was retransmitted for REKEY_ATTEMPT_TIME without an answer: drop the
     * packets queued for the peer and stop trying until new traffic asks for a handshake.
     */
    GIVE_UP,
    /**
     * No response to our initiation within REKEY_TIMEOUT: send a new initiation as a retry,
     * {@code beginInitiation(now, true)}, then {@code onHandshakeInitiated(now)}.
     */
    RETRANSMIT_HANDSHAKE,
    /**
     * We sent data and heard nothing back for 15 s: the session may be dead, so start a new
     * handshake, {@code beginInitiation(now, false)}, then {@code onHandshakeInitiated(now)}.
     */
    INITIATE_HANDSHAKE,
    /**
     * Send a keepalive (an empty data message): either a passive one, because we received data
     * and sent nothing back for 10 s, or a persistent one, because the link was silent for the
     * configured interval. One keepalive serves both.
     */
    SEND_KEEPALIVE
}
