package io.jtun.noise;

import static io.jtun.noise.Hex.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class X25519Test {
    @Test
    void rfc7748Section52() {
        // Scalars are not clamped and the second u has its top bit set: both must be handled.
        assertEquals("c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552",
                hex(X25519.sharedSecret(hex("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4"),
                        hex("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c"))));
        assertEquals("95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957",
                hex(X25519.sharedSecret(hex("4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d"),
                        hex("e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493"))));
    }

    @Test
    void rfc7748Section52Iterated() {
        // k = u = 9; then repeatedly (k, u) = (X25519(k, u), k). The 1,000,000 round value is
        // left out: it takes minutes.
        byte[] k = new byte[32];
        k[0] = 9;
        byte[] u = k.clone();
        for (int i = 1; i <= 1000; i++) {
            byte[] r = X25519.sharedSecret(k, u);
            u = k;
            k = r;
            if (i == 1) {
                assertEquals("422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079", hex(k));
            }
        }
        assertEquals("684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51", hex(k));
    }

    @Test
    void rfc7748Section61() {
        byte[] alicePrivate = hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
        byte[] bobPrivate = hex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
        byte[] alicePublic = X25519.publicKey(alicePrivate);
        byte[] bobPublic = X25519.publicKey(bobPrivate);
        assertEquals("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a", hex(alicePublic));
        assertEquals("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f", hex(bobPublic));
        String shared = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";
        assertEquals(shared, hex(X25519.sharedSecret(alicePrivate, bobPublic)));
        assertEquals(shared, hex(X25519.sharedSecret(bobPrivate, alicePublic)));
    }

    @Test
    void smallOrderPointsGiveNoSecret() {
        byte[] priv = X25519.generatePrivateKey();
        assertNull(X25519.sharedSecret(priv, new byte[32]), "u = 0");
        byte[] one = new byte[32];
        one[0] = 1;
        assertNull(X25519.sharedSecret(priv, one), "u = 1");
        // A point of order 8 (from the list of small-order points in the Curve25519 literature).
        assertNull(X25519.sharedSecret(priv, hex("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800")));
    }

    @Test
    void generatedKeysAreClamped() {
        for (int i = 0; i < 20; i++) {
            byte[] k = X25519.generatePrivateKey();
            assertEquals(0, k[0] & 7);
            assertEquals(0x40, k[31] & 0xc0);
        }
        byte[] k = new byte[32];
        java.util.Arrays.fill(k, (byte) 0xff);
        X25519.clamp(k);
        assertEquals(0xf8, k[0] & 0xff);
        assertEquals(0x7f, k[31] & 0xff);
        assertFalse(java.util.Arrays.equals(X25519.generatePrivateKey(), X25519.generatePrivateKey()));
    }

    @Test
    void unclampedPrivateKeysAreClampedByTheMultiplication() {
        byte[] k = X25519.generatePrivateKey();
        byte[] unclamped = k.clone();
        unclamped[0] |= 7;
        unclamped[31] |= (byte) 0x80;
        unclamped[31] &= (byte) ~0x40;
        assertArrayEquals(X25519.publicKey(k), X25519.publicKey(unclamped));
    }

    @Test
    void rejectsWrongSizes() {
        assertThrows(IllegalArgumentException.class, () -> X25519.publicKey(new byte[31]));
        assertThrows(IllegalArgumentException.class, () -> X25519.sharedSecret(new byte[32], new byte[33]));
    }
}
