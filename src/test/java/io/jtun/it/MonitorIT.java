package io.jtun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jtun monitor} on real TUN/TAP devices, in a network namespace created per test. */
@Tag("netns")
class MonitorIT {
    private static final Duration READY = Duration.ofSeconds(30);
    private static final Duration STOP = Duration.ofSeconds(15);
    private static final String READY_LINE = "jtun monitor: listening on";
    private static final Pattern ECHO_REQUEST = Pattern.compile(
            "^\\d\\d:\\d\\d:\\d\\d\\.\\d{6} 84 bytes IP 192\\.168\\.3\\.11 > 192\\.168\\.3\\.12: "
                    + "ICMP echo request, id \\d+, seq [1-4], length 64$");

    private Netns ns;

    @TempDir
    Path tmp;

    @BeforeEach
    void createNamespace() {
        ns = Netns.create("mon");
    }

    @AfterEach
    void deleteNamespace() {
        ns.close();
    }

    private Daemon monitor(String... args) throws InterruptedException {
        Daemon monitor = ns.startJtun(prepend("monitor", args));
        monitor.awaitLine(line -> line.startsWith(READY_LINE), READY);
        return monitor;
    }

    @Test
    void pingIsReportedAsFourEchoRequestsAndTheCaptureMatches() throws Exception {
        Path pcap = tmp.resolve("ping.pcap");
        Daemon monitor = monitor("--name", "tun%d", "--address", "192.168.3.11/24", "--pcap", pcap.toString());

        Result ping = ns.exec("ping", "-c", "4", "-i", "0.2", "-W", "1", "192.168.3.12");
        assertNotEquals(0, ping.exitCode(), "nobody answers without --respond: " + ping);

        // The capture is readable while the monitor still runs.
        monitor.awaitLine(line -> line.contains("seq 4, length 64"), READY);
        Result liveRead = Netns.run(READY, "tcpdump", "-n", "-r", pcap.toString());
        assertEquals(4, count(liveRead.stdout(), "ICMP echo request"), liveRead.toString());

        assertEquals(0, monitor.stop(STOP), monitor.dump());
        List<String> requests = monitor.stdoutLines().stream().filter(l -> ECHO_REQUEST.matcher(l).matches()).toList();
        assertEquals(4, requests.size(), monitor.dump());
        assertEquals(4, monitor.stdoutLines().stream().filter(l -> l.contains("echo request")).count(), monitor.dump());

        Result read = Netns.run(READY, "tcpdump", "-n", "-r", pcap.toString(), "icmp");
        assertEquals(0, read.exitCode(), read.toString());
        assertTrue(read.stderr().contains("link-type RAW"), read.toString());
        List<String> tcpdumpLines = read.stdout().lines().filter(l -> l.contains("echo request")).toList();
        assertEquals(4, tcpdumpLines.size(), read.toString());
        for (int i = 0; i < 4; i++) {
            // tcpdump's line is "TIME IP a > b: ICMP echo request, id N, seq N, length 64": ours without the
            // time and length prefix.
            String ours = requests.get(i).substring(requests.get(i).indexOf("IP "));
            String theirs = tcpdumpLines.get(i).substring(tcpdumpLines.get(i).indexOf("IP "));
            assertEquals(theirs, ours);
        }

        assertFalse(ns.exec("ip", "link", "show", "tun0").exitCode() == 0, "tun0 must be gone after exit");
    }

    @Test
    void respondMakesIpv4AndIpv6PingsSucceed() throws Exception {
        Daemon monitor = monitor("--address", "192.168.3.11/24", "--address", "fd00:3::11/64", "--respond");

        Result ping4 = ns.exec("ping", "-c", "4", "-i", "0.2", "-W", "2", "192.168.3.12");
        assertEquals(0, ping4.exitCode(), ping4 + monitor.dump());
        assertTrue(ping4.stdout().contains(" 0% packet loss"), ping4.toString());

        Result ping6 = ns.exec("ping", "-6", "-c", "4", "-i", "0.2", "-W", "2", "fd00:3::12");
        assertEquals(0, ping6.exitCode(), ping6 + monitor.dump());
        assertTrue(ping6.stdout().contains(" 0% packet loss"), ping6.toString());

        assertEquals(0, monitor.stop(STOP));
        assertTrue(monitor.stdoutLines().stream().anyMatch(
                l -> l.contains("IP6 fd00:3::11 > fd00:3::12: ICMP6, echo request")), monitor.dump());
        assertTrue(monitor.stderrLines().stream().anyMatch(l -> l.contains("8 replies sent")), monitor.dump());
    }

    @Test
    void tapModeSeesArpRequestsAndCanAnswerThem() throws Exception {
        Daemon monitor = monitor("--tap", "--address", "192.168.3.11/24");
        ns.exec("ping", "-c", "2", "-i", "0.5", "-W", "1", "192.168.3.12");
        monitor.awaitLine(l -> l.contains("ethertype ARP (0x0806)")
                && l.contains("ARP, Request who-has 192.168.3.12 tell 192.168.3.11"), READY);
        assertEquals(0, monitor.stop(STOP));
        assertFalse(ns.exec("ip", "link", "show", "tap0").exitCode() == 0, "tap0 must be gone after exit");

        Daemon responder = monitor("--tap", "--address", "192.168.3.11/24", "--respond");
        Result ping = ns.exec("ping", "-c", "3", "-i", "0.2", "-W", "2", "192.168.3.12");
        assertEquals(0, ping.exitCode(), ping + responder.dump());
        assertEquals(0, responder.stop(STOP));
    }

    @Test
    void multiQueueDeviceReceivesOnBothQueues() throws Exception {
        Daemon monitor = monitor("--queues", "2", "--address", "192.168.3.11/24");
        // Many UDP flows: the kernel hashes each flow to one queue, so both queues get some.
        StringBuilder script = new StringBuilder();
        for (int port = 40000; port < 40064; port++) {
            script.append("echo x > /dev/udp/192.168.3.12/").append(port).append("; ");
        }
        ns.exec("bash", "-c", script.toString()).check();
        monitor.awaitLine(l -> l.contains(".40063: UDP, length 2"), READY);
        // Queues are drained in turn: give the other queue's last lines time to appear.
        waitForCount(monitor, "UDP, length 2", 64);
        assertEquals(0, monitor.stop(STOP));
        List<String> udp = monitor.stdoutLines().stream().filter(l -> l.contains("UDP, length 2")).toList();
        assertEquals(64, udp.size(), monitor.dump());
        assertTrue(udp.stream().anyMatch(l -> l.contains(" q0 ")), monitor.dump());
        assertTrue(udp.stream().anyMatch(l -> l.contains(" q1 ")), monitor.dump());
    }

    @Test
    void persistentDeviceOutlivesTheMonitorAndItsOwnerCanAttachWithoutPrivileges() throws Exception {
        Daemon creator = monitor("--name", "jtp0", "--persist", "--owner", "65534", "--address", "192.168.3.11/24");
        assertEquals(0, creator.stop(STOP));
        assertTrue(creator.stderrLines().stream().anyMatch(l -> l.endsWith("jtp0 kept (persistent)")), creator.dump());
        assertEquals(0, ns.exec("ip", "link", "show", "jtp0").exitCode(), "persistent device must stay");

        // The owner (nobody, no capabilities) may attach to it; the device keeps its address.
        org.junit.jupiter.api.Assumptions.assumeTrue(readableByOthers(Jtun.jar()), "jar not readable by nobody");
        Daemon attached = ns.start(prependAll(new String[] {"setpriv", "--reuid=65534", "--regid=65534",
                "--clear-groups", "--inh-caps=-all", "--"}, Jtun.command("monitor", "--name", "jtp0", "--attach")));
        attached.awaitLine(line -> line.startsWith(READY_LINE), READY);
        ns.exec("ping", "-c", "1", "-W", "1", "192.168.3.12");
        attached.awaitLine(l -> l.contains("IP 192.168.3.11 > 192.168.3.12: ICMP echo request"), READY);
        assertEquals(0, attached.stop(STOP));
        assertEquals(0, ns.exec("ip", "link", "show", "jtp0").exitCode(), "attaching must not remove it");

        // Anyone else is refused, with the reason.
        Result stranger = ns.exec(prependAll(new String[] {"setpriv", "--reuid=65533", "--regid=65533",
                "--clear-groups", "--inh-caps=-all", "--"}, Jtun.command("monitor", "--name", "jtp0", "--attach")));
        assertEquals(3, stranger.exitCode(), stranger.toString());
        assertNoStackTrace(stranger);
        ns.exec("ip", "link", "del", "jtp0").check();
    }

    @Test
    void vnetHeaderIsStrippedBeforeDisplay() throws Exception {
        Daemon monitor = monitor("--vnet-hdr", "--address", "192.168.3.11/24", "--respond");
        Result ping = ns.exec("ping", "-c", "2", "-i", "0.2", "-W", "2", "192.168.3.12");
        assertEquals(0, ping.exitCode(), ping + monitor.dump());
        assertEquals(0, monitor.stop(STOP));
        assertEquals(2, monitor.stdoutLines().stream().filter(l -> ECHO_REQUEST.matcher(l).matches()).count(),
                monitor.dump());
    }

    @Test
    void attachingToAMissingDeviceSaysHowToCreateIt() {
        Result result = ns.jtun("monitor", "--name", "tun7", "--attach");
        assertEquals(4, result.exitCode(), result.toString());
        assertTrue(result.stderr().startsWith("jtun: there is no device named tun7 to attach to"), result.toString());
        assertNoStackTrace(result);
    }

    @Test
    void badNamesAreRejectedWithTheRule() {
        Result tooLong = ns.jtun("monitor", "--name", "averyveryverylongname");
        assertEquals(2, tooLong.exitCode(), tooLong.toString());
        assertTrue(tooLong.stderr().contains("is 21 bytes long; Linux allows at most 15"), tooLong.toString());
        assertNoStackTrace(tooLong);

        Result slash = ns.jtun("monitor", "--name", "tun/1");
        assertEquals(2, slash.exitCode(), slash.toString());
        assertTrue(slash.stderr().contains("contains '/'"), slash.toString());

        Result badAddress = ns.jtun("monitor", "--address", "192.168.3.300/24");
        assertEquals(2, badAddress.exitCode(), badAddress.toString());
        assertNoStackTrace(badAddress);
    }

    @Test
    void namesInUseAreRefusedWithTheReason() throws Exception {
        Result loopback = ns.jtun("monitor", "--name", "lo");
        assertEquals(5, loopback.exitCode(), loopback.toString());
        assertTrue(loopback.stderr().contains("an interface named lo already exists and is not a TUN/TAP device"),
                loopback.toString());
        assertNoStackTrace(loopback);

        Daemon first = monitor("--name", "tun3");
        Result second = ns.jtun("monitor", "--name", "tun3");
        assertEquals(5, second.exitCode(), second.toString());
        assertTrue(second.stderr().contains("tun3 is in use: another process has it open"), second.toString());
        assertNoStackTrace(second);

        Result wrongMode = ns.jtun("monitor", "--name", "tun3", "--tap");
        assertEquals(2, wrongMode.exitCode(), wrongMode.toString());
        assertTrue(wrongMode.stderr().contains("tun3 is a TUN device, not TAP: leave out --tap"), wrongMode.toString());
        assertEquals(0, first.stop(STOP));
    }

    @Test
    void withoutCapNetAdminTheMessageSaysWhatIsNeeded() {
        Result result = ns.exec(prependAll(new String[] {"setpriv", "--inh-caps=-net_admin",
                "--bounding-set=-net_admin", "--"}, Jtun.command("monitor")));
        assertEquals(3, result.exitCode(), result.toString());
        assertTrue(result.stderr().contains("needs CAP_NET_ADMIN"), result.toString());
        assertNoStackTrace(result);
    }

    @Test
    void anUnprivilegedUserIsToldToRunAsRoot() throws Exception {
        // The jar and JDK must be readable by "nobody" for this to test jtun rather than the file system.
        org.junit.jupiter.api.Assumptions.assumeTrue(readableByOthers(Jtun.jar()), "jar not readable by nobody");
        Result result = ns.exec(prependAll(new String[] {"setpriv", "--reuid=65534", "--regid=65534",
                "--clear-groups", "--"}, Jtun.command("monitor")));
        assertEquals(3, result.exitCode(), result.toString());
        assertTrue(result.stderr().contains("run jtun as root"), result.toString());
        assertNoStackTrace(result);
    }

    private static void waitForCount(Daemon daemon, String needle, int count) throws InterruptedException {
        long deadline = System.nanoTime() + READY.toNanos();
        while (daemon.stdoutLines().stream().filter(l -> l.contains(needle)).count() < count
                && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }

    private static boolean readableByOthers(Path file) {
        for (Path p = file.toAbsolutePath(); p != null; p = p.getParent()) {
            try {
                var perms = Files.getPosixFilePermissions(p);
                var needed = Files.isDirectory(p) ? java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE
                        : java.nio.file.attribute.PosixFilePermission.OTHERS_READ;
                if (!perms.contains(needed)) {
                    return false;
                }
            } catch (java.io.IOException e) {
                return false;
            }
        }
        return true;
    }

    private static void assertNoStackTrace(Result result) {
        assertFalse(result.stderr().contains("\tat ") || result.stderr().contains("Exception"), result.toString());
        assertEquals(1, result.stderr().strip().lines().count(), "one line of error: " + result);
    }

    private static long count(String text, String needle) {
        return text.lines().filter(l -> l.contains(needle)).count();
    }

    private static String[] prepend(String first, String... rest) {
        return prependAll(new String[] {first}, rest);
    }

    private static String[] prependAll(String[] first, String[] rest) {
        String[] all = new String[first.length + rest.length];
        System.arraycopy(first, 0, all, 0, first.length);
        System.arraycopy(rest, 0, all, first.length, rest.length);
        return all;
    }
}
