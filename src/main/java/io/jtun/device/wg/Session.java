package io.jtun.device.wg;

import io.jtun.device.timers.SessionInfo;
import io.jtun.noise.ReplayWindow;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One WireGuard keypair: the transport keys a completed handshake produced, the receiver
 * indices naming it on each side, the next nonce to send with, and the replay window of what
 * was received. Keys are zeroed when the session is retired.
 */
final class Session implements SessionInfo {
    private final WireGuardPeer peer;
    private final int localIndex;
    private final int remoteIndex;
    private final byte[] sendKey;
    private final byte[] receiveKey;
    private final boolean initiator;
    private final long createdNanos;
    private final AtomicLong sendCounter = new AtomicLong();
    /** Touched only by the inbound thread. */
    private final ReplayWindow replay = new ReplayWindow();
    private volatile boolean retired;

    Session(WireGuardPeer peer, int localIndex, int remoteIndex, byte[] sendKey, byte[] receiveKey, boolean initiator,
            long createdNanos) {
        this.peer = peer;
        this.localIndex = localIndex;
        this.remoteIndex = remoteIndex;
        this.sendKey = sendKey;
        this.receiveKey = receiveKey;
        this.initiator = initiator;
        this.createdNanos = createdNanos;
    }

    WireGuardPeer peer() {
        return peer;
    }

    int localIndex() {
        return localIndex;
    }

    int remoteIndex() {
        return remoteIndex;
    }

    byte[] sendKey() {
        return sendKey;
    }

    byte[] receiveKey() {
        return receiveKey;
    }

    ReplayWindow replay() {
        return replay;
    }

    /** Takes the next nonce; unsigned, so values past 2^63 read as negative longs. */
    long nextSendCounter() {
        return sendCounter.getAndIncrement();
    }

    boolean retired() {
        return retired;
    }

    @Override
    public long createdNanos() {
        return createdNanos;
    }

    @Override
    public boolean isInitiator() {
        return initiator;
    }

    @Override
    public long sendCounter() {
        return sendCounter.get();
    }

    /**
     * Takes the session out of use. Its keys are zeroed later ({@link #zeroKeys}), once no
     * thread can still be in the middle of a packet with them: a packet sealed with a half-zeroed
     * key would be readable by anyone. Sealers check {@link #retired()} after encrypting and drop
     * the packet if it became true.
     */
    void retire() {
        retired = true;
    }

    void zeroKeys() {
        retired = true;
        Arrays.fill(sendKey, (byte) 0);
        Arrays.fill(receiveKey, (byte) 0);
    }
}
