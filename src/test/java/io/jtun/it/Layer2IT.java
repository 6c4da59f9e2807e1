package io.jtun.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtun.config.Secret;
import io.jtun.it.EthernetFrames.Capture;
import io.jtun.it.EthernetFrames.Frame;
import io.jtun.noise.Keys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Encrypted layer-2 networks: jtun TAP devices ({@code Mode = tap}) in three namespaces, a star
 * around the hub A (A-B is the underlay link 198.18.0.0/24, A-C is 198.18.1.0/24), one
 * Ethernet segment 10.88.0.0/24 and fd00:88::/64 over WireGuard. A switches frames between B and
 * C by the MAC addresses it learned.
 */
@Tag("netns")
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class Layer2IT {
    private static final Duration TRANSFER = Duration.ofSeconds(120);
    private static final Duration FRAME_WAIT = Duration.ofSeconds(10);
    /** How long a capture keeps listening after the expected frames, for duplicates and loops. */
    private static final Duration SETTLE = Duration.ofSeconds(2);
    private static final Duration SHOW_WAIT = Duration.ofSeconds(15);
    /** IEEE 802 local experimental ethertype 1: no stack in the namespaces reacts to it. */
    private static final int ETHERTYPE = 0x88b5;
    private static final String MOVING_MAC = "02:00:00:aa:bb:cc";
    private static final int PORT_A = 51820;
    private static final int PORT_B = 51821;
    private static final int PORT_C = 51822;
    private static final Pattern SWITCH = Pattern.compile(
            "switch: (\\d+) mac addresses \\((\\d+) local\\), (\\d+) moves, (\\d+) over limit(, hub)?");
    private static final Pattern COMPRESSION = Pattern.compile("compression: lz4 \\(sent: (\\d+) frames compressed,"
            + " (\\d+) as is, [^;]+ in [^;]+; received: (\\d+) frames compressed\\)");

    private Underlay underlay;
    private Netns a;
    private Netns b;
    private Netns c;
    private final List<WireGuardGo> wireguardGos = new ArrayList<>();
    private final Secret keyA = Keys.genkey();
    private final Secret keyB = Keys.genkey();
    private final Secret keyC = Keys.genkey();
    private final String publicA = Keys.pubkey(keyA).toString();
    private final String publicB = Keys.pubkey(keyB).toString();
    private final String publicC = Keys.pubkey(keyC).toString();

    @TempDir
    Path tmp;

    @BeforeEach
    void hosts() {
        underlay = new Underlay();
        a = underlay.host("l2a");
        b = underlay.host("l2b");
        c = underlay.host("l2c");
        underlay.link(a, b); // a 198.18.0.1, b 198.18.0.2
        underlay.link(a, c); // a 198.18.1.1, c 198.18.1.2
    }

    @AfterEach
    void cleanup() {
        // Stopping the daemons first removes their runtime files; deleting the namespaces then
        // removes whatever a failed test left (bridges, veths, a fourth host).
        for (Netns host : new Netns[] {a, b, c}) {
            host.jtun("down", "jt0");
        }
        wireguardGos.forEach(WireGuardGo::close);
        underlay.close();
    }

    // ---- set-up ----

    /** A TAP interface; {@code host} is the last byte of its overlay addresses, 0 for none. */
    private static String config(Secret key, int port, int host, String extra, String... peers) {
        String address = host == 0 ? "" : "Address = 10.88.0.%d/24, fd00:88::%d/64\n".formatted(host, host);
        return "[Interface]\nPrivateKey = " + key.base64() + "\nListenPort = " + port + "\n" + address
                + "Mode = tap\n" + extra + "\n" + String.join("\n", peers);
    }

    /** A peer of a TAP interface: no AllowedIPs, frames are switched by MAC address. */
    private static String peer(String publicKey, String endpoint) {
        return "[Peer]\nPublicKey = " + publicKey + "\nEndpoint = " + endpoint + "\n";
    }

    private void up(Netns host, String text) {
        Path file = underlay.config(host.name(), "jt0", text);
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Result up = host.jtun("up", file.toString());
        assertEquals(0, up.exitCode(), up.toString());
    }

    /** The star: A is the hub with B and C as peers, B and C each know only A. */
    private void star(String extra, boolean addressOnC) {
        up(a, config(keyA, PORT_A, 1, "Hub = true\n" + extra, peer(publicB, "198.18.0.2:" + PORT_B),
                peer(publicC, "198.18.1.2:" + PORT_C)));
        up(b, config(keyB, PORT_B, 2, extra, peer(publicA, "198.18.0.1:" + PORT_A)));
        up(c, config(keyC, PORT_C, addressOnC ? 3 : 0, extra, peer(publicA, "198.18.1.1:" + PORT_A)));
    }

    // ---- ARP, neighbour discovery, the MAC table ----

    @Test
    void arpResolvesAndEveryHostPingsEveryOther() {
        star("", true);
        ping(b, "10.88.0.3"); // first, through the hub before anything was learned
        ping(c, "10.88.0.2");
        ping(a, "10.88.0.2");
        ping(a, "10.88.0.3");
        ping(b, "10.88.0.1");
        ping(c, "10.88.0.1");

        String macA = EthernetFrames.mac(a, "jt0");
        String macB = EthernetFrames.mac(b, "jt0");
        String macC = EthernetFrames.mac(c, "jt0");
        Result neighbours = b.exec("ip", "neigh", "show", "dev", "jt0");
        assertTrue(neighbours.stdout().contains("10.88.0.3 lladdr " + macC), neighbours.toString());
        assertTrue(neighbours.stdout().contains("10.88.0.1 lladdr " + macA), neighbours.toString());

        // The hub's table: its own device's MAC as local, each spoke's behind its peer.
        String show = show(a);
        assertTrue(show.contains("local mac addresses: ") && localMacs(show).contains(macA), show);
        assertTrue(macsOf(show, publicB).contains(macB), show);
        assertTrue(macsOf(show, publicC).contains(macC), show);
        assertFalse(macsOf(show, publicB).contains(macC), show);
        Matcher line = switchLine(show);
        assertTrue(Integer.parseInt(line.group(1)) >= 3 && Integer.parseInt(line.group(2)) >= 1, line.group());
        assertEquals(", hub", line.group(5), line.group());
        // A spoke is no hub.
        assertEquals(null, switchLine(show(b)).group(5), show(b));
    }

    @Test
    void ipv6NeighbourDiscoveryWorks() throws Exception {
        star("", true);
        for (Netns host : new Netns[] {a, b, c}) {
            awaitNoTentativeAddress(host);
        }
        ping(b, "fd00:88::3");
        ping(c, "fd00:88::2");
        ping(a, "fd00:88::2");
        ping(a, "fd00:88::3");
        ping(b, "fd00:88::1");
        ping(c, "fd00:88::1");
        Result neighbours = b.exec("ip", "-6", "neigh", "show", "dev", "jt0");
        assertTrue(neighbours.stdout().contains("fd00:88::3 lladdr " + EthernetFrames.mac(c, "jt0")),
                neighbours.toString());
        assertTrue(neighbours.stdout().contains("fd00:88::1 lladdr " + EthernetFrames.mac(a, "jt0")),
                neighbours.toString());
        neighbours = c.exec("ip", "-6", "neigh", "show", "dev", "jt0");
        assertTrue(neighbours.stdout().contains("fd00:88::2 lladdr " + EthernetFrames.mac(b, "jt0")),
                neighbours.toString());
    }

    // ---- raw frames ----

    @Test
    void aBroadcastReachesEveryPeerOnceAndDoesNotComeBack() throws Exception {
        star("", true);
        ping(b, "10.88.0.3"); // sessions B-A and A-C are up, so the frame does not wait for a handshake
        Capture atA = Capture.start(a, "jt0", ETHERTYPE, tmp.resolve("a.pcap"));
        Capture atB = Capture.start(b, "jt0", ETHERTYPE, tmp.resolve("b.pcap"));
        Capture atC = Capture.start(c, "jt0", ETHERTYPE, tmp.resolve("c.pcap"));
        byte[] payload = EthernetFrames.payload("jtun-l2-broadcast", 100);
        EthernetFrames.send(b, "jt0", EthernetFrames.BROADCAST, ETHERTYPE, payload);

        String macB = EthernetFrames.mac(b, "jt0");
        for (Capture capture : new Capture[] {atA, atC}) {
            List<Frame> frames = capture.await(1, FRAME_WAIT, SETTLE);
            assertEquals(1, frames.size(), "exactly one copy: " + capture + diagnostics());
            Frame frame = frames.get(0);
            assertEquals(EthernetFrames.BROADCAST, frame.destination(), frame.toString());
            assertEquals(macB, frame.source(), frame.toString());
            assertArrayEquals(payload, frame.payload(), frame.toString());
        }
        assertEquals(List.of(), atB.stop(), "nothing came back to the sender: " + atB);
    }

    @Test
    void aUnicastFrameOfANonIpEthertypeCrossesIntactToTheLearnedPeerOnly() throws Exception {
        star("", true);
        ping(b, "10.88.0.3");
        ping(c, "10.88.0.2"); // the hub has learned C's MAC behind C
        String macB = EthernetFrames.mac(b, "jt0");
        String macC = EthernetFrames.mac(c, "jt0");
        Capture atA = Capture.start(a, "jt0", ETHERTYPE, tmp.resolve("a.pcap"));
        Capture atC = Capture.start(c, "jt0", ETHERTYPE, tmp.resolve("c.pcap"));
        byte[] payload = EthernetFrames.payload("jtun-l2-unicast", 1200);
        EthernetFrames.send(b, "jt0", macC, ETHERTYPE, payload);

        List<Frame> frames = atC.await(1, FRAME_WAIT, SETTLE);
        assertEquals(1, frames.size(), atC + diagnostics());
        Frame frame = frames.get(0);
        assertEquals(macC, frame.destination(), frame.toString());
        assertEquals(macB, frame.source(), frame.toString());
        assertEquals(ETHERTYPE, frame.etherType(), frame.toString());
        assertArrayEquals(payload, frame.payload(), "payload intact: " + frame);
        assertEquals(List.of(), atA.stop(), "a learned unicast is not flooded to the hub's own device: " + atA);
    }

    @Test
    void aMacMovingFromOnePeerToAnotherIsRelearnedCountedAndLogged() throws Exception {
        star("", true);
        ping(b, "10.88.0.3");
        String macA = EthernetFrames.mac(a, "jt0");
        byte[] payload = EthernetFrames.payload("jtun-l2-move", 64);

        EthernetFrames.send(b, "jt0", macA, MOVING_MAC, ETHERTYPE, payload, 3);
        String behindB = awaitShow(a, s -> macsOf(s, publicB).contains(MOVING_MAC), MOVING_MAC + " behind B");
        assertFalse(macsOf(behindB, publicC).contains(MOVING_MAC), behindB);

        EthernetFrames.send(c, "jt0", macA, MOVING_MAC, ETHERTYPE, payload, 3);
        String behindC = awaitShow(a, s -> macsOf(s, publicC).contains(MOVING_MAC)
                && !macsOf(s, publicB).contains(MOVING_MAC), MOVING_MAC + " moved from B to C");
        Matcher line = switchLine(behindC);
        assertTrue(Long.parseLong(line.group(3)) >= 1, "a move is counted: " + line.group());
        awaitLog(a, "moved from peer");
    }

    // ---- a LAN segment joined through a Linux bridge ----

    @Test
    void aSegmentBridgedOnTheFarSideIsReached() throws Exception {
        star("", false); // C's jt0 is a bridge port: it carries no address
        Netns d = underlay.host("l2d");
        c.exec("ip", "link", "add", "br0", "type", "bridge", "forward_delay", "0").check();
        Netns.run(Duration.ofSeconds(30), "ip", "link", "add", "vc", "netns", c.name(), "type", "veth", "peer", "name",
                "vd", "netns", d.name()).check();
        c.exec("ip", "link", "set", "jt0", "master", "br0").check();
        c.exec("ip", "link", "set", "vc", "master", "br0").check();
        c.exec("ip", "link", "set", "vc", "up").check();
        c.exec("ip", "link", "set", "br0", "up").check();
        d.exec("ip", "addr", "add", "10.88.0.4/24", "dev", "vd").check();
        d.exec("ip", "link", "set", "vd", "up").check();

        ping(b, "10.88.0.4"); // B -> A -> C -> br0 -> vc -> vd
        ping(d, "10.88.0.1");
        String show = show(a);
        assertTrue(macsOf(show, publicC).contains(EthernetFrames.mac(d, "vd")), "d's MAC is behind C: " + show);
        Result neighbours = b.exec("ip", "neigh", "show", "dev", "jt0");
        assertTrue(neighbours.stdout().contains("10.88.0.4 lladdr " + EthernetFrames.mac(d, "vd")),
                neighbours.toString());
    }

    // ---- a peer that speaks only WireGuard ----

    @Test
    void aPlainWireGuardPeerGetsNothingThroughAndTheLogSaysWhy() throws Exception {
        up(a, config(keyA, PORT_A, 1, "", peer(publicB, "198.18.0.2:" + PORT_B)));
        WireGuardGo wg = WireGuardGo.start(b);
        wireguardGos.add(wg);
        Path key = tmp.resolve("b.key");
        Files.writeString(key, keyB.base64() + "\n");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        wg.set("private-key", key.toString(), "listen-port", String.valueOf(PORT_B), "peer", publicA, "endpoint",
                "198.18.0.1:" + PORT_A, "allowed-ips", "10.88.0.0/24");
        wg.configure("10.88.0.2/24", "fd00:88::2/64");

        // wireguard-go initiates with its first packet; its IP packets then reach A as plain
        // WireGuard transport data, which a TAP interface must not take.
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String show;
        do {
            Result ping = b.exec("ping", "-c", "3", "-i", "0.5", "-W", "1", "10.88.0.1");
            assertNotEquals(0, ping.exitCode(), ping.toString());
            assertTrue(ping.stdout().contains(" 100% packet loss"), ping.toString());
            show = show(a);
        } while (!show.contains("wrong message type") && System.nanoTime() < deadline);
        assertTrue(show.contains("latest handshake"), "the handshake itself succeeded: " + show + wg.log());
        assertTrue(show.contains("wrong message type"), show + "\n" + wg.show() + log(a));
        awaitLog(a, "plain WireGuard");
        Result neighbours = a.exec("ip", "neigh", "show", "dev", "jt0");
        assertFalse(neighbours.stdout().contains("10.88.0.2 lladdr"), "nothing reached A's stack: " + neighbours);
    }

    // ---- compression ----

    @Test
    void compressionRoundTripsAndShowsInTheCounters() throws Exception {
        up(a, config(keyA, PORT_A, 1, "Compression = lz4", peer(publicB, "198.18.0.2:" + PORT_B)));
        up(b, config(keyB, PORT_B, 2, "Compression = lz4", peer(publicA, "198.18.0.1:" + PORT_A)));
        ping(a, "10.88.0.2");

        long[] before = compression(show(a));
        transfer(a, b, "10.88.0.2", 5000, compressibleFile());
        long[] afterText = compression(show(a));
        long compressed = afterText[0] - before[0];
        long asIs = afterText[1] - before[1];
        assertTrue(compressed > 0 && compressed > asIs, "text is sent compressed: " + compressed + " compressed, "
                + asIs + " as is\n" + show(a));
        assertTrue(compression(show(b))[2] > 0, "B received compressed frames: " + show(b));

        transfer(a, b, "10.88.0.2", 5001, randomFile());
        long[] afterRandom = compression(show(a));
        compressed = afterRandom[0] - afterText[0];
        asIs = afterRandom[1] - afterText[1];
        assertTrue(asIs >= 100 && asIs > 10 * compressed, "random data is sent as is: " + compressed
                + " compressed, " + asIs + " as is\n" + show(a));
    }

    @Test
    void aReceiverWithoutCompressionStillTakesCompressedFrames() throws Exception {
        up(a, config(keyA, PORT_A, 1, "Compression = lz4", peer(publicB, "198.18.0.2:" + PORT_B)));
        up(b, config(keyB, PORT_B, 2, "", peer(publicA, "198.18.0.1:" + PORT_A)));
        ping(a, "10.88.0.2");
        ping(b, "10.88.0.1");
        transfer(a, b, "10.88.0.2", 5002, compressibleFile());
        assertTrue(compression(show(a))[0] > 0, show(a));
        transfer(b, a, "10.88.0.1", 5003, compressibleFile());
    }

    // ---- helpers ----

    private String diagnostics() {
        StringBuilder out = new StringBuilder();
        for (Netns host : new Netns[] {a, b, c}) {
            out.append("\n=== ").append(host.name()).append(" ===\n").append(host.jtun("show", "jt0").stdout())
                    .append(log(host));
        }
        return out.toString();
    }

    private void ping(Netns from, String target) {
        Result ping = from.exec("ping", target.contains(":") ? "-6" : "-4", "-c", "3", "-i", "0.2", "-W", "3", target);
        if (ping.exitCode() != 0 || !ping.stdout().contains(" 0% packet loss")) {
            throw new AssertionError(ping + diagnostics());
        }
    }

    private static String show(Netns host) {
        Result show = host.jtun("show", "jt0");
        assertEquals(0, show.exitCode(), show.toString());
        return show.stdout();
    }

    /** The lines of {@code peer}'s section of a {@code jtun show}. */
    private static List<String> peerSection(String show, String publicKey) {
        List<String> lines = show.lines().toList();
        int start = lines.indexOf("peer: " + publicKey);
        if (start < 0) {
            throw new AssertionError("no peer " + publicKey + " in\n" + show);
        }
        return lines.subList(start + 1, lines.size()).stream().takeWhile(l -> !l.isBlank()).toList();
    }

    /** The MAC addresses {@code jtun show} lists behind a peer. */
    private static List<String> macsOf(String show, String publicKey) {
        return listed(peerSection(show, publicKey), "  mac addresses: ");
    }

    private static List<String> localMacs(String show) {
        return listed(show.lines().takeWhile(l -> !l.startsWith("peer: ")).toList(), "  local mac addresses: ");
    }

    private static List<String> listed(List<String> lines, String prefix) {
        return lines.stream().filter(l -> l.startsWith(prefix)).findFirst()
                .map(l -> Arrays.asList(l.substring(prefix.length()).strip().split(", "))).orElse(List.of());
    }

    private static Matcher switchLine(String show) {
        Matcher m = SWITCH.matcher(show);
        if (!m.find()) {
            throw new AssertionError("no switch line in\n" + show);
        }
        return m;
    }

    /** Sent compressed, sent as is, received compressed: from the interface's compression line. */
    private static long[] compression(String show) {
        Matcher m = COMPRESSION.matcher(show);
        if (!m.find()) {
            throw new AssertionError("no compression line in\n" + show);
        }
        return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3))};
    }

    private static String awaitShow(Netns host, Predicate<String> condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + SHOW_WAIT.toNanos();
        String show;
        while (!condition.test(show = show(host))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("jtun show never had " + what + ":\n" + show + log(host));
            }
            Thread.sleep(100);
        }
        return show;
    }

    /** The daemon's log: {@code jtun up} in a named namespace keeps it under /run/jtun/netns/NAME. */
    private static String log(Netns host) {
        Path file = Path.of("/run/jtun/netns", host.name(), "jt0.log");
        try {
            return Files.exists(file) ? "\n--- " + file + " ---\n" + Files.readString(file) : "\n(no " + file + ")";
        } catch (IOException e) {
            return "\n(" + file + ": " + e + ")";
        }
    }

    private static void awaitLog(Netns host, String text) throws InterruptedException {
        long deadline = System.nanoTime() + SHOW_WAIT.toNanos();
        while (!log(host).contains(text)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the log never said '" + text + "':" + log(host) + "\n" + show(host));
            }
            Thread.sleep(100);
        }
    }

    /** Waits until the device has no tentative IPv6 address left (its link-local one goes through DAD). */
    private static void awaitNoTentativeAddress(Netns host) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        Result tentative;
        while (!(tentative = host.exec("ip", "-6", "addr", "show", "dev", "jt0", "tentative")).stdout().isBlank()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("addresses still tentative: " + tentative);
            }
            Thread.sleep(100);
        }
    }

    private Path compressibleFile() {
        Path file = tmp.resolve("text-" + System.nanoTime());
        Netns.run(Duration.ofSeconds(60), "bash", "-c",
                "yes 'jtun layer 2: the quick brown fox jumps over the lazy dog, again and again' | head -c 20000000 > "
                        + file).check();
        return file;
    }

    private Path randomFile() {
        Path file = tmp.resolve("random-" + System.nanoTime());
        Netns.run(Duration.ofSeconds(60), "bash", "-c", "head -c 20000000 /dev/urandom > " + file).check();
        return file;
    }

    /** Sends {@code data} over TCP with ncat and checks that it arrived intact. */
    private void transfer(Netns from, Netns to, String toAddress, int port, Path data) throws Exception {
        try {
            Transfer.start(from, to, toAddress, port, data, null).awaitIntact(TRANSFER);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + diagnostics(), e);
        }
    }
}
