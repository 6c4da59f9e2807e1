package io.jtun.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** A Secret hides itself from printing, copies on the way in and out, and can be wiped. */
class SecretTest {
    private static byte[] pattern() {
        byte[] bytes = new byte[32];
        Arrays.fill(bytes, (byte) 0x5a);
        return bytes;
    }

    @Test
    void destroyingZeroesTheBytesAndRefusesLaterUse() {
        Secret secret = Secret.of(pattern());
        Secret copy = secret.copy();
        assertFalse(secret.isDestroyed());
        secret.destroy();
        assertTrue(secret.isDestroyed());
        assertEquals("this key was destroyed after use", assertThrows(IllegalStateException.class, secret::bytes)
                .getMessage());
        assertThrows(IllegalStateException.class, secret::base64);
        assertThrows(IllegalStateException.class, secret::isZero);
        assertEquals(Secret.of(new byte[32]), secret, "the bytes are zero now");
        assertArrayEquals(pattern(), copy.bytes(), "a copy is a holder of its own");
    }

    @Test
    void copiesAreIndependentAndNeverPrinted() {
        byte[] bytes = pattern();
        Secret secret = Secret.of(bytes);
        bytes[0] = 0;
        assertArrayEquals(pattern(), secret.bytes(), "of() copies");
        secret.bytes()[1] = 0;
        assertArrayEquals(pattern(), secret.bytes(), "bytes() hands out a copy");
        assertEquals("(hidden)", secret.toString());
        assertFalse(secret.isZero());
        assertTrue(Secret.of(new byte[32]).isZero());
        Secret.destroyIfAny(null); // nothing to do, no exception
    }
}
