package io.jtun.noise;

import java.util.Arrays;

/**
 * The ChaCha20 core (RFC 8439 section 2.3) and HChaCha20 (draft-irtf-cfrg-xchacha section 2.2),
 * which turns a 32-byte key and a 16-byte nonce into a 32-byte subkey: XChaCha20 is ChaCha20
 * under that subkey. The JDK does the bulk ChaCha20; this class exists because the JDK has no
 * HChaCha20.
 */
public final class HChaCha20 {
    /** Bytes in the key. */
    public static final int KEY_SIZE = 32;
    /** Bytes in HChaCha20's nonce. */
    public static final int NONCE_SIZE = 16;
    /** Bytes in the derived subkey. */
    public static final int OUTPUT_SIZE = 32;
    /** Bytes in one ChaCha20 block. */
    static final int BLOCK_SIZE = 64;
    /** Bytes in ChaCha20's (IETF) nonce. */
    static final int CHACHA20_NONCE_SIZE = 12;

    /** "expand 32-byte k" as four little-endian words. */
    private static final int[] SIGMA = {0x61707865, 0x3320646e, 0x79622d32, 0x6b206574};
    private static final int DOUBLE_ROUNDS = 10;

    private HChaCha20() {
    }

    /** The HChaCha20 subkey of {@code key} and {@code nonce16}. */
    public static byte[] subkey(byte[] key, byte[] nonce16) {
        if (key.length != KEY_SIZE || nonce16.length != NONCE_SIZE) {
            throw new IllegalArgumentException("HChaCha20 takes a 32-byte key and a 16-byte nonce");
        }
        int[] x = new int[16];
        System.arraycopy(SIGMA, 0, x, 0, 4);
        for (int i = 0; i < 8; i++) {
            x[4 + i] = Bytes.getIntLE(key, 4 * i);
        }
        for (int i = 0; i < 4; i++) {
            x[12 + i] = Bytes.getIntLE(nonce16, 4 * i);
        }
        rounds(x);
        // Unlike a ChaCha20 block, the input is not added back: the first and last rows are the
        // output (the draft explains why this is still a PRF).
        byte[] out = new byte[OUTPUT_SIZE];
        for (int i = 0; i < 4; i++) {
            Bytes.putIntLE(out, 4 * i, x[i]);
            Bytes.putIntLE(out, 16 + 4 * i, x[12 + i]);
        }
        Arrays.fill(x, 0);
        return out;
    }

    /** One ChaCha20 block (RFC 8439 section 2.3): keystream for {@code counter} under key and nonce. */
    static byte[] chacha20Block(byte[] key, int counter, byte[] nonce12) {
        if (key.length != KEY_SIZE || nonce12.length != CHACHA20_NONCE_SIZE) {
            throw new IllegalArgumentException("ChaCha20 takes a 32-byte key and a 12-byte nonce");
        }
        int[] input = new int[16];
        System.arraycopy(SIGMA, 0, input, 0, 4);
        for (int i = 0; i < 8; i++) {
            input[4 + i] = Bytes.getIntLE(key, 4 * i);
        }
        input[12] = counter;
        for (int i = 0; i < 3; i++) {
            input[13 + i] = Bytes.getIntLE(nonce12, 4 * i);
        }
        int[] x = input.clone();
        rounds(x);
        byte[] out = new byte[BLOCK_SIZE];
        for (int i = 0; i < 16; i++) {
            Bytes.putIntLE(out, 4 * i, x[i] + input[i]);
        }
        Arrays.fill(x, 0);
        Arrays.fill(input, 0);
        return out;
    }

    /** The 20 rounds: alternately quarter rounds on the columns and on the diagonals. */
    private static void rounds(int[] x) {
        for (int i = 0; i < DOUBLE_ROUNDS; i++) {
            quarterRound(x, 0, 4, 8, 12);
            quarterRound(x, 1, 5, 9, 13);
            quarterRound(x, 2, 6, 10, 14);
            quarterRound(x, 3, 7, 11, 15);
            quarterRound(x, 0, 5, 10, 15);
            quarterRound(x, 1, 6, 11, 12);
            quarterRound(x, 2, 7, 8, 13);
            quarterRound(x, 3, 4, 9, 14);
        }
    }

    static void quarterRound(int[] x, int a, int b, int c, int d) {
        x[a] += x[b];
        x[d] = Integer.rotateLeft(x[d] ^ x[a], 16);
        x[c] += x[d];
        x[b] = Integer.rotateLeft(x[b] ^ x[c], 12);
        x[a] += x[b];
        x[d] = Integer.rotateLeft(x[d] ^ x[a], 8);
        x[c] += x[d];
        x[b] = Integer.rotateLeft(x[b] ^ x[c], 7);
    }
}
