package io.jtun.noise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.jtun.fuzz.Deterministic;
import io.jtun.fuzz.FuzzFindings;
import java.security.SecureRandom;
import java.util.Arrays;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Fuzz target: the handshake messages as a receiver gets them: {@link CookieChecker} (MAC1, MAC2,
 * cookie replies), {@link NoiseEngine#consumeInitiation} and {@link NoiseEngine#consumeResponse},
 * {@link CookieGenerator#consumeReply}. Random bytes never get past MAC1 and the AEAD tags, so
 * besides raw messages the target lets the fuzzer corrupt real ones: A (initiator) and B
 * (responder) run a real handshake, and the fuzzer's bit flips land in the message under test,
 * optionally with MAC1 made valid again so the Noise work runs on the corrupted message.
 *
 * <p>Input: byte 0 is the scenario (bits 0-1: initiation, response, cookie reply, raw), bit 2
 * and bit 3 give A and B a preshared key (different when only one has one), bit 4 makes MAC1
 * valid after the corruption (initiation, response) or before checking a raw message. Then, for the first three scenarios, pairs (position, xor mask) to
 * apply to the message; for raw, the message itself.
 *
 * <p>The property: nothing throws; a message is accepted exactly when none of its authenticated
 * bytes changed (the sender index, outside Noise, may change and is then taken as is); an
 * accepted handshake gives both sides the same keys, and a replayed initiation is refused; a
 * cookie is taken only from an intact reply, and then MAC2 checks out for that source only.
 */
@ExtendWith(FuzzFindings.class)
class HandshakeFuzzTest {
    private static final long EPOCH = 1_704_067_200_000_000_000L;
    private static final long NOW = 5_000_000_000_000L;
    private static final int INDEX_A = 0x11223344;
    private static final int INDEX_B = 0xa1b2c3d4;
    private static final byte[] SOURCE_A = {(byte) 198, 18, 0, 1, (byte) 0xca, 0x6c};
    private static final byte[] SOURCE_OTHER = {(byte) 198, 18, 0, 9, (byte) 0xca, 0x6c};
    private static final StaticIdentity A = new StaticIdentity(Deterministic.key(0x41));
    private static final StaticIdentity B = new StaticIdentity(Deterministic.key(0x42));

    /** One side's engine, checker and its state for the other side, fresh per input. */
    private record Side(StaticIdentity identity, NoiseEngine engine, CookieChecker checker, PeerHandshake peer,
            CookieGenerator generator) {
        static Side of(StaticIdentity self, StaticIdentity other, byte[] psk, int seed) {
            SecureRandom random = Deterministic.random(seed);
            return new Side(self, new NoiseEngine(self, random), new CookieChecker(self, random),
                    new PeerHandshake(self, other.publicKey(), psk), new CookieGenerator(other.publicKey()));
        }

        PeerLookup lookup() {
            return key -> Arrays.equals(key, peer.remoteStatic()) ? peer : null;
        }
    }

    @FuzzTest
    void handshake(byte[] input) {
        if (input.length == 0) {
            return;
        }
        int flags = input[0];
        byte[] psk = new byte[32];
        Arrays.fill(psk, (byte) 7);
        Side a = Side.of(A, B, (flags & 4) != 0 ? psk : null, 1);
        Side b = Side.of(B, A, (flags & 8) != 0 ? psk : null, 2);
        boolean fixMac1 = (flags & 16) != 0;
        switch (flags & 3) {
            case 0 -> initiation(a, b, input, fixMac1, (flags & 12) == 0 || (flags & 12) == 12);
            case 1 -> response(a, b, input, fixMac1, (flags & 12) == 0 || (flags & 12) == 12);
            case 2 -> cookie(a, b, input);
            default -> raw(a, b, Arrays.copyOfRange(input, 1, input.length), fixMac1);
        }
    }

    private static void initiation(Side a, Side b, byte[] input, boolean fixMac1, boolean samePsk) {
        byte[] msg = a.engine.createInitiation(a.peer, INDEX_A, EPOCH);
        boolean[] changed = send(msg, a, b, input, fixMac1);
        if (changed == null) {
            return;
        }
        ConsumedInitiation consumed = b.engine.consumeInitiation(msg, b.lookup(), NOW);
        boolean intact = !any(changed, 0, Messages.INITIATION_SENDER)
                && !any(changed, Messages.INITIATION_EPHEMERAL, Messages.INITIATION_MAC1);
        assertEquals(intact, consumed != null, "initiation accepted");
        if (consumed == null) {
            assertEquals(PeerHandshake.State.NONE, b.peer.state(), "a refused initiation left state behind");
            return;
        }
        assertEquals(Messages.getIndex(msg, Messages.INITIATION_SENDER), consumed.senderIndex());
        assertNull(b.engine.consumeInitiation(msg, b.lookup(), NOW + 1_000_000_000L), "replay accepted");
        byte[] response = b.engine.createResponse(b.peer, INDEX_B);
        b.generator.addMacs(response, NOW);
        assertTrue(a.checker.checkMac1(response));
        // B answers the sender index it read: A takes the response only if that was its own.
        complete(a, b, response, samePsk && !any(changed, Messages.INITIATION_SENDER, Messages.INITIATION_EPHEMERAL));
    }

    private static void response(Side a, Side b, byte[] input, boolean fixMac1, boolean samePsk) {
        byte[] init = a.engine.createInitiation(a.peer, INDEX_A, EPOCH);
        a.generator.addMacs(init, NOW);
        assertNotNull(b.engine.consumeInitiation(init, b.lookup(), NOW));
        byte[] msg = b.engine.createResponse(b.peer, INDEX_B);
        boolean[] changed = send(msg, b, a, input, fixMac1);
        if (changed == null) {
            return;
        }
        boolean intact = !any(changed, 0, Messages.RESPONSE_SENDER)
                && !any(changed, Messages.RESPONSE_RECEIVER, Messages.RESPONSE_MAC1);
        if (!intact || !samePsk) {
            assertFalse(a.engine.consumeResponse(a.peer, msg), "corrupted response accepted");
            assertEquals(PeerHandshake.State.INITIATION_CREATED, a.peer.state(), "a refused response changed state");
            return;
        }
        complete(a, b, msg, true);
    }

    /**
     * The way of a handshake message from {@code from} to {@code to}: MACs added, corrupted as
     * the input says (MAC1 made valid again if asked), MAC1 checked. The bytes that changed, or
     * null when MAC1 refused it (which it may only when some byte up to MAC1's end changed).
     */
    private static boolean[] send(byte[] msg, Side from, Side to, byte[] input, boolean fixMac1) {
        from.generator.addMacs(msg, NOW);
        boolean[] changed = corrupt(msg, input);
        if (fixMac1) {
            from.generator.addMacs(msg, NOW);
        }
        if (to.checker.checkMac1(msg)) {
            return changed;
        }
        assertTrue(any(changed, 0, msg.length - Messages.MAC_SIZE), "intact MAC1 refused");
        return null;
    }

    /** A takes B's response when it should; then both hold the same session keys. */
    private static void complete(Side a, Side b, byte[] response, boolean accepted) {
        assertEquals(accepted, a.engine.consumeResponse(a.peer, response), "response accepted");
        if (!accepted) {
            return;
        }
        SessionKeys initiator = a.engine.deriveKeys(a.peer, NOW);
        SessionKeys responder = b.engine.deriveKeys(b.peer, NOW);
        assertArrayEquals(initiator.sendKey(), responder.receiveKey());
        assertArrayEquals(initiator.receiveKey(), responder.sendKey());
        assertEquals(Messages.getIndex(response, Messages.RESPONSE_SENDER), initiator.remoteIndex());
        assertFalse(a.engine.consumeResponse(a.peer, response), "response accepted twice");
    }

    private static void cookie(Side a, Side b, byte[] input) {
        byte[] init = a.engine.createInitiation(a.peer, INDEX_A, EPOCH);
        a.generator.addMacs(init, NOW);
        byte[] reply = b.checker.createReply(init, INDEX_A, SOURCE_A, NOW);
        assertEquals(Messages.COOKIE_REPLY_SIZE, reply.length);
        boolean[] changed = corrupt(reply, input);
        boolean intact = !any(changed, 0, Messages.COOKIE_REPLY_RECEIVER)
                && !any(changed, Messages.COOKIE_REPLY_NONCE, Messages.COOKIE_REPLY_SIZE);
        assertEquals(intact, a.generator.consumeReply(reply, NOW), "cookie reply accepted");
        assertEquals(intact, a.generator.hasValidCookie(NOW));
        // The next initiation carries MAC2 made with the cookie: valid for A's address only.
        byte[] next = a.engine.createInitiation(a.peer, INDEX_A, EPOCH + 1);
        a.generator.addMacs(next, NOW);
        assertEquals(intact, b.checker.checkMac2(next, SOURCE_A, NOW), "MAC2 from A's address");
        assertFalse(b.checker.checkMac2(next, SOURCE_OTHER, NOW), "MAC2 from another address");
    }

    /** Whatever the bytes: checked and consumed by every receiving method, never throwing. */
    private static void raw(Side a, Side b, byte[] msg, boolean fixMac1) {
        if (fixMac1 && msg.length >= Messages.MACS_SIZE) {
            a.generator.addMacs(msg, NOW);
        }
        b.checker.checkMac1(msg);
        b.checker.checkMac2(msg, SOURCE_A, NOW);
        Messages.typeOf(msg, 0, msg.length);
        b.engine.consumeInitiation(msg, b.lookup(), NOW);
        a.engine.createInitiation(a.peer, INDEX_A, EPOCH);
        a.engine.consumeResponse(a.peer, msg);
        a.generator.consumeReply(msg, NOW);
        if (msg.length >= Messages.MACS_SIZE) {
            b.checker.createReply(msg, INDEX_A, SOURCE_A, NOW);
        }
    }

    /** Applies the input's (position, xor) pairs after byte 0; which bytes differ afterwards. */
    private static boolean[] corrupt(byte[] msg, byte[] input) {
        byte[] original = msg.clone();
        for (int i = 1; i + 1 < input.length; i += 2) {
            msg[(input[i] & 0xff) % msg.length] ^= input[i + 1];
        }
        boolean[] changed = new boolean[msg.length];
        for (int i = 0; i < msg.length; i++) {
            changed[i] = msg[i] != original[i];
        }
        return changed;
    }

    private static boolean any(boolean[] changed, int from, int to) {
        for (int i = from; i < to; i++) {
            if (changed[i]) {
                return true;
            }
        }
        return false;
    }
}
