package io.jtun.uapi;

import io.jtun.config.Key;
import io.jtun.config.Secret;
import io.jtun.net.IpPrefix;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One peer as {@code get=1} reports it.
 *
 * @param publicKey the peer's public key
 * @param presharedKey null when the peer has none (reported as the all-zero key, which is what
 *     wireguard-go reports and what {@code wg} reads as "none")
 * @param endpoint the current endpoint, a resolved address; null when unknown
 * @param lastHandshakeEpochSeconds whole seconds since the Unix epoch of the last completed
 *     handshake; 0 with {@code lastHandshakeNanos} 0 = never
 * @param lastHandshakeNanos the nanoseconds within that second, 0-999999999
 * @param rxBytes bytes received from the peer, an unsigned 64-bit counter
 * @param txBytes bytes sent to the peer, an unsigned 64-bit counter
 * @param persistentKeepaliveInterval seconds, 0-65535 (0 = off)
 * @param allowedIps the peer's allowed IPs, host bits cleared
 */
public record PeerState(Key publicKey, Secret presharedKey, InetSocketAddress endpoint, long lastHandshakeEpochSeconds,
        long lastHandshakeNanos, long rxBytes, long txBytes, int persistentKeepaliveInterval,
        List<IpPrefix> allowedIps) {

    public PeerState {
        Objects.requireNonNull(publicKey, "publicKey");
        allowedIps = List.copyOf(allowedIps);
        if (endpoint != null && endpoint.getAddress() == null) {
            throw new IllegalArgumentException("endpoint " + endpoint + " is not resolved");
        }
        if (lastHandshakeEpochSeconds < 0) {
            throw new IllegalArgumentException("last handshake seconds " + lastHandshakeEpochSeconds + " < 0");
        }
        if (lastHandshakeNanos < 0 || lastHandshakeNanos > 999_999_999) {
            throw new IllegalArgumentException("last handshake nanoseconds " + lastHandshakeNanos + " is not 0-999999999");
        }
        if (persistentKeepaliveInterval < 0 || persistentKeepaliveInterval > 0xffff) {
            throw new IllegalArgumentException(
                    "persistent keepalive interval " + persistentKeepaliveInterval + " is not 0-65535");
        }
    }

    /** The last handshake, or null if there was none. */
    public Instant lastHandshake() {
        return lastHandshakeEpochSeconds == 0 && lastHandshakeNanos == 0 ? null
                : Instant.ofEpochSecond(lastHandshakeEpochSeconds, lastHandshakeNanos);
    }
}
