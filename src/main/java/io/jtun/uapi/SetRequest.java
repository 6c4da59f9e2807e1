package io.jtun.uapi;

import io.jtun.config.Secret;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * A {@code set=1} request, parsed ({@link UapiProtocol#parseSet}); {@link UapiDevice#set}
 * describes how it is applied.
 *
 * @param privateKey null = unchanged. The all-zero key removes the private key, as it does in
 *     wireguard-go ({@code wg setconf} with no PrivateKey, {@code wg set private-key /dev/null});
 *     any other key has been clamped by the parser, as wireguard-go clamps it, so
 *     {@code wg show} reports the key the device really uses.
 * @param listenPort 0-65535 (0 = any free port); empty = unchanged
 * @param fwMark the firewall mark, an unsigned 32-bit value held in an int (0 = none); empty =
 *     unchanged
 * @param replacePeers {@code replace_peers=true}: remove every peer before {@link #peers()}
 * @param peers the peer changes, in request order
 */
public record SetRequest(Secret privateKey, OptionalInt listenPort, OptionalInt fwMark, boolean replacePeers,
        List<PeerChange> peers) {

    public SetRequest {
        Objects.requireNonNull(listenPort, "listenPort");
        Objects.requireNonNull(fwMark, "fwMark");
        peers = List.copyOf(peers);
        if (listenPort.isPresent() && (listenPort.getAsInt() < 0 || listenPort.getAsInt() > 0xffff)) {
            throw new IllegalArgumentException("listen port " + listenPort.getAsInt() + " is not 0-65535");
        }
    }

    /** True when the request removes the device's private key (an all-zero key). */
    public boolean removesPrivateKey() {
        return privateKey != null && privateKey.isZero();
    }

    /** Zeroes the keys the request carried, once it has been applied (the device keeps copies). */
    public void destroySecrets() {
        Secret.destroyIfAny(privateKey);
        peers.forEach(peer -> Secret.destroyIfAny(peer.presharedKey()));
    }

    /** True when applying the request changes nothing ({@code set=1} followed by a blank line). */
    public boolean isEmpty() {
        return privateKey == null && listenPort.isEmpty() && fwMark.isEmpty() && !replacePeers && peers.isEmpty();
    }
}
