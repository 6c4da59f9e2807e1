package io.jtun.noise;

import io.jtun.config.Key;
import io.jtun.config.Secret;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * Key generation as {@code wg genkey}, {@code wg pubkey} and {@code wg genpsk} do it, on the
 * configuration package's key holders (whose base64 form is wg's: 44 characters with padding).
 */
public final class Keys {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Keys() {
    }

    /** A new private key: 32 random bytes, clamped ({@code wg genkey}). */
    public static Secret genkey() {
        byte[] k = X25519.generatePrivateKey(RANDOM);
        try {
            return Secret.of(k);
        } finally {
            Arrays.fill(k, (byte) 0);
        }
    }

    /** The public key of a private key ({@code wg pubkey}); the private key need not be clamped. */
    public static Key pubkey(Secret privateKey) {
        byte[] k = privateKey.bytes();
        try {
            return Key.of(X25519.publicKey(k));
        } finally {
            Arrays.fill(k, (byte) 0);
        }
    }

    /** The public key of a private key in wg's base64, or null when that is not a valid key. */
    public static String pubkey(String privateKeyBase64) {
        Secret secret = Secret.fromBase64(privateKeyBase64);
        return secret == null ? null : pubkey(secret).base64();
    }

    /** A new preshared key: 32 random bytes, not clamped ({@code wg genpsk}). */
    public static Secret genpsk() {
        byte[] k = new byte[Key.BYTES];
        RANDOM.nextBytes(k);
        try {
            return Secret.of(k);
        } finally {
            Arrays.fill(k, (byte) 0);
        }
    }
}
