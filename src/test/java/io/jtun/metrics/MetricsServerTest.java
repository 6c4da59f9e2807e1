package io.jtun.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtun.ExitCode;
import io.jtun.JtunException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MetricsServerTest {
    private static final InetSocketAddress LOOPBACK_ANY_PORT = new InetSocketAddress(InetAddress.ofLiteral("127.0.0.1"), 0);
    private static final String KEY_A = "xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=";
    private static final String LABEL_B = "peer-b";
    private static final long T0 = 1_700_000_000L;

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final FakeSource source = new FakeSource();
    private final MutableClock clock = new MutableClock(Instant.ofEpochSecond(T0 + 42));
    private MetricsServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        http.close();
    }

    @Test
    void servesEveryMetricWithItsLabelsAndValues() throws Exception {
        source.set(twoPeers());
        server = MetricsServer.start(LOOPBACK_ANY_PORT, source, "1.2.3", clock);

        HttpResponse<String> response = get(server.url());
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElseThrow().startsWith("text/plain; version=0.0.4"),
                response.headers().toString());
        TextFormat.Exposition e = TextFormat.parse(response.body());

        Map<String, String> expectedTypes = Map.ofEntries(
                Map.entry("jtun_info", "gauge"),
                Map.entry("jtun_interface_peers", "gauge"),
                Map.entry("jtun_interface_dropped_packets_total", "counter"),
                Map.entry("jtun_interface_cookie_replies_sent_total", "counter"),
                Map.entry("jtun_peer_receive_bytes_total", "counter"),
                Map.entry("jtun_peer_transmit_bytes_total", "counter"),
                Map.entry("jtun_peer_receive_packets_total", "counter"),
                Map.entry("jtun_peer_transmit_packets_total", "counter"),
                Map.entry("jtun_peer_dropped_packets_total", "counter"),
                Map.entry("jtun_peer_handshake_attempts_total", "counter"),
                Map.entry("jtun_peer_handshake_failures_total", "counter"),
                Map.entry("jtun_peer_last_handshake_seconds", "gauge"),
                Map.entry("jtun_peer_last_handshake_age_seconds", "gauge"));
        assertEquals(expectedTypes, e.types());
        assertEquals(expectedTypes.keySet(), e.helps().keySet());
        e.helps().forEach((name, help) -> assertTrue(!help.isBlank(), "HELP of " + name));
        // Nothing else: no JVM or process metrics, and no series beyond those checked below.
        assertEquals(expectedTypes.keySet(), names(e));

        assertEquals(1, e.value("jtun_info", "version", "1.2.3"));
        assertEquals(2, e.value("jtun_interface_peers", "interface", "wg0"));
        assertEquals(7, e.value("jtun_interface_dropped_packets_total", "interface", "wg0", "reason", "no_route"));
        assertEquals(1, e.value("jtun_interface_dropped_packets_total", "interface", "wg0", "reason", "unknown_source"));
        assertEquals(0, e.value("jtun_interface_cookie_replies_sent_total", "interface", "wg0"));

        String[] a = {"interface", "wg0", "peer", KEY_A};
        assertEquals(1000, e.value("jtun_peer_receive_bytes_total", a));
        assertEquals(2000, e.value("jtun_peer_transmit_bytes_total", a));
        assertEquals(10, e.value("jtun_peer_receive_packets_total", a));
        assertEquals(20, e.value("jtun_peer_transmit_packets_total", a));
        assertEquals(5, e.value("jtun_peer_handshake_attempts_total", a));
        assertEquals(1, e.value("jtun_peer_handshake_failures_total", a));
        assertEquals(T0, e.value("jtun_peer_last_handshake_seconds", a));
        assertEquals(42, e.value("jtun_peer_last_handshake_age_seconds", a));
        assertEquals(3, e.value("jtun_peer_dropped_packets_total", "interface", "wg0", "peer", KEY_A, "reason", "replayed"));
        assertEquals(4, e.value("jtun_peer_dropped_packets_total",
                "interface", "wg0", "peer", KEY_A, "reason", "source_not_allowed"));

        String[] b = {"interface", "wg0", "peer", LABEL_B};
        assertEquals(30_000_000_000L, e.value("jtun_peer_receive_bytes_total", b));
        assertEquals(0, e.value("jtun_peer_transmit_bytes_total", b));
        assertEquals(25_000_000, e.value("jtun_peer_receive_packets_total", b));
        assertEquals(0, e.value("jtun_peer_transmit_packets_total", b));
        assertEquals(2, e.value("jtun_peer_handshake_attempts_total", b));
        assertEquals(2, e.value("jtun_peer_handshake_failures_total", b));
        // Never handshaken: no handshake time, no age; no drops: no drop series.
        assertTrue(e.find("jtun_peer_last_handshake_seconds", b).isEmpty());
        assertTrue(e.find("jtun_peer_last_handshake_age_seconds", b).isEmpty());
        assertTrue(e.samples("jtun_peer_dropped_packets_total").stream().noneMatch(s -> LABEL_B.equals(s.labels().get("peer"))));

        // Every series accounted for: 1 info + 1 peers + 2 interface drops + 1 cookie replies + 2 x 6
        // per-peer counters + 2 drop series and 2 handshake gauges of peer A.
        assertEquals(1 + 1 + 2 + 1 + 12 + 2 + 2, e.samples().size(), response.body());
    }

    @Test
    void samplesTheSourceAtEachScrapeAndReportsItsChanges() throws Exception {
        source.set(twoPeers());
        server = MetricsServer.start(LOOPBACK_ANY_PORT, source, "1.2.3", clock);
        assertEquals(0, source.calls.get(), "no sampling before the first scrape");

        TextFormat.Exposition first = scrape();
        assertEquals(1, source.calls.get());
        String[] a = {"interface", "wg0", "peer", KEY_A};
        String[] b = {"interface", "wg0", "peer", LABEL_B};
        assertEquals(1000, first.value("jtun_peer_receive_bytes_total", a));

        // Traffic, a drop with a new reason, peer B's first handshake, a third peer, a second interface.
        source.set(List.of(
                new InterfaceSample("wg0", Map.of("no route", 9L, "handshake rate limited", 4L), List.of(
                        new PeerSample("wg0", KEY_A, 1500, 2600, 15, 26, OptionalLong.of(T0 + 100),
                                Map.of("replayed", 3L, "source not allowed", 6L, "failed authentication", 1L), 6, 1),
                        new PeerSample("wg0", LABEL_B, 30_000_000_100L, 50, 25_000_001, 1, OptionalLong.of(T0 + 130),
                                Map.of(), 3, 2),
                        new PeerSample("wg0", "peer-c", 0, 0, 0, 0, OptionalLong.empty(), Map.of(), 0, 0)), 77),
                new InterfaceSample("wg1", Map.of(), List.of())));
        clock.set(Instant.ofEpochSecond(T0 + 160));

        TextFormat.Exposition second = scrape();
        assertEquals(2, source.calls.get());
        assertEquals(1500, second.value("jtun_peer_receive_bytes_total", a));
        assertEquals(2600, second.value("jtun_peer_transmit_bytes_total", a));
        assertEquals(15, second.value("jtun_peer_receive_packets_total", a));
        assertEquals(26, second.value("jtun_peer_transmit_packets_total", a));
        assertEquals(6, second.value("jtun_peer_handshake_attempts_total", a));
        assertEquals(T0 + 100, second.value("jtun_peer_last_handshake_seconds", a));
        assertEquals(60, second.value("jtun_peer_last_handshake_age_seconds", a));
        assertEquals(6, second.value("jtun_peer_dropped_packets_total",
                "interface", "wg0", "peer", KEY_A, "reason", "source_not_allowed"));
        assertEquals(1, second.value("jtun_peer_dropped_packets_total",
                "interface", "wg0", "peer", KEY_A, "reason", "failed_authentication"));
        assertEquals(30_000_000_100L, second.value("jtun_peer_receive_bytes_total", b));
        assertEquals(T0 + 130, second.value("jtun_peer_last_handshake_seconds", b));
        assertEquals(30, second.value("jtun_peer_last_handshake_age_seconds", b));
        assertEquals(0, second.value("jtun_peer_receive_bytes_total", "interface", "wg0", "peer", "peer-c"));
        assertEquals(3, second.value("jtun_interface_peers", "interface", "wg0"));
        assertEquals(0, second.value("jtun_interface_peers", "interface", "wg1"));
        assertEquals(9, second.value("jtun_interface_dropped_packets_total", "interface", "wg0", "reason", "no_route"));
        assertEquals(4, second.value("jtun_interface_dropped_packets_total", "interface", "wg0", "reason",
                "handshake_rate_limited"));
        assertEquals(77, second.value("jtun_interface_cookie_replies_sent_total", "interface", "wg0"));
        assertEquals(0, second.value("jtun_interface_cookie_replies_sent_total", "interface", "wg1"));
        assertTrue(second.find("jtun_interface_dropped_packets_total",
                "interface", "wg0", "reason", "unknown_source").isEmpty());

        // Everything goes away with the interfaces; jtun_info stays.
        source.set(List.of());
        TextFormat.Exposition third = scrape();
        assertEquals(3, source.calls.get());
        assertEquals(Set.of("jtun_info"), names(third));
        assertEquals(1, third.samples().size());
    }

    @Test
    void escapesLabelValuesAndMergesReasonsThatMeanTheSame() throws Exception {
        String odd = "we\"ird\\peer\nname";
        source.set(List.of(new InterfaceSample("tun0", Map.of("Source Not Allowed", 2L, "source-not-allowed", 3L),
                List.of(new PeerSample("tun0", odd, 1, 2, 3, 4, OptionalLong.empty(), Map.of("", 5L), 0, 0)))));
        server = MetricsServer.start(LOOPBACK_ANY_PORT, source, "v\"1", clock);

        TextFormat.Exposition e = scrape();
        assertEquals(1, e.value("jtun_info", "version", "v\"1"));
        assertEquals(1, e.value("jtun_peer_receive_bytes_total", "interface", "tun0", "peer", odd));
        assertEquals(5, e.value("jtun_peer_dropped_packets_total", "interface", "tun0", "peer", odd, "reason", "unknown"));
        assertEquals(5, e.value("jtun_interface_dropped_packets_total",
                "interface", "tun0", "reason", "source_not_allowed"));
    }

    @Test
    void aRepeatedInterfaceOrPeerDoesNotBreakTheScrape() throws Exception {
        source.set(List.of(
                new InterfaceSample("wg0", Map.of(), List.of(
                        peer("wg0", "p", 1), peer("wg0", "p", 2))),
                new InterfaceSample("wg0", Map.of(), List.of(peer("wg0", "q", 3)))));
        server = MetricsServer.start(LOOPBACK_ANY_PORT, source, "1", clock);

        TextFormat.Exposition e = scrape();
        assertEquals(1, e.value("jtun_peer_receive_bytes_total", "interface", "wg0", "peer", "p"));
        assertTrue(e.find("jtun_peer_receive_bytes_total", "interface", "wg0", "peer", "q").isEmpty());
    }

    @Test
    void aFailingSourceFailsTheScrapeOnlyAndTheServerGoesOn() throws Exception {
        server = MetricsServer.start(LOOPBACK_ANY_PORT, () -> {
            if (source.calls.get() == 0) {
                source.calls.incrementAndGet();
                throw new IllegalStateException("device gone");
            }
            return source.sample();
        }, "1", clock);
        source.set(twoPeers());

        HttpResponse<String> failed = get(server.url());
        assertEquals(500, failed.statusCode());
        // One line saying why, and no stack trace for whoever scrapes.
        assertTrue(failed.body().contains("cannot read the interfaces' counters: java.lang.IllegalStateException: device gone"),
                failed.body());
        assertEquals(1, failed.body().strip().lines().count(), failed.body());
        TextFormat.Exposition e = scrape();
        assertEquals(1000, e.value("jtun_peer_receive_bytes_total", "interface", "wg0", "peer", KEY_A));
    }

    @Test
    void aSecondServerOnTheSamePortIsBusyAndCloseFreesThePort() throws Exception {
        source.set(twoPeers());
        server = MetricsServer.start(LOOPBACK_ANY_PORT, source, "1", clock);
        int port = server.port();
        assertTrue(port > 0);
        assertEquals(new InetSocketAddress(InetAddress.ofLiteral("127.0.0.1"), port), server.address());
        assertEquals("http://127.0.0.1:" + port + "/metrics", server.url());

        InetSocketAddress taken = new InetSocketAddress(InetAddress.ofLiteral("127.0.0.1"), port);
        JtunException busy = assertThrows(JtunException.class, () -> MetricsServer.start(taken, source));
        assertEquals(ExitCode.BUSY, busy.exitCode());
        assertEquals("metrics address 127.0.0.1:" + port + " is in use: choose another --metrics address",
                busy.getMessage());
        // The first server is unharmed.
        assertEquals(1000, scrape().value("jtun_peer_receive_bytes_total", "interface", "wg0", "peer", KEY_A));

        server.close();
        server.close(); // a second close is harmless
        assertThrows(ConnectException.class, () -> get("http://127.0.0.1:" + port + "/metrics"));

        server = MetricsServer.start(taken, source, "2", clock);
        assertEquals(port, server.port());
        assertEquals(1, scrape().value("jtun_info", "version", "2"));
    }

    @Test
    void answersTheHealthCheck() throws Exception {
        server = MetricsServer.start(LOOPBACK_ANY_PORT, source, "1", clock);
        HttpResponse<String> response = get("http://127.0.0.1:" + server.port() + "/-/healthy");
        assertEquals(200, response.statusCode());
        assertEquals(0, source.calls.get());
    }

    @Test
    void theVersionDefaultsToTheManifests() throws Exception {
        server = MetricsServer.start(LOOPBACK_ANY_PORT, source);
        String expected = String.valueOf(MetricsServer.class.getPackage().getImplementationVersion());
        assertEquals(1, scrape().value("jtun_info", "version", expected.equals("null") ? "unknown" : expected));
    }

    @Test
    void anUnresolvedAddressIsAUsageError() {
        JtunException e = assertThrows(JtunException.class,
                () -> MetricsServer.start(InetSocketAddress.createUnresolved("no-such-host.invalid", 9586), source));
        assertEquals(ExitCode.USAGE, e.exitCode());
        assertEquals("metrics address no-such-host.invalid:9586 does not resolve to an address: "
                + "give an IP address, e.g. 127.0.0.1:9586", e.getMessage());
    }

    @Test
    void theDefaultAddressIsLoopback() {
        assertEquals("127.0.0.1", MetricsServer.DEFAULT_ADDRESS.getAddress().getHostAddress());
        assertEquals(9586, MetricsServer.DEFAULT_ADDRESS.getPort());
        assertEquals(MetricsServer.DEFAULT_PORT, MetricsServer.DEFAULT_ADDRESS.getPort());
    }

    private TextFormat.Exposition scrape() throws IOException, InterruptedException {
        HttpResponse<String> response = get(server.url());
        assertEquals(200, response.statusCode(), response.body());
        return TextFormat.parse(response.body());
    }

    private HttpResponse<String> get(String url) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static Set<String> names(TextFormat.Exposition e) {
        return e.samples().stream().map(TextFormat.Sample::name).collect(Collectors.toCollection(TreeSet::new));
    }

    private static List<InterfaceSample> twoPeers() {
        return List.of(new InterfaceSample("wg0", Map.of("no route", 7L, "unknown source", 1L), List.of(
                new PeerSample("wg0", KEY_A, 1000, 2000, 10, 20, OptionalLong.of(T0),
                        Map.of("replayed", 3L, "source not allowed", 4L), 5, 1),
                new PeerSample("wg0", LABEL_B, 30_000_000_000L, 0, 25_000_000, 0, OptionalLong.empty(),
                        Map.of(), 2, 2))));
    }

    private static PeerSample peer(String iface, String name, long rxBytes) {
        return new PeerSample(iface, name, rxBytes, 0, 0, 0, OptionalLong.empty(), Map.of(), 0, 0);
    }

    /** A source the test changes between scrapes; counts how often it is sampled. */
    private static final class FakeSource implements MetricsSource {
        final AtomicInteger calls = new AtomicInteger();
        private volatile List<InterfaceSample> interfaces = List.of();

        void set(List<InterfaceSample> interfaces) {
            this.interfaces = interfaces;
        }

        @Override
        public List<InterfaceSample> sample() {
            calls.incrementAndGet();
            return interfaces;
        }
    }

    private static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void set(Instant now) {
            this.now = now;
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }
}
