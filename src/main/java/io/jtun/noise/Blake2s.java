package io.jtun.noise;

import java.util.Arrays;
import java.util.Objects;

/**
 * BLAKE2s (RFC 7693): WireGuard's hash, keyed MAC (MAC1, MAC2, cookies) and, wrapped in HMAC,
 * its key derivation ({@link Kdf}). Unkeyed or keyed (key up to 32 bytes), output 1 to 32
 * bytes, fed incrementally.
 *
 * <p>An instance is a running hash and not thread-safe. {@link #digest} finishes it; {@link
 * #reset} starts it over with the same key and output length; {@link #clear} zeroes everything
 * (call it when the key is secret and the instance is done with).
 */
public final class Blake2s {
    /** Bytes in a compression block; also HMAC's block size for BLAKE2s. */
    public static final int BLOCK_SIZE = 64;
    /** The largest output, and WireGuard's HASH output. */
    public static final int MAX_OUTPUT_SIZE = 32;
    /** The largest key. */
    public static final int MAX_KEY_SIZE = 32;

    private static final int ROUNDS = 10;
    private static final int[] IV = {
        0x6A09E667, 0xBB67AE85, 0x3C6EF372, 0xA54FF53A, 0x510E527F, 0x9B05688C, 0x1F83D9AB, 0x5BE0CD19,
    };
    /** The message word permutation of each round (RFC 7693 section 2.7). */
    private static final byte[][] SIGMA = {
        {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
        {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3},
        {11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4},
        {7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8},
        {9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13},
        {2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9},
        {12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11},
        {13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10},
        {6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5},
        {10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0},
    };

    private final int outputLength;
    /** The key padded to a block, or null when unkeyed: kept so that {@link #reset} can replay it. */
    private final byte[] keyBlock;
    private final int keyLength;
    private final int[] h = new int[8];
    private final int[] v = new int[16];
    private final int[] m = new int[16];
    private final byte[] buffer = new byte[BLOCK_SIZE];
    private int buffered;
    /** Bytes compressed so far (BLAKE2s's t; 64 bits is what the format allows). */
    private long counter;
    private boolean finished;

    /** An unkeyed hash of {@code outputLength} (1..32) bytes. */
    public Blake2s(int outputLength) {
        this(outputLength, null);
    }

    /** A keyed hash (a MAC) of {@code outputLength} (1..32) bytes; a null or empty key means unkeyed. */
    public Blake2s(int outputLength, byte[] key) {
        if (outputLength < 1 || outputLength > MAX_OUTPUT_SIZE) {
            throw new IllegalArgumentException("BLAKE2s output is 1 to 32 bytes, not " + outputLength);
        }
        if (key != null && key.length > MAX_KEY_SIZE) {
            throw new IllegalArgumentException("a BLAKE2s key is at most 32 bytes, not " + key.length);
        }
        this.outputLength = outputLength;
        this.keyLength = key == null ? 0 : key.length;
        if (keyLength > 0) {
            keyBlock = new byte[BLOCK_SIZE];
            System.arraycopy(key, 0, keyBlock, 0, keyLength);
        } else {
            keyBlock = null;
        }
        reset();
    }

    /** The 32-byte BLAKE2s-256 hash of the concatenated parts: WireGuard's HASH. */
    public static byte[] hash(byte[]... parts) {
        Blake2s b = new Blake2s(MAX_OUTPUT_SIZE);
        for (byte[] part : parts) {
            b.update(part);
        }
        return b.digest();
    }

    /** The {@code outputLength}-byte keyed BLAKE2s of {@code data[off, off+len)}: WireGuard's MAC with 16. */
    public static byte[] mac(byte[] key, int outputLength, byte[] data, int off, int len) {
        Blake2s b = new Blake2s(outputLength, key);
        b.update(data, off, len);
        byte[] out = b.digest();
        b.clear();
        return out;
    }

    /** Output bytes of this hash. */
    public int outputLength() {
        return outputLength;
    }

    /** Starts over: the same key and output length, no input. */
    public void reset() {
        System.arraycopy(IV, 0, h, 0, 8);
        // Parameter block word 0: digest length, key length, fanout 1, depth 1 (sequential mode).
        h[0] ^= 0x01010000 ^ (keyLength << 8) ^ outputLength;
        counter = 0;
        buffered = 0;
        finished = false;
        Arrays.fill(buffer, (byte) 0);
        if (keyBlock != null) {
            // The key, padded with zeros, is the first block; it is compressed like data.
            System.arraycopy(keyBlock, 0, buffer, 0, BLOCK_SIZE);
            buffered = BLOCK_SIZE;
        }
    }

    public Blake2s update(byte[] in) {
        return update(in, 0, in.length);
    }

    public Blake2s update(byte[] in, int off, int len) {
        Objects.checkFromIndexSize(off, len, in.length);
        if (finished) {
            throw new IllegalStateException("digest() was called: reset() first");
        }
        while (len > 0) {
            // A full buffer is compressed only once more input arrives, because the last block
            // is compressed differently (with the final flag) and we do not know yet which it is.
            if (buffered == BLOCK_SIZE) {
                counter += BLOCK_SIZE;
                compress(buffer, 0, false);
                buffered = 0;
            }
            int n = Math.min(len, BLOCK_SIZE - buffered);
            System.arraycopy(in, off, buffer, buffered, n);
            buffered += n;
            off += n;
            len -= n;
        }
        return this;
    }

    /** Finishes the hash and returns it; the instance then needs {@link #reset} before more use. */
    public byte[] digest() {
        byte[] out = new byte[outputLength];
        digest(out, 0);
        return out;
    }

    /** Finishes the hash and writes its {@link #outputLength} bytes to {@code out} at {@code off}. */
    public void digest(byte[] out, int off) {
        Objects.checkFromIndexSize(off, outputLength, out.length);
        if (finished) {
            throw new IllegalStateException("digest() was called: reset() first");
        }
        counter += buffered;
        Arrays.fill(buffer, buffered, BLOCK_SIZE, (byte) 0);
        compress(buffer, 0, true);
        finished = true;
        for (int i = 0; i < outputLength; i++) {
            out[off + i] = (byte) (h[i >>> 2] >>> (8 * (i & 3)));
        }
    }

    /** Zeroes the key, the state and the buffered input. */
    public void clear() {
        if (keyBlock != null) {
            Arrays.fill(keyBlock, (byte) 0);
        }
        Arrays.fill(h, 0);
        Arrays.fill(v, 0);
        Arrays.fill(m, 0);
        Arrays.fill(buffer, (byte) 0);
        buffered = 0;
        finished = true;
    }

    private void compress(byte[] block, int off, boolean last) {
        for (int i = 0; i < 16; i++) {
            m[i] = Bytes.getIntLE(block, off + 4 * i);
        }
        System.arraycopy(h, 0, v, 0, 8);
        System.arraycopy(IV, 0, v, 8, 8);
        v[12] ^= (int) counter;
        v[13] ^= (int) (counter >>> 32);
        if (last) {
            v[14] = ~v[14];
        }
        for (int r = 0; r < ROUNDS; r++) {
            byte[] s = SIGMA[r];
            g(0, 4, 8, 12, m[s[0]], m[s[1]]);
            g(1, 5, 9, 13, m[s[2]], m[s[3]]);
            g(2, 6, 10, 14, m[s[4]], m[s[5]]);
            g(3, 7, 11, 15, m[s[6]], m[s[7]]);
            g(0, 5, 10, 15, m[s[8]], m[s[9]]);
            g(1, 6, 11, 12, m[s[10]], m[s[11]]);
            g(2, 7, 8, 13, m[s[12]], m[s[13]]);
            g(3, 4, 9, 14, m[s[14]], m[s[15]]);
        }
        for (int i = 0; i < 8; i++) {
            h[i] ^= v[i] ^ v[i + 8];
        }
    }

    /** The mixing function G with BLAKE2s's rotation counts 16, 12, 8, 7. */
    private void g(int a, int b, int c, int d, int x, int y) {
        v[a] = v[a] + v[b] + x;
        v[d] = Integer.rotateRight(v[d] ^ v[a], 16);
        v[c] = v[c] + v[d];
        v[b] = Integer.rotateRight(v[b] ^ v[c], 12);
        v[a] = v[a] + v[b] + y;
        v[d] = Integer.rotateRight(v[d] ^ v[a], 8);
        v[c] = v[c] + v[d];
        v[b] = Integer.rotateRight(v[b] ^ v[c], 7);
    }
}
