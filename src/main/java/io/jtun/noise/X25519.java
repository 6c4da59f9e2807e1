package io.jtun.noise;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;
import java.util.Arrays;
import javax.crypto.KeyAgreement;

/**
 * X25519 (RFC 7748) on raw 32-byte keys, computed by the JDK. Keys on the wire and in
 * configuration files are little-endian byte strings; the JDK wants the public u-coordinate as a
 * number (the bytes reversed, the top bit masked as RFC 7748 section 5 says) and the private
 * scalar as raw bytes, which it clamps itself, so any 32 bytes work as a private key, just as in
 * {@code wg pubkey}.
 */
public final class X25519 {
    /** Bytes in a private key, a public key and a shared secret. */
    public static final int KEY_SIZE = 32;

    /** The u-coordinate of the base point: X25519(k, 9) is k's public key. */
    private static final byte[] BASE_POINT = basePoint();

    private X25519() {
    }

    private static byte[] basePoint() {
        byte[] u = new byte[KEY_SIZE];
        u[0] = 9;
        return u;
    }

    /** A new private key: 32 random bytes clamped as {@code wg genkey} clamps them. */
    public static byte[] generatePrivateKey(SecureRandom random) {
        byte[] k = new byte[KEY_SIZE];
        random.nextBytes(k);
        clamp(k);
        return k;
    }

    /** A new private key from a fresh {@link SecureRandom}. */
    public static byte[] generatePrivateKey() {
        return generatePrivateKey(new SecureRandom());
    }

    /**
     * Clears the three low bits (the scalar becomes a multiple of the cofactor 8), clears bit 255
     * and sets bit 254 (a fixed bit length, so the ladder's run time does not depend on the key).
     */
    public static void clamp(byte[] k) {
        k[0] &= (byte) 248;
        k[31] &= 127;
        k[31] |= 64;
    }

    /** The public key of {@code privateKey}. */
    public static byte[] publicKey(byte[] privateKey) {
        byte[] pub = sharedSecret(privateKey, BASE_POINT);
        if (pub == null) {
            // Impossible: a clamped scalar times the base point is never the identity.
            throw new IllegalStateException("X25519 of the base point is zero");
        }
        return pub;
    }

    /**
     * X25519(privateKey, publicKey), or null when the result is all zeros, which happens for
     * public keys of small order: WireGuard refuses such a handshake, because the "secret" would
     * be known to anyone.
     */
    public static byte[] sharedSecret(byte[] privateKey, byte[] publicKey) {
        checkSize(privateKey, "private");
        checkSize(publicKey, "public");
        byte[] u = new byte[KEY_SIZE];
        for (int i = 0; i < KEY_SIZE; i++) {
            u[i] = publicKey[KEY_SIZE - 1 - i];
        }
        u[0] &= 0x7f;
        BigInteger uNumber = new BigInteger(1, u);
        try {
            KeyFactory factory = KeyFactory.getInstance("XDH");
            PrivateKey priv = factory.generatePrivate(new XECPrivateKeySpec(NamedParameterSpec.X25519, privateKey));
            PublicKey pub = factory.generatePublic(new XECPublicKeySpec(NamedParameterSpec.X25519, uNumber));
            KeyAgreement agreement = KeyAgreement.getInstance("X25519");
            agreement.init(priv);
            agreement.doPhase(pub, true);
            byte[] secret = agreement.generateSecret();
            if (Bytes.isZero(secret)) {
                return null;
            }
            return secret;
        } catch (InvalidKeyException e) {
            // The JDK throws this for an all-zero result ("Point has small order").
            return null;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no X25519", e);
        } finally {
            Arrays.fill(u, (byte) 0);
        }
    }

    private static void checkSize(byte[] key, String what) {
        if (key.length != KEY_SIZE) {
            throw new IllegalArgumentException("an X25519 " + what + " key has 32 bytes, not " + key.length);
        }
    }
}
