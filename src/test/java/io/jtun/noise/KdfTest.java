package io.jtun.noise;

import static io.jtun.noise.Hex.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class KdfTest {
    @Test
    void hmacBlake2s() {
        // Computed with CPython's hmac module over hashlib.blake2s (the BLAKE2 reference code).
        assertEquals("f93215bb90d4af4c3061cd932fb169fb8bb8a91d0b4022baea1271e1323cd9a0",
                hex(Kdf.hmac("key".getBytes(StandardCharsets.US_ASCII),
                        "The quick brown fox jumps over the lazy dog".getBytes(StandardCharsets.US_ASCII))));
        // A key longer than the 64-byte block is hashed first.
        assertEquals("c1b751501db12b753069a918627b623179be55c8cc7ca5c4e14bdf32274ac656",
                hex(Kdf.hmac(Hex.sequence(0, 100), "abc".getBytes(StandardCharsets.US_ASCII))));
        // Parts are concatenated.
        assertArrayEquals(Kdf.hmac(new byte[] {1}, new byte[] {2, 3, 4}),
                Kdf.hmac(new byte[] {1}, new byte[] {2}, new byte[0], new byte[] {3, 4}));
    }

    /** The KDF vectors of wireguard-go's device/kdf_test.go (key, input, t0, t1, t2). */
    private static final String[][] VECTORS = {
        {"746573742d6b6579", "746573742d696e707574",
            "6f0e5ad38daba1bea8a0d213688736f19763239305e0f58aba697f9ffc41c633",
            "df1194df20802a4fe594cde27e92991c8cae66c366e8106aaa937a55fa371e8a",
            "fac6e2745a325f5dc5d11a5b165aad08b0ada28e7b4e666b7c077934a4d76c24"},
        {"776972656775617264", "776972656775617264",
            "491d43bbfdaa8750aaf535e334ecbfe5129967cd64635101c566d4caefda96e8",
            "1e71a379baefd8a79aa4662212fcafe19a23e2b609a3db7d6bcba8f560e3d25f",
            "31e1ae48bddfbe5de38f295e5452b1909a1b4e38e183926af3780b0c1e1f0160"},
        {"", "",
            "8387b46bf43eccfcf349552a095d8315c4055beb90208fb1be23b894bc2ed5d0",
            "58a0e5f6faefccf4807bff1f05fa8a9217945762040bcec2f4b4a62bdfe0e86e",
            "0ce6ea98ec548f8e281e93e32db65621c45eb18dc6f0a7ad94178610a2f7338e"},
    };

    @Test
    void wireguardGoKdfVectors() {
        for (String[] v : VECTORS) {
            byte[] key = hex(v[0]);
            byte[] input = hex(v[1]);
            byte[] t0 = new byte[32];
            byte[] t1 = new byte[32];
            byte[] t2 = new byte[32];
            Kdf.kdf3(key, input, t0, t1, t2);
            assertEquals(v[2], hex(t0));
            assertEquals(v[3], hex(t1));
            assertEquals(v[4], hex(t2));
            byte[] u0 = new byte[32];
            byte[] u1 = new byte[32];
            Kdf.kdf2(key, input, u0, u1);
            assertEquals(v[2], hex(u0));
            assertEquals(v[3], hex(u1));
            byte[] w0 = new byte[32];
            Kdf.kdf1(key, input, w0);
            assertEquals(v[2], hex(w0));
        }
    }

    @Test
    void outputMayBeTheKeyArray() {
        // The handshake updates its chaining key in place: KDF2(ck, x) -> (ck, key).
        String[] v = VECTORS[0];
        byte[] ck = new byte[32];
        byte[] expected0 = new byte[32];
        byte[] expected1 = new byte[32];
        Kdf.kdf2(ck, hex(v[1]), expected0, expected1);
        byte[] other = new byte[32];
        Kdf.kdf2(ck, hex(v[1]), ck, other);
        assertArrayEquals(expected0, ck);
        assertArrayEquals(expected1, other);
    }
}
