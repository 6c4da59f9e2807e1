package io.jtun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtun.config.Secret;
import io.jtun.noise.Keys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Faults around an encrypted jtun tunnel between two namespaces, A (198.18.0.1) and B
 * (198.18.0.2): the peer restarting, the underlay going down, the peer moving, a lossy,
 * duplicating and reordering underlay, and the daemon killed with SIGKILL. Each test checks the
 * outcome a user sees (a transfer completes with the same SHA-256, nothing is left configured)
 * and prints its figures as lines starting with "[FaultIT]".
 *
 * <p>The interfaces have names unique to the test ("fa..." on A, "fb..." on B), because the wg
 * tool's sockets in /var/run/wireguard are shared by all namespaces.
 */
@Tag("netns")
class FaultIT {
    private static final int PORT_A = 51820;
    private static final int PORT_B = 51821;
    private static final Duration TRANSFER = Duration.ofSeconds(120);
    private static final Pattern LOG_TIME = Pattern.compile("^(\\S+Z) ");

    private final String suffix = HexFormat.of().formatHex(randomBytes(3));
    private final String ifaceA = "fa" + suffix;
    private final String ifaceB = "fb" + suffix;
    private final Secret keyA = Keys.genkey();
    private final Secret keyB = Keys.genkey();
    private final String publicA = Keys.pubkey(keyA).toString();
    private final String publicB = Keys.pubkey(keyB).toString();

    private Underlay underlay;
    private Netns a;
    private Netns b;
    private WireGuardGo wireguardGo;

    @TempDir
    Path tmp;

    @BeforeEach
    void hosts() {
        underlay = new Underlay();
        a = underlay.host("fta");
        b = underlay.host("ftb");
    }

    @AfterEach
    void cleanup() {
        a.jtun("down", ifaceA);
        b.jtun("down", ifaceB);
        if (wireguardGo != null) {
            wireguardGo.close();
        }
        underlay.close();
    }

    // ---- the peer restarts ----

    /**
     * B's daemon is restarted ({@code jtun down}, {@code jtun up}, as {@code systemctl restart}
     * does) in the middle of a transfer, to B or from B. B's device, with its address, is deleted
     * and created again, but the TCP socket on B lives on: Linux keeps a socket whose local address
     * has gone and takes it up again when the address comes back. A is not touched. When B sends,
     * its new daemon handshakes at once; when B only receives, nothing comes from B, so A's timers
     * must notice that its session gets no answers (WireGuard's 15 s) and handshake again, and
     * TCP's next retransmission, after its backoff, gets through.
     */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aTransferCompletesAcrossARestartOfThePeer(boolean toTheRestartingPeer) throws Exception {
        underlay.link(a, b);
        upA("10.77.0.2/32", "198.18.0.2:" + PORT_B);
        Path configB = upB("198.18.0.1:" + PORT_A);
        ping(a, "10.77.0.2");
        Path data = Transfer.randomFile(tmp, "restart", 24_000_000);
        Transfer transfer = toTheRestartingPeer ? Transfer.start(a, b, "10.77.0.2", 5001, data, "6M")
                : Transfer.start(b, a, "10.77.0.1", 5001, data, "6M");
        transfer.awaitReceivedMoreThan(3_000_000, Duration.ofSeconds(30));

        Instant restartWall = Instant.now();
        long restart = System.nanoTime();
        long bytesAtRestart = transfer.receivedBytes();
        b.jtun("down", ifaceB).check();
        assertNotEquals(0, b.exec("ip", "link", "show", ifaceB).exitCode(), "B's device is gone while it restarts");
        b.jtun("up", configB.toString()).check();
        long up = System.nanoTime();
        transfer.awaitIntact(TRANSFER);
        Transfer.Stall stall = transfer.longestStallSince(restart);

        String showA = show(a, ifaceA);
        String showB = show(b, ifaceB);
        Instant handshake = firstHandshakeAfter(log(a, ifaceA), restartWall);
        assertTrue(bytesAtRestart < transfer.size(), "the restart came in the middle of the transfer");
        assertCleanLog(a, ifaceA);
        assertCleanLog(b, ifaceB);
        figure("peer restart", "24 MB " + (toTheRestartingPeer ? "A->B" : "B->A") + " paced at 6 MiB/s; B restarted"
                + " after " + bytesAtRestart + " bytes; jtun down+up of B took " + millis(up - restart) + " ms; the new"
                + " handshake " + Duration.between(restartWall, handshake).toMillis() + " ms after the restart began;"
                + " longest stall " + stall.millis() + " ms, data flowed again " + millis(stall.toNanos() - restart)
                + " ms after the restart began (" + millis(stall.toNanos() - up) + " ms after B was up); sha256 equal;"
                + " A: " + drops(showA) + "; B: " + drops(showB));
    }

    // ---- the underlay goes down ----

    /**
     * A's underlay link goes down for 10 s in the middle of a transfer from A: its sends fail
     * (ENETUNREACH, counted as "send failed"), TCP backs off, and when the link comes back the
     * session, still valid, carries the retransmissions; the transfer completes intact.
     */
    @Test
    void aTransferCompletesAcrossTenSecondsOfUnderlayLinkDown() throws Exception {
        underlay.link(a, b);
        upA("10.77.0.2/32", "198.18.0.2:" + PORT_B);
        upB("198.18.0.1:" + PORT_A);
        ping(a, "10.77.0.2");
        Transfer transfer = Transfer.start(a, b, "10.77.0.2", 5002, Transfer.randomFile(tmp, "linkdown", 24_000_000),
                "6M");
        transfer.awaitReceivedMoreThan(3_000_000, Duration.ofSeconds(30));

        a.exec("ip", "link", "set", "ul0a", "down").check();
        long down = System.nanoTime();
        long bytesAtDown = transfer.receivedBytes();
        Thread.sleep(10_000);
        long bytesWhileDown = transfer.receivedBytes() - bytesAtDown;
        a.exec("ip", "link", "set", "ul0a", "up").check();
        long up = System.nanoTime();
        transfer.awaitIntact(TRANSFER);
        Transfer.Stall stall = transfer.longestStallSince(down);

        String showA = show(a, ifaceA);
        long sendFailed = dropped(showA, "send failed");
        assertTrue(sendFailed > 0, "A's failed sends are counted:\n" + showA);
        assertCleanLog(a, ifaceA);
        assertCleanLog(b, ifaceB);
        figure("link down", "24 MB A->B paced at 6 MiB/s; A's veth down for " + millis(up - down) + " ms after "
                + bytesAtDown + " bytes; " + bytesWhileDown + " bytes arrived while down; longest stall " + stall.millis()
                + " ms, data flowed again " + millis(stall.toNanos() - up) + " ms after the link came up; sha256 equal;"
                + " A: " + drops(showA) + "; A's " + underlayLine(showA));
    }

    // ---- the peer roams ----

    /**
     * B moves to another underlay address (198.18.0.2 becomes 198.18.0.3) and another port
     * ({@code wg set IFACE listen-port}) while a download from A and an upload to A run; A is never
     * reconfigured. B's next authenticated packets tell A where B is now, A sends there, and both
     * transfers complete intact. B is jtun, or wireguard-go (A follows another implementation's
     * move too).
     */
    @ParameterizedTest
    @ValueSource(strings = {"jtun", "wireguard-go"})
    void thePeerMovesToANewAddressAndPortWhileTrafficFlowsBothWays(String peer) throws Exception {
        underlay.link(a, b);
        upA("10.77.0.2/32", "198.18.0.2:" + PORT_B);
        String nameB = peer.equals("jtun") ? ifaceB : wireguardGoOnB().name();
        if (peer.equals("jtun")) {
            upB("198.18.0.1:" + PORT_A);
        }
        ping(a, "10.77.0.2");
        Transfer download = Transfer.start(a, b, "10.77.0.2", 5003, Transfer.randomFile(tmp, "download", 16_000_000),
                "4M");
        Transfer upload = Transfer.start(b, a, "10.77.0.1", 5004, Transfer.randomFile(tmp, "upload", 16_000_000), "4M");
        download.awaitReceivedMoreThan(2_000_000, Duration.ofSeconds(30));
        upload.awaitReceivedMoreThan(2_000_000, Duration.ofSeconds(30));

        long move = System.nanoTime();
        b.exec("ip", "addr", "del", "198.18.0.2/24", "dev", "ul0b").check();
        b.exec("ip", "addr", "add", "198.18.0.3/24", "dev", "ul0b").check();
        b.exec("wg", "set", nameB, "listen-port", "51999").check();
        long moved = System.nanoTime();
        download.awaitIntact(TRANSFER);
        upload.awaitIntact(TRANSFER);
        Transfer.Stall downloadStall = download.longestStallSince(move);
        Transfer.Stall uploadStall = upload.longestStallSince(move);

        String showA = show(a, ifaceA);
        assertTrue(showA.contains("endpoint: 198.18.0.3:51999"), "A follows B:\n" + showA);
        assertEquals("51999", b.exec("wg", "show", nameB, "listen-port").check().stdout().strip());
        List<String> moves = log(a, ifaceA).stream().filter(l -> l.contains("endpoint moved")).toList();
        assertFalse(moves.isEmpty(), "A logs the move");
        assertTrue(moves.getLast().endsWith(" to 198.18.0.3:51999"), "the log ends where B is: " + moves);
        assertCleanLog(a, ifaceA);
        if (peer.equals("jtun")) {
            assertCleanLog(b, ifaceB);
        }
        figure("roaming", "B = " + peer + "; 16 MB each way paced at 4 MiB/s; B moved (address and port) in "
                + millis(moved - move) + " ms; longest stall of the download " + downloadStall.millis() + " ms, of the"
                + " upload " + uploadStall.millis() + " ms; sha256 equal both ways; A logged: "
                + moves.stream().map(l -> l.replaceFirst("^.*endpoint moved", "endpoint moved")).toList() + "; A: "
                + drops(showA));
    }

    // ---- loss, duplication, reordering ----

    /**
     * Through the impairment relay (2% loss, 2% duplication, 5% reordered by 3 datagrams, seeded):
     * a 20 MB transfer completes intact; every duplicate of a data message is dropped as
     * replayed, and nothing else is: the reordered ones, within the replay window, are accepted.
     */
    @Test
    void aTransferCompletesIntactThroughLossDuplicationAndReordering() throws Exception {
        Netns relayHost = underlay.host("ftr");
        underlay.link(a, relayHost); // A 198.18.0.1, relay 198.18.0.2
        underlay.link(relayHost, b); // relay 198.18.1.1, B 198.18.1.2
        ImpairmentRelay relay = ImpairmentRelay.start(relayHost, "198.18.0.2:40000", "198.18.0.1:" + PORT_A,
                "198.18.1.1:40001", "198.18.1.2:" + PORT_B, "--loss", "0.02", "--duplicate", "0.02", "--reorder",
                "0.05", "--gap", "3", "--seed", "1");
        upA("10.77.0.2/32", "198.18.0.2:40000");
        upB("198.18.1.1:40001");
        Result ping = a.exec(Duration.ofSeconds(40), "ping", "-c", "1", "-w", "30", "10.77.0.2");
        assertEquals(0, ping.exitCode(), ping.toString());
        long start = System.nanoTime();
        Transfer.intact(a, b, "10.77.0.2", 5005, 20_000_000, tmp, TRANSFER);
        long took = System.nanoTime() - start;
        String showA = show(a, ifaceA);
        String showB = show(b, ifaceB);
        Map<String, ImpairmentRelay.Counts> counts = relay.stop();

        ImpairmentRelay.Counts toB = counts.getOrDefault("left>right data", ImpairmentRelay.Counts.NONE);
        ImpairmentRelay.Counts toA = counts.getOrDefault("right>left data", ImpairmentRelay.Counts.NONE);
        assertTrue(toB.dropped() > 0 && toB.duplicated() > 0 && toB.reordered() > 0, counts.toString());
        // A duplicate the receiving socket never delivered (its buffer full) cannot be replayed:
        // the receiver's UDP buffer errors are the only allowed difference.
        long overflowB = udpReceiveBufferErrors(b);
        long overflowA = udpReceiveBufferErrors(a);
        long replayedB = dropped(showB, "replayed");
        long replayedA = dropped(showA, "replayed");
        assertTrue(replayedB <= toB.duplicated() && replayedB >= toB.duplicated() - overflowB, "B dropped as replayed "
                + replayedB + " of the " + toB.duplicated() + " duplicates, " + overflowB + " lost to its buffer\n"
                + showB);
        assertTrue(replayedA <= toA.duplicated() && replayedA >= toA.duplicated() - overflowA, "A dropped as replayed "
                + replayedA + " of the " + toA.duplicated() + " duplicates\n" + showA);
        assertEquals(0, dropped(showA, "failed authentication") + dropped(showB, "failed authentication"));
        assertCleanLog(a, ifaceA);
        assertCleanLog(b, ifaceB);
        figure("impairment", "20 MB A->B in " + millis(took) + " ms through 2% loss, 2% duplication, 5% reordering"
                + " (gap 3, seed 1); sha256 equal; relay " + counts + "; B dropped " + replayedB + " as replayed ("
                + overflowB + " UDP buffer errors), A " + replayedA + " (" + overflowA + "); A: " + drops(showA)
                + "; B: " + drops(showB));
    }

    // ---- SIGKILL ----

    /**
     * The daemon killed with SIGKILL has no chance to clean up. The kernel deletes its device, and
     * with it the addresses and routes; the policy routing rules of a default route stay (rules
     * belong to no device). jtun records them, so the next {@code jtun up} of the interface
     * removes them before adding its own, and {@code jtun down} of the dead interface removes them
     * and the stale sockets. In the end the host is as it was before the first {@code jtun up}.
     */
    @ParameterizedTest
    @ValueSource(strings = {"10.77.0.2/32, fd00:77::2/128", "0.0.0.0/0, ::/0"})
    void afterSigkillNothingStaysConfiguredAndUpAndDownWork(String allowedIps) throws Exception {
        underlay.link(a, b);
        upB("198.18.0.1:" + PORT_A);
        String before = snapshot(a);
        Path configA = upA(allowedIps, "198.18.0.2:" + PORT_B);
        ping(a, "10.77.0.2");

        long killed = sigkill(a, ifaceA);
        String afterKill = snapshot(a);
        boolean defaultRoute = allowedIps.startsWith("0.0.0.0/0");
        String left = difference(before, afterKill);
        if (defaultRoute) {
            assertTrue(left.contains("not from all fwmark 0xca6c lookup 51820"), "the kernel keeps the rules:\n" + left);
        } else {
            assertEquals(before, afterKill, "the device took everything with it");
        }
        assertTrue(show(a, null).isEmpty() && a.jtun("show").stderr().contains(ifaceA + " is not running"),
                a.jtun("show").toString());

        // jtun up again: the stale sockets are replaced, the killed daemon's rules removed first.
        a.jtun("up", configA.toString()).check();
        ping(a, "10.77.0.2");
        boolean cleanedOnUp = log(a, ifaceA).stream().anyMatch(l -> l.contains("was killed without cleaning up"));
        assertEquals(defaultRoute, cleanedOnUp, String.join("\n", log(a, ifaceA)));

        // Killed again, then jtun down: it removes what the dead daemon left.
        sigkill(a, ifaceA);
        Result down = a.jtun("down", ifaceA);
        assertEquals(0, down.exitCode(), down.toString());
        assertTrue(down.stderr().contains(ifaceA + " was not running (its daemon was killed)"), down.toString());
        assertEquals(before, snapshot(a), "nothing of " + ifaceA + " is left");
        Path runtime = runtimeDir(a);
        for (String file : List.of(".sock", ".pid", ".undo")) {
            assertFalse(Files.exists(runtime.resolve(ifaceA + file)), ifaceA + file + " is left");
        }
        assertFalse(Files.exists(Path.of("/var/run/wireguard", ifaceA + ".sock")), "the wg socket is left");
        Result again = a.jtun("down", ifaceA);
        assertEquals(4, again.exitCode(), again.toString());
        assertTrue(again.stderr().contains(ifaceA + " is not up"), again.toString());

        // And an ordinary up and down afterwards leave nothing either.
        a.jtun("up", configA.toString()).check();
        ping(a, "10.77.0.2");
        a.jtun("down", ifaceA).check();
        assertEquals(before, snapshot(a));
        figure("sigkill", "AllowedIPs " + allowedIps + ": daemon pid " + killed + " killed; left behind: "
                + (left.isEmpty() ? "nothing" : left.strip().replace('\n', ';')) + "; jtun up cleaned up: " + cleanedOnUp
                + "; jtun down of the dead interface said: " + down.stderr().strip().replace('\n', ' '));
    }

    // ---- helpers ----

    private String config(Secret key, String address, int port, String peerPublic, String endpoint, String allowedIps) {
        return """
                [Interface]
                PrivateKey = %s
                Address = %s
                ListenPort = %d

                [Peer]
                PublicKey = %s
                Endpoint = %s
                AllowedIPs = %s
                """.formatted(key.base64(), address, port, peerPublic, endpoint, allowedIps);
    }

    private Path upA(String allowedIps, String endpointOfB) {
        return up(a, ifaceA, config(keyA, "10.77.0.1/24, fd00:77::1/64", PORT_A, publicB, endpointOfB, allowedIps));
    }

    private Path upB(String endpointOfA) {
        return up(b, ifaceB, config(keyB, "10.77.0.2/24, fd00:77::2/64", PORT_B, publicA, endpointOfA,
                "10.77.0.1/32, fd00:77::1/128"));
    }

    /** wireguard-go on B, configured as {@link #upB} configures jtun. */
    private WireGuardGo wireguardGoOnB() throws Exception {
        WireGuardGo wg = WireGuardGo.start(b);
        wireguardGo = wg;
        Path key = tmp.resolve("b.key");
        Files.writeString(key, keyB.base64() + "\n");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        wg.set("private-key", key.toString(), "listen-port", String.valueOf(PORT_B), "peer", publicA, "endpoint",
                "198.18.0.1:" + PORT_A, "allowed-ips", "10.77.0.1/32,fd00:77::1/128");
        wg.configure("10.77.0.2/24", "fd00:77::2/64");
        return wg;
    }

    private Path up(Netns host, String iface, String text) {
        Path file = underlay.config(host.name(), iface, text);
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        host.jtun("up", file.toString()).check();
        return file;
    }

    private static void ping(Netns from, String target) {
        // The first reply waits for the handshake.
        Result ping = from.exec("ping", "-c", "3", "-i", "0.2", "-W", "5", target);
        assertEquals(0, ping.exitCode(), ping.toString());
    }

    /** {@code jtun show} of one interface, or of all (null). */
    private static String show(Netns host, String iface) {
        return (iface == null ? host.jtun("show") : host.jtun("show", iface).check()).stdout();
    }

    /** The sum of a drop reason over the "dropped:" lines (the interface's and the peers'). */
    private static long dropped(String show, String reason) {
        Matcher m = Pattern.compile("(\\d+) " + Pattern.quote(reason) + "(,|$)", Pattern.MULTILINE).matcher(show);
        long sum = 0;
        while (m.find()) {
            sum += Long.parseLong(m.group(1));
        }
        return sum;
    }

    private static String drops(String show) {
        List<String> lines = show.lines().filter(l -> l.contains("dropped:")).map(String::strip).toList();
        return lines.isEmpty() ? "no drops" : String.join(" / ", lines);
    }

    private static String underlayLine(String show) {
        return show.lines().filter(l -> l.contains("underlay:")).map(String::strip).findFirst().orElse("underlay: -");
    }

    private static Path runtimeDir(Netns host) {
        return Path.of("/run/jtun/netns", host.name());
    }

    /** The daemon's log (it stays while the interface runs, and after a kill). */
    private static List<String> log(Netns host, String iface) {
        try {
            return Files.readAllLines(runtimeDir(host).resolve(iface + ".log"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** No stack trace, no error: the faults are ones a VPN must take in its stride. */
    private static void assertCleanLog(Netns host, String iface) {
        List<String> log = log(host, iface);
        assertTrue(log.stream().noneMatch(l -> l.contains("Exception") || l.startsWith("\tat ")
                || l.contains(" error: ")), String.join("\n", log));
    }

    private static Instant firstHandshakeAfter(List<String> log, Instant after) {
        for (String line : log) {
            Matcher time = LOG_TIME.matcher(line);
            if (line.contains("handshake completed") && time.find() && Instant.parse(time.group(1)).isAfter(after)) {
                return Instant.parse(time.group(1));
            }
        }
        throw new AssertionError("no handshake after " + after + ":\n" + String.join("\n", log));
    }

    /** Kills the interface's daemon with SIGKILL and waits until it and its device are gone; returns its pid. */
    private static long sigkill(Netns host, String iface) throws Exception {
        long pid = Long.parseLong(Files.readString(runtimeDir(host).resolve(iface + ".pid")).strip());
        host.exec("kill", "-9", String.valueOf(pid)).check();
        for (int i = 0; i < 200 && (ProcessHandle.of(pid).isPresent()
                || host.exec("ip", "link", "show", iface).exitCode() == 0); i++) {
            Thread.sleep(25);
        }
        assertFalse(ProcessHandle.of(pid).isPresent(), "the daemon is dead");
        assertNotEquals(0, host.exec("ip", "link", "show", iface).exitCode(), "the kernel deleted the device");
        return pid;
    }

    /**
     * What a tunnel may leave in a host: links, addresses, rules and routes of every table. The
     * link-local addresses and routes of the veths are left out: the kernel adds them on its own
     * schedule after the link comes up.
     */
    private static String snapshot(Netns host) {
        return String.join("\n", host.exec("ip", "-o", "link").stdout(), host.exec("ip", "-o", "addr").stdout(),
                host.exec("ip", "-4", "rule").stdout(), host.exec("ip", "-6", "rule").stdout(),
                host.exec("ip", "-4", "route", "show", "table", "all").stdout(),
                host.exec("ip", "-6", "route", "show", "table", "all").stdout()).lines()
                .filter(l -> !l.contains("fe80")).map(l -> l.replaceAll("\\\\\\s+", " ")).reduce("", (x, y) -> x + y + "\n");
    }

    /** The lines of {@code after} that are not in {@code before}. */
    private static String difference(String before, String after) {
        List<String> old = before.lines().toList();
        return after.lines().filter(l -> !old.contains(l)).reduce("", (x, y) -> x + y + "\n");
    }

    /** UdpRcvbufErrors of the host, from /proc/net/snmp (per namespace). */
    private static long udpReceiveBufferErrors(Netns host) {
        List<String> udp = host.exec("cat", "/proc/net/snmp").stdout().lines().filter(l -> l.startsWith("Udp: "))
                .toList();
        List<String> names = List.of(udp.get(0).split(" "));
        return Long.parseLong(udp.get(1).split(" ")[names.indexOf("RcvbufErrors")]);
    }

    private static long millis(long nanos) {
        return nanos / 1_000_000;
    }

    private static void figure(String test, String text) {
        System.out.println("[FaultIT] " + test + ": " + text);
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }
}
