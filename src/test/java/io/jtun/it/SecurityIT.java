package io.jtun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtun.config.Secret;
import io.jtun.noise.Keys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What jtun keeps to itself: it gives up root once set up (User = / --user), sends nothing
 * unencrypted while its peer is unreachable, and never writes a key to its log or to {@code jtun
 * show}. Two namespaces joined by a veth (A = 198.18.0.1, B = 198.18.0.2), jtun on both.
 */
@Tag("netns")
class SecurityIT {
    private static final String IFACE = "js0";
    private static final int PORT_A = 51830;
    private static final int PORT_B = 51831;
    /** Debian's nobody / nogroup. */
    private static final String NOBODY_ID = "65534";

    private Underlay underlay;
    private Netns a;
    private Netns b;
    private final Secret keyA = Keys.genkey();
    private final Secret keyB = Keys.genkey();
    private final Secret psk = Keys.genpsk();

    @TempDir
    Path tmp;

    @BeforeEach
    void hosts() {
        underlay = new Underlay();
        a = underlay.host("sea");
        b = underlay.host("seb");
        underlay.link(a, b);
    }

    @AfterEach
    void cleanup() {
        a.jtun("down", IFACE);
        b.jtun("down", IFACE);
        underlay.close();
    }

    private String config(Secret own, Secret peer, String self, int port, int peerPort, String peerAddress,
            String extra) {
        return """
                [Interface]
                PrivateKey = %s
                Address = 10.78.0.%s/24
                ListenPort = %d
                %s
                [Peer]
                PublicKey = %s
                PresharedKey = %s
                Endpoint = %s:%d
                AllowedIPs = 10.78.0.%s/32
                """.formatted(own.base64(), self, port, extra, Keys.pubkey(peer), psk.base64(), peerAddress,
                peerPort, self.equals("1") ? "2" : "1");
    }

    private Path configA(String extra) {
        return write(a, config(keyA, keyB, "1", PORT_A, PORT_B, "198.18.0.2", extra));
    }

    private Path configB(String extra) {
        return write(b, config(keyB, keyA, "2", PORT_B, PORT_A, "198.18.0.1", extra));
    }

    private Path write(Netns host, String text) {
        Path file = underlay.config(host.name(), IFACE, text);
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return file;
    }

    private static void up(Netns host, Path config, String... options) {
        String[] args = new String[options.length + 2];
        args[0] = "up";
        System.arraycopy(options, 0, args, 1, options.length);
        args[args.length - 1] = config.toString();
        Result up = host.jtun(args);
        assertEquals(0, up.exitCode(), up.toString());
    }

    private static void ping(Netns from, String target) {
        Result ping = from.exec("ping", "-c", "3", "-i", "0.2", "-W", "3", target);
        assertEquals(0, ping.exitCode(), ping.toString());
    }

    private static Path runtimeFile(Netns host, String suffix) {
        return Path.of("/run/jtun/netns", host.name(), IFACE + suffix);
    }

    private static long daemonPid(Netns host) throws Exception {
        return Long.parseLong(Files.readString(runtimeFile(host, ".pid")).strip());
    }

    /** The "Key:\tv1\tv2..." lines of /proc/PID/status that say who a process is and what it may do. */
    private static Map<String, String> credentials(long pid) throws Exception {
        return Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status")).stream()
                .filter(l -> l.matches("(Uid|Gid|Groups|CapInh|CapPrm|CapEff|CapAmb):.*"))
                .collect(Collectors.toMap(l -> l.substring(0, l.indexOf(':')), l -> l.substring(l.indexOf(':') + 1)
                        .strip().replaceAll("\\s+", " ")));
    }

    // ---- privilege drop ----

    @Test
    void afterSetUpTheDaemonRunsAsNobodyWithNoCapabilityAndStillCarriesTraffic() throws Exception {
        up(a, configA("User = nobody"));
        up(b, configB(""), "--user", "nobody");
        ping(a, "10.78.0.2");
        ping(b, "10.78.0.1");
        for (Netns host : List.of(a, b)) {
            Map<String, String> creds = credentials(daemonPid(host));
            String nobody = String.join(" ", NOBODY_ID, NOBODY_ID, NOBODY_ID, NOBODY_ID);
            assertEquals(nobody, creds.get("Uid"), "real, effective, saved and fs uid: " + creds);
            assertEquals(nobody, creds.get("Gid"), creds.toString());
            assertEquals(NOBODY_ID, creds.get("Groups"), "nobody's groups only, root's are gone: " + creds);
            for (String set : List.of("CapPrm", "CapEff", "CapAmb", "CapInh")) {
                assertEquals("0000000000000000", creds.get(set), set + ": " + creds);
            }
        }
        // Still manageable by root's tools: jtun show over the control socket, wg over UAPI.
        Result show = a.jtun("show", IFACE);
        assertEquals(0, show.exitCode(), show.toString());
        assertTrue(show.stdout().contains("latest handshake"), show.stdout());
        Result wg = a.exec("wg", "show", IFACE, "latest-handshakes");
        assertEquals(0, wg.exitCode(), wg.toString());

        // A change that needs root says why it cannot be made, and nothing breaks.
        Files.writeString(runtimeConfig(a), Files.readString(runtimeConfig(a)).replace("AllowedIPs = 10.78.0.2/32",
                "AllowedIPs = 10.78.0.2/32, 10.79.0.0/24"));
        Result reload = a.jtun("syncconf", IFACE);
        assertNotEquals(0, reload.exitCode(), reload.toString());
        assertTrue(reload.stderr().contains("runs as user nobody"), reload.toString());
        ping(a, "10.78.0.2");

        // jtun down (root) finishes what the unprivileged daemon could not: nothing is left.
        Result down = a.jtun("down", IFACE);
        assertEquals(0, down.exitCode(), down.toString());
        assertFalse(a.exec("ip", "link", "show", IFACE).exitCode() == 0, "the device outlived jtun down");
        for (String suffix : List.of(".sock", ".pid", ".log")) {
            assertFalse(Files.exists(runtimeFile(a, suffix)), suffix + " left behind");
        }
        assertFalse(a.exec("test", "-e", "/var/run/wireguard/" + IFACE + ".sock").exitCode() == 0,
                "the UAPI socket was left behind");
    }

    @Test
    void aDefaultRoutesRulesAreRemovedByJtunDownAfterTheUnprivilegedDaemonExits() throws Exception {
        String before = a.exec("ip", "rule").stdout();
        up(a, write(a, config(keyA, keyB, "1", PORT_A, PORT_B, "198.18.0.2", "User = nobody")
                .replace("AllowedIPs = 10.78.0.2/32", "AllowedIPs = 0.0.0.0/0")));
        up(b, configB(""));
        ping(a, "10.78.0.2");
        assertTrue(a.exec("ip", "rule").stdout().contains("lookup 51820"), a.exec("ip", "rule").stdout());
        Result down = a.jtun("down", IFACE);
        assertEquals(0, down.exitCode(), down.toString());
        assertEquals(before, a.exec("ip", "rule").stdout(), "the policy rules outlived jtun down");
        assertFalse(Files.exists(runtimeFile(a, ".undo")), "the record of rules was left behind");
    }

    private Path runtimeConfig(Netns host) {
        return underlay.configPath(host.name(), IFACE);
    }

    @Test
    void anUnknownUserIsRefusedBeforeAnythingIsSetUp() {
        Path file = configA("User = no-such-user-here");
        Result up = a.jtun("up", file.toString());
        assertEquals(2, up.exitCode(), up.toString());
        assertTrue(up.stderr().contains(file + ":5: User: no user 'no-such-user-here'"), up.stderr());
        assertEquals(1, up.stderr().lines().count(), "one line, no stack trace: " + up.stderr());
        assertFalse(a.exec("ip", "link", "show", IFACE).exitCode() == 0, "a device was created");

        Result root = a.jtun("up", "--user", "root", file.toString());
        assertEquals(2, root.exitCode(), root.toString());
        assertTrue(root.stderr().contains("is root (uid 0)"), root.stderr());
    }

    // ---- nothing in plaintext ----

    @Test
    void whileThePeerIsDownOnlyHandshakeInitiationsLeaveAndNoPlaintext() throws Exception {
        up(a, configA(""));
        Path capture = tmp.resolve("underlay.pcap");
        Daemon tcpdump = a.start("tcpdump", "-n", "--immediate-mode", "-i", "ul0a", "-U", "-w", capture.toString(),
                "udp");
        tcpdump.awaitLine(l -> l.contains("listening on ul0a"), Duration.ofSeconds(20));
        String marker = "JTUN-SECRET-" + HexFormat.of().formatHex(Keys.genpsk().bytes(), 0, 8);
        // Six seconds of traffic to a peer that never answers: jtun retries its handshake
        // (REKEY_TIMEOUT 5 s) and keeps the packets queued or drops them.
        Result send = a.exec(Duration.ofSeconds(30), "bash", "-c", "for i in $(seq 30); do echo " + marker
                + " | ncat -u --send-only 10.78.0.2 7000; ping -c 1 -W 0.2 -p 4a54554e 10.78.0.2 >/dev/null;"
                + " sleep 0.2; done");
        assertEquals(0, send.exitCode(), send.toString());
        tcpdump.stop(Duration.ofSeconds(10));

        byte[] bytes = Files.readAllBytes(capture);
        assertFalse(new String(bytes, StandardCharsets.ISO_8859_1).contains(marker), "the marker left in plaintext");
        Result tshark = Netns.run(Duration.ofSeconds(60), "tshark", "-r", capture.toString(), "-d",
                "udp.port==" + PORT_A + ",wg", "-T", "fields", "-e", "udp.length", "-e", "wg.type");
        assertEquals(0, tshark.exitCode(), tshark.toString());
        List<String> datagrams = tshark.stdout().lines().toList();
        assertTrue(datagrams.size() >= 2, "the handshake was tried (and retried): " + datagrams);
        for (String datagram : datagrams) {
            assertEquals("156\t1", datagram.strip(), "only 148-byte handshake initiations: " + datagrams);
        }
        System.out.println("SecurityIT figures: peer down, 30 marker datagrams + 30 pings sent into the tunnel; "
                + datagrams.size() + " datagrams left on the underlay, all 148-byte handshake initiations; "
                + "marker bytes on the wire: 0");
    }

    // ---- no secrets in the log or in show ----

    @Test
    void keysAppearNeitherInTheVerboseLogNorInShowEvenAcrossAReload() throws Exception {
        Path fileA = configA("");
        up(a, fileA, "--verbose");
        up(b, configB(""), "--verbose");
        ping(a, "10.78.0.2");
        // A reload with a new preshared key on both sides: keys pass through the reload path too.
        Secret newPsk = Keys.genpsk();
        Files.writeString(fileA, Files.readString(fileA).replace(psk.base64(), newPsk.base64()));
        Path fileB = runtimeConfig(b);
        Files.writeString(fileB, Files.readString(fileB).replace(psk.base64(), newPsk.base64()));
        assertEquals(0, a.jtun("syncconf", IFACE).exitCode());
        assertEquals(0, b.jtun("syncconf", IFACE).exitCode());
        Result wgSet = a.exec("wg", "set", IFACE, "peer", Keys.pubkey(keyB).toString(), "persistent-keepalive", "1");
        assertEquals(0, wgSet.exitCode(), wgSet.toString());
        ping(a, "10.78.0.2");

        List<String> secrets = List.of(keyA.base64(), keyB.base64(), psk.base64(), newPsk.base64(),
                HexFormat.of().formatHex(keyA.bytes()), HexFormat.of().formatHex(psk.bytes()),
                HexFormat.of().formatHex(newPsk.bytes()));
        String log = Files.readString(runtimeFile(a, ".log")) + Files.readString(runtimeFile(b, ".log"));
        assertTrue(log.contains("handshake"), "the verbose log has the handshakes: " + log);
        String show = a.jtun("show", IFACE).stdout() + a.jtun("show").stdout() + a.exec("wg", "show", IFACE).stdout();
        assertTrue(show.contains("(hidden)"), show);
        for (String secret : secrets) {
            assertFalse(log.contains(secret), "a key is in the log");
            assertFalse(show.contains(secret), "a key is in show: " + show);
        }
        // Asked for explicitly, the key is there (so the checks above would have seen it).
        assertTrue(a.exec("wg", "showconf", IFACE).stdout().contains(keyA.base64()));
    }
}
