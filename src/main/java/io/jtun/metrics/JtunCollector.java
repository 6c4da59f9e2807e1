package io.jtun.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Turns one {@link MetricsSource#sample()} per scrape into the {@code jtun_*} metric families. Families
 * with no data point are left out; so is a repeated interface name, or a repeated peer within an
 * interface (the first one wins), since a duplicate series would fail the whole scrape.
 */
final class JtunCollector implements MultiCollector {
    static final String INTERFACE = "interface";
    static final String PEER = "peer";
    static final String REASON = "reason";

    private final MetricsSource source;
    private final Clock clock;

    JtunCollector(MetricsSource source, Clock clock) {
        this.source = source;
        this.clock = clock;
    }

    @Override
    public MetricSnapshots collect() {
        List<InterfaceSample> interfaces;
        try {
            interfaces = source.sample();
        } catch (RuntimeException e) {
            // The library answers 500 with the exception's stack trace as the body; the scraper
            // (maybe on another host) gets one line instead.
            throw new SampleFailure(e);
        }
        long now = clock.instant().getEpochSecond();

        Gauges peerCount = new Gauges("jtun_interface_peers", null, "Peers configured on the interface.");
        Counters interfaceDrops = new Counters("jtun_interface_dropped_packets",
                "Packets dropped that are not charged to a peer, by reason.");
        Counters cookieReplies = new Counters("jtun_interface_cookie_replies_sent",
                "Handshake messages answered with a cookie reply while under load (WireGuard's DoS defence).");
        Counters rxBytes = new Counters("jtun_peer_receive_bytes", Unit.BYTES, "Bytes received from the peer.");
        Counters txBytes = new Counters("jtun_peer_transmit_bytes", Unit.BYTES, "Bytes sent to the peer.");
        Counters rxPackets = new Counters("jtun_peer_receive_packets", "Packets received from the peer.");
        Counters txPackets = new Counters("jtun_peer_transmit_packets", "Packets sent to the peer.");
        Counters peerDrops = new Counters("jtun_peer_dropped_packets",
                "Packets from or to the peer that were dropped, by reason.");
        Counters attempts = new Counters("jtun_peer_handshake_attempts", "Handshakes initiated with the peer.");
        Counters failures = new Counters("jtun_peer_handshake_failures",
                "Handshakes with the peer that failed (rejected or timed out).");
        Gauges lastHandshake = new Gauges("jtun_peer_last_handshake_seconds", Unit.SECONDS,
                "Unix time of the latest completed handshake with the peer; absent if there has been none.");
        Gauges handshakeAge = new Gauges("jtun_peer_last_handshake_age_seconds", Unit.SECONDS,
                "Seconds since the latest completed handshake with the peer; absent if there has been none.");

        Set<String> interfaceNames = new HashSet<>();
        for (InterfaceSample iface : interfaces) {
            if (!interfaceNames.add(iface.name())) {
                continue;
            }
            Labels ifaceLabels = Labels.of(INTERFACE, iface.name());
            peerCount.add(ifaceLabels, iface.peers().size());
            cookieReplies.add(ifaceLabels, iface.cookieReplies());
            reasons(iface.dropsByReason()).forEach(
                    (reason, count) -> interfaceDrops.add(ifaceLabels.add(REASON, reason), count));
            Set<String> peerNames = new HashSet<>();
            for (PeerSample peer : iface.peers()) {
                if (!peerNames.add(peer.publicKeyOrLabel())) {
                    continue;
                }
                Labels labels = Labels.of(INTERFACE, iface.name(), PEER, peer.publicKeyOrLabel());
                rxBytes.add(labels, peer.rxBytes());
                txBytes.add(labels, peer.txBytes());
                rxPackets.add(labels, peer.rxPackets());
                txPackets.add(labels, peer.txPackets());
                reasons(peer.dropsByReason()).forEach(
                        (reason, count) -> peerDrops.add(labels.add(REASON, reason), count));
                attempts.add(labels, peer.handshakeAttempts());
                failures.add(labels, peer.handshakeFailures());
                if (peer.lastHandshakeEpochSeconds().isPresent()) {
                    long at = peer.lastHandshakeEpochSeconds().getAsLong();
                    lastHandshake.add(labels, at);
                    handshakeAge.add(labels, Math.max(0, now - at));
                }
            }
        }

        MetricSnapshots.Builder out = MetricSnapshots.builder();
        for (Family family : List.of(peerCount, interfaceDrops, cookieReplies, rxBytes, txBytes, rxPackets, txPackets, peerDrops,
                attempts, failures, lastHandshake, handshakeAge)) {
            if (!family.isEmpty()) {
                out.metricSnapshot(family.build());
            }
        }
        return out.build();
    }

    /**
     * The drop counts by label value: reasons that turn into the same value are added up, and the
     * order is the values' (so the output is stable from one scrape to the next).
     */
    static Map<String, Long> reasons(Map<String, Long> byReason) {
        Map<String, Long> out = new TreeMap<>();
        byReason.forEach((reason, count) -> out.merge(reasonLabel(reason), count, Long::sum));
        return out;
    }

    /**
     * A drop reason as a label value: lower case, every run of characters other than letters and
     * digits made one underscore, none at either end ({@code "source not allowed"} becomes
     * {@code source_not_allowed}); {@code unknown} if nothing is left.
     */
    static String reasonLabel(String reason) {
        StringBuilder out = new StringBuilder(reason.length());
        boolean gap = false;
        for (int i = 0; i < reason.length(); i++) {
            char c = Character.toLowerCase(reason.charAt(i));
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
                if (gap && !out.isEmpty()) {
                    out.append('_');
                }
                out.append(c);
                gap = false;
            } else {
                gap = true;
            }
        }
        return out.isEmpty() ? "unknown" : out.toString();
    }

    /** A failed sample, without the stack trace the HTTP response would otherwise carry. */
    static final class SampleFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SampleFailure(RuntimeException cause) {
            super("cannot read the interfaces' counters: " + cause, null, false, false);
        }
    }

    private interface Family {
        boolean isEmpty();

        MetricSnapshot build();
    }

    /** A counter family; the library adds the {@code _total} suffix. */
    private static final class Counters implements Family {
        private final CounterSnapshot.Builder builder;
        private boolean empty = true;

        Counters(String name, String help) {
            this(name, null, help);
        }

        Counters(String name, Unit unit, String help) {
            builder = CounterSnapshot.builder().name(name).help(help);
            if (unit != null) {
                builder.unit(unit);
            }
        }

        void add(Labels labels, long value) {
            // A counter cannot be negative (the library refuses it, failing the scrape): a source bug
            // shows as 0 rather than as no metrics at all.
            builder.dataPoint(CounterDataPointSnapshot.builder().labels(labels).value(Math.max(0, value)).build());
            empty = false;
        }

        @Override
        public boolean isEmpty() {
            return empty;
        }

        @Override
        public MetricSnapshot build() {
            return builder.build();
        }
    }

    private static final class Gauges implements Family {
        private final GaugeSnapshot.Builder builder;
        private boolean empty = true;

        Gauges(String name, Unit unit, String help) {
            builder = GaugeSnapshot.builder().name(name).help(help);
            if (unit != null) {
                builder.unit(unit);
            }
        }

        void add(Labels labels, double value) {
            builder.dataPoint(GaugeDataPointSnapshot.builder().labels(labels).value(value).build());
            empty = false;
        }

        @Override
        public boolean isEmpty() {
            return empty;
        }

        @Override
        public MetricSnapshot build() {
            return builder.build();
        }
    }
}
