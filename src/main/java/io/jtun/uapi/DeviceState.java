package io.jtun.uapi;

import io.jtun.config.Secret;
import java.util.List;

/**
 * What {@code get=1} reports about a device.
 *
 * @param privateKey null when the device has none (the all-zero key counts as none)
 * @param listenPort the UDP port bound, 0-65535; 0 = not bound (not reported)
 * @param fwMark the firewall mark, an unsigned 32-bit value held in an int; 0 = none (not
 *     reported)
 * @param peers in the order they are reported
 */
public record DeviceState(Secret privateKey, int listenPort, int fwMark, List<PeerState> peers) {

    public DeviceState {
        peers = List.copyOf(peers);
        if (listenPort < 0 || listenPort > 0xffff) {
            throw new IllegalArgumentException("listen port " + listenPort + " is not 0-65535");
        }
    }

    /** Zeroes the copies of the keys made for the report, once it has been written. */
    public void destroySecrets() {
        Secret.destroyIfAny(privateKey);
        peers.forEach(peer -> Secret.destroyIfAny(peer.presharedKey()));
    }
}
