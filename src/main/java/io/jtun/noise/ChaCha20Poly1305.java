package io.jtun.noise;

import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * ChaCha20-Poly1305 (RFC 8439) as WireGuard uses it, computed by the JDK: the 96-bit nonce is 4
 * zero bytes followed by a 64-bit little-endian counter, and the 16-byte tag follows the
 * ciphertext.
 *
 * <p><b>One instance per thread</b>: it holds a {@link Cipher} and the key spec of the last key
 * used, so that a thread encrypting many packets under one key builds the key object once. The
 * nonce spec is necessarily new per call (the JDK's {@link IvParameterSpec} is immutable).
 *
 * <p>Source and destination may be the same array: at the same offset the operation is in
 * place; overlapping ranges at different offsets are handled by copying the source first.
 *
 * <p>The JDK refuses to encrypt twice in a row with the same key and nonce (that would reveal
 * the XOR of the two plaintexts); {@link #seal} passes that refusal on as an {@link
 * IllegalStateException}, since it can only be a caller's bug: WireGuard never reuses a nonce.
 */
public final class ChaCha20Poly1305 {
    /** Bytes in a key. */
    public static final int KEY_SIZE = 32;
    /** Bytes in the full nonce. */
    public static final int NONCE_SIZE = 12;
    /** Bytes in the authentication tag appended to every ciphertext. */
    public static final int TAG_SIZE = 16;
    /** Where the little-endian counter sits in WireGuard's nonce (after 4 zero bytes). */
    private static final int COUNTER_OFFSET = 4;

    private final Cipher cipher;
    private final byte[] nonce = new byte[NONCE_SIZE];
    /** The key of {@link #keySpec}, kept to recognise the same key on the next call. */
    private final byte[] lastKey = new byte[KEY_SIZE];
    private SecretKeySpec keySpec;

    public ChaCha20Poly1305() {
        try {
            cipher = Cipher.getInstance("ChaCha20-Poly1305");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no ChaCha20-Poly1305", e);
        }
    }

    /**
     * Encrypts {@code src[srcOff, srcOff+len)} under {@code key} and WireGuard's nonce for {@code
     * counter}, authenticating {@code aad} too (null means none), and writes ciphertext and tag to
     * {@code dst} at {@code dstOff}. Returns {@code len + TAG_SIZE}, the bytes written.
     */
    public int seal(byte[] key, long counter, byte[] src, int srcOff, int len, byte[] aad, byte[] dst, int dstOff) {
        counterNonce(counter);
        return doSeal(key, src, srcOff, len, aad, dst, dstOff);
    }

    /**
     * Decrypts and verifies {@code src[srcOff, srcOff+len)} (ciphertext then tag) under {@code key},
     * WireGuard's nonce for {@code counter} and {@code aad} (null means none), and writes the
     * plaintext to {@code dst} at {@code dstOff}. Returns the plaintext length ({@code len -
     * TAG_SIZE}), or -1 when authentication fails or {@code len} is shorter than a tag; then
     * nothing is written to {@code dst}. Never throws for bad input data.
     */
    public int open(byte[] key, long counter, byte[] src, int srcOff, int len, byte[] aad, byte[] dst, int dstOff) {
        counterNonce(counter);
        return doOpen(key, src, srcOff, len, aad, dst, dstOff);
    }

    /** {@link #seal} with an explicit 12-byte nonce (for XChaCha20 and test vectors). */
    public int sealWithNonce(byte[] key, byte[] nonce12, byte[] src, int srcOff, int len, byte[] aad,
            byte[] dst, int dstOff) {
        setNonce(nonce12);
        return doSeal(key, src, srcOff, len, aad, dst, dstOff);
    }

    /** {@link #open} with an explicit 12-byte nonce (for XChaCha20 and test vectors). */
    public int openWithNonce(byte[] key, byte[] nonce12, byte[] src, int srcOff, int len, byte[] aad,
            byte[] dst, int dstOff) {
        setNonce(nonce12);
        return doOpen(key, src, srcOff, len, aad, dst, dstOff);
    }

    /** Forgets the cached key (zeroes this instance's copy). */
    public void clear() {
        Arrays.fill(lastKey, (byte) 0);
        Arrays.fill(nonce, (byte) 0);
        keySpec = null;
    }

    private void counterNonce(long counter) {
        Arrays.fill(nonce, 0, COUNTER_OFFSET, (byte) 0);
        Bytes.putLongLE(nonce, COUNTER_OFFSET, counter);
    }

    private void setNonce(byte[] nonce12) {
        if (nonce12.length != NONCE_SIZE) {
            throw new IllegalArgumentException("a ChaCha20-Poly1305 nonce has 12 bytes, not " + nonce12.length);
        }
        System.arraycopy(nonce12, 0, nonce, 0, NONCE_SIZE);
    }

    private SecretKeySpec keySpec(byte[] key) {
        if (key.length != KEY_SIZE) {
            throw new IllegalArgumentException("a ChaCha20-Poly1305 key has 32 bytes, not " + key.length);
        }
        if (keySpec == null || !MessageDigest.isEqual(key, lastKey)) {
            System.arraycopy(key, 0, lastKey, 0, KEY_SIZE);
            keySpec = new SecretKeySpec(key, "ChaCha20");
        }
        return keySpec;
    }

    private int doSeal(byte[] key, byte[] src, int srcOff, int len, byte[] aad, byte[] dst, int dstOff) {
        Objects.checkFromIndexSize(srcOff, len, src.length);
        Objects.checkFromIndexSize(dstOff, len + TAG_SIZE, dst.length);
        try {
            cipher.init(Cipher.ENCRYPT_MODE, keySpec(key), new IvParameterSpec(nonce));
        } catch (InvalidKeyException e) {
            throw new IllegalStateException("refusing to reuse a key and nonce: " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        if (aad != null && aad.length > 0) {
            cipher.updateAAD(aad);
        }
        byte[] in = src;
        int inOff = srcOff;
        if (overlapsElsewhere(src, srcOff, len, dst, dstOff, len + TAG_SIZE)) {
            in = Arrays.copyOfRange(src, srcOff, srcOff + len);
            inOff = 0;
        }
        try {
            return cipher.doFinal(in, inOff, len, dst, dstOff);
        } catch (ShortBufferException e) {
            throw new IllegalArgumentException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        } finally {
            if (in != src) {
                Arrays.fill(in, (byte) 0);
            }
        }
    }

    private int doOpen(byte[] key, byte[] src, int srcOff, int len, byte[] aad, byte[] dst, int dstOff) {
        if (len < TAG_SIZE) {
            return -1;
        }
        Objects.checkFromIndexSize(srcOff, len, src.length);
        Objects.checkFromIndexSize(dstOff, len - TAG_SIZE, dst.length);
        try {
            cipher.init(Cipher.DECRYPT_MODE, keySpec(key), new IvParameterSpec(nonce));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        if (aad != null && aad.length > 0) {
            cipher.updateAAD(aad);
        }
        byte[] in = src;
        int inOff = srcOff;
        if (overlapsElsewhere(src, srcOff, len, dst, dstOff, len - TAG_SIZE)) {
            in = Arrays.copyOfRange(src, srcOff, srcOff + len);
            inOff = 0;
        }
        try {
            return cipher.doFinal(in, inOff, len, dst, dstOff);
        } catch (AEADBadTagException e) {
            return -1;
        } catch (ShortBufferException e) {
            throw new IllegalArgumentException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        } finally {
            if (in != src) {
                Arrays.fill(in, (byte) 0);
            }
        }
    }

    /** Whether the ranges share bytes without starting at the same place (in place is fine). */
    private static boolean overlapsElsewhere(byte[] a, int aOff, int aLen, byte[] b, int bOff, int bLen) {
        return a == b && aOff != bOff && aOff < bOff + bLen && bOff < aOff + aLen;
    }
}
