package io.jtun.noise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** MAC1, MAC2 and the cookie exchange between an initiator A and a responder B under load. */
class CookieTest {
    private static final long SECOND = 1_000_000_000L;
    private static final long EPOCH = 1_704_067_200L * SECOND;
    private static final long MONO = 42 * SECOND;

    private final StaticIdentity a = new StaticIdentity(X25519.generatePrivateKey());
    private final StaticIdentity b = new StaticIdentity(X25519.generatePrivateKey());
    private final NoiseEngine engineA = new NoiseEngine(a);
    private final NoiseEngine engineB = new NoiseEngine(b);
    private final PeerHandshake bAtA = new PeerHandshake(a, b.publicKey(), null);
    private final PeerHandshake aAtB = new PeerHandshake(b, a.publicKey(), null);
    private final CookieGenerator toB = new CookieGenerator(b.publicKey());
    private final CookieChecker checkerB = new CookieChecker(b);
    private final byte[] sourceA = CookieChecker.sourceBytes(new InetSocketAddress(InetAddress.getLoopbackAddress(), 51820));
    private final byte[] otherSource = CookieChecker.sourceBytes(new InetSocketAddress(InetAddress.getLoopbackAddress(), 51821));

    private byte[] initiation(long epochNanos, long now) {
        byte[] msg = engineA.createInitiation(bAtA, 1, epochNanos);
        toB.addMacs(msg, now);
        return msg;
    }

    @Test
    void cookieFlow() {
        // No cookie yet: MAC2 is zeros, and B (under load) can not accept it.
        byte[] first = initiation(EPOCH, MONO);
        assertTrue(Bytes.isZero(Arrays.copyOfRange(first, Messages.INITIATION_MAC2, Messages.INITIATION_SIZE)));
        assertTrue(checkerB.checkMac1(first));
        assertFalse(checkerB.checkMac2(first, sourceA, MONO));

        // B answers with a cookie reply instead of a response.
        byte[] reply = checkerB.createReply(first, Messages.getIndex(first, Messages.INITIATION_SENDER), sourceA, MONO);
        assertEquals(Messages.COOKIE_REPLY_SIZE, reply.length);
        assertEquals(Messages.TYPE_COOKIE_REPLY, Messages.typeOf(reply, 0, reply.length));
        assertEquals(1, Messages.getIndex(reply, Messages.COOKIE_REPLY_RECEIVER));
        assertTrue(toB.consumeReply(reply, MONO));
        assertTrue(toB.hasValidCookie(MONO));

        // A's next initiation carries MAC2, good for A's source only.
        long later = MONO + SECOND;
        byte[] second = initiation(EPOCH + SECOND, later);
        assertFalse(Bytes.isZero(Arrays.copyOfRange(second, Messages.INITIATION_MAC2, Messages.INITIATION_SIZE)));
        assertTrue(checkerB.checkMac1(second));
        assertTrue(checkerB.checkMac2(second, sourceA, later));
        assertFalse(checkerB.checkMac2(second, otherSource, later));
        assertNotNull(engineB.consumeInitiation(second, key -> aAtB, later));

        // MAC2 covers MAC1 too: a message whose MAC1 was recomputed for other contents fails.
        byte[] forged = second.clone();
        forged[Messages.INITIATION_SENDER] ^= 1;
        new CookieGenerator(b.publicKey()).addMacs(forged, later); // right MAC1, no cookie: MAC2 zeros
        System.arraycopy(second, Messages.INITIATION_MAC2, forged, Messages.INITIATION_MAC2, Messages.MAC_SIZE);
        assertTrue(checkerB.checkMac1(forged));
        assertFalse(checkerB.checkMac2(forged, sourceA, later));

        // Responses carry MACs the same way.
        byte[] resp = engineB.createResponse(aAtB, 2);
        CookieGenerator toA = new CookieGenerator(a.publicKey());
        toA.addMacs(resp, later);
        assertTrue(new CookieChecker(a).checkMac1(resp));
    }

    @Test
    void cookiesExpire() {
        byte[] first = initiation(EPOCH, MONO);
        assertTrue(toB.consumeReply(checkerB.createReply(first, 1, sourceA, MONO), MONO));
        long stale = MONO + Protocol.COOKIE_REFRESH_TIME_NANOS + 1;
        assertFalse(toB.hasValidCookie(stale));
        byte[] late = initiation(EPOCH + SECOND, stale);
        assertTrue(Bytes.isZero(Arrays.copyOfRange(late, Messages.INITIATION_MAC2, Messages.INITIATION_SIZE)));

        // The checker's secret expires too: a cookie from the old secret is no longer accepted,
        // and the next reply comes from a new secret.
        byte[] fresh = initiation(EPOCH + 2 * SECOND, MONO + SECOND);
        assertTrue(checkerB.checkMac2(fresh, sourceA, MONO + SECOND));
        assertFalse(checkerB.checkMac2(fresh, sourceA, stale));
        byte[] reply = checkerB.createReply(fresh, 1, sourceA, stale);
        assertTrue(toB.consumeReply(reply, stale));
        byte[] renewed = initiation(EPOCH + 3 * SECOND, stale);
        assertTrue(checkerB.checkMac2(renewed, sourceA, stale));
    }

    @Test
    void replyIsBoundToTheLastMac1Sent() {
        assertFalse(toB.consumeReply(new byte[Messages.COOKIE_REPLY_SIZE], MONO), "nothing sent yet");
        byte[] first = initiation(EPOCH, MONO);
        byte[] reply = checkerB.createReply(first, 1, sourceA, MONO);
        initiation(EPOCH + SECOND, MONO); // A sent another message since: its MAC1 is the AAD now
        assertFalse(toB.consumeReply(reply, MONO));
        assertFalse(toB.hasValidCookie(MONO));

        // The same at the XChaCha20 level: the AAD is the MAC1 of the message answered.
        byte[] mac1 = Arrays.copyOfRange(first, Messages.INITIATION_MAC1, Messages.INITIATION_MAC2);
        byte[] nonce = Arrays.copyOfRange(reply, Messages.COOKIE_REPLY_NONCE, Messages.COOKIE_REPLY_COOKIE);
        byte[] sealed = Arrays.copyOfRange(reply, Messages.COOKIE_REPLY_COOKIE, Messages.COOKIE_REPLY_SIZE);
        byte[] cookieKey = Blake2s.hash(Macs.LABEL_COOKIE, b.publicKey());
        assertNotNull(XChaCha20Poly1305.open(cookieKey, nonce, sealed, mac1));
        mac1[0] ^= 1;
        assertNull(XChaCha20Poly1305.open(cookieKey, nonce, sealed, mac1));
    }

    @Test
    void tamperedRepliesAreRejected() {
        byte[] first = initiation(EPOCH, MONO);
        byte[] reply = checkerB.createReply(first, 1, sourceA, MONO);
        for (int bit = 0; bit < reply.length * 8; bit++) {
            byte[] bad = reply.clone();
            bad[bit / 8] ^= (byte) (1 << (bit % 8));
            boolean receiverChanged = bit >= 32 && bit < 64; // routing only: the device looks it up
            if (!receiverChanged) {
                assertFalse(toB.consumeReply(bad, MONO), "bit " + bit);
            }
        }
        // A reply encrypted for another peer's key (B' != B) does not open either.
        CookieChecker impostor = new CookieChecker(new StaticIdentity(X25519.generatePrivateKey()));
        assertFalse(toB.consumeReply(impostor.createReply(first, 1, sourceA, MONO), MONO));
        assertTrue(toB.consumeReply(reply, MONO));
    }

    @Test
    void keysAreDerivedAsTheWhitepaperSays() {
        // mac1 key = HASH("mac1----" || public key), cookie key = HASH("cookie--" || public key).
        assertArrayEquals(Blake2s.hash("mac1----".getBytes(java.nio.charset.StandardCharsets.US_ASCII), b.publicKey()),
                b.mac1Key());
        assertArrayEquals(Blake2s.hash("cookie--".getBytes(java.nio.charset.StandardCharsets.US_ASCII), b.publicKey()),
                b.cookieKey());
        byte[] msg = initiation(EPOCH, MONO);
        byte[] mac1 = Blake2s.mac(b.mac1Key(), 16, msg, 0, Messages.INITIATION_MAC1);
        assertArrayEquals(mac1, Arrays.copyOfRange(msg, Messages.INITIATION_MAC1, Messages.INITIATION_MAC2));
    }

    @Test
    void sourceBytes() {
        assertArrayEquals(new byte[] {127, 0, 0, 1, (byte) 0xca, 0x6c}, sourceA);
        assertEquals(18, CookieChecker.sourceBytes(new InetSocketAddress("::1", 1)).length);
    }
}
