package io.jtun.noise;

import static io.jtun.noise.Hex.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ChaCha20Poly1305Test {
    static final byte[] SUNSCREEN = ("Ladies and Gentlemen of the class of '99: If I could offer you only one tip for "
            + "the future, sunscreen would be it.").getBytes(StandardCharsets.US_ASCII);
    static final byte[] AAD = hex("50515253c0c1c2c3c4c5c6c7");
    static final byte[] KEY = Hex.sequence(0x80, 32);

    @Test
    void rfc8439Section282() {
        byte[] nonce = hex("070000004041424344454647");
        byte[] out = new byte[SUNSCREEN.length + 16];
        ChaCha20Poly1305 aead = new ChaCha20Poly1305();
        assertEquals(SUNSCREEN.length + 16, aead.sealWithNonce(KEY, nonce, SUNSCREEN, 0, SUNSCREEN.length, AAD, out, 0));
        assertEquals("d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d6"
                + "3dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b36"
                + "92ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc"
                + "3ff4def08e4b7a9de576d26586cec64b6116"
                + "1ae10b594f09e26a7e902ecbd0600691", hex(out));
        byte[] back = new byte[SUNSCREEN.length];
        assertEquals(SUNSCREEN.length, aead.openWithNonce(KEY, nonce, out, 0, out.length, AAD, back, 0));
        assertArrayEquals(SUNSCREEN, back);
    }

    @Test
    void counterNonceIsFourZeroBytesThenLittleEndianCounter() {
        long counter = 0x0102030405060708L;
        byte[] nonce = hex("00000000 0807060504030201");
        ChaCha20Poly1305 aead = new ChaCha20Poly1305();
        byte[] a = new byte[SUNSCREEN.length + 16];
        byte[] b = new byte[SUNSCREEN.length + 16];
        aead.seal(KEY, counter, SUNSCREEN, 0, SUNSCREEN.length, null, a, 0);
        new ChaCha20Poly1305().sealWithNonce(KEY, nonce, SUNSCREEN, 0, SUNSCREEN.length, new byte[0], b, 0);
        assertArrayEquals(a, b);
    }

    @Test
    void badTagsAreReportedNotThrown() {
        ChaCha20Poly1305 aead = new ChaCha20Poly1305();
        byte[] sealed = new byte[SUNSCREEN.length + 16];
        aead.seal(KEY, 7, SUNSCREEN, 0, SUNSCREEN.length, AAD, sealed, 0);
        byte[] dst = new byte[SUNSCREEN.length];
        for (int i = 0; i < sealed.length; i++) {
            for (int bit = 0; bit < 8; bit += 3) {
                byte[] bad = sealed.clone();
                bad[i] ^= (byte) (1 << bit);
                Arrays.fill(dst, (byte) 0x55);
                assertEquals(-1, aead.open(KEY, 7, bad, 0, bad.length, AAD, dst, 0), "byte " + i);
                for (byte x : dst) {
                    assertEquals(0x55, x, "nothing is written on failure");
                }
            }
        }
        assertEquals(-1, aead.open(KEY, 8, sealed, 0, sealed.length, AAD, dst, 0), "wrong counter");
        assertEquals(-1, aead.open(KEY, 7, sealed, 0, sealed.length, null, dst, 0), "missing AAD");
        assertEquals(-1, aead.open(KEY, 7, sealed, 0, 15, null, dst, 0), "shorter than a tag");
        assertEquals(SUNSCREEN.length, aead.open(KEY, 7, sealed, 0, sealed.length, AAD, dst, 0), "still usable");
    }

    @Test
    void inPlaceAndOverlappingBuffers() {
        ChaCha20Poly1305 aead = new ChaCha20Poly1305();
        byte[] reference = new byte[SUNSCREEN.length + 16];
        aead.seal(KEY, 1, SUNSCREEN, 0, SUNSCREEN.length, null, reference, 0);

        for (int shift : new int[] {0, 5, -5, 16, -16}) {
            int srcOff = 40;
            byte[] buf = new byte[300];
            System.arraycopy(SUNSCREEN, 0, buf, srcOff, SUNSCREEN.length);
            ChaCha20Poly1305 fresh = new ChaCha20Poly1305();
            int n = fresh.seal(KEY, 1, buf, srcOff, SUNSCREEN.length, null, buf, srcOff + shift);
            assertArrayEquals(reference, Arrays.copyOfRange(buf, srcOff + shift, srcOff + shift + n), "seal shift " + shift);
            int m = fresh.open(KEY, 1, buf, srcOff + shift, n, null, buf, srcOff + shift - shift);
            assertEquals(SUNSCREEN.length, m);
            assertArrayEquals(SUNSCREEN, Arrays.copyOfRange(buf, srcOff, srcOff + m), "open shift " + shift);
        }
    }

    @Test
    void emptyPlaintextIsJustATag() {
        ChaCha20Poly1305 aead = new ChaCha20Poly1305();
        byte[] tag = new byte[16];
        assertEquals(16, aead.seal(KEY, 0, new byte[0], 0, 0, AAD, tag, 0));
        assertEquals(0, aead.open(KEY, 0, tag, 0, 16, AAD, new byte[0], 0));
    }

    @Test
    void refusesToReuseANonceForEncryption() {
        ChaCha20Poly1305 aead = new ChaCha20Poly1305();
        byte[] out = new byte[32];
        aead.seal(KEY, 3, new byte[16], 0, 16, null, out, 0);
        assertThrows(IllegalStateException.class, () -> aead.seal(KEY, 3, new byte[16], 0, 16, null, out, 0));
        // Decrypting the same message twice is fine (a replayed packet is decrypted, then dropped).
        byte[] plain = new byte[16];
        assertEquals(16, aead.open(KEY, 3, out, 0, 32, null, plain, 0));
        assertEquals(16, aead.open(KEY, 3, out, 0, 32, null, plain, 0));
    }
}
