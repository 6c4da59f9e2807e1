package io.jtun.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.jtun.sys.Libc;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Runs {@link Rtnetlink} against a real kernel, inside a network namespace of its own so that
 * nothing on the host changes: each test creates {@code jtun-nl-<random>} with an interface d0
 * in it, drives Rtnetlink from a child JVM started with {@code ip netns exec} (see
 * {@link RtnetlinkSelfCheck}), and compares what {@code ip} then reports. Needs root.
 */
@Tag("netns")
class RtnetlinkIT {
    private static final long TIMEOUT_SECONDS = 60;
    private static final String IF = "d0";

    private String ns;

    @BeforeEach
    void createNamespace() throws Exception {
        if (Libc.geteuid() != 0) {
            fail("RtnetlinkIT needs root (it creates network namespaces): run it as root, or skip it with"
                    + " -DskipITs");
        }
        String name = "jtun-nl-" + HexFormat.of().toHexDigits(new SecureRandom().nextInt());
        check(run("ip", "netns", "add", name));
        ns = name;
        // A dummy interface when the kernel has the module, else one end of a veth pair whose
        // other end is up, so that d0 gets a carrier like a dummy would.
        if (run("ip", "-n", ns, "link", "add", IF, "type", "dummy").exitCode() != 0) {
            check(run("ip", "-n", ns, "link", "add", IF, "type", "veth", "peer", "name", "d0peer"));
            check(run("ip", "-n", ns, "link", "set", "d0peer", "up"));
        }
    }

    @AfterEach
    void deleteNamespace() throws Exception {
        if (ns != null) {
            check(run("ip", "netns", "del", ns));
            ns = null;
        }
    }

    @Test
    void configuresLinkAddressesAndRoutes() throws Exception {
        List<Step> steps = selfCheck(
                "mtu d0 1400",
                "up d0",
                "addr-add d0 192.168.3.11/24",
                "addr-add d0 fd00:3::11/64",
                "addr-add d0 192.168.3.11/24", // already there: success
                "addr-add d0 fd00:3::11/64",
                "route-add d0 10.77.0.0/16",
                "route-add d0 fd00:77::/48",
                "route-add d0 10.77.0.0/16",
                "route-add d0 192.168.3.0/24", // the address's own subnet route: success
                "udp 192.168.3.99",
                "index d0",
                "link d0",
                "addrs d0",
                "routes d0");
        steps.forEach(Step::assertOk);

        String link = ip("link", "show", IF);
        assertTrue(link.contains(" mtu 1400 "), link);
        assertTrue(flags(link).contains("UP"), link);
        assertEquals(ip("-o", "link", "show", IF).split(":")[0], steps.get(11).detail());

        String addresses = ip("addr", "show", IF);
        assertEquals(1, count(addresses, "inet 192.168.3.11/24 "), addresses);
        assertEquals(1, count(addresses, "inet6 fd00:3::11/64 scope global nodad"), addresses);

        List<String> routes4 = ip("route").lines().map(String::strip).toList();
        assertTrue(routes4.contains("10.77.0.0/16 dev d0 proto static scope link"), routes4.toString());
        List<String> routes6 = ip("-6", "route").lines().map(String::strip).toList();
        assertTrue(routes6.stream().anyMatch(r -> r.startsWith("fd00:77::/48 dev d0 proto static ")),
                routes6.toString());

        Map<String, String> info = keyValues(steps.get(12).detail());
        assertEquals(steps.get(11).detail(), info.get("index"));
        assertEquals("d0", info.get("name"));
        assertEquals("1400", info.get("mtu"));
        assertEquals("true", info.get("up"));
        assertEquals("true", info.get("running"));
        assertTrue(Long.parseLong(info.get("txPackets")) >= 1, "the udp step sent something: " + info);
        // Counters only grow: what Rtnetlink read must not exceed what ip reads afterwards.
        long[] later = ipCounters();
        String[] names = {"rxBytes", "rxPackets", "rxErrors", "rxDropped", "txBytes", "txPackets", "txErrors",
            "txDropped"};
        for (int i = 0; i < names.length; i++) {
            long ours = Long.parseLong(info.get(names[i]));
            assertTrue(ours <= later[i], names[i] + "=" + ours + ", ip -s says " + later[i]);
        }

        List<String> listed = Arrays.asList(steps.get(13).detail().split(" "));
        assertTrue(listed.containsAll(List.of("192.168.3.11/24", "fd00:3::11/64")), listed.toString());
        List<String> routed = Arrays.asList(steps.get(14).detail().split(" "));
        assertTrue(routed.containsAll(List.of("10.77.0.0/16", "192.168.3.0/24", "fd00:77::/48", "fd00:3::/64")),
                routed.toString());
    }

    @Test
    void reportsErrorsAndRemovesIdempotently() throws Exception {
        selfCheck("up d0", "addr-add d0 192.168.3.11/24", "addr-add d0 fd00:3::11/64", "route-add d0 10.77.0.0/16",
                "route-add d0 fd00:77::/48").forEach(Step::assertOk);

        List<Step> errors = selfCheck(
                "addr-add d0 fd00:3::11/48",
                "mtu d0 70000",
                "link nosuch0",
                "addr-add nosuch0 10.0.0.1/24",
                "addr-del d0 192.168.3.11/16");
        errors.get(0).assertError("BUSY", "address fd00:3::11 is already on d0 as fd00:3::11/64");
        errors.get(1).assertError("USAGE", "MTU 70000 is out of range for d0");
        errors.get(2).assertError("NOT_FOUND", "no network interface named nosuch0");
        errors.get(3).assertError("NOT_FOUND", "no network interface named nosuch0");
        errors.get(4).assertError("USAGE", "d0 has it as 192.168.3.11/24");

        selfCheck(
                "addr-del d0 192.168.3.11/24",
                "addr-del d0 192.168.3.11/24", // gone already: success
                "addr-del d0 fd00:3::11/64",
                "route-del d0 10.77.0.0/16",
                "route-del d0 10.77.0.0/16",
                "route-del d0 fd00:77::/48",
                "down d0").forEach(Step::assertOk);

        String addresses = ip("addr", "show", IF);
        assertFalse(addresses.contains("192.168.3.11"), addresses);
        assertFalse(addresses.contains("fd00:3::11"), addresses);
        String routes = ip("route") + ip("-6", "route");
        assertFalse(routes.contains("10.77.0.0/16"), routes);
        assertFalse(routes.contains("fd00:77::"), routes);
        String link = ip("link", "show", IF);
        assertFalse(flags(link).contains("UP"), link);
    }

    @Test
    void changesNeedCapNetAdmin() throws Exception {
        Path setpriv = Path.of("/usr/bin/setpriv");
        Assumptions.assumeTrue(Files.isExecutable(setpriv), "setpriv (util-linux) is needed to drop CAP_NET_ADMIN");
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", ns, setpriv.toString(),
                "--bounding-set=-net_admin", "--inh-caps=-net_admin"));
        command.addAll(javaCommand("mtu d0 1300", "link d0"));
        List<Step> steps = parseSteps(check(run(command.toArray(String[]::new))).output(), 2);
        steps.get(0).assertError("NO_PERMISSION",
                "changing d0 needs CAP_NET_ADMIN: run as root or grant the capability (setcap cap_net_admin+ep)");
        steps.get(1).assertOk(); // reading needs no capability
        assertTrue(ip("link", "show", IF).contains(" mtu 1500 "));
    }

    // ---- helpers -----------------------------------------------------------------------------

    private record Result(int exitCode, String output, String command) {
    }

    private record Step(boolean ok, String step, String exitCode, String detail) {
        void assertOk() {
            assertTrue(ok, step + " failed: " + exitCode + " " + detail);
        }

        void assertError(String expectedExitCode, String messagePart) {
            assertFalse(ok, step + " should have failed");
            assertEquals(expectedExitCode, exitCode, step + ": " + detail);
            assertTrue(detail.contains(messagePart), step + ": " + detail);
        }
    }

    private List<Step> selfCheck(String... steps) throws Exception {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        command.addAll(javaCommand(steps));
        return parseSteps(check(run(command.toArray(String[]::new))).output(), steps.length);
    }

    private static List<String> javaCommand(String... steps) {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> command = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), RtnetlinkSelfCheck.class.getName()));
        command.addAll(List.of(steps));
        return command;
    }

    private static List<Step> parseSteps(String output, int expected) {
        List<Step> steps = new ArrayList<>();
        for (String line : output.lines().toList()) {
            String[] parts = line.split(" \\| ", 3);
            if (line.startsWith("OK ") && parts.length == 2) {
                steps.add(new Step(true, parts[0].substring(3), "OK", parts[1]));
            } else if (line.startsWith("ERR ") && parts.length == 3) {
                steps.add(new Step(false, parts[0].substring(4), parts[1], parts[2]));
            }
        }
        assertEquals(expected, steps.size(), "one result line per step expected in:\n" + output);
        return steps;
    }

    private String ip(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("ip", "-n", ns));
        command.addAll(List.of(args));
        return check(run(command.toArray(String[]::new))).output();
    }

    /** rx bytes, packets, errors, dropped, then the same for tx, from {@code ip -s link show}. */
    private long[] ipCounters() throws Exception {
        String text = ip("-s", "link", "show", IF);
        Matcher m = Pattern.compile("RX:[^\\n]*\\n\\s*(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)[^\\n]*\\n"
                + "\\s*TX:[^\\n]*\\n\\s*(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)").matcher(text);
        assertTrue(m.find(), text);
        long[] counters = new long[8];
        for (int i = 0; i < 8; i++) {
            counters[i] = Long.parseLong(m.group(i + 1));
        }
        return counters;
    }

    private static List<String> flags(String linkShow) {
        Matcher m = Pattern.compile("<([^>]*)>").matcher(linkShow);
        return m.find() ? List.of(m.group(1).split(",")) : List.of();
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    private static Map<String, String> keyValues(String text) {
        Map<String, String> values = new HashMap<>();
        for (String pair : text.split(" ")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                values.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        return values;
    }

    private static Result check(Result result) {
        if (result.exitCode() != 0) {
            fail(result.command() + " exited with " + result.exitCode() + ":\n" + result.output());
        }
        return result;
    }

    /** Runs a command to completion (bounded), stdout and stderr together. */
    private static Result run(String... command) throws IOException, InterruptedException {
        Path output = Files.createTempFile("jtun-nl-it", ".out");
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).start();
            String shown = String.join(" ", command);
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                fail(shown + " did not finish within " + TIMEOUT_SECONDS + " s:\n" + Files.readString(output));
            }
            return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8), shown);
        } finally {
            Files.deleteIfExists(output);
        }
    }
}
