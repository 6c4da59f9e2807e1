package io.jtun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtun.config.Secret;
import io.jtun.noise.Keys;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Encrypted tunnels speaking WireGuard, against Debian's wireguard-go and against jtun itself,
 * in two namespaces joined by a veth (A = 198.18.0.1, B = 198.18.0.2).
 */
@Tag("netns")
class WireGuardIT {
    private static final Duration TRANSFER = Duration.ofSeconds(120);
    private static final int PORT_A = 51820;
    private static final int PORT_B = 51821;

    private Underlay underlay;
    private Netns a;
    private Netns b;
    private final List<WireGuardGo> wireguardGos = new ArrayList<>();
    private final Secret keyA = Keys.genkey();
    private final Secret keyB = Keys.genkey();
    private final String publicA = Keys.pubkey(keyA).toString();
    private final String publicB = Keys.pubkey(keyB).toString();
    private final Secret psk = Keys.genpsk();

    @TempDir
    Path tmp;

    @BeforeEach
    void hosts() {
        underlay = new Underlay();
        a = underlay.host("wga");
        b = underlay.host("wgb");
        underlay.link(a, b);
    }

    @AfterEach
    void cleanup() {
        a.jtun("down", "jw0");
        b.jtun("down", "jw0");
        wireguardGos.forEach(WireGuardGo::close);
        underlay.close();
    }

    // ---- set-up helpers ----

    private String jtunConfig(Secret privateKey, String self, String self6, int port, String peerPublic, Secret peerPsk,
            String endpoint, String peer, String peer6, String extra) {
        return """
                [Interface]
                PrivateKey = %s
                Address = %s/24, %s/64
                ListenPort = %d
                %s
                [Peer]
                PublicKey = %s
                %s
                Endpoint = %s
                AllowedIPs = %s/32, %s/128
                """.formatted(privateKey.base64(), self, self6, port, extra, peerPublic,
                peerPsk == null ? "" : "PresharedKey = " + peerPsk.base64(), endpoint, peer, peer6);
    }

    private void jtunUp(Netns host, String text) {
        Path file = underlay.config(host.name(), "jw0", text);
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Result up = host.jtun("up", file.toString());
        assertEquals(0, up.exitCode(), up.toString());
    }

    private void jtunOnA(boolean withPsk) {
        jtunUp(a, jtunConfig(keyA, "10.77.0.1", "fd00:77::1", PORT_A, publicB, withPsk ? psk : null,
                "198.18.0.2:" + PORT_B, "10.77.0.2", "fd00:77::2", ""));
    }

    private void jtunOnB(boolean withPsk) {
        jtunOnB(withPsk, "");
    }

    private void jtunOnA(boolean withPsk, String extra) {
        jtunUp(a, jtunConfig(keyA, "10.77.0.1", "fd00:77::1", PORT_A, publicB, withPsk ? psk : null,
                "198.18.0.2:" + PORT_B, "10.77.0.2", "fd00:77::2", extra));
    }

    private void jtunOnB(boolean withPsk, String extra) {
        jtunUp(b, jtunConfig(keyB, "10.77.0.2", "fd00:77::2", PORT_B, publicA, withPsk ? psk : null,
                "198.18.0.1:" + PORT_A, "10.77.0.1", "fd00:77::1", extra));
    }

    private WireGuardGo wireguardGoOnB(boolean withPsk) throws Exception {
        WireGuardGo wg = WireGuardGo.start(b);
        wireguardGos.add(wg);
        Path key = secretFile("b.key", keyB.base64());
        List<String> args = new ArrayList<>(List.of("private-key", key.toString(), "listen-port",
                String.valueOf(PORT_B), "peer", publicA));
        if (withPsk) {
            args.addAll(List.of("preshared-key", secretFile("psk", psk.base64()).toString()));
        }
        args.addAll(List.of("endpoint", "198.18.0.1:" + PORT_A, "allowed-ips", "10.77.0.1/32,fd00:77::1/128"));
        wg.set(args.toArray(String[]::new));
        wg.configure("10.77.0.2/24", "fd00:77::2/64");
        return wg;
    }

    private Path secretFile(String name, String content) throws Exception {
        Path file = tmp.resolve(name);
        Files.writeString(file, content + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    private static void ping(Netns from, String target) {
        Result ping = from.exec("ping", target.contains(":") ? "-6" : "-4", "-c", "3", "-i", "0.2", "-W", "3", target);
        assertEquals(0, ping.exitCode(), ping.toString());
        assertTrue(ping.stdout().contains(" 0% packet loss"), ping.toString());
    }

    /** Pings in all four combinations, starting from {@code first}, whose first packet makes it the initiator. */
    private void pingsBothWays(Netns first, String firstTarget, String firstTarget6, Netns second, String secondTarget,
            String secondTarget6) {
        ping(first, firstTarget);
        ping(second, secondTarget);
        ping(first, firstTarget6);
        ping(second, secondTarget6);
    }

    private void transfer(Netns from, Netns to, String toAddress, int port) throws Exception {
        Transfer.intact(from, to, toAddress, port, 100_000_000, tmp, TRANSFER);
    }

    // ---- jtun <-> wireguard-go ----

    @Test
    void jtunInitiatesToWireguardGoWithPsk() throws Exception {
        jtunOnA(true);
        WireGuardGo wg = wireguardGoOnB(true);
        pingsBothWays(a, "10.77.0.2", "fd00:77::2", b, "10.77.0.1", "fd00:77::1");
        assertTrue(wg.show().contains("latest handshake"), wg.show());
        transfer(a, b, "10.77.0.2", 5001);
        transfer(b, a, "10.77.0.1", 5002);
    }

    @Test
    void wireguardGoInitiatesToJtunWithoutPsk() throws Exception {
        jtunOnA(false);
        WireGuardGo wg = wireguardGoOnB(false);
        pingsBothWays(b, "10.77.0.1", "fd00:77::1", a, "10.77.0.2", "fd00:77::2");
        String show = a.jtun("show", "jw0").stdout();
        assertTrue(show.contains("peer: " + publicB) && show.contains("latest handshake"), show);
        transfer(b, a, "10.77.0.1", 5003);
        transfer(a, b, "10.77.0.2", 5004);
        assertTrue(wg.show().contains("transfer:"), wg.show());
    }

    @Test
    void wireguardGoInitiatesWithPskAndJtunInitiatesWithout() throws Exception {
        jtunOnA(true);
        wireguardGoOnB(true);
        pingsBothWays(b, "10.77.0.1", "fd00:77::1", a, "10.77.0.2", "fd00:77::2");
    }

    @Test
    void jtunInitiatesToWireguardGoWithoutPsk() throws Exception {
        jtunOnA(false);
        wireguardGoOnB(false);
        pingsBothWays(a, "10.77.0.2", "fd00:77::2", b, "10.77.0.1", "fd00:77::1");
    }

    // ---- jtun <-> jtun ----

    @Test
    void jtunToJtunBothWaysWithAndWithoutPsk() throws Exception {
        jtunOnA(true);
        jtunOnB(true);
        pingsBothWays(a, "10.77.0.2", "fd00:77::2", b, "10.77.0.1", "fd00:77::1");
        transfer(a, b, "10.77.0.2", 5005);
        transfer(b, a, "10.77.0.1", 5006);
        a.jtun("down", "jw0").check();
        b.jtun("down", "jw0").check();

        jtunOnA(false);
        jtunOnB(false);
        pingsBothWays(b, "10.77.0.1", "fd00:77::1", a, "10.77.0.2", "fd00:77::2");
    }

    /**
     * Every data-path offload can be switched off on its own and the tunnel still carries
     * everything intact; with all of them on (unless JTUN_OFFLOAD=off, the failsafe run that
     * repeats this class), they are really used: the receiving device gets merged super-packets
     * and the sockets send and receive segmented trains.
     */
    @ParameterizedTest
    @ValueSource(strings = {"", "tso", "gro", "udp-gso", "udp-gro"})
    void jtunToJtunWithEachOffloadOff(String off) throws Exception {
        String extra = off.isEmpty() ? "" : "DisableOffload = " + off;
        jtunOnA(false, extra);
        jtunOnB(false, extra);
        pingsBothWays(a, "10.77.0.2", "fd00:77::2", b, "10.77.0.1", "fd00:77::1");
        transfer(a, b, "10.77.0.2", 5007);
        transfer(b, a, "10.77.0.1", 5008);

        String show = b.jtun("show", "jw0").stdout();
        String offloads = show.lines().filter(l -> l.contains("offloads:")).findFirst().orElseThrow();
        List<String> inUse = List.of(offloads.strip().replaceFirst("offloads: ", "").split(" ")[0].split(","));
        if (!off.isEmpty()) {
            assertFalse(inUse.contains(off), offloads);
        }
        if (!off.isEmpty() || "off".equals(System.getenv("JTUN_OFFLOAD"))) {
            return;
        }
        assertEquals(List.of("tso", "gro", "udp-gso", "udp-gro"), inUse, offloads);
        assertTrue(offloads.matches(".*\\(([1-9][0-9]*) segmented sends, ([1-9][0-9]*) coalesced receives\\).*"),
                offloads);
        long tunnelPackets = Long.parseLong(show.replaceAll("(?s).*transfer: .* received \\(([0-9]+) packets\\).*",
                "$1"));
        long devicePackets = linkPackets(b, "RX:");
        assertTrue(devicePackets * 4 < tunnelPackets, "GRO merged the " + tunnelPackets
                + " packets from the tunnel into " + devicePackets + " device writes");
    }

    /**
     * A sender using UDP_SEGMENT (as QUIC stacks do) hands the device one UDP super-packet per
     * send when the device has USO; jtun cuts it into datagrams that arrive whole, in order and
     * with valid checksums (the receiving kernel drops bad ones).
     */
    @Test
    void udpSegmentationOffloadedSendsArriveAsDatagrams() throws Exception {
        jtunOnA(false);
        jtunOnB(false);
        ping(a, "10.77.0.2");
        Path received = tmp.resolve("udp-received");
        Daemon sink = b.start("python3", "-c", """
                import socket, hashlib, sys
                s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                # SO_RCVBUFFORCE, 4 MB: the 120 datagrams come as one burst, more than the default
                # buffer holds (about 2.3 KB per datagram) if this script is slow to read on a busy machine.
                s.setsockopt(socket.SOL_SOCKET, 33, 4 << 20)
                s.bind(("10.77.0.2", 6000))
                s.settimeout(10)
                digest, count, sizes = hashlib.sha256(), 0, set()
                try:
                    while count < 120:
                        data = s.recv(65535)
                        digest.update(data); count += 1; sizes.add(len(data))
                except socket.timeout:
                    pass
                open(sys.argv[1], "w").write("%d %s %s" % (count, sorted(sizes), digest.hexdigest()))
                """, received.toString());
        b.awaitListener("-Hlun", "10.77.0.2:6000");
        long devicePacketsBefore = linkPackets(a, "TX:");
        Result send = a.exec("python3", "-c", """
                import socket, hashlib
                s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                s.setsockopt(17, 103, 1000)  # SOL_UDP, UDP_SEGMENT: 1000-byte datagrams
                digest = hashlib.sha256()
                for i in range(10):
                    block = bytes((i * 7 + j) % 251 for j in range(12000))
                    s.sendto(block, ("10.77.0.2", 6000))
                    for k in range(0, 12000, 1000):
                        digest.update(block[k:k + 1000])
                print(digest.hexdigest())
                """);
        assertEquals(0, send.exitCode(), send.toString());
        long devicePackets = linkPackets(a, "TX:") - devicePacketsBefore;
        sink.process().waitFor(20, TimeUnit.SECONDS);
        String result = Files.readString(received);
        assertEquals("120 [1000] " + send.stdout().strip(), result, "every datagram arrived whole and in order");
        if (!"off".equals(System.getenv("JTUN_OFFLOAD"))) {
            assertTrue(devicePackets < 60, "the device handed jtun super-packets (USO): " + devicePackets
                    + " packets for 120 datagrams");
        }
    }

    /**
     * The packet count of the host's jw0 from {@code ip -s link}: "RX:" what jtun wrote into the
     * device, "TX:" what the kernel sent into it (what jtun read).
     */
    private static long linkPackets(Netns host, String direction) {
        String link = host.exec("ip", "-s", "link", "show", "jw0").stdout();
        return Long.parseLong(link.lines().dropWhile(l -> !l.strip().startsWith(direction)).skip(1)
                .findFirst().orElseThrow().strip().split("\\s+")[1]);
    }

    // ---- what the wire shows ----

    @Test
    void theUnderlayCarriesOnlyWireGuardMessagesAndNoPlaintext() throws Exception {
        jtunOnA(true);
        wireguardGoOnB(true);
        Path capture = tmp.resolve("underlay.pcap");
        Daemon tcpdump = b.start("tcpdump", "-n", "--immediate-mode", "-i", "ul0b", "-U", "-w", capture.toString(), "udp");
        tcpdump.awaitLine(l -> l.contains("listening on ul0b"), Duration.ofSeconds(20));
        String marker = "JTUN-MARKER-" + HexFormat.of().formatHex(Keys.genpsk().bytes(), 0, 8);
        Daemon sink = b.start("bash", "-c", "ncat -u -l 10.77.0.2 7000 --recv-only > " + tmp.resolve("marker"));
        b.awaitListener("-Hlun", "10.77.0.2:7000");
        ping(a, "10.77.0.2");
        Result send = a.exec("bash", "-c", "for i in 1 2 3; do echo " + marker + " | ncat -u --send-only 10.77.0.2 7000;"
                + " done");
        assertEquals(0, send.exitCode(), send.toString());
        waitForContent(tmp.resolve("marker"), marker);
        ping(b, "fd00:77::1");
        tcpdump.stop(Duration.ofSeconds(10));
        sink.process().destroy();

        byte[] bytes = Files.readAllBytes(capture);
        assertFalse(new String(bytes, StandardCharsets.ISO_8859_1).contains(marker), "the marker crossed in plaintext");
        Result tshark = Netns.run(Duration.ofSeconds(60), "tshark", "-r", capture.toString(), "-d",
                "udp.port==" + PORT_A + ",wg", "-d", "udp.port==" + PORT_B + ",wg", "-T", "fields", "-e", "wg.type");
        assertEquals(0, tshark.exitCode(), tshark.toString());
        List<String> types = tshark.stdout().lines().toList();
        assertTrue(types.size() >= 10, "captured " + types);
        for (String type : types) {
            assertTrue(List.of("1", "2", "3", "4").contains(type.strip()), "not a WireGuard message: " + types);
        }
        assertTrue(types.contains("1") && types.contains("2") && types.contains("4"), types.toString());
    }

    // ---- what must not get through ----

    @Test
    void aPeerWithTheWrongKeyGetsNothingThrough() throws Exception {
        jtunOnA(false);
        // B knows A under another key.
        String stranger = Keys.pubkey(Keys.genkey()).toString();
        jtunUp(b, jtunConfig(keyB, "10.77.0.2", "fd00:77::2", PORT_B, stranger, null, "198.18.0.1:" + PORT_A,
                "10.77.0.1", "fd00:77::1", ""));
        assertNoPingGetsThrough();
        assertTrue(b.jtun("show", "jw0").stdout().contains("handshake rejected"), b.jtun("show", "jw0").stdout());
    }

    @Test
    void aPeerWithTheWrongPresharedKeyGetsNothingThrough() throws Exception {
        jtunOnA(true);
        jtunUp(b, jtunConfig(keyB, "10.77.0.2", "fd00:77::2", PORT_B, publicA, Keys.genpsk(), "198.18.0.1:" + PORT_A,
                "10.77.0.1", "fd00:77::1", ""));
        assertNoPingGetsThrough();
    }

    private void assertNoPingGetsThrough() {
        Result ab = a.exec("ping", "-c", "3", "-i", "0.5", "-W", "1", "10.77.0.2");
        Result ba = b.exec("ping", "-c", "3", "-i", "0.5", "-W", "1", "10.77.0.1");
        assertNotEquals(0, ab.exitCode(), ab.toString());
        assertTrue(ab.stdout().contains(" 100% packet loss"), ab.toString());
        assertTrue(ba.stdout().contains(" 100% packet loss"), ba.toString());
        assertFalse(a.jtun("show", "jw0").stdout().contains("latest handshake"));
    }

    @Test
    void replayedDataAndALaterReplayedInitiationAreRejected() throws Exception {
        jtunOnA(false);
        jtunOnB(false);
        Path capture = tmp.resolve("replay.pcap");
        Daemon tcpdump = b.start("tcpdump", "-n", "--immediate-mode", "-i", "ul0b", "-U", "-w", capture.toString(), "udp and src host 198.18.0.1");
        tcpdump.awaitLine(l -> l.contains("listening on ul0b"), Duration.ofSeconds(20));
        ping(a, "10.77.0.2");
        tcpdump.stop(Duration.ofSeconds(10));
        List<byte[]> payloads = udpPayloads(Files.readAllBytes(capture));
        String seen = payloads.stream().map(p -> p[0] + "/" + p.length).toList() + " in " + Files.size(capture)
                + " bytes; " + tcpdump.dump();
        byte[] initiation = payloads.stream().filter(p -> p[0] == 1 && p.length == 148).findFirst()
                .orElseThrow(() -> new AssertionError("no initiation captured: " + seen));
        byte[] data = payloads.stream().filter(p -> p[0] == 4 && p.length > 32).findFirst()
                .orElseThrow(() -> new AssertionError("no data captured: " + seen));

        // The same data packet again: the replay window drops it.
        sendFromA(data);
        waitForShow(b, "replayed");
        // A new handshake happens; then the old initiation comes back: its timestamp is stale.
        a.jtun("down", "jw0").check();
        jtunOnA(false);
        ping(a, "10.77.0.2");
        sendFromA(initiation);
        waitForShow(b, "handshake rejected");
        ping(a, "10.77.0.2"); // the current session is unharmed
    }

    private void sendFromA(byte[] payload) throws Exception {
        Path file = tmp.resolve("payload.bin");
        Files.write(file, payload);
        a.exec("bash", "-c", "ncat -u --send-only -p 40999 198.18.0.2 " + PORT_B + " < " + file).check();
    }

    private static void waitForShow(Netns host, String text) throws InterruptedException {
        String show = "";
        for (int i = 0; i < 100; i++) {
            show = host.jtun("show", "jw0").stdout();
            if (show.contains(text)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("jtun show never said '" + text + "':\n" + show);
    }

    // ---- recovery ----

    @Test
    void afterThePeerRestartsTrafficResumesByItself() throws Exception {
        jtunOnA(false);
        WireGuardGo first = wireguardGoOnB(false);
        ping(a, "10.77.0.2");
        first.close();
        wireguardGos.remove(first);
        wireguardGoOnB(false); // a fresh process: it knows no session
        // Only A sends: its old session is dead, so its timers must notice and handshake again
        // (after KEEPALIVE_TIMEOUT + REKEY_TIMEOUT of silence, about 15 s).
        Result ping = a.exec(Duration.ofSeconds(60), "ping", "-c", "35", "-i", "1", "-W", "1", "10.77.0.2");
        List<String> replies = ping.stdout().lines().filter(l -> l.contains("bytes from 10.77.0.2")).toList();
        assertFalse(replies.isEmpty(), ping.toString());
        assertTrue(ping.stdout().contains("icmp_seq=35 ") || ping.stdout().contains("icmp_seq=34 ")
                || ping.stdout().contains("icmp_seq=33 "), "replies continue to the end: " + ping);
    }

    // ---- helpers ----

    /** UDP payloads of an Ethernet pcap (the veth), in order. */
    private static List<byte[]> udpPayloads(byte[] pcap) {
        ByteBuffer in = ByteBuffer.wrap(pcap).order(ByteOrder.LITTLE_ENDIAN);
        in.position(24);
        List<byte[]> out = new ArrayList<>();
        while (in.remaining() >= 16) {
            in.getInt();
            in.getInt();
            int captured = in.getInt();
            in.getInt();
            byte[] frame = new byte[captured];
            in.get(frame);
            int ipHeader = (frame[14] & 0x0f) * 4;
            int udp = 14 + ipHeader;
            int length = ((frame[udp + 4] & 0xff) << 8 | (frame[udp + 5] & 0xff)) - 8;
            byte[] payload = new byte[length];
            System.arraycopy(frame, udp + 8, payload, 0, length);
            out.add(payload);
        }
        return out;
    }

    private static void waitForContent(Path file, String text) throws Exception {
        for (int i = 0; i < 100; i++) {
            if (Files.exists(file) && Files.readString(file).contains(text)) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the marker never arrived through the tunnel");
    }
}
