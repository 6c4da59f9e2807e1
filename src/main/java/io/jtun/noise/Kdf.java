package io.jtun.noise;

import java.util.Arrays;

/**
 * HMAC-BLAKE2s (RFC 2104 with BLAKE2s-256 and its 64-byte block) and WireGuard's KDF1/KDF2/KDF3,
 * which are HKDF (RFC 5869) over that HMAC with an empty info:
 *
 * <pre>
 *   prk = HMAC(key, input)
 *   t0  = HMAC(prk, 0x01)
 *   t1  = HMAC(prk, t0 || 0x02)
 *   t2  = HMAC(prk, t1 || 0x03)
 * </pre>
 *
 * Output arrays may be the key or input array itself (the chaining key is usually updated in
 * place): both are consumed before any output is written.
 */
public final class Kdf {
    /** Bytes of an HMAC-BLAKE2s value and of every KDF output. */
    public static final int OUTPUT_SIZE = Blake2s.MAX_OUTPUT_SIZE;

    private static final byte IPAD = 0x36;
    private static final byte OPAD = 0x5c;

    private Kdf() {
    }

    /** HMAC-BLAKE2s-256 of the concatenated parts. */
    public static byte[] hmac(byte[] key, byte[]... parts) {
        byte[] out = new byte[OUTPUT_SIZE];
        hmacInto(out, key, parts);
        return out;
    }

    private static void hmacInto(byte[] out, byte[] key, byte[]... parts) {
        byte[] block = new byte[Blake2s.BLOCK_SIZE];
        if (key.length > Blake2s.BLOCK_SIZE) {
            // RFC 2104: keys longer than a block are hashed first (WireGuard's never are).
            byte[] hashed = Blake2s.hash(key);
            System.arraycopy(hashed, 0, block, 0, hashed.length);
            Arrays.fill(hashed, (byte) 0);
        } else {
            System.arraycopy(key, 0, block, 0, key.length);
        }
        for (int i = 0; i < block.length; i++) {
            block[i] ^= IPAD;
        }
        Blake2s inner = new Blake2s(OUTPUT_SIZE).update(block);
        for (byte[] part : parts) {
            inner.update(part);
        }
        byte[] innerHash = inner.digest();
        for (int i = 0; i < block.length; i++) {
            block[i] ^= IPAD ^ OPAD;
        }
        Blake2s outer = new Blake2s(OUTPUT_SIZE).update(block).update(innerHash);
        outer.digest(out, 0);
        Arrays.fill(block, (byte) 0);
        Arrays.fill(innerHash, (byte) 0);
        inner.clear();
        outer.clear();
    }

    /** KDF1: {@code t0} (32 bytes) from {@code key} and {@code input}. */
    public static void kdf1(byte[] key, byte[] input, byte[] t0) {
        byte[] prk = hmac(key, input);
        hmacInto(t0, prk, new byte[] {1});
        Arrays.fill(prk, (byte) 0);
    }

    /** KDF2: {@code t0} and {@code t1} (32 bytes each) from {@code key} and {@code input}. */
    public static void kdf2(byte[] key, byte[] input, byte[] t0, byte[] t1) {
        byte[] prk = hmac(key, input);
        hmacInto(t0, prk, new byte[] {1});
        hmacInto(t1, prk, t0, new byte[] {2});
        Arrays.fill(prk, (byte) 0);
    }

    /** KDF3: {@code t0}, {@code t1} and {@code t2} (32 bytes each) from {@code key} and {@code input}. */
    public static void kdf3(byte[] key, byte[] input, byte[] t0, byte[] t1, byte[] t2) {
        byte[] prk = hmac(key, input);
        hmacInto(t0, prk, new byte[] {1});
        hmacInto(t1, prk, t0, new byte[] {2});
        hmacInto(t2, prk, t1, new byte[] {3});
        Arrays.fill(prk, (byte) 0);
    }
}
