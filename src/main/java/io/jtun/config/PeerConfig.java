package io.jtun.config;

import io.jtun.net.IpPrefix;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One {@code [Peer]} section.
 *
 * @param line the line of the {@code [Peer]} header
 * @param publicKey the peer's WireGuard public key
 * @param presharedKey the optional WireGuard preshared key; prints as "(hidden)"
 * @param allowedIps the ranges routed to this peer, host bits cleared (10.0.0.5/24 becomes
 *     10.0.0.0/24, as wg does), in file order; may be empty (the peer then gets no traffic)
 * @param endpoint where to send to; empty when the peer's address is learnt from what it sends.
 *     Its port is 0 only with Encapsulation = ipip, where ports do not exist
 * @param persistentKeepalive seconds between keepalives, 1-65535; empty when off (absent, 0 or "off")
 * @param lines canonical key name (e.g. "Endpoint") → the line that sets it in this section; for
 *     AllowedIPs, the first such line
 */
public record PeerConfig(int line, Optional<Key> publicKey, Optional<Secret> presharedKey, List<IpPrefix> allowedIps,
        Optional<EndpointSpec> endpoint, OptionalInt persistentKeepalive, Map<String, Integer> lines) {

    public PeerConfig {
        Objects.requireNonNull(publicKey, "publicKey");
        Objects.requireNonNull(presharedKey, "presharedKey");
        allowedIps = List.copyOf(allowedIps);
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(persistentKeepalive, "persistentKeepalive");
        lines = Map.copyOf(lines);
    }

    /**
     * The line where this section sets {@code key} (any letter case, e.g. "endpoint"), or the line
     * of the {@code [Peer]} header when it does not: a message about the setting, or about its
     * absence, then points at the right place.
     */
    public int line(String key) {
        ConfigKey known = ConfigKey.find(key);
        Integer found = known == null ? null : lines.get(known.keyName());
        return found == null ? line : found;
    }

    /** The line where this section sets {@code key}, or the {@code [Peer]} header's line. */
    public int line(ConfigKey key) {
        return lines.getOrDefault(key.keyName(), line);
    }

    /** Spelled out so the preshared key can never appear, whatever its type prints. */
    @Override
    public String toString() {
        return "PeerConfig[line=" + line + ", publicKey=" + publicKey + ", presharedKey="
                + (presharedKey.isPresent() ? Secret.HIDDEN : "none") + ", allowedIps=" + allowedIps
                + ", endpoint=" + endpoint + ", persistentKeepalive=" + persistentKeepalive + ", lines=" + lines + "]";
    }
}
