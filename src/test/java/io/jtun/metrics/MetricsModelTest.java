package io.jtun.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jtun.ExitCode;
import io.jtun.JtunException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class MetricsModelTest {
    @Test
    void reasonsBecomeLabelValues() {
        assertEquals("replayed", JtunCollector.reasonLabel("replayed"));
        assertEquals("source_not_allowed", JtunCollector.reasonLabel("source not allowed"));
        assertEquals("failed_authentication", JtunCollector.reasonLabel("  Failed -- Authentication! "));
        assertEquals("no_route", JtunCollector.reasonLabel("no_route"));
        assertEquals("ipv6_2", JtunCollector.reasonLabel("IPv6/2"));
        assertEquals("unknown", JtunCollector.reasonLabel(""));
        assertEquals("unknown", JtunCollector.reasonLabel(" - "));
    }

    @Test
    void reasonsThatBecomeTheSameValueAreAddedUp() {
        assertEquals(Map.of("no_route", 5L, "replayed", 1L),
                JtunCollector.reasons(Map.of("no route", 2L, "No-Route", 3L, "replayed", 1L)));
    }

    @Test
    void samplesAreImmutableCopies() {
        Map<String, Long> drops = new HashMap<>(Map.of("replayed", 1L));
        PeerSample peer = new PeerSample("wg0", "p", 0, 0, 0, 0, OptionalLong.empty(), drops, 0, 0);
        drops.put("malformed", 2L);
        assertEquals(Map.of("replayed", 1L), peer.dropsByReason());
        assertThrows(UnsupportedOperationException.class, () -> peer.dropsByReason().put("x", 1L));
    }

    @Test
    void aPeerMustBelongToItsInterface() {
        PeerSample peer = new PeerSample("wg1", "p", 0, 0, 0, 0, OptionalLong.empty(), Map.of(), 0, 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new InterfaceSample("wg0", Map.of(), List.of(peer)));
        assertEquals("peer p belongs to interface wg1, not wg0", e.getMessage());
    }

    @Test
    void parsesMetricsAddresses() {
        assertEquals(new InetSocketAddress(InetAddress.ofLiteral("127.0.0.1"), 9586),
                MetricsServer.parseAddress("127.0.0.1:9586"));
        assertEquals(new InetSocketAddress(InetAddress.ofLiteral("127.0.0.1"), 9100),
                MetricsServer.parseAddress("9100"));
        assertEquals(new InetSocketAddress(InetAddress.ofLiteral("0.0.0.0"), 9586),
                MetricsServer.parseAddress(" 0.0.0.0:9586 "));
        assertEquals(new InetSocketAddress(InetAddress.ofLiteral("::1"), 9586),
                MetricsServer.parseAddress("[::1]:9586"));
        assertEquals(9586, MetricsServer.parseAddress("localhost:9586").getPort());
    }

    @Test
    void rejectsBadMetricsAddresses() {
        for (String bad : List.of("", "host:", ":9586", "127.0.0.1:http", "[::1]9586", "127.0.0.1:123456")) {
            JtunException e = assertThrows(JtunException.class, () -> MetricsServer.parseAddress(bad), bad);
            assertEquals(ExitCode.USAGE, e.exitCode(), bad);
            assertEquals("bad metrics address '" + bad + "': expected HOST:PORT or PORT, e.g. 127.0.0.1:9586",
                    e.getMessage());
        }
        assertEquals("bad metrics address '127.0.0.1:0': the port must be 1 to 65535",
                assertThrows(JtunException.class, () -> MetricsServer.parseAddress("127.0.0.1:0")).getMessage());
        assertEquals("bad metrics address '::1:9586': put an IPv6 address in brackets, e.g. [::1]:9586",
                assertThrows(JtunException.class, () -> MetricsServer.parseAddress("::1:9586")).getMessage());
        assertEquals("bad metrics address 'no-such-host.invalid:9586': cannot resolve 'no-such-host.invalid'",
                assertThrows(JtunException.class, () -> MetricsServer.parseAddress("no-such-host.invalid:9586"))
                        .getMessage());
    }

    @Test
    void bindErrorsSayWhatToDo() {
        InetSocketAddress v4 = new InetSocketAddress(InetAddress.ofLiteral("192.0.2.1"), 9586);
        InetSocketAddress v6 = new InetSocketAddress(InetAddress.ofLiteral("::1"), 80);

        JtunException busy = MetricsServer.bindFailure(v4, new BindException("Address already in use"));
        assertEquals(ExitCode.BUSY, busy.exitCode());
        assertEquals("metrics address 192.0.2.1:9586 is in use: choose another --metrics address", busy.getMessage());

        JtunException notHere = MetricsServer.bindFailure(v4, new BindException("Cannot assign requested address"));
        assertEquals(ExitCode.NOT_FOUND, notHere.exitCode());
        assertEquals("metrics address 192.0.2.1:9586 is not an address of this host: choose another --metrics address",
                notHere.getMessage());

        JtunException denied = MetricsServer.bindFailure(v6, new BindException("Permission denied"));
        assertEquals(ExitCode.NO_PERMISSION, denied.exitCode());
        assertEquals("metrics address [0:0:0:0:0:0:0:1]:80 needs privileges to bind: choose a port of 1024 or above",
                denied.getMessage());

        JtunException other = MetricsServer.bindFailure(v4, new BindException("Something odd"));
        assertEquals(ExitCode.FAILURE, other.exitCode());
        assertEquals("cannot bind metrics address 192.0.2.1:9586: Something odd", other.getMessage());
    }
}
