package io.jtun.noise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Full handshakes between two engines, A (initiator) and B (responder), and their failures. */
class HandshakeTest {
    private static final long SECOND = 1_000_000_000L;
    /** Wall-clock time for timestamps (2024-01-01) and a monotonic clock starting elsewhere. */
    private static final long EPOCH = 1_704_067_200L * SECOND;
    private static final long MONO = 5_000 * SECOND;
    private static final int INDEX_A = 0x11223344;
    private static final int INDEX_B = 0xa1b2c3d4;

    /** One side: identity, engine, checker, and the state/generator for its one peer. */
    private static final class Side {
        final StaticIdentity identity = new StaticIdentity(X25519.generatePrivateKey());
        final NoiseEngine engine = new NoiseEngine(identity);
        final CookieChecker checker = new CookieChecker(identity);
        PeerHandshake peer;
        CookieGenerator generator;

        void knows(Side other, byte[] psk) {
            peer = new PeerHandshake(identity, other.identity.publicKey(), psk);
            generator = new CookieGenerator(other.identity.publicKey());
        }

        PeerLookup lookup() {
            return key -> Arrays.equals(key, peer.remoteStatic()) ? peer : null;
        }

        /** The receive path of a handshake message: MAC1 first, then the Noise work. */
        ConsumedInitiation receiveInitiation(byte[] msg, long now) {
            return checker.checkMac1(msg) ? engine.consumeInitiation(msg, lookup(), now) : null;
        }

        boolean receiveResponse(byte[] msg) {
            return checker.checkMac1(msg) && engine.consumeResponse(peer, msg);
        }
    }

    private final Side a = new Side();
    private final Side b = new Side();

    private void pair(byte[] pskA, byte[] pskB) {
        a.knows(b, pskA);
        b.knows(a, pskB);
    }

    private byte[] initiation(long epochNanos, long now) {
        byte[] msg = a.engine.createInitiation(a.peer, INDEX_A, epochNanos);
        a.generator.addMacs(msg, now);
        return msg;
    }

    @Test
    void handshakeWithoutPsk() {
        pair(null, null);
        handshakeAndData();
    }

    @Test
    void handshakeWithPsk() {
        byte[] psk = Keys.genpsk().bytes();
        pair(psk, psk);
        handshakeAndData();
    }

    private void handshakeAndData() {
        byte[] init = initiation(EPOCH, MONO);
        assertEquals(Messages.INITIATION_SIZE, init.length);
        assertEquals(Messages.TYPE_INITIATION, Messages.typeOf(init, 0, init.length));
        assertEquals(INDEX_A, Messages.getIndex(init, Messages.INITIATION_SENDER));
        assertEquals(PeerHandshake.State.INITIATION_CREATED, a.peer.state());

        ConsumedInitiation consumed = b.receiveInitiation(init, MONO);
        assertNotNull(consumed);
        assertSame(b.peer, consumed.peer());
        assertEquals(INDEX_A, consumed.senderIndex());
        assertEquals(PeerHandshake.State.INITIATION_CONSUMED, b.peer.state());
        assertArrayEquals(Tai64n.fromEpochNanos(EPOCH), b.peer.lastTimestamp());

        byte[] resp = b.engine.createResponse(b.peer, INDEX_B);
        b.generator.addMacs(resp, MONO);
        assertEquals(Messages.RESPONSE_SIZE, resp.length);
        assertEquals(INDEX_B, Messages.getIndex(resp, Messages.RESPONSE_SENDER));
        assertEquals(INDEX_A, Messages.getIndex(resp, Messages.RESPONSE_RECEIVER));
        assertEquals(PeerHandshake.State.RESPONSE_CREATED, b.peer.state());
        assertTrue(a.receiveResponse(resp));
        assertEquals(PeerHandshake.State.RESPONSE_CONSUMED, a.peer.state());
        assertArrayEquals(a.peer.hash, b.peer.hash, "both transcripts agree");

        SessionKeys ka = a.engine.deriveKeys(a.peer, MONO + 1);
        SessionKeys kb = b.engine.deriveKeys(b.peer, MONO + 2);
        assertArrayEquals(ka.sendKey(), kb.receiveKey());
        assertArrayEquals(ka.receiveKey(), kb.sendKey());
        assertFalse(Arrays.equals(ka.sendKey(), ka.receiveKey()));
        assertTrue(ka.isInitiator());
        assertFalse(kb.isInitiator());
        assertEquals(INDEX_A, ka.localIndex());
        assertEquals(INDEX_B, ka.remoteIndex());
        assertEquals(INDEX_B, kb.localIndex());
        assertEquals(INDEX_A, kb.remoteIndex());
        assertEquals(MONO + 1, ka.createdNanos());
        assertFalse(ka.toString().contains(Hex.hex(ka.sendKey()).substring(0, 8)));

        // The handshake state is wiped and a second derivation is refused.
        for (PeerHandshake p : new PeerHandshake[] {a.peer, b.peer}) {
            assertEquals(PeerHandshake.State.NONE, p.state());
            assertTrue(Bytes.isZero(p.chainingKey));
            assertTrue(Bytes.isZero(p.hash));
            assertTrue(Bytes.isZero(p.localEphemeral));
            assertTrue(Bytes.isZero(p.remoteEphemeral));
        }
        assertNull(a.engine.deriveKeys(a.peer, MONO));

        // Data both ways, including a keepalive.
        ChaCha20Poly1305 aeadA = new ChaCha20Poly1305();
        ChaCha20Poly1305 aeadB = new ChaCha20Poly1305();
        for (int len : new int[] {0, 1, 20, 1420}) {
            byte[] packet = Hex.sequence(len, len);
            assertArrayEquals(packet, roundTrip(aeadA, ka, aeadB, kb, packet, len));
            assertArrayEquals(packet, roundTrip(aeadB, kb, aeadA, ka, packet, len + 1000));
        }
        ka.destroy();
        assertTrue(Bytes.isZero(ka.sendKey()));
    }

    private static byte[] roundTrip(ChaCha20Poly1305 sendAead, SessionKeys from, ChaCha20Poly1305 receiveAead,
            SessionKeys to, byte[] packet, long counter) {
        byte[] msg = new byte[TransportMessage.messageSize(packet.length, 1420)];
        int n = TransportMessage.encrypt(sendAead, from.sendKey(), from.remoteIndex(), counter, packet, 0, packet.length,
                1420, msg, 0);
        assertEquals(msg.length, n);
        assertEquals(to.localIndex(), TransportMessage.receiverIndex(msg, 0));
        assertEquals(counter, TransportMessage.counter(msg, 0));
        byte[] plain = new byte[msg.length];
        int m = TransportMessage.decrypt(receiveAead, to.receiveKey(), msg, 0, n, plain, 0);
        assertEquals(TransportMessage.paddedLength(packet.length, 1420), m);
        return Arrays.copyOf(plain, packet.length);
    }

    @Test
    void everyFlippedBitIsRejected() {
        pair(null, null);
        byte[] init = initiation(EPOCH, MONO);
        // Up to MAC2, MAC1 or the Noise work rejects a change; MAC2 is checked only under load.
        for (int bit = 0; bit < Messages.INITIATION_MAC2 * 8; bit++) {
            byte[] bad = flip(init, bit);
            assertNull(b.receiveInitiation(bad, MONO), "initiation bit " + bit);
            // The Noise work alone covers the type and everything from the ephemeral key to MAC1;
            // the sender index and MAC1 are MAC1's to protect.
            boolean noiseCovers = bit < 8 * Messages.INITIATION_SENDER
                    || bit >= 8 * Messages.INITIATION_EPHEMERAL && bit < 8 * Messages.INITIATION_MAC1;
            if (noiseCovers) {
                assertNull(b.engine.consumeInitiation(bad, b.lookup(), MONO), "Noise, bit " + bit);
            }
        }
        assertEquals(PeerHandshake.State.NONE, b.peer.state(), "failed attempts leave no trace");
        assertNotNull(b.receiveInitiation(init, MONO), "the original still works");

        byte[] resp = b.engine.createResponse(b.peer, INDEX_B);
        b.generator.addMacs(resp, MONO);
        for (int bit = 0; bit < Messages.RESPONSE_MAC2 * 8; bit++) {
            assertFalse(a.receiveResponse(flip(resp, bit)), "response bit " + bit);
        }
        assertEquals(PeerHandshake.State.INITIATION_CREATED, a.peer.state());
        assertTrue(a.receiveResponse(resp));

        SessionKeys ka = a.engine.deriveKeys(a.peer, MONO);
        SessionKeys kb = b.engine.deriveKeys(b.peer, MONO);
        byte[] packet = Hex.sequence(1, 100);
        byte[] msg = new byte[TransportMessage.messageSize(packet.length, 0)];
        TransportMessage.encrypt(new ChaCha20Poly1305(), ka.sendKey(), ka.remoteIndex(), 77, packet, 0, packet.length, 0, msg, 0);
        ChaCha20Poly1305 aead = new ChaCha20Poly1305();
        byte[] out = new byte[msg.length];
        for (int bit = 0; bit < msg.length * 8; bit++) {
            byte[] bad = flip(msg, bit);
            // The receiver index is not encrypted: a changed one finds another session or none.
            boolean rejected = TransportMessage.receiverIndex(bad, 0) != kb.localIndex()
                    || TransportMessage.decrypt(aead, kb.receiveKey(), bad, 0, bad.length, out, 0) < 0;
            assertTrue(rejected, "transport bit " + bit);
        }
        assertEquals(112, TransportMessage.decrypt(aead, kb.receiveKey(), msg, 0, msg.length, out, 0));
    }

    @Test
    void mac2BitsAreRejectedUnderLoad() {
        pair(null, null);
        byte[] source = {10, 0, 0, 1, 0x1f, (byte) 0x90};
        byte[] first = initiation(EPOCH, MONO);
        byte[] reply = b.checker.createReply(first, INDEX_A, source, MONO);
        assertTrue(a.generator.consumeReply(reply, MONO));
        byte[] init = initiation(EPOCH + SECOND, MONO);
        assertTrue(b.checker.checkMac2(init, source, MONO));
        for (int bit = Messages.INITIATION_MAC2 * 8; bit < init.length * 8; bit++) {
            assertFalse(b.checker.checkMac2(flip(init, bit), source, MONO), "mac2 bit " + bit);
        }
    }

    private static byte[] flip(byte[] msg, int bit) {
        byte[] copy = msg.clone();
        copy[bit / 8] ^= (byte) (1 << (bit % 8));
        return copy;
    }

    @Test
    void replayedInitiationsAreRejected() {
        pair(null, null);
        byte[] init = initiation(EPOCH, MONO);
        assertNotNull(b.receiveInitiation(init, MONO));
        long later = MONO + SECOND;
        assertNull(b.receiveInitiation(init, later), "the same bytes again");
        byte[] older = initiation(EPOCH - SECOND, later);
        assertNull(b.receiveInitiation(older, later), "an older timestamp");
        byte[] sameGranule = initiation(EPOCH + 1000, later);
        assertNull(b.receiveInitiation(sameGranule, later), "equal after whitening is not newer");
        byte[] newer = initiation(EPOCH + SECOND, later);
        assertNotNull(b.receiveInitiation(newer, later));
    }

    @Test
    void initiationFloodIsRejected() {
        pair(null, null);
        long rate = Protocol.HANDSHAKE_INITIATION_RATE_NANOS;
        assertNotNull(b.receiveInitiation(initiation(EPOCH, MONO), MONO));
        assertNull(b.receiveInitiation(initiation(EPOCH + SECOND, MONO + rate), MONO + rate), "within 20 ms");
        assertNotNull(b.receiveInitiation(initiation(EPOCH + 2 * SECOND, MONO + rate + 1), MONO + rate + 1));
    }

    @Test
    void wrongPresharedKeyFailsAtTheResponse() {
        pair(Keys.genpsk().bytes(), Keys.genpsk().bytes());
        // The preshared key enters only at the response, so the initiation is accepted.
        assertNotNull(b.receiveInitiation(initiation(EPOCH, MONO), MONO));
        byte[] resp = b.engine.createResponse(b.peer, INDEX_B);
        b.generator.addMacs(resp, MONO);
        assertFalse(a.receiveResponse(resp));
        assertEquals(PeerHandshake.State.INITIATION_CREATED, a.peer.state());
        assertNull(a.engine.deriveKeys(a.peer, MONO));
    }

    @Test
    void pskOnOneSideOnly() {
        pair(Keys.genpsk().bytes(), null);
        assertNotNull(b.receiveInitiation(initiation(EPOCH, MONO), MONO));
        byte[] resp = b.engine.createResponse(b.peer, INDEX_B);
        b.generator.addMacs(resp, MONO);
        assertFalse(a.receiveResponse(resp));
    }

    @Test
    void unknownPeersAreRejected() {
        pair(null, null);
        byte[] init = initiation(EPOCH, MONO);
        assertTrue(b.checker.checkMac1(init), "MAC1 only proves knowledge of B's public key");
        assertNull(b.engine.consumeInitiation(init, key -> null, MONO));

        // C knows B, but B does not know C.
        Side c = new Side();
        c.knows(b, null);
        byte[] fromC = c.engine.createInitiation(c.peer, 5, EPOCH);
        c.generator.addMacs(fromC, MONO);
        assertTrue(b.checker.checkMac1(fromC));
        assertNull(b.receiveInitiation(fromC, MONO));
        // A lookup that answers with the wrong peer is not believed either.
        assertNull(b.engine.consumeInitiation(fromC, key -> b.peer, MONO));
    }

    @Test
    void mac1WithTheWrongKeyFails() {
        pair(null, null);
        Side c = new Side();
        byte[] init = a.engine.createInitiation(a.peer, INDEX_A, EPOCH);
        new CookieGenerator(c.identity.publicKey()).addMacs(init, MONO);
        assertFalse(b.checker.checkMac1(init));
        assertNull(b.receiveInitiation(init, MONO));
        a.generator.addMacs(init, MONO);
        assertTrue(b.checker.checkMac1(init));
        assertFalse(b.checker.checkMac1(new byte[31]));
        assertFalse(b.checker.checkMac1(new byte[Messages.INITIATION_SIZE]));
    }

    @Test
    void outOfOrderCallsAreRefused() {
        pair(null, null);
        assertNull(b.engine.createResponse(b.peer, INDEX_B), "no initiation consumed");
        assertNull(b.engine.deriveKeys(b.peer, MONO));
        byte[] init = initiation(EPOCH, MONO);
        assertNotNull(b.receiveInitiation(init, MONO));
        assertNull(b.engine.deriveKeys(b.peer, MONO), "not before the response");
        byte[] resp = b.engine.createResponse(b.peer, INDEX_B);
        b.generator.addMacs(resp, MONO);
        byte[] misaddressed = resp.clone();
        Messages.putIndex(misaddressed, Messages.RESPONSE_RECEIVER, INDEX_A + 1);
        b.generator.addMacs(misaddressed, MONO);
        assertFalse(a.receiveResponse(misaddressed), "addressed to another index");
        assertFalse(b.engine.consumeResponse(b.peer, resp), "B sent no initiation");
        assertTrue(a.receiveResponse(resp));
        assertFalse(a.engine.consumeResponse(a.peer, resp), "a response is consumed once");
    }

    @Test
    void aNewInitiationReplacesTheOldOne() {
        pair(null, null);
        byte[] first = initiation(EPOCH, MONO);
        byte[] second = initiation(EPOCH + SECOND, MONO);
        assertNotNull(b.receiveInitiation(first, MONO));
        byte[] resp = b.engine.createResponse(b.peer, INDEX_B);
        b.generator.addMacs(resp, MONO);
        assertFalse(a.receiveResponse(resp), "answers an initiation A has forgotten");
        assertNotNull(second);
    }

    @Test
    void smallOrderPeerKeysCannotHandshake() {
        StaticIdentity me = new StaticIdentity(X25519.generatePrivateKey());
        PeerHandshake bad = new PeerHandshake(me, new byte[32], null);
        assertFalse(bad.canHandshake());
        assertNull(new NoiseEngine(me).createInitiation(bad, 1, EPOCH));
        assertEquals(PeerHandshake.State.NONE, bad.state());
    }

    @Test
    void garbageNeverThrows() {
        pair(null, null);
        Random random = new Random(7);
        for (int i = 0; i < 300; i++) {
            byte[] msg = new byte[i % 3 == 0 ? random.nextInt(200) : i % 3 == 1 ? 148 : 92];
            random.nextBytes(msg);
            if (msg.length >= 4 && i % 2 == 0) {
                Messages.putIndex(msg, 0, msg.length == 148 ? 1 : 2);
            }
            assertNull(b.engine.consumeInitiation(msg, b.lookup(), MONO));
            assertFalse(a.engine.consumeResponse(a.peer, msg));
            assertFalse(a.generator.consumeReply(msg, MONO));
            b.checker.checkMac1(msg);
            b.checker.checkMac2(msg, new byte[6], MONO);
        }
        byte[] tooShort = new byte[10];
        assertNull(b.engine.consumeInitiation(tooShort, 2, 100, b.lookup(), MONO), "range beyond the array");
    }

    @Test
    void clearAbandonsTheHandshake() {
        pair(null, null);
        initiation(EPOCH, MONO);
        assertEquals(PeerHandshake.State.INITIATION_CREATED, a.peer.state());
        a.peer.clear();
        assertEquals(PeerHandshake.State.NONE, a.peer.state());
        assertTrue(Bytes.isZero(a.peer.localEphemeral));
        assertTrue(Bytes.isZero(a.peer.chainingKey));
    }
}
