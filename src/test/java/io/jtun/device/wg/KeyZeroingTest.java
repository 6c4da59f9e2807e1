package io.jtun.device.wg;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtun.config.Key;
import io.jtun.config.Secret;
import io.jtun.device.Peer;
import io.jtun.device.PeerTable;
import io.jtun.device.TrafficCounters;
import io.jtun.device.Underlay;
import io.jtun.noise.Keys;
import io.jtun.noise.StaticIdentity;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Keys that are replaced or dropped are zeroed where jtun held them: the interface's private
 * key when a new one is set, a peer's preshared key when it changes or the peer goes, and every
 * key when the device closes; the caller's own Secrets are never touched (each holder has a copy).
 */
class KeyZeroingTest {
    private final PeerTable peers = new PeerTable();
    private WireGuard wireGuard;

    @AfterEach
    void close() {
        if (wireGuard != null) {
            wireGuard.close();
        }
    }

    private WireGuard device(Secret privateKey) {
        wireGuard = new WireGuard(privateKey, peers, new Underlay(null), new TrafficCounters(), 1420, 2048,
                WgClock.SYSTEM, false);
        return wireGuard;
    }

    private static boolean zeroed(StaticIdentity identity) {
        return identity.privateKey().isZero();
    }

    @Test
    void aReplacedPrivateKeyIsZeroedAndTheCallersSecretIsNot() {
        Secret first = Keys.genkey();
        WireGuard device = device(first);
        StaticIdentity old = device.noise().identity();
        Secret second = Keys.genkey();
        device.setPrivateKey(second);
        assertTrue(zeroed(old), "the replaced identity still holds its key");
        assertFalse(zeroed(device.noise().identity()));
        assertFalse(first.isDestroyed());
        assertFalse(second.isDestroyed());

        StaticIdentity current = device.noise().identity();
        device.setPrivateKey(null); // removing the key zeroes it too
        assertTrue(zeroed(current));
    }

    @Test
    void aReplacedOrRemovedPresharedKeyIsZeroed() {
        WireGuard device = device(Keys.genkey());
        Peer peer = new Peer("p", null);
        Key publicKey = Keys.pubkey(Keys.genkey());
        Secret configured = Keys.genpsk();
        device.addPeer(peer, publicKey, configured, 0);
        WireGuardPeer state = (WireGuardPeer) peer.codecState();

        Secret held = Keys.genpsk();
        state.setPresharedKey(held);
        Secret next = Keys.genpsk();
        device.setPresharedKey(peer, next);
        assertTrue(held.isDestroyed(), "the replaced preshared key was not zeroed");
        assertFalse(next.isDestroyed(), "the caller's Secret is the caller's");
        assertFalse(configured.isDestroyed());

        Secret last = Keys.genpsk();
        state.setPresharedKey(last);
        device.removePeer(peer);
        assertTrue(last.isDestroyed(), "a removed peer's preshared key was not zeroed");
    }

    @Test
    void closingZeroesEveryKey() {
        WireGuard device = device(Keys.genkey());
        Peer peer = new Peer("p", null);
        device.addPeer(peer, Keys.pubkey(Keys.genkey()), null, 0);
        Secret held = Keys.genpsk();
        ((WireGuardPeer) peer.codecState()).setPresharedKey(held);
        StaticIdentity identity = device.noise().identity();
        assertNotNull(identity);
        device.close();
        wireGuard = null;
        assertTrue(zeroed(identity));
        assertTrue(held.isDestroyed());
    }
}
