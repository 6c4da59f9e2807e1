package io.jtun.config;

import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * A public WireGuard (Curve25519) key: 32 bytes, written as 44 characters of base64 ending in
 * '=' exactly as {@code wg pubkey} prints it. Private and preshared keys are {@link Secret}s.
 */
public final class Key {
    /** Bytes in a key. */
    public static final int BYTES = 32;
    /** Characters in a key's base64 form, including the final '='. */
    public static final int BASE64_LENGTH = 44;

    private final byte[] bytes;

    private Key(byte[] bytes) {
        this.bytes = bytes;
    }

    /** The key of these 32 bytes. */
    public static Key of(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        if (bytes.length != BYTES) {
            throw new IllegalArgumentException("a key has " + BYTES + " bytes, not " + bytes.length);
        }
        return new Key(bytes.clone());
    }

    /** The key written as {@code base64}, or null when it is not a valid key (see {@link #decode}). */
    public static Key fromBase64(String base64) {
        byte[] bytes = decode(base64);
        return bytes == null ? null : new Key(bytes);
    }

    /**
     * The 32 bytes of a key in wg's text form, or null: exactly 44 characters of standard base64
     * ending in '=', with the unused low bits zero (wg refuses other spellings of the same bytes,
     * and so does jtun, so that a key has one spelling).
     */
    static byte[] decode(String base64) {
        if (base64 == null || base64.length() != BASE64_LENGTH || base64.charAt(BASE64_LENGTH - 1) != '='
                || base64.charAt(BASE64_LENGTH - 2) == '=') {
            return null;
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (bytes.length != BYTES || !Base64.getEncoder().encodeToString(bytes).equals(base64)) {
            return null;
        }
        return bytes;
    }

    /** A copy of the 32 bytes. */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** The 44-character base64 form. */
    public String base64() {
        return Base64.getEncoder().encodeToString(bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Key other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    /** The base64 form: public keys are not secret. */
    @Override
    public String toString() {
        return base64();
    }
}
