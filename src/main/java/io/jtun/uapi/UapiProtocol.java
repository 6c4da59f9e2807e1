package io.jtun.uapi;

import io.jtun.JtunException;
import io.jtun.config.Key;
import io.jtun.config.Secret;
import io.jtun.net.IpPrefix;
import io.jtun.sys.Errno;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;

/**
 * WireGuard's cross-platform configuration protocol (https://www.wireguard.com/xplatform/), as
 * wireguard-go speaks it and {@code wg} expects it, without I/O: text in, records out and back.
 *
 * <p>A client sends {@code get=1\n\n}, or {@code set=1\n} followed by {@code key=value} lines
 * and a blank line. The answer to a get is the device's {@code key=value} lines, then
 * {@code errno=0} and a blank line; the answer to a set is {@code errno=N} and a blank line,
 * where N is 0 or a <em>negated</em> errno.h value ({@code errno=-22} for EINVAL):
 * wireguard-go writes it so, and {@code wg} turns it back into a positive errno for perror;
 * a positive number would make {@code wg} print "Unknown error -22".
 *
 * <p>Set requests are validated as wireguard-go validates them, with the same errno: a line
 * without '=' is EPROTO; an unknown key, a key in the wrong section (a peer key before any
 * {@code public_key}, a device key after one), bad hex (anything but 64 hex digits, either
 * case), a number that is not plain decimal in range, a flag whose value is not exactly
 * {@code true}, {@code protocol_version} other than {@code 1}, an endpoint that is not an IP
 * literal with port, and an allowed IP that is not {@code address/bits} are EINVAL.
 * Unlike wireguard-go, which applies each line as it reads it, the whole request is checked
 * before the device sees any of it, so a bad line changes nothing.
 */
public final class UapiProtocol {
    /** What a client sends to ask for the device state: the operation line and a blank line. */
    public static final String GET_REQUEST = "get=1\n\n";
    /** The operation line of a set request; the {@link #formatSet body} follows. */
    public static final String SET_OPERATION = "set=1\n";
    /** Protocol error (a line without '='), as on Linux. Missing from {@link Errno}. */
    public static final int EPROTO = 71;
    /** wireguard-go's "other UAPI error" (IpcErrorUnknown), for failures that are bugs. */
    public static final int ENOANO = 55;

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private UapiProtocol() {
    }

    // ---- set: parse ----------------------------------------------------------------------------

    /**
     * Parses the body of a set request: the lines after {@code set=1}, up to the blank line
     * that ends it (which may be left out). Lines end in "\n"; a "\r" before it is dropped, as
     * Go's line scanner drops it.
     *
     * @throws UapiException EPROTO or EINVAL as wireguard-go would answer
     * @throws IllegalArgumentException if text follows the blank line (that is a second request)
     */
    public static SetRequest parseSet(String body) throws UapiException {
        List<String> lines = new ArrayList<>();
        int start = 0;
        while (start < body.length()) {
            int newline = body.indexOf('\n', start);
            int end = newline < 0 ? body.length() : newline;
            String line = stripCr(body.substring(start, end));
            start = end + 1;
            if (line.isEmpty()) {
                if (start < body.length()) {
                    throw new IllegalArgumentException("text after the blank line that ends the request");
                }
                break;
            }
            lines.add(line);
        }
        return parseSet(lines);
    }

    /**
     * Parses the lines of a set request's body, without their line ends, without the blank
     * line that ends it: an empty line is taken as that end and must be the last.
     *
     * @throws UapiException EPROTO or EINVAL as wireguard-go would answer
     */
    public static SetRequest parseSet(List<String> lines) throws UapiException {
        SetParser parser = new SetParser();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isEmpty()) {
                if (i != lines.size() - 1) {
                    throw new IllegalArgumentException("lines after the blank line that ends the request");
                }
                break;
            }
            parser.line(line);
        }
        return parser.finish();
    }

    static String stripCr(String line) {
        return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    }

    /**
     * Parses one set request a line at a time, so a server need not hold the raw text; peer
     * lines accumulate in {@link PeerBuilder}.
     */
    static final class SetParser {
        private int number;
        private Secret privateKey;
        private OptionalInt listenPort = OptionalInt.empty();
        private OptionalInt fwMark = OptionalInt.empty();
        private boolean replacePeers;
        private final List<PeerChange> peers = new ArrayList<>();
        private PeerBuilder peer;

        /** One non-empty line, without its line end. */
        void line(String line) throws UapiException {
            int number = ++this.number;
            int eq = line.indexOf('=');
            if (eq < 0) {
                // The line is not echoed: it could be a pasted key.
                throw new UapiException(EPROTO, "line " + number + " of the set request has no '='");
            }
            String key = line.substring(0, eq);
            String value = line.substring(eq + 1);
            if (key.equals("public_key")) {
                finishPeer();
                peer = new PeerBuilder(Key.of(hexKey(number, key, value)));
            } else if (peer == null) {
                deviceLine(number, key, value);
            } else {
                peer.line(number, key, value);
            }
        }

        private void deviceLine(int number, String key, String value) throws UapiException {
            switch (key) {
                case "private_key" -> {
                    byte[] bytes = hexKey(number, key, value);
                    if (!allZero(bytes)) {
                        clamp(bytes);
                    }
                    privateKey = Secret.of(bytes);
                    Arrays.fill(bytes, (byte) 0);
                }
                case "listen_port" -> listenPort = OptionalInt.of((int) unsigned(number, key, value, 0xffffL));
                case "fwmark" -> fwMark = OptionalInt.of((int) unsigned(number, key, value, 0xffff_ffffL));
                case "replace_peers" -> replacePeers = flag(number, key, value);
                default -> throw new UapiException(Errno.EINVAL, "line " + number + ": invalid UAPI device key "
                        + quote(key) + (PEER_KEYS.contains(key) ? " (a peer key before any public_key)" : ""));
            }
        }

        private void finishPeer() {
            if (peer != null) {
                peers.add(peer.build());
                peer = null;
            }
        }

        SetRequest finish() {
            finishPeer();
            return new SetRequest(privateKey, listenPort, fwMark, replacePeers, peers);
        }
    }

    private static final List<String> PEER_KEYS = List.of("update_only", "remove", "preshared_key", "endpoint",
            "persistent_keepalive_interval", "replace_allowed_ips", "allowed_ip", "protocol_version");
    private static final List<String> DEVICE_KEYS = List.of("private_key", "listen_port", "fwmark", "replace_peers");

    private static final class PeerBuilder {
        private final Key publicKey;
        private boolean remove;
        private boolean updateOnly;
        private Secret presharedKey;
        private String endpoint;
        private OptionalInt keepalive = OptionalInt.empty();
        private boolean replaceAllowedIps;
        private final List<AllowedIpChange> allowedIps = new ArrayList<>();

        PeerBuilder(Key publicKey) {
            this.publicKey = publicKey;
        }

        void line(int number, String key, String value) throws UapiException {
            switch (key) {
                case "update_only" -> updateOnly = flag(number, key, value);
                case "remove" -> remove = flag(number, key, value);
                case "preshared_key" -> {
                    byte[] bytes = hexKey(number, key, value);
                    presharedKey = Secret.of(bytes);
                    Arrays.fill(bytes, (byte) 0);
                }
                case "endpoint" -> {
                    if (!isValidEndpoint(value)) {
                        throw new UapiException(Errno.EINVAL, "line " + number + ": endpoint " + quote(value)
                                + " is not an IP address and port such as 192.0.2.1:51820 or [2001:db8::1]:51820");
                    }
                    endpoint = value;
                }
                case "persistent_keepalive_interval" -> keepalive = OptionalInt.of(
                        (int) unsigned(number, key, value, 0xffffL));
                case "replace_allowed_ips" -> {
                    flag(number, key, value);
                    replaceAllowedIps = true;
                    allowedIps.clear();
                }
                case "allowed_ip" -> {
                    AllowedIpChange change = parseAllowedIp(value, true);
                    if (change == null) {
                        throw new UapiException(Errno.EINVAL, "line " + number + ": allowed_ip " + quote(value)
                                + " is not an address/bits prefix such as 10.0.0.0/24 or fd00::/64");
                    }
                    allowedIps.add(change);
                }
                case "protocol_version" -> {
                    if (!value.equals("1")) {
                        throw new UapiException(Errno.EINVAL, "line " + number + ": invalid protocol version "
                                + quote(value) + "; only 1 exists");
                    }
                }
                default -> throw new UapiException(Errno.EINVAL, "line " + number + ": invalid UAPI peer key "
                        + quote(key) + (DEVICE_KEYS.contains(key) ? " (a device key after a public_key)" : ""));
            }
        }

        PeerChange build() {
            if (remove) {
                return PeerChange.removal(publicKey);
            }
            return new PeerChange(publicKey, false, updateOnly, presharedKey, endpoint, keepalive, replaceAllowedIps,
                    allowedIps);
        }
    }

    /** 64 hex digits of either case (Go's hex.DecodeString into 32 bytes). */
    private static byte[] hexKey(int number, String key, String value) throws UapiException {
        byte[] bytes = parseHexKey(value);
        if (bytes == null) {
            // The value is not echoed: it may be a secret.
            throw new UapiException(Errno.EINVAL, "line " + number + ": " + key + " is not 64 hex digits");
        }
        return bytes;
    }

    static byte[] parseHexKey(String value) {
        if (value.length() != 2 * Key.BYTES) {
            return null;
        }
        byte[] bytes = new byte[Key.BYTES];
        for (int i = 0; i < Key.BYTES; i++) {
            int high = hexDigit(value.charAt(2 * i));
            int low = hexDigit(value.charAt(2 * i + 1));
            if (high < 0 || low < 0) {
                Arrays.fill(bytes, (byte) 0);
                return null;
            }
            bytes[i] = (byte) (high << 4 | low);
        }
        return bytes;
    }

    private static int hexDigit(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    /** Go's strconv.ParseUint(value, 10, bits): ASCII digits only (leading zeros fine), in range. */
    private static long unsigned(int number, String key, String value, long max) throws UapiException {
        long parsed = parseUnsigned(value, max);
        if (parsed < 0) {
            throw new UapiException(Errno.EINVAL, "line " + number + ": " + key + " " + quote(value)
                    + " is not a decimal number 0-" + max);
        }
        return parsed;
    }

    /** The value if it is plain decimal no greater than {@code max} (at most 2^63-1), else -1. */
    static long parseUnsigned(String value, long max) {
        if (value.isEmpty()) {
            return -1;
        }
        long result = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            result = result * 10 + (c - '0');
            if (result > max) {
                return -1;
            }
        }
        return result;
    }

    private static boolean flag(int number, String key, String value) throws UapiException {
        if (!value.equals("true")) {
            throw new UapiException(Errno.EINVAL, "line " + number + ": " + key + " " + quote(value)
                    + " is invalid; the only value is true");
        }
        return true;
    }

    /** X25519 clamping, as wireguard-go applies it to every non-zero private key it is given. */
    private static void clamp(byte[] key) {
        key[0] &= (byte) 248;
        key[31] = (byte) ((key[31] & 127) | 64);
    }

    private static boolean allZero(byte[] bytes) {
        int or = 0;
        for (byte b : bytes) {
            or |= b;
        }
        return or == 0;
    }

    /**
     * A value for a log message: at most 64 characters, control and non-ASCII shown as '?', and
     * nothing from a secret key's name on: text that runs two lines together ("listen_port=1\0
     * private_key=...", as fuzzing found quoted) may hold a key where a number belongs.
     */
    static String quote(String value) {
        String lower = value.toLowerCase(Locale.ROOT);
        int secret = -1;
        for (String name : List.of("private_key", "preshared_key")) {
            int at = lower.indexOf(name);
            if (at >= 0 && (secret < 0 || at < secret)) {
                secret = at;
            }
        }
        int shown = Math.min(secret < 0 ? value.length() : secret, 64);
        StringBuilder text = new StringBuilder("'");
        for (int i = 0; i < shown; i++) {
            char c = value.charAt(i);
            text.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return text.append(shown < value.length() ? "...'" : "'").toString();
    }

    // ---- addresses -----------------------------------------------------------------------------

    /**
     * An IP literal as Go's netip.ParseAddr reads it, without a zone: a strict dotted quad or
     * RFC 4291 IPv6 text. Null if it is not one. Never consults DNS.
     */
    private static byte[] parseAddress(String text) {
        if (text.isEmpty()) {
            return null;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != ':' && c != '.' && hexDigit(c) < 0) {
                return null; // also keeps IpPrefix.parse from trimming spaces or reading a '/'
            }
        }
        try {
            return IpPrefix.parse(text).address();
        } catch (JtunException e) {
            return null;
        }
    }

    /**
     * An {@code allowed_ip} value as wireguard-go reads it (netip.ParsePrefix): address, '/',
     * decimal bits without leading zeros; with {@code mayRemove}, an optional leading '-'.
     */
    static AllowedIpChange parseAllowedIp(String value, boolean mayRemove) {
        boolean remove = mayRemove && value.startsWith("-");
        String text = remove ? value.substring(1) : value;
        int slash = text.lastIndexOf('/');
        if (slash < 0) {
            return null;
        }
        byte[] address = parseAddress(text.substring(0, slash));
        String bitsText = text.substring(slash + 1);
        if (address == null || bitsText.length() > 3 || (bitsText.length() > 1 && bitsText.charAt(0) == '0')) {
            return null;
        }
        long bits = parseUnsigned(bitsText, address.length * 8L);
        if (bits < 0) {
            return null;
        }
        return new AllowedIpChange(new IpPrefix(address, (int) bits), remove);
    }

    /** An endpoint split into its parts; see {@link #endpointParts}. */
    private record EndpointParts(byte[] address, String zone, int port) {
    }

    /**
     * An endpoint as Go's netip.ParseAddrPort reads it: IPv4 "a.b.c.d:port", IPv6 in brackets
     * "[addr]:port" or "[addr%zone]:port", port decimal 0-65535. Null if it is not one.
     */
    private static EndpointParts endpointParts(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            return null;
        }
        String host = text.substring(0, colon);
        long port = parseUnsigned(text.substring(colon + 1), 0xffff);
        if (port < 0) {
            return null;
        }
        boolean bracketed = host.charAt(0) == '[';
        if (bracketed) {
            if (host.length() < 2 || host.charAt(host.length() - 1) != ']') {
                return null;
            }
            host = host.substring(1, host.length() - 1);
        }
        String zone = null;
        int percent = host.indexOf('%');
        if (percent >= 0) {
            zone = host.substring(percent + 1);
            host = host.substring(0, percent);
            if (zone.isEmpty()) {
                return null;
            }
        }
        byte[] address = parseAddress(host);
        if (address == null || (address.length == 16) != bracketed || (zone != null && address.length != 16)) {
            return null; // brackets exactly for IPv6 (IPv4-mapped included); zones only there
        }
        return new EndpointParts(address, zone, (int) port);
    }

    /** True if {@code text} is an endpoint wireguard-go accepts (see {@link #parseEndpoint}). */
    public static boolean isValidEndpoint(String text) {
        return text != null && endpointParts(text) != null;
    }

    /**
     * An endpoint in the protocol's form as a socket address, without DNS: "192.0.2.1:51820",
     * "[2001:db8::1]:51820", "[fe80::1%eth0]:51820" (a zone is a scope number or an interface
     * name). An IPv4-mapped IPv6 address becomes the IPv4 address, as Java represents it.
     *
     * @throws UapiException EINVAL if it is not such an endpoint or the zone names no interface
     */
    public static InetSocketAddress parseEndpoint(String text) throws UapiException {
        EndpointParts parts = text == null ? null : endpointParts(text);
        if (parts == null) {
            throw new UapiException(Errno.EINVAL, "endpoint " + quote(String.valueOf(text))
                    + " is not an IP address and port such as 192.0.2.1:51820 or [2001:db8::1]:51820");
        }
        try {
            InetAddress address;
            if (parts.zone() == null) {
                address = InetAddress.getByAddress(parts.address());
            } else if (parseUnsigned(parts.zone(), Integer.MAX_VALUE) >= 0) {
                address = Inet6Address.getByAddress(null, parts.address(), Integer.parseInt(parts.zone()));
            } else {
                NetworkInterface nif = NetworkInterface.getByName(parts.zone());
                if (nif == null) {
                    throw new UapiException(Errno.EINVAL, "endpoint " + quote(text) + ": no interface named "
                            + quote(parts.zone()));
                }
                address = Inet6Address.getByAddress(null, parts.address(), nif);
            }
            return new InetSocketAddress(address, parts.port());
        } catch (UnknownHostException | SocketException e) {
            throw new UapiException(Errno.EINVAL, "endpoint " + quote(text) + ": " + e.getMessage(), e);
        }
    }

    /**
     * A socket address as wireguard-go prints an endpoint: "192.0.2.1:51820", IPv6 in RFC 5952
     * form in brackets with the zone (interface name, else scope number), "[fe80::1%eth0]:51820".
     *
     * @throws IllegalArgumentException if the address is unresolved
     */
    public static String formatEndpoint(InetSocketAddress endpoint) {
        InetAddress address = endpoint.getAddress();
        if (address == null) {
            throw new IllegalArgumentException("endpoint " + endpoint + " is not resolved");
        }
        if (address instanceof Inet4Address) {
            return new IpPrefix(address.getAddress(), 32).addressText() + ":" + endpoint.getPort();
        }
        Inet6Address v6 = (Inet6Address) address;
        String zone = "";
        if (v6.getScopedInterface() != null) {
            zone = "%" + v6.getScopedInterface().getName();
        } else if (v6.getScopeId() != 0) {
            zone = "%" + v6.getScopeId();
        }
        return "[" + new IpPrefix(v6.getAddress(), 128).addressText() + zone + "]:" + endpoint.getPort();
    }

    // ---- set: format ---------------------------------------------------------------------------

    /**
     * The body of a set request (without {@link #SET_OPERATION}, with the final blank line) in
     * the order wg writes it: private_key, listen_port, fwmark, replace_peers; per peer
     * public_key, then remove=true alone or update_only, preshared_key, endpoint,
     * persistent_keepalive_interval, replace_allowed_ips, allowed_ip lines. The text holds
     * the secrets of the request.
     */
    public static String formatSet(SetRequest request) {
        StringBuilder out = new StringBuilder();
        if (request.privateKey() != null) {
            key(out, "private_key", request.privateKey());
        }
        request.listenPort().ifPresent(port -> line(out, "listen_port", Integer.toString(port)));
        request.fwMark().ifPresent(mark -> line(out, "fwmark", Integer.toUnsignedString(mark)));
        if (request.replacePeers()) {
            line(out, "replace_peers", "true");
        }
        for (PeerChange peer : request.peers()) {
            key(out, "public_key", peer.publicKey().bytes());
            if (peer.remove()) {
                line(out, "remove", "true");
                continue;
            }
            if (peer.updateOnly()) {
                line(out, "update_only", "true");
            }
            if (peer.presharedKey() != null) {
                key(out, "preshared_key", peer.presharedKey());
            }
            if (peer.endpoint() != null) {
                line(out, "endpoint", peer.endpoint());
            }
            peer.persistentKeepaliveInterval().ifPresent(
                    seconds -> line(out, "persistent_keepalive_interval", Integer.toString(seconds)));
            if (peer.replaceAllowedIps()) {
                line(out, "replace_allowed_ips", "true");
            }
            for (AllowedIpChange change : peer.allowedIps()) {
                line(out, "allowed_ip", change.toString());
            }
        }
        return out.append('\n').toString();
    }

    // ---- get: format ---------------------------------------------------------------------------

    /**
     * The whole answer to {@code get=1}, as wireguard-go writes it: private_key (only if the
     * device has one), listen_port (only if not 0), fwmark (only if not 0); for each peer
     * public_key, preshared_key (always: all zeros when there is none), protocol_version=1,
     * endpoint (only if known), last_handshake_time_sec, last_handshake_time_nsec, tx_bytes,
     * rx_bytes, persistent_keepalive_interval, one allowed_ip line per prefix; then errno=0
     * and a blank line. Keys are lowercase hex. The text holds the device's secrets.
     */
    public static String formatGet(DeviceState state) {
        StringBuilder out = new StringBuilder();
        if (state.privateKey() != null && !state.privateKey().isZero()) {
            key(out, "private_key", state.privateKey());
        }
        if (state.listenPort() != 0) {
            line(out, "listen_port", Integer.toString(state.listenPort()));
        }
        if (state.fwMark() != 0) {
            line(out, "fwmark", Integer.toUnsignedString(state.fwMark()));
        }
        for (PeerState peer : state.peers()) {
            key(out, "public_key", peer.publicKey().bytes());
            if (peer.presharedKey() == null) {
                key(out, "preshared_key", new byte[Key.BYTES]);
            } else {
                key(out, "preshared_key", peer.presharedKey());
            }
            line(out, "protocol_version", "1");
            if (peer.endpoint() != null) {
                line(out, "endpoint", formatEndpoint(peer.endpoint()));
            }
            line(out, "last_handshake_time_sec", Long.toString(peer.lastHandshakeEpochSeconds()));
            line(out, "last_handshake_time_nsec", Long.toString(peer.lastHandshakeNanos()));
            line(out, "tx_bytes", Long.toUnsignedString(peer.txBytes()));
            line(out, "rx_bytes", Long.toUnsignedString(peer.rxBytes()));
            line(out, "persistent_keepalive_interval", Integer.toString(peer.persistentKeepaliveInterval()));
            for (IpPrefix prefix : peer.allowedIps()) {
                line(out, "allowed_ip", prefix.toString());
            }
        }
        return out.append(errnoResponse(0)).toString();
    }

    /**
     * The status that ends every answer: {@code errno=0} and a blank line for success, else the
     * negated errno, e.g. {@code errno=-22}, as wireguard-go writes it and wg expects it.
     *
     * @param errno 0 or a positive errno.h value
     */
    public static String errnoResponse(int errno) {
        if (errno < 0) {
            throw new IllegalArgumentException("pass the positive errno, not " + errno);
        }
        return "errno=" + (errno == 0 ? "0" : "-" + errno) + "\n\n";
    }

    private static void line(StringBuilder out, String key, String value) {
        out.append(key).append('=').append(value).append('\n');
    }

    private static void key(StringBuilder out, String name, Secret secret) {
        byte[] bytes = secret.bytes();
        try {
            key(out, name, bytes);
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    private static void key(StringBuilder out, String name, byte[] bytes) {
        out.append(name).append('=');
        for (byte b : bytes) {
            out.append(HEX[(b >> 4) & 0xf]).append(HEX[b & 0xf]);
        }
        out.append('\n');
    }

    // ---- get: parse ----------------------------------------------------------------------------

    /**
     * Reads the answer to {@code get=1} as wg reads it: unknown keys are skipped (newer servers
     * may send more), an all-zero private or preshared key means none, endpoints must be IP
     * literals (no DNS).
     *
     * @throws UapiException with the server's errno if it reported one, EPROTO if the answer is
     *     malformed or has no errno line
     */
    public static DeviceState parseGet(String response) throws UapiException {
        Secret privateKey = null;
        int listenPort = 0;
        int fwMark = 0;
        List<PeerState> peers = new ArrayList<>();
        PeerFields peer = null;
        boolean sawErrno = false;
        String[] lines = response.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = stripCr(lines[i]);
            if (line.isEmpty()) {
                break;
            }
            int eq = line.indexOf('=');
            if (eq < 0) {
                throw new UapiException(EPROTO, "line " + (i + 1) + " of the get answer has no '='");
            }
            String key = line.substring(0, eq);
            String value = line.substring(eq + 1);
            int number = i + 1;
            switch (key) {
                case "errno" -> {
                    long errno = value.startsWith("-") ? parseUnsigned(value.substring(1), Integer.MAX_VALUE)
                            : parseUnsigned(value, Integer.MAX_VALUE);
                    if (errno < 0) {
                        throw bad(number, key, value);
                    }
                    if (errno != 0) {
                        throw new UapiException((int) errno, "the device answered get with an error");
                    }
                    sawErrno = true;
                }
                case "public_key" -> {
                    if (peer != null) {
                        peers.add(peer.build());
                    }
                    peer = new PeerFields(Key.of(getKey(number, key, value)));
                }
                default -> {
                    if (peer == null) {
                        switch (key) {
                            case "private_key" -> {
                                byte[] bytes = getKey(number, key, value);
                                privateKey = allZero(bytes) ? null : Secret.of(bytes);
                                Arrays.fill(bytes, (byte) 0);
                            }
                            case "listen_port" -> listenPort = (int) getNumber(number, key, value, 0xffffL);
                            case "fwmark" -> fwMark = (int) getNumber(number, key, value, 0xffff_ffffL);
                            default -> {
                                // unknown or misplaced: skipped, as wg skips it
                            }
                        }
                    } else {
                        peer.line(number, key, value);
                    }
                }
            }
        }
        if (peer != null) {
            peers.add(peer.build());
        }
        if (!sawErrno) {
            throw new UapiException(EPROTO, "the get answer has no errno line");
        }
        return new DeviceState(privateKey, listenPort, fwMark, peers);
    }

    private static final class PeerFields {
        private final Key publicKey;
        private Secret presharedKey;
        private InetSocketAddress endpoint;
        private long seconds;
        private long nanos;
        private long rx;
        private long tx;
        private int keepalive;
        private final List<IpPrefix> allowedIps = new ArrayList<>();

        PeerFields(Key publicKey) {
            this.publicKey = publicKey;
        }

        void line(int number, String key, String value) throws UapiException {
            switch (key) {
                case "preshared_key" -> {
                    byte[] bytes = getKey(number, key, value);
                    presharedKey = allZero(bytes) ? null : Secret.of(bytes);
                    Arrays.fill(bytes, (byte) 0);
                }
                case "endpoint" -> {
                    try {
                        endpoint = parseEndpoint(value);
                    } catch (UapiException e) {
                        throw new UapiException(EPROTO, "line " + number + ": " + e.getMessage(), e);
                    }
                }
                case "last_handshake_time_sec" -> seconds = getNumber(number, key, value, Long.MAX_VALUE);
                case "last_handshake_time_nsec" -> nanos = getNumber(number, key, value, 999_999_999L);
                case "rx_bytes" -> rx = getUnsigned64(number, key, value);
                case "tx_bytes" -> tx = getUnsigned64(number, key, value);
                case "persistent_keepalive_interval" -> keepalive = (int) getNumber(number, key, value, 0xffffL);
                case "allowed_ip" -> {
                    AllowedIpChange change = parseAllowedIp(value, false);
                    if (change == null) {
                        throw bad(number, key, value);
                    }
                    allowedIps.add(change.prefix());
                }
                default -> {
                    // protocol_version and keys this version does not know: skipped
                }
            }
        }

        PeerState build() {
            return new PeerState(publicKey, presharedKey, endpoint, seconds, nanos, rx, tx, keepalive, allowedIps);
        }
    }

    private static byte[] getKey(int number, String key, String value) throws UapiException {
        byte[] bytes = parseHexKey(value);
        if (bytes == null) {
            throw new UapiException(EPROTO, "line " + number + " of the get answer: " + key + " is not 64 hex digits");
        }
        return bytes;
    }

    private static long getNumber(int number, String key, String value, long max) throws UapiException {
        long parsed = parseUnsigned(value, max);
        if (parsed < 0) {
            throw bad(number, key, value);
        }
        return parsed;
    }

    private static long getUnsigned64(int number, String key, String value) throws UapiException {
        if (value.isEmpty() || value.length() > 20 || !allDigits(value)) {
            throw bad(number, key, value);
        }
        try {
            return Long.parseUnsignedLong(value);
        } catch (NumberFormatException e) {
            throw bad(number, key, value);
        }
    }

    private static boolean allDigits(String value) {
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) < '0' || value.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static UapiException bad(int number, String key, String value) {
        return new UapiException(EPROTO, "line " + number + " of the get answer: bad " + key + " " + quote(value));
    }

    /** The symbolic name of an errno, including the two the protocol adds to {@link Errno}. */
    static String errnoName(int errno) {
        return switch (errno) {
            case EPROTO -> "EPROTO";
            case ENOANO -> "ENOANO";
            default -> Errno.name(errno);
        };
    }
}
