package io.jtun.noise;

import java.util.Arrays;

/**
 * The result of a completed handshake: the two transport keys and the indices that address
 * them. The arrays are owned by this object and returned as they are (no copies, so the data
 * path does not allocate); {@link #destroy} zeroes them. {@link #toString} shows no key.
 */
public final class SessionKeys {
    private final byte[] sendKey;
    private final byte[] receiveKey;
    private final int localIndex;
    private final int remoteIndex;
    private final boolean initiator;
    private final long createdNanos;

    SessionKeys(byte[] sendKey, byte[] receiveKey, int localIndex, int remoteIndex, boolean initiator, long createdNanos) {
        this.sendKey = sendKey;
        this.receiveKey = receiveKey;
        this.localIndex = localIndex;
        this.remoteIndex = remoteIndex;
        this.initiator = initiator;
        this.createdNanos = createdNanos;
    }

    /** The key our transport messages to the peer are encrypted with (the array itself). */
    public byte[] sendKey() {
        return sendKey;
    }

    /** The key the peer's transport messages to us are encrypted with (the array itself). */
    public byte[] receiveKey() {
        return receiveKey;
    }

    /** Our index: the peer's transport messages carry it as receiver index. */
    public int localIndex() {
        return localIndex;
    }

    /** The peer's index: our transport messages carry it as receiver index. */
    public int remoteIndex() {
        return remoteIndex;
    }

    /** Whether we initiated the handshake (then we rekey after REKEY_AFTER_TIME, and may send at once). */
    public boolean isInitiator() {
        return initiator;
    }

    /** The monotonic time the keys were derived at, as passed to {@link NoiseEngine#deriveKeys}. */
    public long createdNanos() {
        return createdNanos;
    }

    /** Zeroes both keys. */
    public void destroy() {
        Arrays.fill(sendKey, (byte) 0);
        Arrays.fill(receiveKey, (byte) 0);
    }

    @Override
    public String toString() {
        return "SessionKeys[local=" + Integer.toUnsignedString(localIndex) + ", remote="
                + Integer.toUnsignedString(remoteIndex) + ", initiator=" + initiator + "]";
    }
}
