package io.jtun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtun.config.Secret;
import io.jtun.noise.Keys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
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
 * jtun with the WireGuard tools people already use: {@code wg} against a running jtun (the UAPI
 * socket), wg-quick with jtun as its userspace implementation, configuration reload without
 * losing sessions, and the metrics endpoint. Interface names are unique per test because
 * /var/run/wireguard is shared by all namespaces.
 */
@Tag("netns")
class WgToolsIT {
    private static final int PORT_A = 51820;
    private static final int PORT_B = 51821;

    private Underlay underlay;
    private Netns a;
    private Netns b;
    private final List<WireGuardGo> wireguardGos = new ArrayList<>();
    private final List<Runnable> cleanups = new ArrayList<>();
    private final Secret keyA = Keys.genkey();
    private final Secret keyB = Keys.genkey();
    private final String publicA = Keys.pubkey(keyA).toString();
    private final String publicB = Keys.pubkey(keyB).toString();
    private final String name = "jt" + HexFormat.of().formatHex(randomBytes(3));

    @TempDir
    Path tmp;

    @BeforeEach
    void hosts() {
        underlay = new Underlay();
        a = underlay.host("wta");
        b = underlay.host("wtb");
        underlay.link(a, b);
    }

    @AfterEach
    void cleanup() {
        cleanups.forEach(Runnable::run);
        a.exec("ip", "link", "del", name);
        a.jtun("down", name);
        wireguardGos.forEach(WireGuardGo::close);
        underlay.close();
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }

    private Path secretFile(String file, String content) throws Exception {
        Path path = tmp.resolve(file);
        Files.writeString(path, content);
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        return path;
    }

    /** The interface's config file (chmod 600) in its own directory: one peer, B. */
    private Path jtunConfig(String directory, String interfaceExtra, String endpoint, String allowedIps)
            throws Exception {
        Path dir = Files.createDirectories(tmp.resolve(directory));
        Path conf = dir.resolve(name + ".conf");
        Files.writeString(conf, """
                [Interface]
                PrivateKey = %s
                Address = 10.66.0.1/24
                ListenPort = %d
                %s
                [Peer]
                PublicKey = %s
                Endpoint = %s
                AllowedIPs = %s
                """.formatted(keyA.base64(), PORT_A, interfaceExtra, publicB, endpoint, allowedIps));
        Files.setPosixFilePermissions(conf, PosixFilePermissions.fromString("rw-------"));
        return conf;
    }

    private WireGuardGo wireguardGoOnB() throws Exception {
        WireGuardGo wg = WireGuardGo.start(b);
        wireguardGos.add(wg);
        wg.set("private-key", secretFile("b.key", keyB.base64()).toString(), "listen-port", String.valueOf(PORT_B),
                "peer", publicA, "endpoint", "198.18.0.1:" + PORT_A, "allowed-ips", "10.66.0.1/32");
        wg.configure("10.66.0.2/24", "fd00:66::2/64");
        return wg;
    }

    private Result wg(String... args) {
        List<String> command = new ArrayList<>(List.of("wg"));
        command.addAll(List.of(args));
        return a.exec(command.toArray(String[]::new));
    }

    private static void ping(Netns from, String target) {
        Result ping = from.exec("ping", "-c", "3", "-i", "0.3", "-W", "3", target);
        assertEquals(0, ping.exitCode(), ping.toString());
    }

    @Test
    void wgShowSetShowconfAndSyncconfWorkAgainstJtun() throws Exception {
        a.jtun(name).check();
        assertTrue(Files.exists(Path.of("/var/run/wireguard", name + ".sock")));

        // wg set: private key, port, a peer; the tunnel then carries traffic to wireguard-go.
        wg("set", name, "private-key", secretFile("a.key", keyA.base64()).toString(), "listen-port",
                String.valueOf(PORT_A), "peer", publicB, "endpoint", "198.18.0.2:" + PORT_B, "allowed-ips",
                "10.66.0.2/32").check();
        a.exec("ip", "addr", "add", "10.66.0.1/24", "dev", name).check();
        a.exec("ip", "link", "set", name, "up").check();
        wireguardGoOnB();
        ping(a, "10.66.0.2");

        String show = wg("show", name).check().stdout();
        assertTrue(show.contains("public key: " + publicA), show);
        assertTrue(show.contains("listening port: " + PORT_A), show);
        assertTrue(show.contains("peer: " + publicB) && show.contains("latest handshake"), show);
        assertTrue(wg("show", name, "transfer").check().stdout().matches("(?s)" + publicB.replace("+", "\\+")
                + "\\t[1-9]\\d*\\t[1-9]\\d*\\s*"), wg("show", name, "transfer").stdout());

        // wg showconf round-trips through wg syncconf with a change: a second peer added.
        String conf = wg("showconf", name).check().stdout();
        assertTrue(conf.contains("PrivateKey = " + keyA.base64()) && conf.contains("PublicKey = " + publicB), conf);
        String third = Keys.pubkey(Keys.genkey()).toString();
        Path changed = secretFile("changed.conf", conf + "\n[Peer]\nPublicKey = " + third + "\nAllowedIPs = 10.66.0.3/32\n");
        String handshakeBefore = wg("show", name, "latest-handshakes").check().stdout();
        wg("syncconf", name, changed.toString()).check();
        String peers = wg("show", name, "peers").check().stdout();
        assertTrue(peers.contains(third) && peers.contains(publicB), peers);
        assertEquals(handshakeBefore.lines().filter(l -> l.startsWith(publicB)).findFirst(),
                wg("show", name, "latest-handshakes").stdout().lines().filter(l -> l.startsWith(publicB)).findFirst(),
                "syncconf keeps the existing session");
        ping(a, "10.66.0.2");

        // wg set: remove a peer, change the port, change the private key.
        wg("set", name, "peer", third, "remove").check();
        assertFalse(wg("show", name, "peers").stdout().contains(third));
        wg("set", name, "listen-port", "51999").check();
        assertEquals("51999", wg("show", name, "listen-port").check().stdout().strip());
        assertTrue(a.exec("ss", "-Hlun").stdout().contains(":51999"), "the new port is bound");
        Secret newKey = Keys.genkey();
        wg("set", name, "private-key", secretFile("new.key", newKey.base64()).toString()).check();
        assertEquals(Keys.pubkey(newKey).toString(), wg("show", name, "public-key").check().stdout().strip());

        // A port in use is refused with EADDRINUSE, which wg reports, and the old port stays.
        a.start("ncat", "-u", "-l", "51998");
        for (int i = 0; i < 100 && !a.exec("ss", "-Hlun").stdout().contains(":51998"); i++) {
            Thread.sleep(50);
        }
        Result busy = wg("set", name, "listen-port", "51998");
        assertTrue(busy.exitCode() != 0 && busy.stderr().contains("Address already in use"), busy.toString());
        assertEquals("51999", wg("show", name, "listen-port").check().stdout().strip());
    }

    @Test
    void wgQuickUpAndDownWithJtunAsTheUserspaceImplementation() throws Exception {
        wireguardGoOnB();
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Files.createSymbolicLink(bin.resolve("jtun"), Path.of("jtun").toAbsolutePath());
        Path conf = secretFile(name + ".conf", """
                [Interface]
                PrivateKey = %s
                Address = 10.66.0.1/24
                ListenPort = %d

                [Peer]
                PublicKey = %s
                Endpoint = 198.18.0.2:%d
                AllowedIPs = 10.66.0.2/32
                """.formatted(keyA.base64(), PORT_A, publicB, PORT_B));
        String path = bin + ":" + System.getenv("PATH");
        Result up = a.exec("env", "PATH=" + path, "WG_QUICK_USERSPACE_IMPLEMENTATION=jtun", "JAVA_HOME="
                + Path.of(Jtun.java()).getParent().getParent(), "wg-quick", "up", conf.toString());
        assertEquals(0, up.exitCode(), up.toString());
        assertTrue(up.stderr().contains("[#] jtun " + name), up.toString());
        ping(a, "10.66.0.2");
        assertTrue(wg("show", name).stdout().contains("latest handshake"));

        Result down = a.exec("env", "PATH=" + path, "wg-quick", "down", conf.toString());
        assertEquals(0, down.exitCode(), down.toString());
        waitUntilGone(Path.of("/var/run/wireguard", name + ".sock"));
        assertFalse(a.exec("ip", "link", "show", name).exitCode() == 0, "the device is gone");
    }

    @Test
    void sighupReloadKeepsARunningTcpTransferAlive() throws Exception {
        wireguardGoOnB();
        Path conf = jtunConfig("conf", "", "198.18.0.2:" + PORT_B, "10.66.0.2/32");
        String base = Files.readString(conf);
        a.jtun("up", conf.toString()).check();
        ping(a, "10.66.0.2");
        String handshake = wg("show", name, "latest-handshakes").check().stdout().strip();

        // A transfer paced to last ~6 s, so the reload happens in the middle of it.
        Transfer transfer = Transfer.start(a, b, "10.66.0.2", 5010, Transfer.randomFile(tmp, "data", 30_000_000), "5M");
        Thread.sleep(1500);
        String third = Keys.pubkey(Keys.genkey()).toString();
        Files.writeString(conf, base + "\n[Peer]\nPublicKey = " + third + "\nAllowedIPs = 10.66.0.3/32\n");
        Result sync = a.jtun("syncconf", name);
        assertEquals(0, sync.exitCode(), sync.toString());
        assertTrue(sync.stderr().contains("1 peer(s) added, 0 removed, 1 kept"), sync.toString());
        transfer.awaitIntact(Duration.ofSeconds(180)); // across the reload
        assertTrue(wg("show", name, "peers").stdout().contains(third));
        assertEquals(handshake, wg("show", name, "latest-handshakes").stdout().strip().lines()
                .filter(l -> l.startsWith(publicB)).findFirst().orElse(""), "the session was kept");

        // SIGHUP does the same as jtun syncconf.
        Files.writeString(conf, base);
        String pid = Files.readString(Path.of("/run/jtun/netns", a.name(), name + ".pid")).strip();
        a.exec("kill", "-HUP", pid).check();
        // Generous: on a loaded machine the signal thread, the file read and the reload take their time.
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline && wg("show", name, "peers").stdout().contains(third)) {
            Thread.sleep(100);
        }
        assertFalse(wg("show", name, "peers").stdout().contains(third), () -> "SIGHUP did not remove the peer again;"
                + " the daemon's log:\n" + daemonLog());
        ping(a, "10.66.0.2");
    }

    private String daemonLog() {
        try {
            return Files.readString(Path.of("/run/jtun/netns", a.name(), name + ".log"));
        } catch (java.io.IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Test
    void theMetricsEndpointIsScrapedAndParsed() throws Exception {
        wireguardGoOnB();
        Path conf = jtunConfig("metrics", "", "198.18.0.2:" + PORT_B, "10.66.0.2/32");
        a.jtun("up", "--metrics", "127.0.0.1:9586", conf.toString()).check();
        ping(a, "10.66.0.2");
        a.exec("ping", "-c", "2", "-W", "1", "10.66.0.99"); // no route: dropped and counted
        Result scrape = a.exec("curl", "-sf", "http://127.0.0.1:9586/metrics");
        assertEquals(0, scrape.exitCode(), scrape.toString());
        Map<String, Double> samples = scrape.stdout().lines().filter(l -> !l.startsWith("#") && !l.isBlank())
                .collect(Collectors.toMap(l -> l.substring(0, l.lastIndexOf(' ')),
                        l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)), (x, y) -> x));
        String peer = "interface=\"" + name + "\",peer=\"" + publicB + "\"";
        assertTrue(samples.get("jtun_peer_transmit_bytes_total{" + peer + "}") > 0, samples.toString());
        assertTrue(samples.get("jtun_peer_receive_bytes_total{" + peer + "}") > 0, samples.toString());
        assertTrue(samples.get("jtun_peer_handshake_attempts_total{" + peer + "}") >= 1, samples.toString());
        assertTrue(samples.get("jtun_peer_last_handshake_seconds{" + peer + "}") > 1.7e9, samples.toString());
        assertTrue(samples.keySet().stream().anyMatch(k -> k.startsWith("jtun_interface_dropped_packets_total{")
                && k.contains("reason=\"no_route\"")), samples.toString());
    }

    @Test
    void aNamedEndpointIsResolvedAgainWhileHandshakesFailAndBothFamiliesAreTried() throws Exception {
        wireguardGoOnB();
        // The name's first address leads nowhere (IPv4, nobody there); its second is B's IPv6
        // address. jtun starts with the first, and must move on by itself.
        Path hosts = Path.of("/etc/netns", a.name(), "hosts");
        cleanups.add(() -> {
            try {
                Files.deleteIfExists(hosts);
                Files.deleteIfExists(hosts.getParent());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        Files.createDirectories(hosts.getParent());
        Files.writeString(hosts, "127.0.0.1 localhost\n198.18.0.99 peer-b.test\nfd00:18:0::2 peer-b.test\n");
        Path conf = jtunConfig("named", "", "peer-b.test:" + PORT_B, "10.66.0.2/32");
        a.jtun("up", conf.toString()).check();
        assertTrue(a.jtun("show", name).stdout().contains("endpoint: 198.18.0.99:" + PORT_B));
        Result ping = a.exec(Duration.ofSeconds(90), "ping", "-c", "60", "-i", "1", "-W", "1", "-w", "60", "10.66.0.2");
        assertTrue(ping.stdout().contains("bytes from 10.66.0.2"), ping.toString());
        assertTrue(a.jtun("show", name).stdout().contains("endpoint: [fd00:18::2]:" + PORT_B),
                a.jtun("show", name).stdout());
    }

    @Test
    void jtunUpDoesWhatWgQuickDoesForADefaultRouteAndHooks() throws Exception {
        wireguardGoOnB();
        Path marker = tmp.resolve("hook-ran");
        Path conf = jtunConfig("quick", "PostUp = echo up %i > " + marker + "\nPostDown = rm " + marker + "\n",
                "198.18.0.2:" + PORT_B, "0.0.0.0/0");
        b.exec("ip", "route", "add", "10.66.0.0/24", "dev", wireguardGos.get(0).name());
        wireguardGos.get(0).set("peer", publicA, "allowed-ips", "0.0.0.0/0");

        a.jtun("up", conf.toString()).check();
        assertEquals("up " + name, Files.readString(marker).strip(), "PostUp ran with %i replaced");
        String rules = a.exec("ip", "-4", "rule").stdout();
        assertTrue(rules.contains("not from all fwmark 0xca6c lookup 51820"), rules);
        assertTrue(rules.contains("lookup main suppress_prefixlength 0"), rules);
        assertTrue(a.exec("ip", "route", "show", "table", "51820").stdout().contains("default dev " + name));
        assertEquals("0xca6c", wg("show", name, "fwmark").check().stdout().strip());
        assertTrue(a.exec("ip", "link", "show", name).stdout().contains("mtu 1420"), "MTU auto: 1500 - 80");
        ping(a, "10.66.0.2");
        // 198.18.0.2 itself is reached outside the tunnel (the socket's mark skips table 51820):
        // the handshake above proves it; and everything else now goes through the tunnel.
        assertTrue(a.exec("ip", "route", "get", "192.0.2.1").stdout().contains("dev " + name));

        a.jtun("down", name).check();
        assertFalse(Files.exists(marker), "PostDown ran");
        String after = a.exec("ip", "-4", "rule").stdout();
        assertFalse(after.contains("51820") || after.contains("suppress_prefixlength"), after);
    }

    private static void waitUntilGone(Path file) throws InterruptedException {
        for (int i = 0; i < 200 && Files.exists(file); i++) {
            Thread.sleep(50);
        }
        assertFalse(Files.exists(file), file + " still there");
    }
}
