/*
 * Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s, WireGuard's handshake (whitepaper section 5.4):
 *
 *   IKpsk2:
 *     <- s
 *     ...
 *     -> e, es, s, ss          (initiation; payload: TAI64N timestamp)
 *     <- e, ee, se, psk        (response; payload: empty)
 *
 * with the prologue "WireGuard v1 zx2c4 Jason@zx2c4.com", HASH = BLAKE2s-256, HMAC/HKDF over it
 * (Kdf), DH = X25519 and AEAD = ChaCha20-Poly1305 with nonce 0 (every key encrypts once).
 * In the psk modes every "e" token also mixes the ephemeral key into the chaining key.
 */
package io.jtun.noise;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * Creates and consumes handshake messages and derives the session keys, sans I/O: no sockets,
 * no threads, no clock (times are passed in). Stateless apart from the local identity; the
 * state of each handshake lives in its {@link PeerHandshake}, whose monitor every method holds
 * while it reads or changes it. Thread-safe.
 *
 * <p><b>MACs are not this class's business.</b> Created messages come back with MAC1 and MAC2
 * zero: the caller fills them with the peer's {@link CookieGenerator#addMacs} just before sending.
 * Received messages must have passed {@link CookieChecker#checkMac1} (always) and, when under
 * load, {@link CookieChecker#checkMac2} before they get here, so that the Curve25519 work is only
 * done for senders that know our public key and, under load, can receive at their address.
 *
 * <p>Indices are chosen by the caller (unique among its live handshakes and sessions) and passed
 * in. The responder derives its keys right after {@link #createResponse}; the initiator right
 * after {@link #consumeResponse}.
 *
 * <p>Bad input (wrong size or type, failed decryption, unknown peer, replay, flood) makes the
 * consuming methods return null or false, never throw; a failed attempt leaves the peer's state
 * as it was.
 */
public final class NoiseEngine {
    /** The Noise protocol name: HASH of it is the initial chaining key. */
    static final byte[] CONSTRUCTION =
            "Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s".getBytes(StandardCharsets.US_ASCII);
    /** WireGuard's Noise prologue, mixed into the initial hash. */
    static final byte[] IDENTIFIER = "WireGuard v1 zx2c4 Jason@zx2c4.com".getBytes(StandardCharsets.US_ASCII);

    private static final int KEY_SIZE = X25519.KEY_SIZE;
    private static final int HASH_SIZE = Blake2s.MAX_OUTPUT_SIZE;
    private static final int TAG_SIZE = ChaCha20Poly1305.TAG_SIZE;
    /** Every handshake key encrypts exactly one message, so the nonce is always 0. */
    private static final long NONCE = 0;
    private static final byte[] EMPTY = new byte[0];

    private final StaticIdentity identity;
    private final SecureRandom random;
    /** C_i = HASH(CONSTRUCTION). */
    private final byte[] initialChainingKey;
    /** H_i = HASH(C_i || prologue). */
    private final byte[] initialHash;

    /** An engine for {@code identity}, with ephemeral keys from a new {@link SecureRandom}. */
    public NoiseEngine(StaticIdentity identity) {
        this(identity, new SecureRandom());
    }

    public NoiseEngine(StaticIdentity identity, SecureRandom random) {
        this(identity, random, IDENTIFIER);
    }

    /** With another prologue: only for the generic Noise test vectors. */
    NoiseEngine(StaticIdentity identity, SecureRandom random, byte[] prologue) {
        this.identity = identity;
        this.random = random;
        this.initialChainingKey = Blake2s.hash(CONSTRUCTION);
        this.initialHash = Blake2s.hash(initialChainingKey, prologue);
    }

    public StaticIdentity identity() {
        return identity;
    }

    byte[] initialChainingKey() {
        return initialChainingKey.clone();
    }

    byte[] initialHash() {
        return initialHash.clone();
    }

    // ---------------------------------------------------------------- initiation

    /**
     * A new 148-byte handshake initiation to {@code peer}, sender index {@code localIndex},
     * timestamped {@code nowEpochNanos} (wall clock, nanoseconds since 1970), with MAC1 and MAC2
     * zero (see the class comment). Any handshake in progress with the peer is replaced; its
     * state becomes {@link PeerHandshake.State#INITIATION_CREATED}. Null when the peer's public
     * key is of small order (no handshake is possible).
     */
    public byte[] createInitiation(PeerHandshake peer, int localIndex, long nowEpochNanos) {
        byte[] msg = new byte[Messages.INITIATION_SIZE];
        byte[] timestamp = Tai64n.fromEpochNanos(nowEpochNanos);
        synchronized (peer) {
            if (!writeInitiation(peer, X25519.generatePrivateKey(random), timestamp, msg, Messages.INITIATION_EPHEMERAL)) {
                return null;
            }
            peer.localIndex = localIndex;
        }
        Bytes.putIntLE(msg, 0, Messages.TYPE_INITIATION);
        Bytes.putIntLE(msg, Messages.INITIATION_SENDER, localIndex);
        return msg;
    }

    /**
     * Writes "e, es, s, ss, {payload}" to {@code out} at {@code off} (32 + 48 + payload + 16 bytes)
     * and, on success, makes it the peer's handshake in progress. Takes the ephemeral private key
     * (zeroed here; the peer keeps its own copy).
     */
    boolean writeInitiation(PeerHandshake peer, byte[] ephemeralPrivate, byte[] payload, byte[] out, int off) {
        byte[] h = initialHash.clone();
        byte[] ck = initialChainingKey.clone();
        byte[] key = new byte[KEY_SIZE];
        byte[] es = null;
        ChaCha20Poly1305 aead = new ChaCha20Poly1305();
        synchronized (peer) {
            try {
                if (!peer.canHandshake()) {
                    return false;
                }
                // Pre-message "<- s": the responder's static key is known in advance.
                mixHash(h, peer.remoteStaticBytes());
                // "e"
                byte[] ephemeralPublic = X25519.publicKey(ephemeralPrivate);
                System.arraycopy(ephemeralPublic, 0, out, off, KEY_SIZE);
                mixHash(h, ephemeralPublic);
                Kdf.kdf1(ck, ephemeralPublic, ck);
                // "es"
                es = X25519.sharedSecret(ephemeralPrivate, peer.remoteStaticBytes());
                if (es == null) {
                    return false;
                }
                Kdf.kdf2(ck, es, ck, key);
                // "s": our static public key, encrypted.
                int staticOff = off + KEY_SIZE;
                int n = aead.seal(key, NONCE, identity.publicKeyBytes(), 0, KEY_SIZE, h, out, staticOff);
                mixHash(h, out, staticOff, n);
                // "ss", then the payload.
                Kdf.kdf2(ck, peer.staticStaticBytes(), ck, key);
                int payloadOff = staticOff + n;
                int m = aead.seal(key, NONCE, payload, 0, payload.length, h, out, payloadOff);
                mixHash(h, out, payloadOff, m);

                Arrays.fill(peer.remoteEphemeral, (byte) 0);
                System.arraycopy(ephemeralPrivate, 0, peer.localEphemeral, 0, KEY_SIZE);
                System.arraycopy(h, 0, peer.hash, 0, HASH_SIZE);
                System.arraycopy(ck, 0, peer.chainingKey, 0, HASH_SIZE);
                peer.state = PeerHandshake.State.INITIATION_CREATED;
                return true;
            } finally {
                wipe(h, ck, key, es, ephemeralPrivate);
                aead.clear();
            }
        }
    }

    /**
     * Consumes a handshake initiation (the whole 148-byte message, MACs already checked). Returns
     * the peer and its sender index, the peer's state now {@link
     * PeerHandshake.State#INITIATION_CONSUMED}; or null when the message is not an initiation,
     * does not decrypt, comes from a peer {@code lookup} does not know, carries a timestamp not
     * newer than the last one accepted from that peer (a replay), or arrives less than {@link
     * Protocol#HANDSHAKE_INITIATION_RATE} after the last accepted one from that peer (a flood).
     *
     * @param nowNanos monotonic time (e.g. System.nanoTime), for flood protection
     */
    public ConsumedInitiation consumeInitiation(byte[] msg, PeerLookup lookup, long nowNanos) {
        return consumeInitiation(msg, 0, msg.length, lookup, nowNanos);
    }

    /** {@link #consumeInitiation(byte[], PeerLookup, long)} on {@code msg[off, off+len)}. */
    public ConsumedInitiation consumeInitiation(byte[] msg, int off, int len, PeerLookup lookup, long nowNanos) {
        if (Messages.typeOf(msg, off, len) != Messages.TYPE_INITIATION) {
            return null;
        }
        int sender = Bytes.getIntLE(msg, off + Messages.INITIATION_SENDER);
        PeerHandshake peer = readInitiation(msg, off + Messages.INITIATION_EPHEMERAL, Tai64n.SIZE, lookup, sender,
                (p, timestamp) -> {
                    boolean replay = !Tai64n.isAfter(timestamp, p.lastTimestamp);
                    boolean flood = p.initiationConsumedOnce
                            && nowNanos - p.lastInitiationConsumedNanos <= Protocol.HANDSHAKE_INITIATION_RATE_NANOS;
                    if (replay || flood) {
                        return false;
                    }
                    System.arraycopy(timestamp, 0, p.lastTimestamp, 0, Tai64n.SIZE);
                    if (!p.initiationConsumedOnce || nowNanos - p.lastInitiationConsumedNanos > 0) {
                        p.lastInitiationConsumedNanos = nowNanos;
                    }
                    p.initiationConsumedOnce = true;
                    return true;
                });
        return peer == null ? null : new ConsumedInitiation(peer, sender);
    }

    /** Decides, under the peer's monitor, whether a decrypted initiation payload is accepted. */
    interface Admission {
        boolean admit(PeerHandshake peer, byte[] payload);
    }

    /**
     * Reads "e, es, s, ss, {payload}" from {@code msg} at {@code off}; when it decrypts, names a
     * known peer and {@code admission} accepts the payload, makes it the peer's handshake in
     * progress (remote index {@code senderIndex}) and returns the peer, else null.
     */
    PeerHandshake readInitiation(byte[] msg, int off, int payloadLength, PeerLookup lookup, int senderIndex,
            Admission admission) {
        int staticOff = off + KEY_SIZE;
        int payloadOff = staticOff + KEY_SIZE + TAG_SIZE;
        if (!Bytes.fits(msg.length, off, payloadOff - off + payloadLength + TAG_SIZE)) {
            return null;
        }
        byte[] h = initialHash.clone();
        byte[] ck = initialChainingKey.clone();
        byte[] key = new byte[KEY_SIZE];
        byte[] es = null;
        byte[] payload = new byte[payloadLength];
        ChaCha20Poly1305 aead = new ChaCha20Poly1305();
        try {
            mixHash(h, identity.publicKeyBytes());
            byte[] ephemeral = Arrays.copyOfRange(msg, off, off + KEY_SIZE);
            mixHash(h, ephemeral);
            Kdf.kdf1(ck, ephemeral, ck);
            es = X25519.sharedSecret(identity.privateKeyBytes(), ephemeral);
            if (es == null) {
                return null;
            }
            Kdf.kdf2(ck, es, ck, key);
            byte[] remoteStatic = new byte[KEY_SIZE];
            if (aead.open(key, NONCE, msg, staticOff, KEY_SIZE + TAG_SIZE, h, remoteStatic, 0) < 0) {
                return null;
            }
            mixHash(h, msg, staticOff, KEY_SIZE + TAG_SIZE);
            PeerHandshake peer = lookup.find(remoteStatic.clone());
            if (peer == null || !MessageDigest.isEqual(peer.remoteStaticBytes(), remoteStatic)) {
                return null;
            }
            synchronized (peer) {
                if (!peer.canHandshake()) {
                    return null;
                }
                Kdf.kdf2(ck, peer.staticStaticBytes(), ck, key);
                if (aead.open(key, NONCE, msg, payloadOff, payloadLength + TAG_SIZE, h, payload, 0) < 0) {
                    return null;
                }
                mixHash(h, msg, payloadOff, payloadLength + TAG_SIZE);
                if (!admission.admit(peer, payload)) {
                    return null;
                }
                Arrays.fill(peer.localEphemeral, (byte) 0);
                System.arraycopy(ephemeral, 0, peer.remoteEphemeral, 0, KEY_SIZE);
                System.arraycopy(h, 0, peer.hash, 0, HASH_SIZE);
                System.arraycopy(ck, 0, peer.chainingKey, 0, HASH_SIZE);
                peer.remoteIndex = senderIndex;
                peer.state = PeerHandshake.State.INITIATION_CONSUMED;
                return peer;
            }
        } finally {
            wipe(h, ck, key, es, payload);
            aead.clear();
        }
    }

    // ---------------------------------------------------------------- response

    /**
     * A new 92-byte response to the initiation consumed from {@code peer}, sender index {@code
     * localIndex}, MACs zero. The peer's state becomes {@link
     * PeerHandshake.State#RESPONSE_CREATED}: derive the keys next. Null unless the state was
     * {@link PeerHandshake.State#INITIATION_CONSUMED}.
     */
    public byte[] createResponse(PeerHandshake peer, int localIndex) {
        byte[] msg = new byte[Messages.RESPONSE_SIZE];
        synchronized (peer) {
            if (!writeResponse(peer, X25519.generatePrivateKey(random), EMPTY, msg, Messages.RESPONSE_EPHEMERAL)) {
                return null;
            }
            peer.localIndex = localIndex;
            Bytes.putIntLE(msg, 0, Messages.TYPE_RESPONSE);
            Bytes.putIntLE(msg, Messages.RESPONSE_SENDER, localIndex);
            Bytes.putIntLE(msg, Messages.RESPONSE_RECEIVER, peer.remoteIndex);
        }
        return msg;
    }

    /**
     * Writes "e, ee, se, psk, {payload}" to {@code out} at {@code off} (32 + payload + 16 bytes).
     * Takes the ephemeral private key and zeroes it: after this message the responder needs no
     * ephemeral secret any more.
     */
    boolean writeResponse(PeerHandshake peer, byte[] ephemeralPrivate, byte[] payload, byte[] out, int off) {
        byte[] key = new byte[KEY_SIZE];
        byte[] tau = new byte[HASH_SIZE];
        byte[] ee = null;
        byte[] se = null;
        ChaCha20Poly1305 aead = new ChaCha20Poly1305();
        synchronized (peer) {
            byte[] h = peer.hash.clone();
            byte[] ck = peer.chainingKey.clone();
            try {
                if (peer.state != PeerHandshake.State.INITIATION_CONSUMED) {
                    return false;
                }
                // "e"
                byte[] ephemeralPublic = X25519.publicKey(ephemeralPrivate);
                System.arraycopy(ephemeralPublic, 0, out, off, KEY_SIZE);
                mixHash(h, ephemeralPublic);
                Kdf.kdf1(ck, ephemeralPublic, ck);
                // "ee", "se"
                ee = X25519.sharedSecret(ephemeralPrivate, peer.remoteEphemeral);
                se = X25519.sharedSecret(ephemeralPrivate, peer.remoteStaticBytes());
                if (ee == null || se == null) {
                    return false;
                }
                Kdf.kdf1(ck, ee, ck);
                Kdf.kdf1(ck, se, ck);
                // "psk"
                Kdf.kdf3(ck, peer.presharedKeyBytes(), ck, tau, key);
                mixHash(h, tau);
                // payload (WireGuard's is empty: only the tag, authenticating the transcript)
                int n = aead.seal(key, NONCE, payload, 0, payload.length, h, out, off + KEY_SIZE);
                mixHash(h, out, off + KEY_SIZE, n);

                Arrays.fill(peer.localEphemeral, (byte) 0);
                Arrays.fill(peer.remoteEphemeral, (byte) 0);
                System.arraycopy(h, 0, peer.hash, 0, HASH_SIZE);
                System.arraycopy(ck, 0, peer.chainingKey, 0, HASH_SIZE);
                peer.state = PeerHandshake.State.RESPONSE_CREATED;
                return true;
            } finally {
                wipe(h, ck, key, tau, ee, se, ephemeralPrivate);
                aead.clear();
            }
        }
    }

    /**
     * Consumes the response to our initiation to {@code peer} (the whole 92-byte message, MACs
     * already checked; the caller found the peer by the response's receiver index). On success
     * the peer's state is {@link PeerHandshake.State#RESPONSE_CONSUMED}: derive the keys next.
     * False when the message is not a response, is not addressed to the peer's current local
     * index, no initiation is outstanding, or it does not decrypt (e.g. a different preshared key).
     */
    public boolean consumeResponse(PeerHandshake peer, byte[] msg) {
        return consumeResponse(peer, msg, 0, msg.length);
    }

    /** {@link #consumeResponse(PeerHandshake, byte[])} on {@code msg[off, off+len)}. */
    public boolean consumeResponse(PeerHandshake peer, byte[] msg, int off, int len) {
        if (Messages.typeOf(msg, off, len) != Messages.TYPE_RESPONSE) {
            return false;
        }
        int sender = Bytes.getIntLE(msg, off + Messages.RESPONSE_SENDER);
        int receiver = Bytes.getIntLE(msg, off + Messages.RESPONSE_RECEIVER);
        synchronized (peer) {
            if (receiver != peer.localIndex) {
                return false;
            }
            return readResponse(peer, msg, off + Messages.RESPONSE_EPHEMERAL, 0, sender) != null;
        }
    }

    /**
     * Reads "e, ee, se, psk, {payload}" from {@code msg} at {@code off}; on success records it in
     * the peer (remote index {@code senderIndex}) and returns the payload, else null.
     */
    byte[] readResponse(PeerHandshake peer, byte[] msg, int off, int payloadLength, int senderIndex) {
        if (!Bytes.fits(msg.length, off, KEY_SIZE + payloadLength + TAG_SIZE)) {
            return null;
        }
        byte[] key = new byte[KEY_SIZE];
        byte[] tau = new byte[HASH_SIZE];
        byte[] ee = null;
        byte[] se = null;
        ChaCha20Poly1305 aead = new ChaCha20Poly1305();
        synchronized (peer) {
            byte[] h = peer.hash.clone();
            byte[] ck = peer.chainingKey.clone();
            try {
                if (peer.state != PeerHandshake.State.INITIATION_CREATED) {
                    return null;
                }
                byte[] ephemeral = Arrays.copyOfRange(msg, off, off + KEY_SIZE);
                mixHash(h, ephemeral);
                Kdf.kdf1(ck, ephemeral, ck);
                ee = X25519.sharedSecret(peer.localEphemeral, ephemeral);
                se = X25519.sharedSecret(identity.privateKeyBytes(), ephemeral);
                if (ee == null || se == null) {
                    return null;
                }
                Kdf.kdf1(ck, ee, ck);
                Kdf.kdf1(ck, se, ck);
                Kdf.kdf3(ck, peer.presharedKeyBytes(), ck, tau, key);
                mixHash(h, tau);
                byte[] payload = new byte[payloadLength];
                if (aead.open(key, NONCE, msg, off + KEY_SIZE, payloadLength + TAG_SIZE, h, payload, 0) < 0) {
                    return null;
                }
                mixHash(h, msg, off + KEY_SIZE, payloadLength + TAG_SIZE);

                Arrays.fill(peer.localEphemeral, (byte) 0);
                System.arraycopy(h, 0, peer.hash, 0, HASH_SIZE);
                System.arraycopy(ck, 0, peer.chainingKey, 0, HASH_SIZE);
                peer.remoteIndex = senderIndex;
                peer.state = PeerHandshake.State.RESPONSE_CONSUMED;
                return payload;
            } finally {
                wipe(h, ck, key, tau, ee, se);
                aead.clear();
            }
        }
    }

    // ---------------------------------------------------------------- keys

    /**
     * The session keys of the completed handshake with {@code peer} (Noise's Split: KDF2 of the
     * chaining key with empty input; the initiator sends with the first), created at monotonic
     * time {@code nowNanos}. Then the handshake's hash, chaining key and ephemeral keys are
     * zeroed and its state returns to {@link PeerHandshake.State#NONE}; the indices stay readable
     * on the peer until the next handshake. Null unless the state was RESPONSE_CREATED or
     * RESPONSE_CONSUMED.
     */
    public SessionKeys deriveKeys(PeerHandshake peer, long nowNanos) {
        synchronized (peer) {
            boolean initiator;
            if (peer.state == PeerHandshake.State.RESPONSE_CONSUMED) {
                initiator = true;
            } else if (peer.state == PeerHandshake.State.RESPONSE_CREATED) {
                initiator = false;
            } else {
                return null;
            }
            byte[] first = new byte[KEY_SIZE];
            byte[] second = new byte[KEY_SIZE];
            Kdf.kdf2(peer.chainingKey, EMPTY, first, second);
            SessionKeys keys = initiator
                    ? new SessionKeys(first, second, peer.localIndex, peer.remoteIndex, true, nowNanos)
                    : new SessionKeys(second, first, peer.localIndex, peer.remoteIndex, false, nowNanos);
            Arrays.fill(peer.chainingKey, (byte) 0);
            Arrays.fill(peer.hash, (byte) 0);
            Arrays.fill(peer.localEphemeral, (byte) 0);
            Arrays.fill(peer.remoteEphemeral, (byte) 0);
            peer.state = PeerHandshake.State.NONE;
            return keys;
        }
    }

    // ---------------------------------------------------------------- helpers

    /** h = HASH(h || data). */
    private static void mixHash(byte[] h, byte[] data) {
        mixHash(h, data, 0, data.length);
    }

    private static void mixHash(byte[] h, byte[] data, int off, int len) {
        Blake2s b = new Blake2s(HASH_SIZE);
        b.update(h).update(data, off, len);
        b.digest(h, 0);
    }

    private static void wipe(byte[]... arrays) {
        for (byte[] a : arrays) {
            if (a != null) {
                Arrays.fill(a, (byte) 0);
            }
        }
    }
}
