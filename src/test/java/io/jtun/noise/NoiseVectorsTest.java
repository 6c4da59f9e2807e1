package io.jtun.noise;

import static io.jtun.noise.Hex.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

/**
 * Runs our handshake code against an independent implementation's output: the cacophony test
 * vector for Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s (as shipped in snow's tests/vectors/
 * cacophony.txt). WireGuard is exactly this Noise protocol with its own prologue, a TAI64N
 * payload in the first message and an empty one in the second, so the same code paths, fed
 * the vector's fixed keys, prologue and payloads, must reproduce the vector's bytes.
 */
class NoiseVectorsTest {
    private static final byte[] PROLOGUE = hex("4a6f686e2047616c74"); // "John Galt"
    private static final byte[] PSK = hex("54686973206973206d7920417573747269616e20706572737065637469766521");
    private static final byte[] INIT_STATIC = hex("e61ef9919cde45dd5f82166404bd08e38bceb5dfdfded0a34c8df7ed542214d1");
    private static final byte[] INIT_EPHEMERAL = hex("893e28b9dc6ca8d611ab664754b8ceb7bac5117349a4439a6b0569da977c464a");
    private static final byte[] RESP_STATIC = hex("4a3acbfdb163dec651dfa3194dece676d437029c62a408b4c5ea9114246e4893");
    private static final byte[] RESP_EPHEMERAL = hex("bbdb4cdbd309f1a1f2e1456967fe288cadd6f712d65dc7b7793d5e63da6b375b");
    private static final String RESP_STATIC_PUBLIC = "31e0303fd6418d2f8c0e78b91f22e8caed0fbe48656dcf4767e4834f701b8f62";
    private static final String HANDSHAKE_HASH = "f5191b875290abcd41347ac3622d9679688a7e980229cb937ef748336cfde0e5";
    private static final String[][] MESSAGES = {
        {"4c756477696720766f6e204d69736573",
            "ca35def5ae56cec33dc2036731ab14896bc4c75dbb07a61f879f8e3afa4c7944001e21de9f98ddd8e2ad57527207feb5"
                + "6253c9c94a9e496782ecfcb2a75fbcaf1b52948cc48daefe660c62119ab5000980c84831215f2441eba616548e8329"
                + "85464cf17e51ee93109008399a21f7e13f"},
        {"4d757272617920526f746862617264",
            "95ebc60d2b1fa672c1f46a8aa265ef51bfe38e7ccb39ec5be34069f144808843cb765f2caef0751b8f007572dab032"
                + "2217755c0632f365717edbf34d33e87a"},
        {"462e20412e20486179656b", "8153ca9833bc3c1b91a7e66e5f4d4f5b59bf9e64c2f20d15f0bba7"},
        {"4361726c204d656e676572", "07af0c9c86e1b4e80f36b04ff7688d51141af3debd0332f0a705ef"},
        {"4a65616e2d426170746973746520536179", "6ab1467c0448cc78394494abaaf23afce0e234315d6e2624dcbfa8a21c1c4d073d"},
        {"457567656e2042f6686d20766f6e2042617765726b",
            "dfc346c0d2296ae6cf1acf6f12b8456a1dba228cf8d8b774aacf1c47fc53aa80ebc7a4c292"},
    };

    @Test
    void wireguardInitialChainingKeyAndHash() {
        // C_i = HASH(construction), H_i = HASH(C_i || identifier); values from CPython's
        // hashlib.blake2s, and the same as rustyguard's CONSTRUCTION_HASH / IDENTIFIER_HASH.
        NoiseEngine engine = new NoiseEngine(new StaticIdentity(X25519.generatePrivateKey()));
        assertEquals("60e26daef327efc02ec335e2a025d2d016eb4206f87277f52d38d1988b78cd36", hex(engine.initialChainingKey()));
        assertEquals("2211b361081ac566691243db458ad5322d9c6c662293e8b70ee19c65ba079ef3", hex(engine.initialHash()));
    }

    @Test
    void cacophonyIkpsk2() {
        StaticIdentity initiator = new StaticIdentity(INIT_STATIC);
        StaticIdentity responder = new StaticIdentity(RESP_STATIC);
        assertEquals(RESP_STATIC_PUBLIC, hex(responder.publicKey()));
        NoiseEngine initEngine = new NoiseEngine(initiator, new SecureRandom(), PROLOGUE);
        NoiseEngine respEngine = new NoiseEngine(responder, new SecureRandom(), PROLOGUE);
        PeerHandshake respAtInit = new PeerHandshake(initiator, responder.publicKey(), PSK);
        PeerHandshake initAtResp = new PeerHandshake(responder, initiator.publicKey(), PSK);

        // -> e, es, s, ss, {payload}
        byte[] payload0 = hex(MESSAGES[0][0]);
        byte[] msg0 = new byte[32 + 48 + payload0.length + 16];
        assertTrue(initEngine.writeInitiation(respAtInit, INIT_EPHEMERAL.clone(), payload0, msg0, 0));
        assertEquals(MESSAGES[0][1], hex(msg0));
        byte[][] received = new byte[1][];
        PeerHandshake found = respEngine.readInitiation(msg0, 0, payload0.length, key -> initAtResp, 7,
                (peer, payload) -> {
                    received[0] = payload.clone();
                    return true;
                });
        assertSame(initAtResp, found);
        assertArrayEquals(payload0, received[0]);

        // <- e, ee, se, psk, {payload}
        byte[] payload1 = hex(MESSAGES[1][0]);
        byte[] msg1 = new byte[32 + payload1.length + 16];
        assertTrue(respEngine.writeResponse(initAtResp, RESP_EPHEMERAL.clone(), payload1, msg1, 0));
        assertEquals(MESSAGES[1][1], hex(msg1));
        byte[] got = initEngine.readResponse(respAtInit, msg1, 0, payload1.length, 9);
        assertNotNull(got);
        assertArrayEquals(payload1, got);

        assertEquals(HANDSHAKE_HASH, hex(respAtInit.hash));
        assertEquals(HANDSHAKE_HASH, hex(initAtResp.hash));

        // Transport: Split() is our deriveKeys; the initiator's first key sends.
        SessionKeys initKeys = initEngine.deriveKeys(respAtInit, 0);
        SessionKeys respKeys = respEngine.deriveKeys(initAtResp, 0);
        ChaCha20Poly1305 aead = new ChaCha20Poly1305();
        long[] nonces = {0, 0, 1, 1};
        for (int i = 2; i < MESSAGES.length; i++) {
            byte[] plain = hex(MESSAGES[i][0]);
            boolean fromInitiator = i % 2 == 0;
            byte[] key = fromInitiator ? initKeys.sendKey() : respKeys.sendKey();
            byte[] out = new byte[plain.length + 16];
            aead.seal(key, nonces[i - 2], plain, 0, plain.length, null, out, 0);
            assertEquals(MESSAGES[i][1], hex(out), "message " + i);
            byte[] back = new byte[plain.length];
            byte[] receiveKey = fromInitiator ? respKeys.receiveKey() : initKeys.receiveKey();
            assertEquals(plain.length, aead.open(receiveKey, nonces[i - 2], out, 0, out.length, null, back, 0));
            assertArrayEquals(plain, back);
        }
    }
}
