package io.jtun.config;

import io.jtun.ExitCode;
import io.jtun.JtunException;
import io.jtun.net.IpPrefix;
import java.util.Locale;
import java.util.Objects;

/**
 * A peer's {@code Endpoint} as written: a host and a port. The host is an IPv4 address, an IPv6
 * address (written in brackets, stored without them) or a host name, which is kept as text: the
 * parser never resolves names, so reading a configuration never waits for DNS.
 *
 * <p>IP addresses are stored in canonical form (RFC 5952 for IPv6), so two spellings of one
 * address compare equal. Port 0 means "no port given", which only Encapsulation = ipip accepts.
 *
 * @param host an IP address in canonical form or a host name; never empty, never bracketed
 * @param port 1-65535, or 0 when none was given
 */
public record EndpointSpec(String host, int port) {
    private static final int MAX_HOST_NAME = 253;
    private static final int MAX_LABEL = 63;

    public EndpointSpec {
        Objects.requireNonNull(host, "host");
        if (host.isEmpty()) {
            throw new IllegalArgumentException("empty host");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is out of range 0-65535");
        }
    }

    /**
     * Parses "host:port", "[v6]:port" or "name:port".
     *
     * @throws JtunException with {@link ExitCode#USAGE} and a message starting "Endpoint '...'"
     */
    public static EndpointSpec parse(String text) {
        return parse(text, true);
    }

    /**
     * Parses an endpoint; when {@code portRequired} is false a bare host ("198.18.0.2",
     * "[fd00::2]", "peer.example") is accepted and gets port 0.
     *
     * @throws JtunException with {@link ExitCode#USAGE} and a message starting "Endpoint '...'"
     */
    public static EndpointSpec parse(String text, boolean portRequired) {
        Objects.requireNonNull(text, "text");
        String t = text.strip();
        if (t.isEmpty()) {
            throw bad("Endpoint is empty: write host:port, e.g. 198.18.0.2:51820 or [fd00::2]:51820");
        }
        String host;
        String portText;
        if (t.charAt(0) == '[') {
            int close = t.indexOf(']');
            if (close < 0) {
                throw bad("Endpoint '" + t + "' has no closing ']': write an IPv6 endpoint like [fd00::2]:51820");
            }
            String inside = t.substring(1, close).strip();
            host = ipv6Literal(inside);
            if (host == null) {
                throw bad("Endpoint '" + t + "' has '" + inside + "' in brackets, which is not an IPv6 address: "
                        + "brackets are only for IPv6, as in [fd00::2]:51820");
            }
            String rest = t.substring(close + 1);
            if (rest.isEmpty()) {
                portText = null;
            } else if (rest.charAt(0) == ':') {
                portText = rest.substring(1);
            } else {
                throw bad("Endpoint '" + t + "' has '" + rest + "' after ']': write it like [fd00::2]:51820");
            }
        } else {
            int colon = t.indexOf(':');
            if (colon >= 0 && t.indexOf(':', colon + 1) >= 0) {
                throw bad("Endpoint '" + t + "' looks like an IPv6 address without brackets: "
                        + "put the address in brackets, as in [fd00::2]:51820");
            }
            host = colon < 0 ? t : t.substring(0, colon).strip();
            portText = colon < 0 ? null : t.substring(colon + 1);
            if (host.isEmpty()) {
                throw bad("Endpoint '" + t + "' has no host: write host:port, e.g. 198.18.0.2:51820");
            }
            host = hostOrNull(host, t);
        }
        int port = 0;
        if (portText == null) {
            if (portRequired) {
                throw missingPort(t);
            }
        } else {
            port = port(portText.strip(), t);
        }
        return new EndpointSpec(host, port);
    }

    /** The message for an endpoint that needs a port and has none. */
    static String missingPortMessage(String text) {
        String host = text.endsWith(":") ? text.substring(0, text.length() - 1) : text;
        return "Endpoint '" + text + "' has no port: write host:port, e.g. " + host + ":51820";
    }

    private static JtunException missingPort(String text) {
        return bad(missingPortMessage(text));
    }

    private static int port(String portText, String text) {
        if (portText.isEmpty()) {
            throw missingPort(text);
        }
        for (int i = 0; i < portText.length(); i++) {
            char c = portText.charAt(i);
            if (c < '0' || c > '9') {
                throw bad("Endpoint '" + text + "' has port '" + portText
                        + "', which is not a number: use a port from 1 to 65535");
            }
        }
        int port = portText.length() > 5 ? Integer.MAX_VALUE : Integer.parseInt(portText);
        if (port < 1 || port > 65535) {
            throw bad("Endpoint '" + text + "' has port " + portText
                    + ", which is out of range: use a port from 1 to 65535");
        }
        return port;
    }

    /** The canonical text of an IPv6 address (no prefix length), or null. */
    private static String ipv6Literal(String text) {
        if (text.indexOf(':') < 0 || text.indexOf('/') >= 0) {
            return null;
        }
        try {
            return IpPrefix.parse(text).addressText();
        } catch (JtunException e) {
            return null;
        }
    }

    /**
     * The host in canonical form: text made of digits and dots must be a dotted-quad IPv4
     * address; anything else must be a DNS name (letters, digits, '-', '_', dot-separated labels).
     */
    private static String hostOrNull(String host, String text) {
        boolean digitsAndDots = true;
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if ((c < '0' || c > '9') && c != '.') {
                digitsAndDots = false;
                break;
            }
        }
        if (digitsAndDots) {
            try {
                if (host.indexOf('/') < 0) {
                    return IpPrefix.parse(host).addressText();
                }
            } catch (JtunException e) {
                // reported below
            }
            throw bad("Endpoint '" + text + "' has '" + host + "', which is not an IPv4 address: "
                    + "write four numbers 0-255, e.g. 198.18.0.2:51820");
        }
        if (!validHostName(host)) {
            throw bad("Endpoint '" + text + "' has '" + host + "', which is not a valid host name: "
                    + "use an IP address or a DNS name such as vpn.example.com");
        }
        return host;
    }

    private static boolean validHostName(String host) {
        String name = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        if (name.isEmpty() || name.length() > MAX_HOST_NAME) {
            return false;
        }
        for (String label : name.split("\\.", -1)) {
            if (label.isEmpty() || label.length() > MAX_LABEL || label.startsWith("-") || label.endsWith("-")) {
                return false;
            }
            for (int i = 0; i < label.length(); i++) {
                char c = label.charAt(i);
                boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                        || c == '-' || c == '_';
                if (!ok) {
                    return false;
                }
            }
        }
        return true;
    }

    private static JtunException bad(String message) {
        return new JtunException(ExitCode.USAGE, message);
    }

    /** True when a port was given (always, unless parsed with the port optional). */
    public boolean hasPort() {
        return port != 0;
    }

    /** True when the host is an IPv6 address. */
    public boolean isIpv6() {
        return host.indexOf(':') >= 0;
    }

    /**
     * A key under which two endpoints naming the same place are equal: host names compare
     * case-insensitively; with {@code withPort} false only the host counts (IP-in-IP has no ports).
     */
    String identity(boolean withPort) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        return withPort ? h + "|" + port : h;
    }

    /** "host:port", "[v6]:port", or without ":port" when none was given. */
    @Override
    public String toString() {
        String h = isIpv6() ? "[" + host + "]" : host;
        return port == 0 ? h : h + ":" + port;
    }
}
