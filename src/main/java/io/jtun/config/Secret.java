package io.jtun.config;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import javax.security.auth.Destroyable;

/**
 * A secret WireGuard key (PrivateKey, PresharedKey): 32 bytes, 44 characters of base64 in a
 * configuration file. {@link #toString()} prints "(hidden)", so a secret can not leak into a log
 * or a message by being printed along with the record that holds it; ask for {@link #bytes()} or
 * {@link #base64()} explicitly.
 *
 * <p>Whoever replaces or drops a key {@link #destroy()}s the Secret that held it, so the bytes do
 * not linger in the heap until the collector reuses the memory (and not at all in a core dump
 * taken later). Each holder keeps its own copy ({@link #copy()}) for that reason: destroying one
 * must not break another. What this cannot reach: the configuration file's text and the UAPI
 * protocol's text are Java strings, which cannot be wiped; they are short-lived garbage.
 */
public final class Secret implements Destroyable {
    /** What {@link #toString()} returns. */
    public static final String HIDDEN = "(hidden)";

    private final byte[] bytes;
    private volatile boolean destroyed;

    private Secret(byte[] bytes) {
        this.bytes = bytes;
    }

    /** The secret of these 32 bytes. */
    public static Secret of(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        if (bytes.length != Key.BYTES) {
            throw new IllegalArgumentException("a key has " + Key.BYTES + " bytes, not " + bytes.length);
        }
        return new Secret(bytes.clone());
    }

    /** The secret written as {@code base64} in wg's form, or null when that is not a valid key. */
    public static Secret fromBase64(String base64) {
        byte[] bytes = Key.decode(base64);
        return bytes == null ? null : new Secret(bytes);
    }

    /** A copy of the 32 bytes; the caller zeroes it when done. */
    public byte[] bytes() {
        checkNotDestroyed();
        return bytes.clone();
    }

    /** The 44-character base64 form, as in the configuration file. */
    public String base64() {
        checkNotDestroyed();
        return Base64.getEncoder().encodeToString(bytes);
    }

    /** A Secret of its own with the same bytes, for a holder that will destroy it independently. */
    public Secret copy() {
        checkNotDestroyed();
        return new Secret(bytes.clone());
    }

    /** All 32 bytes are zero (wg's way of saying "none"); looked at in constant time, no copy made. */
    public boolean isZero() {
        checkNotDestroyed();
        int any = 0;
        for (byte b : bytes) {
            any |= b;
        }
        return any == 0;
    }

    /** Zeroes the bytes; any later use of this Secret is a bug and throws. */
    @Override
    public void destroy() {
        Arrays.fill(bytes, (byte) 0);
        destroyed = true;
    }

    @Override
    public boolean isDestroyed() {
        return destroyed;
    }

    /** Destroys {@code secret} if there is one: for fields that may be null. */
    public static void destroyIfAny(Secret secret) {
        if (secret != null) {
            secret.destroy();
        }
    }

    private void checkNotDestroyed() {
        if (destroyed) {
            throw new IllegalStateException("this key was destroyed after use");
        }
    }

    /** Compares in constant time. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Secret other && MessageDigest.isEqual(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return HIDDEN;
    }
}
