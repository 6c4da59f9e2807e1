package io.jtun.noise;

import io.jtun.config.Key;
import io.jtun.config.Secret;
import java.util.Arrays;

/**
 * This interface's long-term key pair, with what is derived from its public key once: the MAC1
 * key that messages <em>to us</em> carry (HASH(LABEL_MAC1 || our public key)) and the key that
 * cookie replies <em>we send</em> are encrypted with (HASH(LABEL_COOKIE || our public key)).
 * Messages we send to a peer use the same derivations from the peer's public key, in its {@link
 * CookieGenerator}.
 *
 * <p>Immutable apart from {@link #destroy}; safe to share between threads.
 */
public final class StaticIdentity {
    private final byte[] privateKey;
    private final byte[] publicKey;
    private final byte[] mac1Key;
    private final byte[] cookieKey;

    /** The identity of a 32-byte private key (copied). */
    public StaticIdentity(byte[] privateKey) {
        if (privateKey.length != X25519.KEY_SIZE) {
            throw new IllegalArgumentException("a private key has 32 bytes, not " + privateKey.length);
        }
        this.privateKey = privateKey.clone();
        this.publicKey = X25519.publicKey(this.privateKey);
        this.mac1Key = Macs.mac1Key(publicKey);
        this.cookieKey = Macs.cookieKey(publicKey);
    }

    /** The identity of a configured private key. */
    public static StaticIdentity of(Secret privateKey) {
        byte[] k = privateKey.bytes();
        try {
            return new StaticIdentity(k);
        } finally {
            Arrays.fill(k, (byte) 0);
        }
    }

    /** A copy of the private key, for the one place that must show it (the wg tool's get). */
    public Secret privateKey() {
        return Secret.of(privateKey); // Secret.of copies
    }

    /** A copy of the public key. */
    public byte[] publicKey() {
        return publicKey.clone();
    }

    /** The public key in wg's form. */
    public Key publicKeyAsKey() {
        return Key.of(publicKey);
    }

    /** The private key itself (not a copy): the engine's to use, never to keep or change. */
    byte[] privateKeyBytes() {
        return privateKey;
    }

    /** The public key itself (not a copy). */
    byte[] publicKeyBytes() {
        return publicKey;
    }

    byte[] mac1Key() {
        return mac1Key;
    }

    byte[] cookieKey() {
        return cookieKey;
    }

    /** Zeroes the private key; the identity is unusable afterwards. */
    public void destroy() {
        Arrays.fill(privateKey, (byte) 0);
    }

    @Override
    public String toString() {
        return "StaticIdentity[" + publicKeyAsKey() + "]";
    }
}
