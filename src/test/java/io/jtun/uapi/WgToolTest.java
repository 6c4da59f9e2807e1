package io.jtun.uapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtun.ExitCode;
import io.jtun.JtunException;
import io.jtun.config.Key;
import io.jtun.config.Secret;
import io.jtun.net.IpPrefix;
import io.jtun.noise.Keys;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code wg} (wireguard-tools) against {@link UapiServer} with an in-memory device. No
 * network interface is created: for a name whose socket exists in /var/run/wireguard, wg talks
 * to the socket alone (it checks for a userspace socket before asking the kernel).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WgToolTest {
    static final Path WG = Path.of("/usr/bin/wg");

    @TempDir
    Path dir;

    String name;
    Path socket;
    FakeUapiDevice device;
    UapiServer server;

    final Secret privateKey = Keys.genkey();
    final Key peer1 = Keys.pubkey(Keys.genkey());
    final Key peer2 = Keys.pubkey(Keys.genkey());
    final Secret psk = Keys.genpsk();

    @BeforeEach
    void start() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(WG), "no " + WG + " (wireguard-tools)");
        byte[] random = new byte[3];
        new SecureRandom().nextBytes(random);
        name = "jtuapi" + HexFormat.of().formatHex(random); // 12 characters: a valid interface name
        socket = UapiServer.defaultSocket(name);
        Assumptions.assumeFalse(Files.exists(socket, LinkOption.NOFOLLOW_LINKS), "name collision");
        device = new FakeUapiDevice();
        device.privateKey = privateKey;
        device.listenPort = 51820;
        device.fwMark = 0x1234;
        FakeUapiDevice.Peer first = device.addPeer(peer1);
        first.presharedKey = psk;
        first.endpoint = UapiProtocol.parseEndpoint("192.0.2.1:51820");
        first.handshakeSeconds = 1_700_000_000L;
        first.handshakeNanos = 5;
        first.rx = 1000;
        first.tx = 2000;
        first.keepalive = 25;
        first.allowedIps.add(IpPrefix.parse("10.0.0.1/32"));
        first.allowedIps.add(IpPrefix.parse("fd00::/64"));
        device.addPeer(peer2).endpoint = UapiProtocol.parseEndpoint("[2001:db8::7]:1");
        try {
            server = UapiServer.listen(socket, device);
        } catch (JtunException e) {
            Assumptions.assumeTrue(e.exitCode() != ExitCode.NO_PERMISSION, "cannot create " + socket + ": " + e);
            throw e;
        }
    }

    @AfterEach
    void stop() throws IOException {
        try {
            if (server != null) {
                server.close();
            }
        } finally {
            if (socket != null) {
                Files.deleteIfExists(socket);
            }
        }
    }

    record Result(int exit, String out, String err) {
    }

    Result wg(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(WG.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectInput(new File("/dev/null"));
        builder.environment().put("WG_COLOR_MODE", "never");
        builder.environment().remove("WG_HIDE_KEYS");
        Process process = builder.start();
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
        String out = read(process.getInputStream());
        assertTrue(process.waitFor(20, TimeUnit.SECONDS), "wg " + String.join(" ", args) + " hangs");
        return new Result(process.exitValue(), out, err.get());
    }

    Result ok(String... args) throws Exception {
        Result result = wg(args);
        assertEquals(0, result.exit(), "wg " + String.join(" ", args) + ": " + result.err());
        return result;
    }

    private static String read(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    Path file(String fileName, String content) throws IOException {
        return Files.writeString(dir.resolve(fileName), content);
    }

    @Test
    void showPrintsWhatTheDeviceHolds() throws Exception {
        String dump = ok("show", name, "dump").out();
        String expected = String.join("\t", privateKey.base64(), Keys.pubkey(privateKey).base64(), "51820", "0x1234")
                + "\n" + String.join("\t", peer1.base64(), psk.base64(), "192.0.2.1:51820", "10.0.0.1/32,fd00::/64",
                        "1700000000", "1000", "2000", "25")
                + "\n" + String.join("\t", peer2.base64(), "(none)", "[2001:db8::7]:1", "(none)", "0", "0", "0", "off")
                + "\n";
        assertEquals(expected, dump);

        String pretty = ok("show", name).out();
        for (String line : List.of("interface: " + name, "  public key: " + Keys.pubkey(privateKey).base64(),
                "  private key: (hidden)", "  listening port: 51820", "  fwmark: 0x1234", "peer: " + peer1.base64(),
                "  preshared key: (hidden)", "  endpoint: 192.0.2.1:51820", "  allowed ips: 10.0.0.1/32, fd00::/64",
                "  transfer: 1000 B received, 1.95 KiB sent", "  persistent keepalive: every 25 seconds",
                "peer: " + peer2.base64(), "  endpoint: [2001:db8::7]:1", "  allowed ips: (none)")) {
            assertTrue(pretty.lines().anyMatch(line::equals), "no line '" + line + "' in\n" + pretty);
        }
        assertTrue(ok("show", "interfaces").out().contains(name));
        assertTrue(device.requests.isEmpty(), "showing changes nothing");
    }

    @Test
    void showconfPrintsTheConfiguration() throws Exception {
        String expected = """
                [Interface]
                ListenPort = 51820
                FwMark = 0x1234
                PrivateKey = %s

                [Peer]
                PublicKey = %s
                PresharedKey = %s
                AllowedIPs = 10.0.0.1/32, fd00::/64
                Endpoint = 192.0.2.1:51820
                PersistentKeepalive = 25

                [Peer]
                PublicKey = %s
                Endpoint = [2001:db8::7]:1
                """.formatted(privateKey.base64(), peer1.base64(), psk.base64(), peer2.base64());
        assertEquals(expected, ok("showconf", name).out());
    }

    @Test
    void setAddsAndRemovesAPeerExactlyAsRequested() throws Exception {
        Key added = Keys.pubkey(Keys.genkey());
        ok("set", name, "listen-port", "51999", "peer", added.base64(), "allowed-ips", "10.0.0.2/32", "endpoint",
                "127.0.0.1:1234", "persistent-keepalive", "25");
        assertEquals(List.of(new SetRequest(null, OptionalInt.of(51999), OptionalInt.empty(), false, List.of(
                new PeerChange(added, false, false, null, "127.0.0.1:1234", OptionalInt.of(25), true,
                        List.of(AllowedIpChange.adding(IpPrefix.parse("10.0.0.2/32"))))))), device.requests);
        assertEquals(51999, device.listenPort);
        assertTrue(ok("show", name, "dump").out().contains(String.join("\t", added.base64(), "(none)",
                "127.0.0.1:1234", "10.0.0.2/32", "0", "0", "0", "25") + "\n"));

        ok("set", name, "peer", added.base64(), "remove");
        assertEquals(new SetRequest(null, OptionalInt.empty(), OptionalInt.empty(), false,
                List.of(PeerChange.removal(added))), device.lastRequest());
        assertFalse(device.peers.containsKey(added));
        assertEquals(List.of(peer1, peer2), List.copyOf(device.peers.keySet()));
    }

    @Test
    void setconfReplacesEverything() throws Exception {
        Secret newKey = Keys.genkey();
        Key peer3 = Keys.pubkey(Keys.genkey());
        Secret psk3 = Keys.genpsk();
        Path config = file("new.conf", """
                [Interface]
                PrivateKey = %s
                ListenPort = 51821

                [Peer]
                PublicKey = %s
                PresharedKey = %s
                AllowedIPs = 10.3.0.0/16, fd03::/64
                Endpoint = [2001:db8::3]:51820
                PersistentKeepalive = 15
                """.formatted(newKey.base64(), peer3.base64(), psk3.base64()));
        ok("setconf", name, config.toString());
        assertEquals(List.of(new SetRequest(newKey, OptionalInt.of(51821), OptionalInt.of(0), true, List.of(
                new PeerChange(peer3, false, false, psk3, "[2001:db8::3]:51820", OptionalInt.of(15), true, List.of(
                        AllowedIpChange.adding(IpPrefix.parse("10.3.0.0/16")),
                        AllowedIpChange.adding(IpPrefix.parse("fd03::/64"))))))), device.requests);
        assertEquals("""
                [Interface]
                ListenPort = 51821
                PrivateKey = %s

                [Peer]
                PublicKey = %s
                PresharedKey = %s
                AllowedIPs = 10.3.0.0/16, fd03::/64
                Endpoint = [2001:db8::3]:51820
                PersistentKeepalive = 15
                """.formatted(newKey.base64(), peer3.base64(), psk3.base64()), ok("showconf", name).out());
    }

    @Test
    void setconfWithoutAPrivateKeyRemovesIt() throws Exception {
        ok("setconf", name, file("bare.conf", "[Interface]\n").toString());
        SetRequest request = device.lastRequest();
        assertTrue(request.removesPrivateKey(), "wg sends the all-zero key");
        assertEquals(new SetRequest(request.privateKey(), OptionalInt.of(0), OptionalInt.of(0), true, List.of()),
                request);
        assertNull(device.privateKey);
        assertEquals("[Interface]\n\n", ok("showconf", name).out());
    }

    @Test
    void syncconfRemovesOnlyThePeersThatAreGone() throws Exception {
        Key peer4 = Keys.pubkey(Keys.genkey());
        Path config = file("sync.conf", """
                [Interface]
                PrivateKey = %s
                ListenPort = 51820

                [Peer]
                PublicKey = %s
                AllowedIPs = 10.2.0.0/16

                [Peer]
                PublicKey = %s
                AllowedIPs = 10.4.0.0/16
                """.formatted(privateKey.base64(), peer2.base64(), peer4.base64()));
        ok("syncconf", name, config.toString());
        assertEquals(List.of(new SetRequest(privateKey, OptionalInt.of(51820), OptionalInt.of(0), false, List.of(
                PeerChange.removal(peer1),
                new PeerChange(peer2, false, false, null, null, OptionalInt.empty(), true,
                        List.of(AllowedIpChange.adding(IpPrefix.parse("10.2.0.0/16")))),
                new PeerChange(peer4, false, false, null, null, OptionalInt.empty(), true,
                        List.of(AllowedIpChange.adding(IpPrefix.parse("10.4.0.0/16"))))))), device.requests);
        assertEquals(List.of(peer2, peer4), List.copyOf(device.peers.keySet()));
        assertEquals("[2001:db8::7]:1", UapiProtocol.formatEndpoint(device.peers.get(peer2).endpoint),
                "syncconf leaves what the file does not mention");
    }

    @Test
    void addconfAddsPeers() throws Exception {
        Key peer5 = Keys.pubkey(Keys.genkey());
        ok("addconf", name, file("add.conf", "[Peer]\nPublicKey = " + peer5.base64() + "\nAllowedIPs = 10.5.0.0/16\n")
                .toString());
        assertEquals(List.of(new SetRequest(null, OptionalInt.empty(), OptionalInt.empty(), false, List.of(
                new PeerChange(peer5, false, false, null, null, OptionalInt.empty(), true,
                        List.of(AllowedIpChange.adding(IpPrefix.parse("10.5.0.0/16"))))))), device.requests);
        assertEquals(List.of(peer1, peer2, peer5), List.copyOf(device.peers.keySet()));
    }

    @Test
    void setPrivateKeyFromAFileAndFromDevNull() throws Exception {
        Secret newKey = Keys.genkey();
        Path keyFile = file("private.key", newKey.base64() + "\n");
        ok("set", name, "private-key", keyFile.toString());
        assertEquals(List.of(new SetRequest(newKey, OptionalInt.empty(), OptionalInt.empty(), false, List.of())),
                device.requests);
        assertEquals(Keys.pubkey(newKey).base64() + "\n", ok("show", name, "public-key").out());

        ok("set", name, "private-key", "/dev/null");
        assertTrue(device.lastRequest().removesPrivateKey());
        assertNull(device.privateKey);
        assertEquals("(none)\n", ok("show", name, "private-key").out());
    }

    @Test
    void deviceErrorsReachWgWithTheirMeaning() throws Exception {
        device.busyPort = 4242;
        Result result = wg("set", name, "listen-port", "4242");
        assertEquals(1, result.exit());
        assertTrue(result.err().contains("Address already in use"), result.err());
        assertEquals(51820, device.listenPort);
    }
}
