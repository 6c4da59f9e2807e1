package io.jtun.noise;

import io.jtun.config.Key;
import java.util.Arrays;

/**
 * The handshake state kept for one peer: its static public key, the preshared key (32 zero
 * bytes when none is configured, exactly as WireGuard mixes it), the static-static
 * Diffie-Hellman result computed once, and the state of the handshake in progress.
 *
 * <p>{@link NoiseEngine} reads and changes this object while holding its monitor, so engine
 * calls on one peer from several threads are serialized; the accessors here synchronize too.
 *
 * <p>What is zeroed when: the local ephemeral private key as soon as it has served (after the
 * response is consumed, on the initiator; right after the response is created, on the
 * responder) and whenever a new handshake replaces an old one; the hash and chaining key when
 * {@link NoiseEngine#deriveKeys} has taken the session keys out, or on {@link #clear}; the
 * preshared key and static-static secret on {@link #destroy}.
 */
public final class PeerHandshake {
    /** Where the handshake with this peer stands (wireguard-go's handshakeState). */
    public enum State {
        /** No handshake in progress (or its keys were derived). */
        NONE,
        /** We sent an initiation and wait for the response. */
        INITIATION_CREATED,
        /** We accepted the peer's initiation and are to respond. */
        INITIATION_CONSUMED,
        /** We responded: the session keys can be derived (we are the responder). */
        RESPONSE_CREATED,
        /** We accepted the response to our initiation: the session keys can be derived. */
        RESPONSE_CONSUMED
    }

    static final int KEY_SIZE = X25519.KEY_SIZE;

    private final byte[] remoteStatic;
    private final byte[] presharedKey = new byte[KEY_SIZE];
    /** DH(our static, their static), or zeros when their key is of small order (then no handshake). */
    private final byte[] staticStatic = new byte[KEY_SIZE];

    // The handshake in progress; package-private for the engine, which holds the monitor.
    State state = State.NONE;
    final byte[] hash = new byte[Blake2s.MAX_OUTPUT_SIZE];
    final byte[] chainingKey = new byte[Blake2s.MAX_OUTPUT_SIZE];
    final byte[] localEphemeral = new byte[KEY_SIZE];
    final byte[] remoteEphemeral = new byte[KEY_SIZE];
    int localIndex;
    int remoteIndex;
    /** The newest TAI64N timestamp accepted from this peer (replay protection): zeros at first. */
    final byte[] lastTimestamp = new byte[Tai64n.SIZE];
    /** Monotonic time of the last accepted initiation (flood protection), valid once one was. */
    long lastInitiationConsumedNanos;
    boolean initiationConsumedOnce;

    /**
     * The handshake state for the peer with static public key {@code remoteStatic}, as seen by
     * {@code local} (the same identity the {@link NoiseEngine} uses, or null while the interface
     * has no private key), with a preshared key or null.
     */
    public PeerHandshake(StaticIdentity local, byte[] remoteStatic, byte[] presharedKey) {
        if (remoteStatic.length != KEY_SIZE) {
            throw new IllegalArgumentException("a public key has 32 bytes, not " + remoteStatic.length);
        }
        this.remoteStatic = remoteStatic.clone();
        setPresharedKey(presharedKey);
        precompute(local);
    }

    /** Recomputes the static-static secret after our private key changed, dropping any handshake. */
    public synchronized void updateLocalIdentity(StaticIdentity local) {
        precompute(local);
        clear();
    }

    /** With no local identity (no private key set yet) the secret is zero: no handshake is possible. */
    private synchronized void precompute(StaticIdentity local) {
        if (local == null) {
            Arrays.fill(staticStatic, (byte) 0);
            return;
        }
        byte[] ss = X25519.sharedSecret(local.privateKeyBytes(), remoteStatic);
        if (ss == null) {
            Arrays.fill(staticStatic, (byte) 0);
        } else {
            System.arraycopy(ss, 0, staticStatic, 0, KEY_SIZE);
            Arrays.fill(ss, (byte) 0);
        }
    }

    /** Sets the preshared key (copied); null means none, i.e. 32 zero bytes. */
    public synchronized void setPresharedKey(byte[] psk) {
        if (psk == null) {
            Arrays.fill(presharedKey, (byte) 0);
        } else if (psk.length != KEY_SIZE) {
            throw new IllegalArgumentException("a preshared key has 32 bytes, not " + psk.length);
        } else {
            System.arraycopy(psk, 0, presharedKey, 0, KEY_SIZE);
        }
    }

    /** A copy of the peer's static public key. */
    public byte[] remoteStatic() {
        return remoteStatic.clone();
    }

    /** The peer's static public key in wg's form. */
    public Key remoteStaticKey() {
        return Key.of(remoteStatic);
    }

    /**
     * Whether handshakes with this peer are possible at all: false when its public key is of
     * small order (the static-static secret is zero), which WireGuard refuses.
     */
    public synchronized boolean canHandshake() {
        return !Bytes.isZero(staticStatic);
    }

    public synchronized State state() {
        return state;
    }

    /** Our index of the handshake in progress (what the peer addresses its response to). */
    public synchronized int localIndex() {
        return localIndex;
    }

    /** The peer's index (what our messages are addressed to). */
    public synchronized int remoteIndex() {
        return remoteIndex;
    }

    /** A copy of the newest timestamp accepted from this peer. */
    public synchronized byte[] lastTimestamp() {
        return lastTimestamp.clone();
    }

    /**
     * Abandons the handshake in progress (e.g. after REKEY_ATTEMPT_TIME): zeroes the ephemeral
     * keys, hash and chaining key and returns to {@link State#NONE}. Replay and flood state stay.
     */
    public synchronized void clear() {
        Arrays.fill(localEphemeral, (byte) 0);
        Arrays.fill(remoteEphemeral, (byte) 0);
        Arrays.fill(hash, (byte) 0);
        Arrays.fill(chainingKey, (byte) 0);
        localIndex = 0;
        state = State.NONE;
    }

    /** {@link #clear} and also zeroes the preshared key and the static-static secret: the peer is gone. */
    public synchronized void destroy() {
        clear();
        Arrays.fill(presharedKey, (byte) 0);
        Arrays.fill(staticStatic, (byte) 0);
    }

    /** The remote static key itself (not a copy), for the engine. */
    byte[] remoteStaticBytes() {
        return remoteStatic;
    }

    byte[] presharedKeyBytes() {
        return presharedKey;
    }

    byte[] staticStaticBytes() {
        return staticStatic;
    }

    @Override
    public String toString() {
        return "PeerHandshake[" + remoteStaticKey() + "]";
    }
}
