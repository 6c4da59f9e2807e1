package io.jtun.noise;

import static io.jtun.noise.Hex.hex;
import static io.jtun.noise.Hex.sequence;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class XChaCha20Poly1305Test {
    @Test
    void chacha20BlockRfc8439Section232() {
        // Key 00..1f, nonce 000000090000004a00000000, block counter 1.
        assertEquals("10f1e7e4d13b5915500fdd1fa32071c4c7d1f4c733c068030422aa9ac3d46c4e"
                + "d2826446079faa0914c2d705d98b02a2b5129cd1de164eb9cbd083e8a2503c4e",
                hex(HChaCha20.chacha20Block(sequence(0, 32), 1, hex("000000090000004a00000000"))));
    }

    @Test
    void quarterRoundRfc8439Section211() {
        int[] x = new int[16];
        x[0] = 0x11111111;
        x[1] = 0x01020304;
        x[2] = 0x9b8d6f43;
        x[3] = 0x01234567;
        HChaCha20.quarterRound(x, 0, 1, 2, 3);
        assertEquals(0xea2a92f4, x[0]);
        assertEquals(0xcb1cf8ce, x[1]);
        assertEquals(0x4581472e, x[2]);
        assertEquals(0x5881c4bb, x[3]);
    }

    @Test
    void hchacha20DraftSection221() {
        assertEquals("82413b4227b27bfed30e42508a877d73a0f9e4d58a74a853c12ec41326d3ecdc",
                hex(HChaCha20.subkey(sequence(0, 32), hex("000000090000004a0000000031415927"))));
    }

    @Test
    void aeadDraftAppendixA31() {
        byte[] key = sequence(0x80, 32);
        byte[] nonce = sequence(0x40, 24);
        byte[] sealed = XChaCha20Poly1305.seal(key, nonce, ChaCha20Poly1305Test.SUNSCREEN, ChaCha20Poly1305Test.AAD);
        assertEquals("bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb"
                + "731c7f1b0b4aa6440bf3a82f4eda7e39ae64c6708c54c216cb96b72e1213b452"
                + "2f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f76b2383565d3fff9"
                + "21f9664c97637da9768812f615c68b13b52e"
                + "c0875924c1c7987947deafd8780acf49", hex(sealed));
        assertArrayEquals(ChaCha20Poly1305Test.SUNSCREEN,
                XChaCha20Poly1305.open(key, nonce, sealed, ChaCha20Poly1305Test.AAD));
    }

    @Test
    void failsWithWrongAadNonceOrKey() {
        byte[] key = sequence(0x80, 32);
        byte[] nonce = sequence(0x40, 24);
        byte[] aad = sequence(1, 16);
        byte[] sealed = XChaCha20Poly1305.seal(key, nonce, sequence(9, 16), aad);
        assertArrayEquals(sequence(9, 16), XChaCha20Poly1305.open(key, nonce, sealed, aad));
        byte[] otherAad = aad.clone();
        otherAad[15] ^= 1;
        assertNull(XChaCha20Poly1305.open(key, nonce, sealed, otherAad));
        byte[] otherNonce = nonce.clone();
        otherNonce[3] ^= 1; // in the HChaCha20 part
        assertNull(XChaCha20Poly1305.open(key, otherNonce, sealed, aad));
        otherNonce = nonce.clone();
        otherNonce[20] ^= 1; // in the ChaCha20 part
        assertNull(XChaCha20Poly1305.open(key, otherNonce, sealed, aad));
        byte[] otherKey = key.clone();
        otherKey[0] ^= 1;
        assertNull(XChaCha20Poly1305.open(otherKey, nonce, sealed, aad));
        assertNull(XChaCha20Poly1305.open(key, nonce, new byte[15], aad));
    }
}
