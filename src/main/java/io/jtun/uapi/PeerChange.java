package io.jtun.uapi;

import io.jtun.config.Key;
import io.jtun.config.Secret;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * The lines of a set request from one {@code public_key=} line to the next (or to the end): a
 * change to one peer. A device applies it as wireguard-go applies those lines:
 * <ol>
 * <li>If {@link #publicKey()} is the device's own public key (after this request's private key
 * change), the whole change is ignored.
 * <li>If {@link #remove()}: the peer is removed if it exists, and nothing else happens (the
 * parser leaves the other fields empty: wireguard-go's lines after {@code remove} go nowhere and
 * those before it are undone by it).
 * <li>If the peer does not exist: with {@link #updateOnly()} the change is ignored; otherwise
 * the peer is created.
 * <li>{@link #presharedKey()} if not null (all zero = no preshared key); {@link #endpoint()} if
 * not null; {@link #persistentKeepaliveInterval()} if present (when it turns keepalives on,
 * from 0, and the device is up, one keepalive is sent at once).
 * <li>If {@link #replaceAllowedIps()}: the peer's allowed IPs are all removed; then each of
 * {@link #allowedIps()} is applied in order.
 * <li>If the device is up, the peer is started and its staged packets sent.
 * </ol>
 *
 * <p>The parser normalizes two orders wireguard-go would otherwise apply literally, with the same
 * result except for side effects on other peers that no client relies on: {@code update_only}
 * anywhere in the block counts for the whole block, and {@code allowed_ip} lines before the last
 * {@code replace_allowed_ips} of the block are dropped (the replace would remove them again).
 *
 * @param publicKey the peer
 * @param remove {@code remove=true}
 * @param updateOnly {@code update_only=true}: change the peer only if it exists
 * @param presharedKey null = unchanged; the all-zero key = no preshared key
 * @param endpoint null = unchanged; else an IP literal and port, "192.0.2.1:51820" or
 *     "[2001:db8::1]:51820" (zone allowed, "[fe80::1%eth0]:51820"), never a host name: {@code wg}
 *     resolves names before sending. {@link #endpointAddress()} converts it.
 * @param persistentKeepaliveInterval seconds, 0-65535 (0 = off); empty = unchanged
 * @param replaceAllowedIps {@code replace_allowed_ips=true}
 * @param allowedIps the {@code allowed_ip} lines, in order, applied after the optional replace
 */
public record PeerChange(Key publicKey, boolean remove, boolean updateOnly, Secret presharedKey, String endpoint,
        OptionalInt persistentKeepaliveInterval, boolean replaceAllowedIps, List<AllowedIpChange> allowedIps) {

    public PeerChange {
        Objects.requireNonNull(publicKey, "publicKey");
        Objects.requireNonNull(persistentKeepaliveInterval, "persistentKeepaliveInterval");
        allowedIps = List.copyOf(allowedIps);
        if (endpoint != null && !UapiProtocol.isValidEndpoint(endpoint)) {
            throw new IllegalArgumentException("endpoint '" + endpoint
                    + "' is not an IP literal and port such as 192.0.2.1:51820 or [2001:db8::1]:51820");
        }
        if (persistentKeepaliveInterval.isPresent()
                && (persistentKeepaliveInterval.getAsInt() < 0 || persistentKeepaliveInterval.getAsInt() > 0xffff)) {
            throw new IllegalArgumentException(
                    "persistent keepalive interval " + persistentKeepaliveInterval.getAsInt() + " is not 0-65535");
        }
    }

    /** {@code public_key=KEY} followed by {@code remove=true}. */
    public static PeerChange removal(Key publicKey) {
        return new PeerChange(publicKey, true, false, null, null, OptionalInt.empty(), false, List.of());
    }

    /** True when {@link #presharedKey()} is given and all zero: the peer gets no preshared key. */
    public boolean removesPresharedKey() {
        return presharedKey != null && presharedKey.isZero();
    }

    /**
     * {@link #endpoint()} as a socket address, without DNS; null when the endpoint is unchanged.
     * A zone becomes the scope: a number as is, a name via the interface of that name.
     *
     * @throws UapiException EINVAL when the zone names no interface
     */
    public InetSocketAddress endpointAddress() throws UapiException {
        return endpoint == null ? null : UapiProtocol.parseEndpoint(endpoint);
    }
}
