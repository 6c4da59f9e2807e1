package io.jtun.uapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtun.config.Key;
import io.jtun.config.Secret;
import io.jtun.net.IpPrefix;
import io.jtun.sys.Errno;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UapiProtocolTest {
    static final String HEX_A = "11".repeat(32);
    static final String HEX_B = "22".repeat(32);
    static final String HEX_C = "33".repeat(32);
    static final String ZERO = "00".repeat(32);
    /** A clamped private key: what the parser makes of any other. */
    static final String PRIVATE = "30" + "33".repeat(30) + "73";
    static final Key A = key(HEX_A);
    static final Key B = key(HEX_B);
    static final Key C = key(HEX_C);

    static Key key(String hex) {
        return Key.of(HexFormat.of().parseHex(hex));
    }

    static Secret secret(String hex) {
        return Secret.of(HexFormat.of().parseHex(hex));
    }

    static IpPrefix p(String text) {
        return IpPrefix.parse(text);
    }

    static SetRequest parse(String body) throws UapiException {
        return UapiProtocol.parseSet(body);
    }

    static int errno(String body) {
        return assertThrows(UapiException.class, () -> parse(body), body).errno();
    }

    // ---- set: every key ------------------------------------------------------------------------

    @Test
    void quotedValuesStopBeforeASecretKeyName() {
        // Found by UapiFuzzTest: a get answer with two lines run together, quoted with the key.
        String key = "ab".repeat(32);
        assertEquals("'51820?...'", UapiProtocol.quote("51820\0private_key=" + key));
        assertEquals("'...'", UapiProtocol.quote("preshared_key=" + key));
        assertEquals("'198.18.0.1:51820'", UapiProtocol.quote("198.18.0.1:51820"));
        UapiException e = assertThrows(UapiException.class,
                () -> UapiProtocol.parseGet("listen_port=1\0private_key=" + key + "\nerrno=0\n\n"));
        assertFalse(e.getMessage().contains("abab"), e.getMessage());
    }

    @Test
    void parsesEveryDeviceKey() throws Exception {
        SetRequest request = parse("private_key=" + "ff".repeat(32) + "\nlisten_port=51820\nfwmark=4294967295\n"
                + "replace_peers=true\n\n");
        byte[] clamped = HexFormat.of().parseHex("ff".repeat(32));
        clamped[0] = (byte) 0xf8;
        clamped[31] = 0x7f;
        assertEquals(Secret.of(clamped), request.privateKey(), "clamped as wireguard-go clamps it");
        assertFalse(request.removesPrivateKey());
        assertEquals(OptionalInt.of(51820), request.listenPort());
        assertEquals(OptionalInt.of(-1), request.fwMark(), "0xffffffff as an unsigned int");
        assertTrue(request.replacePeers());
        assertTrue(request.peers().isEmpty());
    }

    @Test
    void zeroPrivateKeyRemovesTheKeyAndIsNotClamped() throws Exception {
        SetRequest request = parse("private_key=" + ZERO + "\n\n");
        assertEquals(secret(ZERO), request.privateKey());
        assertTrue(request.removesPrivateKey());
    }

    @Test
    void emptyRequestChangesNothing() throws Exception {
        SetRequest request = parse("\n");
        assertTrue(request.isEmpty());
        assertNull(request.privateKey());
        assertEquals(OptionalInt.empty(), request.listenPort());
        assertTrue(parse("").isEmpty());
    }

    @Test
    void parsesEveryPeerKey() throws Exception {
        SetRequest request = parse("public_key=" + HEX_A + "\n"
                + "protocol_version=1\n"
                + "preshared_key=" + HEX_B.toUpperCase() + "\n"
                + "endpoint=[2001:db8::1]:51820\n"
                + "persistent_keepalive_interval=25\n"
                + "replace_allowed_ips=true\n"
                + "allowed_ip=10.0.0.1/24\n"
                + "allowed_ip=-fd00::/64\n"
                + "allowed_ip=::ffff:10.1.0.0/112\n"
                + "\n");
        assertEquals(1, request.peers().size());
        PeerChange peer = request.peers().getFirst();
        assertEquals(A, peer.publicKey());
        assertFalse(peer.remove());
        assertFalse(peer.updateOnly());
        assertEquals(secret(HEX_B), peer.presharedKey(), "upper-case hex is accepted");
        assertFalse(peer.removesPresharedKey());
        assertEquals("[2001:db8::1]:51820", peer.endpoint());
        assertEquals(new InetSocketAddress(InetAddress.getByName("2001:db8::1"), 51820), peer.endpointAddress());
        assertEquals(OptionalInt.of(25), peer.persistentKeepaliveInterval());
        assertTrue(peer.replaceAllowedIps());
        assertEquals(List.of(AllowedIpChange.adding(p("10.0.0.0/24")), AllowedIpChange.removing(p("fd00::/64")),
                AllowedIpChange.adding(p("::ffff:10.1.0.0/112"))), peer.allowedIps());
        assertEquals(16, peer.allowedIps().get(2).prefix().address().length, "IPv4-mapped stays IPv6");
    }

    @Test
    void aBarePeerChangesNothingButExists() throws Exception {
        PeerChange peer = parse("public_key=" + HEX_A + "\n\n").peers().getFirst();
        assertEquals(new PeerChange(A, false, false, null, null, OptionalInt.empty(), false, List.of()), peer);
        assertNull(peer.endpointAddress());
    }

    @Test
    void zeroPresharedKeyMeansNone() throws Exception {
        PeerChange peer = parse("public_key=" + HEX_A + "\npreshared_key=" + ZERO + "\n").peers().getFirst();
        assertTrue(peer.removesPresharedKey());
    }

    @Test
    void acceptsWhatGoAccepts() throws Exception {
        assertEquals(OptionalInt.of(51820), parse("listen_port=0051820\n").listenPort(), "ParseUint takes leading 0s");
        assertEquals(OptionalInt.of(0), parse("listen_port=0\n").listenPort());
        assertEquals(OptionalInt.of(65535), parse("listen_port=65535\n").listenPort());
        assertEquals(OptionalInt.of(0), parse("fwmark=0\n").fwMark());
        assertEquals(Errno.EINVAL, errno("listen_port=1=2\n"), "split at the first '=', the value is 1=2");
        PeerChange peer = parse("public_key=" + HEX_A + "\nendpoint=[fe80::1%7]:1\nallowed_ip=0.0.0.0/0\n"
                + "allowed_ip=::/0\nendpoint=[::ffff:192.0.2.1]:0\npersistent_keepalive_interval=65535\n")
                .peers().getFirst();
        assertEquals("[::ffff:192.0.2.1]:0", peer.endpoint(), "the last endpoint wins");
        assertEquals(List.of(AllowedIpChange.adding(p("0.0.0.0/0")), AllowedIpChange.adding(p("::/0"))),
                peer.allowedIps());
        assertInstanceOf(Inet4Address.class, peer.endpointAddress().getAddress(), "Java maps ::ffff:a.b.c.d to IPv4");
    }

    @Test
    void dropsACarriageReturnBeforeTheNewline() throws Exception {
        SetRequest request = parse("listen_port=7\r\npublic_key=" + HEX_A + "\r\n\r\n");
        assertEquals(OptionalInt.of(7), request.listenPort());
        assertEquals(A, request.peers().getFirst().publicKey());
    }

    @Test
    void takesLinesToo() throws Exception {
        SetRequest request = UapiProtocol.parseSet(List.of("listen_port=7", "public_key=" + HEX_A, ""));
        assertEquals(OptionalInt.of(7), request.listenPort());
        assertThrows(IllegalArgumentException.class, () -> UapiProtocol.parseSet(List.of("", "listen_port=7")));
        assertThrows(IllegalArgumentException.class, () -> parse("listen_port=7\n\nlisten_port=8\n"));
    }

    // ---- set: order ----------------------------------------------------------------------------

    @Test
    void peerKeysBeforeAnyPublicKeyAreInvalid() {
        for (String line : List.of("endpoint=1.2.3.4:5", "allowed_ip=10.0.0.0/8", "remove=true", "update_only=true",
                "preshared_key=" + HEX_A, "persistent_keepalive_interval=5", "replace_allowed_ips=true",
                "protocol_version=1")) {
            assertEquals(Errno.EINVAL, errno(line + "\n\n"), line);
        }
    }

    @Test
    void deviceKeysAfterAPublicKeyAreInvalid() {
        for (String line : List.of("private_key=" + HEX_B, "listen_port=1", "fwmark=1", "replace_peers=true")) {
            assertEquals(Errno.EINVAL, errno("public_key=" + HEX_A + "\n" + line + "\n\n"), line);
        }
    }

    @Test
    void removeMakesTheRestOfTheBlockMoot() throws Exception {
        SetRequest request = parse("replace_peers=true\npublic_key=" + HEX_A + "\nallowed_ip=10.0.0.0/8\nremove=true\n"
                + "endpoint=1.2.3.4:5\npublic_key=" + HEX_B + "\nendpoint=1.2.3.4:6\n\n");
        assertTrue(request.replacePeers());
        assertEquals(List.of(PeerChange.removal(A),
                new PeerChange(B, false, false, null, "1.2.3.4:6", OptionalInt.empty(), false, List.of())),
                request.peers());
    }

    @Test
    void linesAfterRemoveAreStillChecked() {
        assertEquals(Errno.EINVAL, errno("public_key=" + HEX_A + "\nremove=true\nendpoint=nonsense\n\n"));
    }

    @Test
    void updateOnlyCountsForTheWholeBlock() throws Exception {
        PeerChange after = parse("public_key=" + HEX_A + "\nendpoint=1.2.3.4:5\nupdate_only=true\n").peers().getFirst();
        PeerChange before = parse("public_key=" + HEX_A + "\nupdate_only=true\nendpoint=1.2.3.4:5\n").peers().getFirst();
        assertTrue(after.updateOnly());
        assertEquals(after, before);
    }

    @Test
    void replaceAllowedIpsDropsTheLinesBeforeIt() throws Exception {
        PeerChange peer = parse("public_key=" + HEX_A + "\nallowed_ip=10.0.0.0/8\nreplace_allowed_ips=true\n"
                + "allowed_ip=10.1.0.0/16\nallowed_ip=-10.2.0.0/16\n").peers().getFirst();
        assertTrue(peer.replaceAllowedIps());
        assertEquals(List.of(AllowedIpChange.adding(p("10.1.0.0/16")), AllowedIpChange.removing(p("10.2.0.0/16"))),
                peer.allowedIps());
        PeerChange additive = parse("public_key=" + HEX_A + "\nallowed_ip=10.0.0.0/8\n").peers().getFirst();
        assertFalse(additive.replaceAllowedIps());
    }

    @Test
    void theSamePeerMayComeTwiceAndStaysInOrder() throws Exception {
        SetRequest request = parse("public_key=" + HEX_A + "\nremove=true\npublic_key=" + HEX_C + "\n"
                + "public_key=" + HEX_A + "\nallowed_ip=10.0.0.0/8\n");
        assertEquals(List.of(A, C, A), request.peers().stream().map(PeerChange::publicKey).toList());
        assertTrue(request.peers().get(0).remove());
        assertFalse(request.peers().get(2).remove());
    }

    // ---- set: errors ---------------------------------------------------------------------------

    @Test
    void aLineWithoutEqualsIsAProtocolError() {
        assertEquals(UapiProtocol.EPROTO, errno("listen_port\n\n"));
        assertEquals(UapiProtocol.EPROTO, errno("public_key=" + HEX_A + "\n" + HEX_B + "\n\n"));
    }

    @Test
    void unknownKeysAreInvalid() {
        assertEquals(Errno.EINVAL, errno("listen-port=1\n"));
        assertEquals(Errno.EINVAL, errno("=1\n"));
        assertEquals(Errno.EINVAL, errno("set=1\n"), "the operation line is not part of the body");
        assertEquals(Errno.EINVAL, errno("LISTEN_PORT=1\n"));
        assertEquals(Errno.EINVAL, errno("public_key=" + HEX_A + "\nlast_handshake_time_sec=1\n"));
        assertEquals(Errno.EINVAL, errno("public_key=" + HEX_A + "\nkeepalive=1\n"));
        assertEquals(Errno.EINVAL, errno(" listen_port=1\n"));
    }

    @Test
    void badHexKeysAreInvalid() {
        for (String value : List.of("", "1", "11", "1".repeat(63), "1".repeat(65), "1".repeat(66), "1".repeat(63) + " ",
                " " + "1".repeat(63), "g" + "1".repeat(63), "1".repeat(62) + "1\u0000",
                "EZERo+L0h2cmMLgKGDP0LpNoIIy4ZDSJ3+dJOy6jv1U=")) {
            assertEquals(Errno.EINVAL, errno("private_key=" + value + "\n"), value);
            assertEquals(Errno.EINVAL, errno("public_key=" + value + "\n"), value);
            assertEquals(Errno.EINVAL, errno("public_key=" + HEX_A + "\npreshared_key=" + value + "\n"), value);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "+1", "-1", " 1", "1 ", "1_0", "0x10", "65536", "99999999999999999999999", "١"})
    void badPortsAreInvalid(String value) {
        assertEquals(Errno.EINVAL, errno("listen_port=" + value + "\n"));
        assertEquals(Errno.EINVAL, errno("public_key=" + HEX_A + "\npersistent_keepalive_interval=" + value + "\n"));
    }

    @Test
    void badFwmarksAreInvalid() {
        assertEquals(Errno.EINVAL, errno("fwmark=4294967296\n"));
        assertEquals(Errno.EINVAL, errno("fwmark=0x1\n"));
        assertEquals(Errno.EINVAL, errno("fwmark=-1\n"));
        assertEquals(Errno.EINVAL, errno("fwmark=\n"));
    }

    @Test
    void flagsTakeOnlyTrue() {
        for (String value : List.of("false", "TRUE", "1", "", "true ")) {
            assertEquals(Errno.EINVAL, errno("replace_peers=" + value + "\n"), value);
            for (String flag : List.of("remove", "update_only", "replace_allowed_ips")) {
                assertEquals(Errno.EINVAL, errno("public_key=" + HEX_A + "\n" + flag + "=" + value + "\n"), flag);
            }
        }
    }

    @Test
    void protocolVersionMustBeOne() {
        assertEquals(Errno.EINVAL, errno("public_key=" + HEX_A + "\nprotocol_version=2\n"));
        assertEquals(Errno.EINVAL, errno("public_key=" + HEX_A + "\nprotocol_version=01\n"));
        assertEquals(Errno.EINVAL, errno("public_key=" + HEX_A + "\nprotocol_version=\n"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1.2.3.4", "1.2.3.4:", ":51820", "::1:51820", "2001:db8::1:51820", "[1.2.3.4]:1",
        "[::1]:65536", "[::1]:-1", "[::1]", "[::1:1", "::1]:1", "example.com:51820", "localhost:1", "[::1%]:1",
        "1.2.3.4%eth0:1", " 1.2.3.4:1", "1.2.3.4:1 ", "01.2.3.4:1", "1.2.3:1", "256.1.1.1:1", "[1:2:3:4:5:6:7:8:9]:1",
        "[fe80::1/64]:1", "1.2.3.4:0x10"})
    void badEndpointsAreInvalid(String value) {
        assertEquals(Errno.EINVAL, errno("public_key=" + HEX_A + "\nendpoint=" + value + "\n"));
        assertFalse(UapiProtocol.isValidEndpoint(value));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "10.0.0.1", "10.0.0.0/", "10.0.0.0/33", "10.0.0.0/024", "10.0.0.0/+1", "10.0.0.0/-1",
        "10.0.0.0/ 24", " 10.0.0.0/24", "::/129", "fe80::1%eth0/64", "--10.0.0.0/8", "-", "10.0.0.0/8/8",
        "host/32", "10.0.0.0/1000"})
    void badAllowedIpsAreInvalid(String value) {
        assertEquals(Errno.EINVAL, errno("public_key=" + HEX_A + "\nallowed_ip=" + value + "\n"));
    }

    @Test
    void errorMessagesNeverShowKeys() {
        String secretHex = "ab".repeat(31) + "zz";
        UapiException e = assertThrows(UapiException.class, () -> parse("private_key=" + secretHex + "\n"));
        assertFalse(e.getMessage().contains("abab"), e.getMessage());
        e = assertThrows(UapiException.class, () -> parse("public_key=" + HEX_A + "\n" + "ab".repeat(32) + "\n"));
        assertFalse(e.getMessage().contains("abab"), e.getMessage());
        assertTrue(e.getMessage().contains("EPROTO"), e.getMessage());
    }

    @Test
    void requestsHideTheirSecrets() throws Exception {
        SetRequest request = parse("private_key=" + HEX_B + "\npublic_key=" + HEX_A + "\npreshared_key=" + HEX_C + "\n");
        String text = request.toString();
        assertFalse(text.contains(secret(HEX_B).base64()) || text.contains(secret(HEX_C).base64()), text);
        assertFalse(text.contains(HEX_B) || text.contains(HEX_C), text);
        assertTrue(text.contains(Secret.HIDDEN), text);
    }

    // ---- endpoints -----------------------------------------------------------------------------

    @Test
    void endpointsConvertWithoutDns() throws Exception {
        assertEquals(new InetSocketAddress(InetAddress.getByAddress(new byte[] {(byte) 192, 0, 2, 1}), 51820),
                UapiProtocol.parseEndpoint("192.0.2.1:51820"));
        InetSocketAddress scoped = UapiProtocol.parseEndpoint("[fe80::1%7]:51820");
        Inet6Address address = assertInstanceOf(Inet6Address.class, scoped.getAddress());
        assertEquals(7, address.getScopeId());
        assertEquals("[fe80::1%7]:51820", UapiProtocol.formatEndpoint(scoped));
        assertEquals(Errno.EINVAL, assertThrows(UapiException.class,
                () -> UapiProtocol.parseEndpoint("[fe80::1%nosuchif0]:1")).errno());
        assertEquals(Errno.EINVAL, assertThrows(UapiException.class,
                () -> UapiProtocol.parseEndpoint("localhost:1")).errno());
    }

    @Test
    void formatsEndpointsAsGoDoes() throws Exception {
        assertEquals("192.0.2.1:1", UapiProtocol.formatEndpoint(UapiProtocol.parseEndpoint("192.0.2.1:1")));
        assertEquals("[2001:db8::1]:51820",
                UapiProtocol.formatEndpoint(UapiProtocol.parseEndpoint("[2001:0DB8:0:0::1]:51820")));
        assertEquals("[::1]:0", UapiProtocol.formatEndpoint(UapiProtocol.parseEndpoint("[::1]:0")));
        assertThrows(IllegalArgumentException.class,
                () -> UapiProtocol.formatEndpoint(InetSocketAddress.createUnresolved("example.com", 1)));
    }

    // ---- get -----------------------------------------------------------------------------------

    static DeviceState sampleState() throws Exception {
        PeerState first = new PeerState(A, secret(HEX_C), UapiProtocol.parseEndpoint("192.0.2.1:51820"),
                1_700_000_000L, 123_456_789L, 2048, -1L, 25, List.of(p("10.0.0.1/32"), p("fd00::/64")));
        PeerState second = new PeerState(B, null, UapiProtocol.parseEndpoint("[2001:db8::7]:1"), 0, 0, 0, 0, 0,
                List.of());
        return new DeviceState(secret(HEX_B), 51820, 0x8000_0001, List.of(first, second));
    }

    @Test
    void formatsGetAsWireguardGo() throws Exception {
        String expected = """
                private_key=%s
                listen_port=51820
                fwmark=2147483649
                public_key=%s
                preshared_key=%s
                protocol_version=1
                endpoint=192.0.2.1:51820
                last_handshake_time_sec=1700000000
                last_handshake_time_nsec=123456789
                tx_bytes=18446744073709551615
                rx_bytes=2048
                persistent_keepalive_interval=25
                allowed_ip=10.0.0.1/32
                allowed_ip=fd00::/64
                public_key=%s
                preshared_key=%s
                protocol_version=1
                endpoint=[2001:db8::7]:1
                last_handshake_time_sec=0
                last_handshake_time_nsec=0
                tx_bytes=0
                rx_bytes=0
                persistent_keepalive_interval=0
                errno=0

                """.formatted(HEX_B, HEX_A, HEX_C, HEX_B, ZERO);
        assertEquals(expected, UapiProtocol.formatGet(sampleState()));
    }

    @Test
    void leavesOutWhatWireguardGoLeavesOut() {
        assertEquals("errno=0\n\n", UapiProtocol.formatGet(new DeviceState(null, 0, 0, List.of())));
        assertEquals("errno=0\n\n", UapiProtocol.formatGet(new DeviceState(secret(ZERO), 0, 0, List.of())),
                "the all-zero private key is no key");
        String peerOnly = UapiProtocol.formatGet(new DeviceState(null, 0, 0,
                List.of(new PeerState(A, null, null, 0, 0, 0, 0, 0, List.of()))));
        assertEquals("public_key=" + HEX_A + "\npreshared_key=" + ZERO + "\nprotocol_version=1\n"
                + "last_handshake_time_sec=0\nlast_handshake_time_nsec=0\ntx_bytes=0\nrx_bytes=0\n"
                + "persistent_keepalive_interval=0\nerrno=0\n\n", peerOnly);
    }

    @Test
    void getRoundTrips() throws Exception {
        DeviceState state = sampleState();
        assertEquals(state, UapiProtocol.parseGet(UapiProtocol.formatGet(state)));
        DeviceState empty = new DeviceState(null, 0, 0, List.of());
        assertEquals(empty, UapiProtocol.parseGet(UapiProtocol.formatGet(empty)));
    }

    @Test
    void readsGetAnswersAsWgDoes() throws Exception {
        DeviceState state = UapiProtocol.parseGet("listen_port=5\nsome_future_key=x\npublic_key=" + HEX_A
                + "\npreshared_key=" + ZERO + "\nfuture_peer_key=1\nerrno=0\n\n");
        assertEquals(5, state.listenPort());
        assertNull(state.peers().getFirst().presharedKey(), "zero means none");
        assertNull(state.peers().getFirst().lastHandshake());
        assertEquals(22, assertThrows(UapiException.class, () -> UapiProtocol.parseGet("errno=-22\n\n")).errno());
        assertEquals(UapiProtocol.EPROTO, assertThrows(UapiException.class,
                () -> UapiProtocol.parseGet("listen_port=5\n\n")).errno(), "no errno line");
        assertEquals(UapiProtocol.EPROTO, assertThrows(UapiException.class,
                () -> UapiProtocol.parseGet("listen_port=x\nerrno=0\n\n")).errno());
        assertEquals(UapiProtocol.EPROTO, assertThrows(UapiException.class,
                () -> UapiProtocol.parseGet("public_key=" + HEX_A + "\nendpoint=example.com:1\nerrno=0\n\n")).errno());
        assertEquals(UapiProtocol.EPROTO, assertThrows(UapiException.class,
                () -> UapiProtocol.parseGet("public_key=" + HEX_A + "\ntx_bytes=18446744073709551616\nerrno=0\n"))
                .errno());
    }

    @Test
    void errnoIsWrittenNegated() {
        assertEquals("errno=0\n\n", UapiProtocol.errnoResponse(0));
        assertEquals("errno=-22\n\n", UapiProtocol.errnoResponse(Errno.EINVAL));
        assertEquals("errno=-98\n\n", UapiProtocol.errnoResponse(Errno.EADDRINUSE));
        assertThrows(IllegalArgumentException.class, () -> UapiProtocol.errnoResponse(-22));
        assertThrows(IllegalArgumentException.class, () -> new UapiException(-22, "negative"));
        assertThrows(IllegalArgumentException.class, () -> new UapiException(0, "zero"));
    }

    // ---- set: format ---------------------------------------------------------------------------

    @Test
    void formatsSetAsWgWritesIt() throws Exception {
        SetRequest request = new SetRequest(secret(PRIVATE), OptionalInt.of(51820), OptionalInt.of(-1), true, List.of(
                PeerChange.removal(A),
                new PeerChange(B, false, true, secret(ZERO), "[2001:db8::1]:5", OptionalInt.of(0), true,
                        List.of(AllowedIpChange.adding(p("10.0.0.0/8")), AllowedIpChange.removing(p("fd00::/8"))))));
        String expected = "private_key=" + PRIVATE + "\nlisten_port=51820\nfwmark=4294967295\nreplace_peers=true\n"
                + "public_key=" + HEX_A + "\nremove=true\n"
                + "public_key=" + HEX_B + "\nupdate_only=true\npreshared_key=" + ZERO + "\nendpoint=[2001:db8::1]:5\n"
                + "persistent_keepalive_interval=0\nreplace_allowed_ips=true\nallowed_ip=10.0.0.0/8\n"
                + "allowed_ip=-fd00::/8\n\n";
        assertEquals(expected, UapiProtocol.formatSet(request));
        assertEquals(request, parse(expected));
    }

    @Test
    void setRoundTripsThroughTheParser() throws Exception {
        String body = "private_key=" + ZERO + "\nfwmark=0\npublic_key=" + HEX_A + "\nendpoint=[fe80::1%eth0]:9\n"
                + "allowed_ip=192.168.1.0/24\n\n";
        SetRequest request = parse(body);
        assertEquals(body, UapiProtocol.formatSet(request));
    }

    @Test
    void recordsRefuseNonsense() {
        assertThrows(IllegalArgumentException.class, () -> new SetRequest(null, OptionalInt.of(65536),
                OptionalInt.empty(), false, List.of()));
        assertThrows(IllegalArgumentException.class, () -> new PeerChange(A, false, false, null, "example.com:1",
                OptionalInt.empty(), false, List.of()));
        assertThrows(IllegalArgumentException.class, () -> new PeerChange(A, false, false, null, null,
                OptionalInt.of(70000), false, List.of()));
        assertThrows(IllegalArgumentException.class, () -> new PeerState(A, null, null, 0, 1_000_000_000L, 0, 0, 0,
                List.of()));
        assertThrows(IllegalArgumentException.class, () -> new PeerState(A, null,
                InetSocketAddress.createUnresolved("example.com", 1), 0, 0, 0, 0, 0, List.of()));
        assertThrows(IllegalArgumentException.class, () -> new DeviceState(null, -1, 0, List.of()));
        assertEquals(p("10.0.0.0/8"), AllowedIpChange.adding(p("10.1.2.3/8")).prefix(), "host bits cleared");
    }

    @Test
    void hexKeysDecode() {
        byte[] bytes = UapiProtocol.parseHexKey("0123456789abcdefABCDEF" + "00".repeat(21));
        assertTrue(Arrays.equals(HexFormat.of().parseHex("0123456789abcdefabcdef" + "00".repeat(21)), bytes));
    }
}
