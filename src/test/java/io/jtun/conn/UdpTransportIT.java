package io.jtun.conn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.jtun.it.Daemon;
import io.jtun.it.Netns;
import io.jtun.it.Result;
import io.jtun.sys.Libc;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * What needs a namespace to provoke: the UDP bind error of a process without
 * CAP_NET_BIND_SERVICE binding a port below 1024, and the paths of UDP segmentation that
 * loopback alone never takes (a full send buffer, a device that cannot checksum, a route MTU
 * below the segment size), on the kernel as it is; {@link UdpTransportFallbackTest} plays the
 * refusals today's kernels no longer make. Each test runs in fresh namespaces, so nothing on the host matters;
 * the transports run in child JVMs ({@link ConnSelfCheck}, {@link UdpOffloadSelfCheck}). Needs root.
 */
@Tag("netns")
class UdpTransportIT {
    private static final String PRIVILEGED_PORT = "80";
    private static final String A_ADDRESS = "198.18.0.1";
    private static final String B_ADDRESS = "198.18.0.2";
    private static final String PREFIX_LEN = "/24";
    private static final String A_LINK = "ju-a";
    private static final String B_LINK = "ju-b";
    private static final String PORT = "51820";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @BeforeEach
    void needsRoot() {
        if (Libc.geteuid() != 0) {
            fail("UdpTransportIT needs root (it creates network namespaces): run it as root, or skip it with -DskipITs");
        }
    }

    @Test
    void privilegedPortWithoutCapabilityIsNoPermission() {
        try (Netns ns = Netns.create("conn")) {
            List<String> command = new ArrayList<>(List.of("setpriv", "--bounding-set=-net_bind_service",
                    "--inh-caps=-net_bind_service"));
            command.addAll(IpInIpIT.selfCheck("udp-open " + PRIVILEGED_PORT));
            Result unprivileged = ns.exec(command.toArray(String[]::new)).check();
            assertEquals("ERR NO_PERMISSION | UDP port 80 is privileged (below 1024): run as root or with"
                    + " CAP_NET_BIND_SERVICE, or choose a ListenPort of 1024 or more", unprivileged.stdout().strip(),
                    unprivileged.toString());

            Result privileged = ns.exec(IpInIpIT.selfCheck("udp-open " + PRIVILEGED_PORT).toArray(String[]::new))
                    .check();
            assertEquals("OK udp-open 80 | bound 80", privileged.stdout().strip(), privileged.toString());
        }
    }

    @Test
    void aFullSocketStopsTheSendAtAWholeMessage() {
        try (Netns ns = Netns.create("conn")) {
            // A slow queue on loopback: what waits in it still holds the sender's buffer, so the
            // second segmented message finds the (smallest possible) buffer full.
            ns.exec("tc", "qdisc", "add", "dev", "lo", "root", "tbf", "rate", "20mbit", "burst", "16kb", "limit", "8mb")
                    .check();
            Result r = ns.exec(TIMEOUT.multipliedBy(2), offloadCheck("full-socket", "200", "1000")).check();
            String first = line(r, "FIRST ");
            // 200 datagrams of 1000 bytes to one peer: runs of 64, 64, 64 and 8.
            int consumed = Integer.parseInt(value(first, "consumed"));
            assertTrue(consumed > 0 && consumed < 200, "the buffer filled up mid-batch: " + r);
            assertEquals(0, consumed % 64, "only whole messages count: " + r);
            assertEquals(consumed, Integer.parseInt(value(first, "sent")), r.toString());
            assertEquals(consumed / 64, Integer.parseInt(value(first, "gsoSends")), r.toString());
            assertEquals("ARRIVED " + consumed, line(r, "ARRIVED "), "what was counted is what was sent: " + r);
            assertEquals("ALL 200 ok", line(r, "ALL "), r.toString());
            String counters = line(r, "COUNTERS ");
            assertEquals("200", value(counters, "sent"), r.toString());
            assertEquals("0", value(counters, "gsoFallbacks"), r.toString());
            assertEquals("4", value(counters, "gsoSends"), r.toString());
        }
    }

    @Test
    void aDeviceThatCannotChecksumLosesNothing() throws Exception {
        try (Netns a = Netns.create("conn"); Netns b = Netns.create("conn")) {
            link(a, b);
            Result off = a.exec(offloadCheck("txcsum-off", A_LINK)).check();
            assertEquals("OK tx checksumming off on " + A_LINK, off.stdout().strip(), off.toString());
            Daemon receiver = b.start(offloadCheck("receive", PORT, "42", Long.toString(TIMEOUT.toMillis()), "gro"));
            receiver.awaitLine("READY"::equals, TIMEOUT);

            Result sender = a.exec(offloadCheck("send", B_ADDRESS, PORT, "20x1000,300,20x1000,300", "gso")).check();
            String sent = line(sender, "SENT ");
            assertEquals("42", value(sent, "consumed"), sender.toString());
            assertEquals("42", value(sent, "sent"), sender.toString());
            if (value(sent, "segmentation").equals("true")) {
                // Linux 6.11 on checksums the segments in software: both runs went as one message each.
                assertEquals("2", value(sent, "gsoSends"), sender.toString());
                assertEquals("0", value(sent, "gsoFallbacks"), sender.toString());
            } else {
                // Older kernels refuse the first run (EIO): sent again one by one, no run after it tried.
                assertEquals("1", value(sent, "gsoDisabled"), sender.toString());
                assertEquals("1", value(sent, "gsoFallbacks"), sender.toString());
                assertEquals("0", value(sent, "gsoSends"), sender.toString());
            }
            assertExits(receiver);
            assertEquals(expected("20x1000,300,20x1000,300"), datagrams(receiver), receiver.dump());
        }
    }

    @Test
    void aSegmentAboveTheRouteMtuIsSentAsDatagrams() throws Exception {
        try (Netns ns = Netns.create("conn")) {
            ns.exec("ip", "link", "set", "lo", "mtu", "1500").check();
            Daemon receiver = ns.start(offloadCheck("receive", PORT, "31", Long.toString(TIMEOUT.toMillis()), "none"));
            receiver.awaitLine("READY"::equals, TIMEOUT);

            // 2000-byte segments do not fit the 1500-byte MTU: the kernel refuses that run
            // (EMSGSIZE since Linux 6.14, EINVAL before), alone each goes as IP fragments.
            String lengths = "10x2000,500,20x1000";
            Result sender = ns.exec(offloadCheck("send", "127.0.0.1", PORT, lengths, "gso")).check();
            String sent = line(sender, "SENT ");
            assertEquals("31", value(sent, "consumed"), sender.toString());
            assertEquals("31", value(sent, "sent"), sender.toString());
            assertEquals("0", value(sent, "sendTooBig"), sender.toString());
            assertEquals("1", value(sent, "gsoFallbacks"), sender.toString());
            // EMSGSIZE leaves segmentation on for the 1000-byte run; after EINVAL (older kernels)
            // the oversized datagram passing alone turns it off.
            if (value(sent, "segmentation").equals("true")) {
                assertEquals("0", value(sent, "gsoDisabled"), sender.toString());
                assertEquals("1", value(sent, "gsoSends"), sender.toString());
            } else {
                assertEquals("1", value(sent, "gsoDisabled"), sender.toString());
                assertEquals("0", value(sent, "gsoSends"), sender.toString());
            }
            assertExits(receiver);
            assertEquals(expected(lengths), datagrams(receiver), receiver.dump());
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

    /** The command running {@link UdpOffloadSelfCheck} with {@code args} on this JVM and class path. */
    private static String[] offloadCheck(String... args) {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), UdpOffloadSelfCheck.class.getName()));
        command.addAll(List.of(args));
        return command.toArray(String[]::new);
    }

    /** The receiver's lines for datagrams 0.. with these lengths, intact and in order. */
    private static List<String> expected(String lengths) {
        int[] each = UdpOffloadSelfCheck.lengths(lengths);
        return IntStream.range(0, each.length).mapToObj(n -> "D " + n + " " + each[n] + " ok").toList();
    }

    private static List<String> datagrams(Daemon receiver) {
        return receiver.stdoutLines().stream().filter(l -> l.startsWith("D ")).toList();
    }

    private static String line(Result r, String prefix) {
        return r.stdout().lines().filter(l -> l.startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + prefix.strip() + " line: " + r));
    }

    /** The value of {@code name=value} in a line of counters. */
    private static String value(String line, String name) {
        for (String field : line.split(" ")) {
            if (field.startsWith(name + "=")) {
                return field.substring(name.length() + 1);
            }
        }
        throw new AssertionError("no " + name + " in " + line);
    }

    private static void assertExits(Daemon daemon) throws InterruptedException {
        if (!daemon.process().waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            fail("did not finish within " + TIMEOUT + "\n" + daemon.dump());
        }
    }
}
