package io.jtun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Plain (unencrypted) jtun tunnels between network namespaces: {@code jtun up/down/show} for real. */
@Tag("netns")
class TunnelIT {
    private static final Duration TRANSFER = Duration.ofSeconds(180);

    private Underlay underlay;
    private Netns a;
    private Netns b;

    @TempDir
    Path tmp;

    @BeforeEach
    void hosts() {
        underlay = new Underlay();
        a = underlay.host("tna");
        b = underlay.host("tnb");
        underlay.link(a, b);
    }

    @AfterEach
    void cleanup() {
        // Stopping the daemons first removes their runtime files; deleting the namespaces then
        // removes whatever a failed test left.
        for (Netns host : new Netns[] {a, b}) {
            host.jtun("down", "jt0");
        }
        underlay.close();
    }

    private static String config(String extra, String address, String address6, String port, String peers) {
        return """
                [Interface]
                Address = %s/24, %s/64
                ListenPort = %s
                Encryption = none
                %s
                %s
                """.formatted(address, address6, port, extra, peers);
    }

    private static String peer(String endpoint, String... allowed) {
        return "[Peer]\n" + (endpoint == null ? "" : "Endpoint = " + endpoint + "\n") + "AllowedIPs = "
                + String.join(", ", allowed) + "\n";
    }

    private void up(Netns host, String text) {
        Path file = underlay.config(host.name(), "jt0", text);
        Result up = host.jtun("up", file.toString());
        assertEquals(0, up.exitCode(), up.toString());
        assertTrue(up.stderr().contains("jt0 is up"), up.toString());
    }

    private void twoHostsOverUdp(String endpointA, String endpointB, String extra) {
        up(a, config(extra, "10.77.0.1", "fd00:77::1", "51820", peer(endpointB, "10.77.0.2/32", "fd00:77::2/128")));
        up(b, config(extra, "10.77.0.2", "fd00:77::2", "51821", peer(endpointA, "10.77.0.1/32", "fd00:77::1/128")));
    }

    private static void ping(Netns from, String target) {
        Result ping = from.exec("ping", target.contains(":") ? "-6" : "-4", "-c", "3", "-i", "0.2", "-W", "2", target);
        assertEquals(0, ping.exitCode(), ping.toString());
        assertTrue(ping.stdout().contains(" 0% packet loss"), ping.toString());
    }

    private static void pingBothWays(Netns a, Netns b) {
        ping(a, "10.77.0.2");
        ping(b, "10.77.0.1");
        ping(a, "fd00:77::2");
        ping(b, "fd00:77::1");
    }

    @Test
    void udpOverIpv4PingsBothWaysAndCarries100MegabytesIntact() throws Exception {
        twoHostsOverUdp("198.18.0.1:51820", "198.18.0.2:51821", "");
        pingBothWays(a, b);

        Transfer.intact(a, b, "10.77.0.2", 5000, 100_000_000, tmp, TRANSFER);

        Result show = b.jtun("show", "jt0");
        assertEquals(0, show.exitCode(), show.toString());
        assertTrue(show.stdout().contains("peer: 198.18.0.1:51820"), show.stdout());
        assertTrue(show.stdout().contains("MiB received"), show.stdout());

        Result down = a.jtun("down", "jt0");
        assertEquals(0, down.exitCode(), down.toString());
        assertFalse(a.exec("ip", "link", "show", "jt0").exitCode() == 0, "device removed by jtun down");
        assertFalse(a.exec("ip", "route", "get", "10.77.0.2").stdout().contains("jt0"), "routes removed");
    }

    @Test
    void udpOverIpv6Underlay() {
        twoHostsOverUdp("[fd00:18:0::1]:51820", "[fd00:18:0::2]:51821", "");
        pingBothWays(a, b);
        Result show = a.jtun("show", "jt0");
        assertTrue(show.stdout().contains("endpoint: [fd00:18::2]:51821"), show.stdout());
    }

    @Test
    void tapModeCarriesEthernetSoArpAndNeighbourDiscoveryWork() {
        // TAP peers have no AllowedIPs: frames are switched by MAC address.
        up(a, config("Mode = tap", "10.77.0.1", "fd00:77::1", "51820", "[Peer]\nEndpoint = 198.18.0.2:51821\n"));
        up(b, config("Mode = tap", "10.77.0.2", "fd00:77::2", "51821", "[Peer]\nEndpoint = 198.18.0.1:51820\n"));
        pingBothWays(a, b);
        Result neighbours = a.exec("ip", "neigh", "show", "dev", "jt0");
        assertTrue(neighbours.stdout().contains("10.77.0.2 lladdr"), neighbours.toString());
    }

    @Test
    void ipInIpCarriesIpv4AndIpv6AndTcpdumpDecodesIt() throws Exception {
        up(a, config("Encapsulation = ipip", "10.77.0.1", "fd00:77::1", "0", peer("198.18.0.2",
                "10.77.0.2/32", "fd00:77::2/128")).replace("ListenPort = 0\n", ""));
        up(b, config("Encapsulation = ipip", "10.77.0.2", "fd00:77::2", "0", peer("198.18.0.1",
                "10.77.0.1/32", "fd00:77::1/128")).replace("ListenPort = 0\n", ""));
        Daemon capture = b.start("tcpdump", "-n", "-l", "-i", "ul0b", "-c", "4", "ip proto 4 or ip proto 41");
        capture.awaitLine(l -> l.contains("listening on ul0b"), Duration.ofSeconds(20));
        pingBothWays(a, b);
        capture.process().waitFor(20, java.util.concurrent.TimeUnit.SECONDS);
        String lines = String.join("\n", capture.stdoutLines());
        assertTrue(lines.contains("IP 198.18.0.1 > 198.18.0.2: IP 10.77.0.1 > 10.77.0.2: ICMP echo request"), lines);
        assertTrue(lines.contains("IP 198.18.0.2 > 198.18.0.1: IP 10.77.0.2 > 10.77.0.1: ICMP echo reply"), lines);
    }

    @Test
    void aThirdPeerIsReachedThroughItsAllowedIps() {
        Netns c = underlay.host("tnc");
        underlay.link(a, c); // a is 198.18.1.1, c is 198.18.1.2
        up(a, config("", "10.77.0.1", "fd00:77::1", "51820",
                peer("198.18.0.2:51821", "10.77.0.2/32", "fd00:77::2/128")
                        + peer("198.18.1.2:51822", "10.77.0.3/32", "10.3.0.0/16")));
        up(b, config("", "10.77.0.2", "fd00:77::2", "51821", peer("198.18.0.1:51820", "10.77.0.0/24", "10.3.0.0/16",
                "fd00:77::1/128")));
        up(c, config("", "10.77.0.3", "fd00:77::3", "51822", peer("198.18.1.1:51820", "10.77.0.0/24"))
                .replace("Address = 10.77.0.3/24", "Address = 10.77.0.3/24, 10.3.0.1/16"));
        try {
            ping(a, "10.77.0.2");
            ping(a, "10.77.0.3");
            ping(a, "10.3.0.1");
            Result show = a.jtun("show", "jt0");
            assertTrue(show.stdout().contains("allowed ips: 10.3.0.0/16, 10.77.0.3/32"), show.stdout());
        } finally {
            c.jtun("down", "jt0");
        }
    }

    @Test
    void aSpoofedInnerSourceIsDroppedAndCounted() {
        twoHostsOverUdp("198.18.0.1:51820", "198.18.0.2:51821", "");
        // B claims an address that A routes to nobody: its packets must not enter A's stack.
        b.exec("ip", "addr", "add", "10.77.0.99/32", "dev", "jt0").check();
        Result spoofed = b.exec("ping", "-c", "3", "-i", "0.2", "-W", "1", "-I", "10.77.0.99", "10.77.0.1");
        assertFalse(spoofed.exitCode() == 0, spoofed.toString());
        Result show = a.jtun("show", "jt0");
        assertTrue(show.stdout().contains("dropped: 3 source not allowed"), show.stdout());
        ping(b, "10.77.0.1"); // the legitimate source still works
    }

    @Test
    void aPeerWithoutEndpointLearnsItFromItsFirstPacket() {
        up(a, config("", "10.77.0.1", "fd00:77::1", "51820", peer(null, "10.77.0.2/32", "fd00:77::2/128")));
        up(b, config("", "10.77.0.2", "fd00:77::2", "51821", peer("198.18.0.1:51820", "10.77.0.1/32", "fd00:77::1/128")));
        Result before = a.jtun("show", "jt0");
        assertTrue(before.stdout().contains("endpoint: (none yet"), before.stdout());
        ping(b, "10.77.0.1");
        ping(a, "10.77.0.2");
        assertTrue(a.jtun("show", "jt0").stdout().contains("endpoint: 198.18.0.2:51821"));
    }

    @Test
    void endpointsMayBeHostNames() throws Exception {
        // ip netns exec bind-mounts /etc/netns/NAME/hosts over /etc/hosts: the names exist only
        // inside the test's namespaces.
        Path hostsA = Path.of("/etc/netns", a.name(), "hosts");
        Path hostsB = Path.of("/etc/netns", b.name(), "hosts");
        try {
            Files.createDirectories(hostsA.getParent());
            Files.createDirectories(hostsB.getParent());
            Files.writeString(hostsA, "127.0.0.1 localhost\nfd00:18:0::2 peer-b.test\n");
            Files.writeString(hostsB, "127.0.0.1 localhost\nfd00:18:0::1 peer-a.test\n");
            twoHostsOverUdp("peer-a.test:51820", "peer-b.test:51821", "");
            pingBothWays(a, b);
            assertTrue(a.jtun("show", "jt0").stdout().contains("endpoint: [fd00:18::2]:51821"));
            assertTrue(b.jtun("show", "jt0").stdout().contains("endpoint: [fd00:18::1]:51820"));
        } finally {
            Files.deleteIfExists(hostsA);
            Files.deleteIfExists(hostsA.getParent());
            Files.deleteIfExists(hostsB);
            Files.deleteIfExists(hostsB.getParent());
        }
    }

    @Test
    void aPortInUseIsReportedWithFileAndLine() throws Exception {
        a.start("ncat", "-u", "-l", "51820");
        waitForListener(a, ":51820");
        Path file = underlay.config(a.name(), "jt0",
                config("", "10.77.0.1", "fd00:77::1", "51820", peer("198.18.0.2:51821", "10.77.0.2/32")));
        Result up = a.jtun("up", file.toString());
        assertEquals(5, up.exitCode(), up.toString());
        assertEquals(1, up.stderr().strip().lines().count(), up.toString());
        assertTrue(up.stderr().startsWith("jtun: " + file + ":3: UDP port 51820 is already in use"), up.toString());
        assertFalse(a.exec("ip", "link", "show", "jt0").exitCode() == 0, "nothing left behind");
    }

    @Test
    void badConfigurationsGiveOneLineWithFileLineAndFix() {
        String[][] cases = {
            {"[Interface]\nAdress = 10.77.0.1/24\n", ":2: unknown key 'Adress' in [Interface]: did you mean 'Address'?"},
            {"[Interface]\nAddress = 10.77.0.1/24\nEncryption = none\n[Peer]\nEndpoint = 198.18.0.2:1\n"
                    + "AllowedIPs = 10.77.0.300/32\n", ":6: AllowedIPs '10.77.0.300/32' is not a valid address/prefix"},
            {"[Interface]\nEncryption = none\n[Peer]\nEndpoint = 198.18.0.2:1\nAllowedIPs = 10.1.0.0/16\n"
                    + "[Peer]\nEndpoint = 198.18.0.3:1\nAllowedIPs = 10.1.0.0/16\n",
                ":8: AllowedIPs 10.1.0.0/16 is already routed to the peer at line 3"},
        };
        for (String[] c : cases) {
            Path file = underlay.config(a.name(), "jt0", c[0]);
            Result up = a.jtun("up", file.toString());
            assertEquals(2, up.exitCode(), up.toString());
            assertEquals(1, up.stderr().strip().lines().count(), up.toString());
            assertTrue(up.stderr().startsWith("jtun: " + file + c[1]), up.toString());
        }
        assertFalse(a.exec("ip", "link", "show", "jt0").exitCode() == 0, "nothing created");
    }

    private static void waitForListener(Netns host, String address) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            if (host.exec("ss", "-Hlntua").stdout().contains(address)) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("nothing listens on " + address);
    }
}
