package io.jtun.daemon;

import io.jtun.device.DropReason;
import io.jtun.device.Peer;
import io.jtun.device.TrafficCounters;
import io.jtun.device.Tunnel;
import io.jtun.device.wg.WireGuard;
import io.jtun.metrics.InterfaceSample;
import io.jtun.metrics.MetricsSource;
import io.jtun.metrics.PeerSample;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.ToLongFunction;

/** A running tunnel's counters as Prometheus samples, read at scrape time. */
final class TunnelMetrics implements MetricsSource {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final Tunnel tunnel;

    TunnelMetrics(Tunnel tunnel) {
        this.tunnel = tunnel;
    }

    @Override
    public List<InterfaceSample> sample() {
        WireGuard wireGuard = tunnel.wireGuard();
        List<PeerSample> peers = new ArrayList<>();
        for (Peer peer : tunnel.peers()) {
            TrafficCounters c = peer.counters();
            OptionalLong handshake = wireGuard == null ? OptionalLong.empty() : wireGuard.lastHandshakeEpochNanos(peer);
            peers.add(new PeerSample(tunnel.name(), peer.label(), c.rxBytes(), c.txBytes(), c.rxPackets(),
                    c.txPackets(), handshake.isPresent() ? OptionalLong.of(handshake.getAsLong() / NANOS_PER_SECOND)
                            : OptionalLong.empty(), drops(c::drops), wireGuard == null ? 0 : wireGuard.handshakeAttempts(peer),
                    wireGuard == null ? 0 : wireGuard.handshakeFailures(peer)));
        }
        return List.of(new InterfaceSample(tunnel.name(), drops(tunnel::drops), peers,
                wireGuard == null ? 0 : wireGuard.cookieRepliesSent()));
    }

    private static Map<String, Long> drops(ToLongFunction<DropReason> counts) {
        Map<String, Long> drops = new LinkedHashMap<>();
        for (DropReason reason : DropReason.values()) {
            drops.put(reason.label(), counts.applyAsLong(reason));
        }
        return drops;
    }
}
