package io.jtun.noise;

import static io.jtun.noise.Hex.hex;
import static io.jtun.noise.Hex.sequence;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Blake2sTest {
    @Test
    void rfc7693AppendixB() {
        // RFC 7693 Appendix B: BLAKE2s-256("abc").
        assertEquals("508c5e8c327c14e2e1a72ba34eeb452f37458b209ed63a294d999b4c86675982",
                hex(Blake2s.hash("abc".getBytes(StandardCharsets.US_ASCII))));
    }

    /**
     * RFC 7693 Appendix E's self-test: unkeyed and keyed hashes of output lengths 16, 20, 28, 32
     * over inputs of 0, 3, 64, 65, 255 and 1024 bytes, all hashed together into one value.
     */
    @Test
    void rfc7693AppendixESelfTest() {
        int[] outputLengths = {16, 20, 28, 32};
        int[] inputLengths = {0, 3, 64, 65, 255, 1024};
        Blake2s all = new Blake2s(32);
        for (int outLen : outputLengths) {
            for (int inLen : inputLengths) {
                byte[] in = selfTestSequence(inLen, inLen);
                all.update(new Blake2s(outLen).update(in).digest());
                byte[] key = selfTestSequence(outLen, outLen);
                all.update(new Blake2s(outLen, key).update(in).digest());
            }
        }
        assertEquals("6a411f08ce25adcdfb02aba641451cec53c598b24f4fc787fbdc88797f4c1dfe", hex(all.digest()));
    }

    /** RFC 7693 Appendix E's deterministic input generator (a Fibonacci sequence, top bytes). */
    private static byte[] selfTestSequence(int length, int seed) {
        byte[] out = new byte[length];
        int a = 0xDEAD4BAD * seed;
        int b = 1;
        for (int i = 0; i < length; i++) {
            int t = a + b;
            a = b;
            b = t;
            out[i] = (byte) (t >>> 24);
        }
        return out;
    }

    /** The BLAKE2 reference KAT (blake2s-kat.txt): key 00..1f, message 00..(n-1). */
    @Test
    void keyedReferenceKat() {
        byte[] key = sequence(0, 32);
        String[][] kat = {
            {"0", "48a8997da407876b3d79c0d92325ad3b89cbb754d86ab71aee047ad345fd2c49"},
            {"1", "40d15fee7c328830166ac3f918650f807e7e01e177258cdc0a39b11f598066f1"},
            {"2", "6bb71300644cd3991b26ccd4d274acd1adeab8b1d7914546c1198bbe9fc9d803"},
            {"3", "1d220dbe2ee134661fdf6d9e74b41704710556f2f6e5a091b227697445dbea6b"},
            {"63", "c65382513f07460da39833cb666c5ed82e61b9e998f4b0c4287cee56c3cc9bcd"},
            {"64", "8975b0577fd35566d750b362b0897a26c399136df07bababbde6203ff2954ed4"},
            {"65", "21fe0ceb0052be7fb0f004187cacd7de67fa6eb0938d927677f2398c132317a8"},
            {"255", "3fb735061abc519dfe979e54c1ee5bfad0a9d858b3315bad34bde999efd724dd"},
        };
        for (String[] entry : kat) {
            int n = Integer.parseInt(entry[0]);
            byte[] msg = sequence(0, n);
            assertEquals(entry[1], hex(Blake2s.mac(key, 32, msg, 0, n)), "length " + n);
        }
    }

    @Test
    void incrementalUpdatesEqualOneShot() {
        byte[] key = sequence(7, 16);
        byte[] msg = sequence(3, 300);
        byte[] oneShot = new Blake2s(32, key).update(msg).digest();
        for (int split = 0; split <= msg.length; split += 17) {
            Blake2s b = new Blake2s(32, key);
            b.update(msg, 0, split);
            b.update(msg, split, msg.length - split);
            assertArrayEquals(oneShot, b.digest(), "split at " + split);
        }
        Blake2s byByte = new Blake2s(32, key);
        for (byte x : msg) {
            byByte.update(new byte[] {x});
        }
        assertArrayEquals(oneShot, byByte.digest());
        Blake2s reused = new Blake2s(32, key);
        reused.update(sequence(0, 99)).digest();
        reused.reset();
        assertArrayEquals(oneShot, reused.update(msg).digest(), "reset keeps the key");
    }

    @Test
    void sixteenByteOutput() {
        // The output length is a parameter of the hash (in its first state word), so a 16-byte
        // MAC is not the 32-byte one truncated. Values from CPython's hashlib.blake2s (the BLAKE2
        // reference code) with digest_size=16.
        assertEquals("9536f9b267655743dee97b8a670f9f53", hex(Blake2s.mac(sequence(0, 32), 16, new byte[0], 0, 0)));
        assertEquals("56301549e674c3b72a0e1dafb7a2c620", hex(Blake2s.mac(sequence(0, 16), 16, sequence(0, 100), 0, 100)));
    }

    @Test
    void rejectsBadParameters() {
        assertThrows(IllegalArgumentException.class, () -> new Blake2s(0));
        assertThrows(IllegalArgumentException.class, () -> new Blake2s(33));
        assertThrows(IllegalArgumentException.class, () -> new Blake2s(32, new byte[33]));
        Blake2s b = new Blake2s(32);
        b.digest();
        assertThrows(IllegalStateException.class, () -> b.update(new byte[1]));
    }
}
