package io.jtun.device.timers;

/** The five timers each peer has; see {@link PeerTimers} for when each is armed and what it does. */
public enum TimerKind {
    /** Resend the initiation when no response came: REKEY_TIMEOUT + jitter after sending one. */
    RETRANSMIT_HANDSHAKE,
    /** Passive keepalive: KEEPALIVE_TIMEOUT after receiving data, unless we send something. */
    SEND_KEEPALIVE,
    /** New handshake: KEEPALIVE_TIMEOUT + REKEY_TIMEOUT + jitter after sending data, unless we hear back. */
    NEW_HANDSHAKE,
    /** Erase keys: REJECT_AFTER_TIME * 3 after the last session was derived. */
    ZERO_KEY_MATERIAL,
    /** Persistent keepalive: the configured interval after any authenticated packet, either way. */
    PERSISTENT_KEEPALIVE
}
