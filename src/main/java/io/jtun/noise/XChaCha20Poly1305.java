package io.jtun.noise;

import java.util.Arrays;

/**
 * XChaCha20-Poly1305 (draft-irtf-cfrg-xchacha-03): ChaCha20-Poly1305 with a 24-byte nonce, big
 * enough to be chosen at random. WireGuard encrypts cookies with it. The subkey is
 * HChaCha20(key, nonce[0..16)) and the 12-byte nonce is 4 zero bytes || nonce[16..24).
 *
 * <p>Stateless and thread-safe (each call builds its own cipher: cookie replies are rare).
 */
public final class XChaCha20Poly1305 {
    /** Bytes in a key. */
    public static final int KEY_SIZE = 32;
    /** Bytes in the extended nonce. */
    public static final int NONCE_SIZE = 24;
    /** Bytes in the tag appended to the ciphertext. */
    public static final int TAG_SIZE = ChaCha20Poly1305.TAG_SIZE;

    /** Where the ChaCha20 nonce takes the last 8 bytes of the extended nonce. */
    private static final int NONCE_TAIL_OFFSET = 4;

    private XChaCha20Poly1305() {
    }

    /** Encrypts {@code plaintext}; the result is ciphertext || tag. */
    public static byte[] seal(byte[] key, byte[] nonce24, byte[] plaintext, byte[] aad) {
        byte[] subkey = subkey(key, nonce24);
        try {
            byte[] out = new byte[plaintext.length + TAG_SIZE];
            new ChaCha20Poly1305().sealWithNonce(subkey, chachaNonce(nonce24), plaintext, 0, plaintext.length, aad, out, 0);
            return out;
        } finally {
            Arrays.fill(subkey, (byte) 0);
        }
    }

    /** Decrypts and verifies ciphertext || tag; null when authentication fails. Never throws for bad data. */
    public static byte[] open(byte[] key, byte[] nonce24, byte[] sealed, byte[] aad) {
        if (sealed.length < TAG_SIZE) {
            return null;
        }
        byte[] subkey = subkey(key, nonce24);
        try {
            byte[] out = new byte[sealed.length - TAG_SIZE];
            int n = new ChaCha20Poly1305().openWithNonce(subkey, chachaNonce(nonce24), sealed, 0, sealed.length, aad, out, 0);
            return n < 0 ? null : out;
        } finally {
            Arrays.fill(subkey, (byte) 0);
        }
    }

    private static byte[] subkey(byte[] key, byte[] nonce24) {
        if (key.length != KEY_SIZE) {
            throw new IllegalArgumentException("an XChaCha20-Poly1305 key has 32 bytes, not " + key.length);
        }
        if (nonce24.length != NONCE_SIZE) {
            throw new IllegalArgumentException("an XChaCha20-Poly1305 nonce has 24 bytes, not " + nonce24.length);
        }
        return HChaCha20.subkey(key, Arrays.copyOf(nonce24, HChaCha20.NONCE_SIZE));
    }

    private static byte[] chachaNonce(byte[] nonce24) {
        byte[] nonce = new byte[ChaCha20Poly1305.NONCE_SIZE];
        System.arraycopy(nonce24, HChaCha20.NONCE_SIZE, nonce, NONCE_TAIL_OFFSET, NONCE_SIZE - HChaCha20.NONCE_SIZE);
        return nonce;
    }
}
