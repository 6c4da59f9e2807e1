package io.jtun.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class KeyTest {
    // The RFC 7748 section 6.1 test vector (Alice's public key), as wg prints it.
    private static final String ALICE = "hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo=";

    @Test
    void decodesWgsForm() {
        Key key = Key.fromBase64(ALICE);
        assertEquals(ALICE, key.base64());
        assertEquals(ALICE, key.toString());
        assertEquals(0x85, key.bytes()[0] & 0xff);
        assertEquals(0x6a, key.bytes()[31] & 0xff);
        assertEquals(key, Key.of(key.bytes()));
    }

    @Test
    void rejectsEverythingElse() {
        assertNull(Key.fromBase64(""));
        assertNull(Key.fromBase64(ALICE.substring(0, 43)));
        assertNull(Key.fromBase64(ALICE + "="));
        assertNull(Key.fromBase64(ALICE.replace('=', 'A')));
        assertNull(Key.fromBase64(ALICE.replace('/', '_')), "URL-safe base64 is not wg's alphabet");
        assertNull(Key.fromBase64(ALICE.substring(0, 42) + "p="), "unused low bits must be zero");
        assertNull(Key.fromBase64("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=="), "that is 31 bytes");
        assertThrows(IllegalArgumentException.class, () -> Key.of(new byte[31]));
    }

    @Test
    void secretsHideThemselves() {
        Secret secret = Secret.fromBase64(ALICE);
        assertEquals("(hidden)", secret.toString());
        assertEquals(ALICE, secret.base64());
        assertArrayEquals(Key.fromBase64(ALICE).bytes(), secret.bytes());
        assertEquals(secret, Secret.of(secret.bytes()));
        assertNotEquals(secret, Secret.of(new byte[32]));
        assertNull(Secret.fromBase64("nope"));
    }
}
