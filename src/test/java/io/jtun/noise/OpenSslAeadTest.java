package io.jtun.noise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * libcrypto's AEAD against the JDK's (which ChaCha20Poly1305Test checks against RFC 8439): the
 * same bytes for random keys, counters and lengths, each opens the other's output, and any
 * flipped bit is refused.
 */
class OpenSslAeadTest {
    @Test
    void matchesTheJdkCipherByteForByteAndRefusesForgeries() {
        Assumptions.assumeTrue(OpenSslAead.available(), "libcrypto.so.3 is not on this machine");
        OpenSslAead aead = OpenSslAead.forThisThread().orElseThrow();
        ChaCha20Poly1305 jdk = new ChaCha20Poly1305();
        Random random = new Random(8439);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment slot = arena.allocate(70_000);
            byte[] sessionKey = new byte[32];
            random.nextBytes(sessionKey);
            for (int round = 0; round < 4000; round++) {
                // Half the packets under one session key (the context keeps it and only the nonce
                // changes), half under fresh keys (the context is set up again).
                byte[] key = sessionKey;
                if (round % 2 == 1) {
                    key = new byte[32];
                    random.nextBytes(key);
                }
                long counter = random.nextLong() >>> 1;
                int length = round < 100 ? round : random.nextInt(round % 10 == 0 ? 66_000 : 1500);
                byte[] plain = new byte[length];
                random.nextBytes(plain);
                int at = random.nextInt(64);

                byte[] expected = new byte[length + 16];
                jdk.seal(key, counter, plain, 0, length, null, expected, 0);
                MemorySegment.copy(plain, 0, slot, ValueLayout.JAVA_BYTE, at, length);
                aead.seal(key, counter, slot, at, length);
                assertArrayEquals(expected, slot.asSlice(at, length + 16).toArray(ValueLayout.JAVA_BYTE),
                        "length " + length);

                assertEquals(length, aead.open(key, counter, slot, at, length + 16));
                assertArrayEquals(plain, slot.asSlice(at, length).toArray(ValueLayout.JAVA_BYTE));

                MemorySegment.copy(expected, 0, slot, ValueLayout.JAVA_BYTE, at, expected.length);
                int flip = random.nextInt(expected.length);
                slot.set(ValueLayout.JAVA_BYTE, at + flip, (byte) (expected[flip] ^ (1 << random.nextInt(8))));
                assertEquals(-1, aead.open(key, counter, slot, at, length + 16), "a flipped bit at " + flip);
                MemorySegment.copy(expected, 0, slot, ValueLayout.JAVA_BYTE, at, expected.length);
                assertEquals(-1, aead.open(key, counter + 1, slot, at, length + 16), "another counter");
            }
            assertEquals(-1, aead.open(new byte[32], 0, slot, 0, 15), "shorter than a tag");
        }
    }

    @Test
    void forgettingKeysLeavesNoKeyBehindAndTheNextPacketIsKeyedAfresh() {
        Assumptions.assumeTrue(OpenSslAead.available(), "libcrypto.so.3 is not on this machine");
        OpenSslAead aead = OpenSslAead.forThisThread().orElseThrow();
        ChaCha20Poly1305 jdk = new ChaCha20Poly1305();
        byte[] key = new byte[32];
        new Random(1).nextBytes(key);
        byte[] plain = "a packet sealed before and after the thread slept".getBytes();
        byte[] expected = new byte[plain.length + 16];
        jdk.seal(key, 7, plain, 0, plain.length, null, expected, 0);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment slot = arena.allocate(256);
            for (int round = 0; round < 2; round++) {
                MemorySegment.copy(plain, 0, slot, ValueLayout.JAVA_BYTE, 0, plain.length);
                aead.seal(key, 7, slot, 0, plain.length);
                assertArrayEquals(expected, slot.asSlice(0, expected.length).toArray(ValueLayout.JAVA_BYTE));
                assertEquals(plain.length, aead.open(key, 7, slot, 0, expected.length));
                assertTrue(aead.holdsKeys());
                // The same key array afterwards must be set up in full, not taken as "already held".
                aead.forgetKeys();
                assertFalse(aead.holdsKeys());
            }
        }
    }
}
