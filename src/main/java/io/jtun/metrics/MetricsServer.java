package io.jtun.metrics;

import io.jtun.ExitCode;
import io.jtun.JtunException;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The opt-in Prometheus endpoint: an HTTP server (the Prometheus Java client's) that answers
 * {@code GET /metrics} with the {@code jtun_*} metrics of a {@link MetricsSource}, sampled at scrape
 * time. It also answers {@code /-/healthy}. Its threads are daemon threads; {@link #close()} stops it
 * and frees the port.
 *
 * <p>The endpoint has no authentication. Bind it to loopback ({@link #DEFAULT_ADDRESS}) unless the
 * scraper is elsewhere: binding to {@code 0.0.0.0} exposes every peer's public key and traffic
 * counters to whoever can reach the port.
 */
public final class MetricsServer implements AutoCloseable {
    /** The suggested port (in the range Prometheus exporters use; not taken by a well-known one). */
    public static final int DEFAULT_PORT = 9586;
    /** The suggested address: loopback only, {@code 127.0.0.1:9586}. */
    public static final InetSocketAddress DEFAULT_ADDRESS =
            new InetSocketAddress(InetAddress.ofLiteral("127.0.0.1"), DEFAULT_PORT);

    private final HTTPServer http;
    private final InetSocketAddress address;
    private final AtomicBoolean closed = new AtomicBoolean();

    private MetricsServer(HTTPServer http, InetSocketAddress address) {
        this.http = http;
        this.address = address;
    }

    /**
     * Serves {@code source}'s metrics on {@code bind} (port 0 picks a free port: see {@link #port()}).
     * {@code jtun_info} reports the version in the jar's manifest, or {@code unknown}.
     *
     * @throws JtunException BUSY if the address is in use; NOT_FOUND if it is not one of this host's;
     *                       NO_PERMISSION if the port needs privileges; USAGE if it is unresolved
     */
    public static MetricsServer start(InetSocketAddress bind, MetricsSource source) {
        return start(bind, source, defaultVersion());
    }

    /** As {@link #start(InetSocketAddress, MetricsSource)}, with the version {@code jtun_info} reports. */
    public static MetricsServer start(InetSocketAddress bind, MetricsSource source, String version) {
        return start(bind, source, version, Clock.systemUTC());
    }

    static MetricsServer start(InetSocketAddress bind, MetricsSource source, String version, Clock clock) {
        Objects.requireNonNull(bind, "bind");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(clock, "clock");
        if (bind.isUnresolved()) {
            throw new JtunException(ExitCode.USAGE, "metrics address " + format(bind)
                    + " does not resolve to an address: give an IP address, e.g. " + format(DEFAULT_ADDRESS));
        }
        PrometheusRegistry registry = new PrometheusRegistry();
        Info info = Info.builder()
                .name("jtun_info")
                .help("The running jtun; always 1.")
                .labelNames("version")
                .register(registry);
        info.setLabelValues(version);
        registry.register(new JtunCollector(source, clock));
        HTTPServer http;
        try {
            http = HTTPServer.builder()
                    .inetAddress(bind.getAddress())
                    .port(bind.getPort())
                    .registry(registry)
                    .buildAndStart();
        } catch (BindException e) {
            throw bindFailure(bind, e);
        } catch (IOException e) {
            throw new JtunException(ExitCode.FAILURE,
                    "cannot serve metrics on " + format(bind) + ": " + e.getMessage(), e);
        }
        return new MetricsServer(http, new InetSocketAddress(bind.getAddress(), http.getPort()));
    }

    /** The port the server listens on (the one picked, if it was started with port 0). */
    public int port() {
        return http.getPort();
    }

    /** The address the server listens on, with its actual port. */
    public InetSocketAddress address() {
        return address;
    }

    /** Where to scrape, e.g. {@code http://127.0.0.1:9586/metrics}. */
    public String url() {
        return "http://" + format(address) + "/metrics";
    }

    /** Stops serving and frees the port; calling it again does nothing. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            http.close();
        }
    }

    @Override
    public String toString() {
        return "metrics on " + url();
    }

    /**
     * Parses a {@code --metrics} value: {@code HOST:PORT}, {@code [IPV6]:PORT}, or a bare {@code PORT}
     * (on 127.0.0.1). A host name is resolved.
     *
     * @throws JtunException USAGE if the value is malformed or the host does not resolve
     */
    public static InetSocketAddress parseAddress(String spec) {
        String value = spec == null ? "" : spec.strip();
        String host;
        String port;
        if (value.startsWith("[")) {
            int end = value.indexOf("]:");
            if (end < 0) {
                throw badAddress(value);
            }
            host = value.substring(1, end);
            port = value.substring(end + 2);
        } else {
            int colon = value.lastIndexOf(':');
            if (colon < 0) {
                host = "127.0.0.1";
                port = value;
            } else if (value.indexOf(':') != colon) {
                throw new JtunException(ExitCode.USAGE, "bad metrics address '" + value
                        + "': put an IPv6 address in brackets, e.g. [::1]:" + DEFAULT_PORT);
            } else {
                host = value.substring(0, colon);
                port = value.substring(colon + 1);
            }
        }
        if (host.isEmpty() || port.isEmpty() || !port.chars().allMatch(c -> c >= '0' && c <= '9')
                || port.length() > 5) {
            throw badAddress(value);
        }
        int number = Integer.parseInt(port);
        if (number < 1 || number > 65535) {
            throw new JtunException(ExitCode.USAGE,
                    "bad metrics address '" + value + "': the port must be 1 to 65535");
        }
        InetSocketAddress address = new InetSocketAddress(host, number);
        if (address.isUnresolved()) {
            throw new JtunException(ExitCode.USAGE,
                    "bad metrics address '" + value + "': cannot resolve '" + host + "'");
        }
        return address;
    }

    /** {@code 127.0.0.1:9586}, {@code [::1]:9586}. */
    static String format(InetSocketAddress address) {
        String host = address.getAddress() != null ? address.getAddress().getHostAddress() : address.getHostString();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    /** The JDK reports bind(2) errors as a BindException whose message is strerror's. */
    static JtunException bindFailure(InetSocketAddress bind, BindException e) {
        String reason = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        String where = "metrics address " + format(bind);
        if (reason.contains("in use")) {
            return new JtunException(ExitCode.BUSY, where + " is in use: choose another --metrics address", e);
        }
        if (reason.contains("assign requested address")) {
            return new JtunException(ExitCode.NOT_FOUND,
                    where + " is not an address of this host: choose another --metrics address", e);
        }
        if (reason.contains("permission denied") || reason.contains("access")) {
            return new JtunException(ExitCode.NO_PERMISSION,
                    where + " needs privileges to bind: choose a port of 1024 or above", e);
        }
        return new JtunException(ExitCode.FAILURE, "cannot bind " + where + ": " + e.getMessage(), e);
    }

    private static JtunException badAddress(String value) {
        return new JtunException(ExitCode.USAGE, "bad metrics address '" + value
                + "': expected HOST:PORT or PORT, e.g. " + format(DEFAULT_ADDRESS));
    }

    private static String defaultVersion() {
        String version = MetricsServer.class.getPackage().getImplementationVersion();
        return version == null ? "unknown" : version;
    }
}
