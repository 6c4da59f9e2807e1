package io.jtun.conn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.jtun.it.Daemon;
import io.jtun.it.Netns;
import io.jtun.it.Result;
import io.jtun.sys.Libc;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@link IpInIpTransport} between two namespaces joined by a veth pair: A (198.18.0.1) sends,
 * B (198.18.0.2) receives, and tcpdump in B checks that what went over the wire is standard
 * IP-in-IP. The transport runs in child JVMs ({@link ConnSelfCheck}) started with
 * {@code ip netns exec}. Needs root.
 */
@Tag("netns")
class IpInIpIT {
    private static final String A_ADDRESS = "198.18.0.1";
    private static final String B_ADDRESS = "198.18.0.2";
    private static final String PREFIX_LEN = "/24";
    private static final String A_LINK = "jc-a";
    private static final String B_LINK = "jc-b";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final HexFormat HEX = HexFormat.of();

    private static final byte[] INNER4 = InnerPackets.icmpv4Echo(bytes("10.0.0.1"), bytes("10.0.0.2"),
            "jtun ip-in-ip v4".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    private static final byte[] INNER4_BEHIND_OPTIONS = InnerPackets.icmpv4Echo(bytes("10.0.0.3"),
            bytes("10.0.0.2"), "outer header with options".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    private static final byte[] INNER6 = InnerPackets.icmpv6Echo(bytes("fd00:1::1"), bytes("fd00:1::2"),
            "jtun ip-in-ip v6".getBytes(java.nio.charset.StandardCharsets.US_ASCII));

    private static byte[] bytes(String address) {
        try {
            return InetAddress.getByName(address).getAddress();
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    @BeforeEach
    void needsRoot() {
        if (Libc.geteuid() != 0) {
            fail("IpInIpIT needs root (it creates network namespaces and raw sockets): run it as root, or skip it"
                    + " with -DskipITs");
        }
    }

    @Test
    void carriesIpv4AndIpv6InsideIpv4() throws Exception {
        try (Netns a = Netns.create("conn"); Netns b = Netns.create("conn")) {
            link(a, b);
            Daemon tcpdump = b.start("tcpdump", "-n", "-l", "-i", B_LINK, "-c", "4", "ip proto 4 or ip proto 41");
            tcpdump.awaitLine(line -> line.contains("listening on " + B_LINK), TIMEOUT);
            Daemon receiver = b.start(selfCheckCommand("receive", "3", Long.toString(TIMEOUT.toMillis())));
            receiver.awaitLine("READY"::equals, TIMEOUT);

            Result sender = a.exec(selfCheckCommand(
                    // IPv6 inside protocol 4: the receiver must drop it, not deliver it.
                    "raw 4 " + B_ADDRESS + " " + HEX.formatHex(INNER6),
                    "send " + B_ADDRESS + " " + HEX.formatHex(INNER4) + " " + HEX.formatHex(INNER6),
                    // The transport strips a longer outer header too.
                    "raw-options 4 " + B_ADDRESS + " " + HEX.formatHex(INNER4_BEHIND_OPTIONS)));
            sender.check();
            assertTrue(sender.stdout().contains("OK send " + B_ADDRESS), sender.toString());
            assertTrue(sender.stdout().contains("consumed 2 received=0 sent=2 "), sender.toString());

            assertExits(receiver);
            List<String> received = receiver.stdoutLines().stream().filter(l -> l.startsWith("RECV ")).toList();
            String source = A_ADDRESS + ":0";
            int offset = ConnSelfCheck.RECEIVE_OFFSET;
            assertEquals(Set.of("RECV " + source + " " + offset + " " + HEX.formatHex(INNER4),
                    "RECV " + source + " " + offset + " " + HEX.formatHex(INNER6),
                    "RECV " + source + " " + offset + " " + HEX.formatHex(INNER4_BEHIND_OPTIONS)), Set.copyOf(received),
                    receiver.dump());
            String counters = receiver.stdoutLines().stream().filter(l -> l.startsWith("COUNTERS ")).findFirst()
                    .orElseThrow(() -> new AssertionError(receiver.dump()));
            assertTrue(counters.contains(" received=3 ") && counters.contains(" receiveMalformed=1 "), counters);

            assertExits(tcpdump);
            List<String> wire = tcpdump.stdoutLines();
            String outer = "IP " + A_ADDRESS + " > " + B_ADDRESS + ": ";
            assertEquals(4, wire.size(), tcpdump.dump());
            assertTrue(wire.get(1).contains(outer + "IP 10.0.0.1 > 10.0.0.2: ICMP echo request"), tcpdump.dump());
            assertTrue(wire.get(2).contains(outer + "IP6 fd00:1::1 > fd00:1::2: ICMP6, echo request"), tcpdump.dump());
            assertTrue(wire.get(3).contains(outer + "IP 10.0.0.3 > 10.0.0.2: ICMP echo request"), tcpdump.dump());
        }
    }

    @Test
    void refusesIpv6PeersAndExplainsMissingPrivilege() throws Exception {
        try (Netns a = Netns.create("conn")) {
            Result peer = a.exec(selfCheckCommand("ipv6-peer"));
            peer.check();
            assertTrue(peer.stdout().contains("ERR checkPeer | IP-in-IP peers must be IPv4 addresses"), peer.toString());
            assertTrue(peer.stdout().contains("ERR IllegalArgumentException | IP-in-IP peers must be IPv4 addresses;"
                    + " slot 0 is addressed to [fd00::2]:0 (sent 0)"), peer.toString());

            List<String> unprivileged = new ArrayList<>(List.of("setpriv", "--bounding-set=-net_raw",
                    "--inh-caps=-net_raw"));
            unprivileged.addAll(selfCheck("open"));
            Result open = a.exec(unprivileged.toArray(String[]::new));
            open.check();
            assertEquals("ERR NO_PERMISSION | IP-in-IP needs raw sockets (CAP_NET_RAW): run as root",
                    open.stdout().strip(), open.toString());
        }
    }

    private static void link(Netns a, Netns b) {
        Netns.run(TIMEOUT, "ip", "-n", a.name(), "link", "add", A_LINK, "type", "veth", "peer", "name", B_LINK,
                "netns", b.name()).check();
        a.exec("ip", "addr", "add", A_ADDRESS + PREFIX_LEN, "dev", A_LINK).check();
        b.exec("ip", "addr", "add", B_ADDRESS + PREFIX_LEN, "dev", B_LINK).check();
        a.exec("ip", "link", "set", A_LINK, "up").check();
        b.exec("ip", "link", "set", B_LINK, "up").check();
    }

    /** The command running {@link ConnSelfCheck} with {@code args} on this JVM and class path. */
    static List<String> selfCheck(String... args) {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), ConnSelfCheck.class.getName()));
        command.addAll(List.of(args));
        return command;
    }

    private static String[] selfCheckCommand(String... args) {
        return selfCheck(args).toArray(String[]::new);
    }

    private static void assertExits(Daemon daemon) throws InterruptedException {
        if (!daemon.process().waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            fail("did not finish within " + TIMEOUT + "\n" + daemon.dump());
        }
    }
}
