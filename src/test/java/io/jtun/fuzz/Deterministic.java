package io.jtun.fuzz;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * Keys and randomness that are the same on every run, so that a fuzz input replays exactly: the
 * ephemeral keys and cookie secrets a target's engines draw are part of what the input leads to.
 */
public final class Deterministic {
    private Deterministic() {
    }

    /** A SecureRandom that yields the same bytes for the same seed (SHA1PRNG seeded before first use). */
    public static SecureRandom random(int seed) {
        try {
            SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
            random.setSeed(seed);
            return random;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A valid X25519 private key: 32 bytes of {@code fill}, clamped. */
    public static byte[] key(int fill) {
        byte[] k = new byte[32];
        Arrays.fill(k, (byte) fill);
        k[0] &= (byte) 248;
        k[31] = (byte) ((k[31] & 127) | 64);
        return k;
    }
}
