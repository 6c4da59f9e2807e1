package io.jtun.metrics;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One interface's counters at one moment.
 *
 * @param name          the interface name, e.g. {@code wg0}
 * @param dropsByReason packets dropped that are not charged to any peer (e.g. "no route",
 *                      "unknown source"), by the device's short reason label; reasons never seen
 *                      may be left out
 * @param peers         the interface's peers; each one's {@link PeerSample#interfaceName()} must be
 *                      {@code name}
 * @param cookieReplies handshake messages answered with a WireGuard cookie reply (the interface
 *                      was under load); 0 for a plain interface
 */
public record InterfaceSample(String name, Map<String, Long> dropsByReason, List<PeerSample> peers,
        long cookieReplies) {
    /** An interface that sent no cookie replies. */
    public InterfaceSample(String name, Map<String, Long> dropsByReason, List<PeerSample> peers) {
        this(name, dropsByReason, peers, 0);
    }

    public InterfaceSample {
        Objects.requireNonNull(name, "name");
        dropsByReason = Map.copyOf(dropsByReason);
        peers = List.copyOf(peers);
        for (PeerSample peer : peers) {
            if (!peer.interfaceName().equals(name)) {
                throw new IllegalArgumentException("peer " + peer.publicKeyOrLabel() + " belongs to interface "
                        + peer.interfaceName() + ", not " + name);
            }
        }
    }
}
