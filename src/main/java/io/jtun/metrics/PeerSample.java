package io.jtun.metrics;

import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * One peer's counters at one moment. All counts are cumulative since the interface came up.
 *
 * @param interfaceName             the interface the peer belongs to
 * @param publicKeyOrLabel          the peer's public key (base64), or its label where it has none;
 *                                  unique within the interface
 * @param rxBytes                   bytes received from the peer (inner packets, as {@code wg show})
 * @param txBytes                   bytes sent to the peer
 * @param rxPackets                 packets received from the peer
 * @param txPackets                 packets sent to the peer
 * @param lastHandshakeEpochSeconds when the latest handshake completed, in seconds since the epoch;
 *                                  empty if there has been none
 * @param dropsByReason             packets dropped that are charged to this peer, by the device's
 *                                  short reason label (e.g. "replayed", "source not allowed")
 * @param handshakeAttempts         handshakes this side initiated
 * @param handshakeFailures         handshakes that failed (rejected, or timed out)
 */
public record PeerSample(
        String interfaceName,
        String publicKeyOrLabel,
        long rxBytes,
        long txBytes,
        long rxPackets,
        long txPackets,
        OptionalLong lastHandshakeEpochSeconds,
        Map<String, Long> dropsByReason,
        long handshakeAttempts,
        long handshakeFailures) {

    public PeerSample {
        Objects.requireNonNull(interfaceName, "interfaceName");
        Objects.requireNonNull(publicKeyOrLabel, "publicKeyOrLabel");
        Objects.requireNonNull(lastHandshakeEpochSeconds, "lastHandshakeEpochSeconds");
        dropsByReason = Map.copyOf(dropsByReason);
    }
}
