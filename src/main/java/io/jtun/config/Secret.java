package io.jtun.config;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * A secret WireGuard key (PrivateKey, PresharedKey): 32 bytes, 44 characters of base64 in a
 * configuration file. {@link #toString()} prints "(hidden)", so a secret can not leak into a log
 * or a message by being printed along with the record that holds it; ask for {@link #bytes()} or
 * {@link #base64()} explicitly.
 */
public final class Secret {
    /** What {@link #toString()} returns. */
    public static final String HIDDEN = "(hidden)";

    private final byte[] bytes;

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

    /** A copy of the 32 bytes. */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** The 44-character base64 form, as in the configuration file. */
    public String base64() {
        return Base64.getEncoder().encodeToString(bytes);
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
