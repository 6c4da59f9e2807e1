package io.jtun.wgquick;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.jtun.netlink.TestNamespace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link WgQuick} up and down with a default route against a real kernel, in a namespace
 * {@code jtun-wq-<random>} of its own: an underlay veth with a default route, a TUN device made
 * with {@code ip tuntap add}, {@link WgQuickSelfCheck} in a child JVM inside the namespace; the
 * rules and routes are read with {@code ip} before, between and after. Needs root.
 */
@Tag("netns")
class WgQuickIT {
    private static final String IF = "wq0";
    private static final long TIMEOUT_SECONDS = 60;

    @TempDir
    Path dir;

    private static TestNamespace underlay() {
        TestNamespace ns = TestNamespace.create();
        try {
            ns.ip("link", "add", "u0", "type", "veth", "peer", "name", "u1");
            ns.ip("link", "set", "u1", "up");
            ns.ip("link", "set", "u0", "mtu", "1400", "up");
            ns.ip("address", "add", "198.18.0.1/24", "dev", "u0");
            ns.ip("-6", "address", "add", "fd00:18::1/64", "dev", "u0", "nodad");
            ns.ip("route", "add", "default", "via", "198.18.0.2", "dev", "u0");
            ns.ip("-6", "route", "add", "default", "via", "fd00:18::2", "dev", "u0");
            ns.exec("ip", "tuntap", "add", IF, "mode", "tun").check();
            ns.ip("link", "set", IF, "up");
            // The first IPv6 address of a device sets IPv6 up on it for good (with a multicast
            // route that outlives the address): do that now, so that before and after compare.
            ns.ip("-6", "address", "add", "fd00:19::99/128", "dev", IF, "nodad");
            ns.ip("-6", "address", "del", "fd00:19::99/128", "dev", IF);
            return ns;
        } catch (RuntimeException | Error e) {
            ns.close();
            throw e;
        }
    }

    /** Everything up and down may touch but the MTU (not undone), to compare before and after. */
    private static String snapshot(TestNamespace ns) {
        // The kernel gives the veths their link-local addresses a moment after they come up, on its
        // own schedule: their local routes are not up's or down's doing, so they are left out.
        String routes6 = ns.ip("-6", "route", "show", "table", "all").lines()
                .filter(line -> !line.startsWith("local fe80::")).collect(java.util.stream.Collectors.joining("\n"));
        return String.join("\n--\n", ns.ip("-4", "rule"), ns.ip("-6", "rule"), ns.ip("-4", "route", "show", "table",
                "all"), routes6, ns.ip("-o", "address", "show", "dev", IF));
    }

    @Test
    void upAndDownWithADefaultRoute() throws Exception {
        try (TestNamespace ns = underlay()) {
            Path config = dir.resolve(IF + ".conf");
            Files.writeString(config, """
                    [Interface]
                    Encryption = none
                    Address = 198.19.0.2/24, fd00:19::2/64
                    PostUp = echo "%i up" > DIR/postup
                    PreDown = echo "%i predown" > DIR/predown
                    PostDown = echo "%i down" > DIR/postdown

                    [Peer]
                    Endpoint = 198.18.0.2:51820
                    AllowedIPs = 0.0.0.0/0, ::/0, 198.19.5.0/24
                    """.replace("DIR", dir.toString()));
            String before = snapshot(ns);

            Path output = dir.resolve("child.out");
            List<String> command = ns.inside(TestNamespace.java(WgQuickSelfCheck.class, config.toString(), IF,
                    dir.toString()));
            Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile())
                    .start();
            try {
                awaitFile(dir.resolve("up"), child, output);
                String state = Files.readString(dir.resolve("up"));
                assertFalse(state.startsWith("ERR"), state + "\n" + Files.readString(output));
                assertTrue(state.contains("fwmark=OptionalInt[51820]"), state);
                assertTrue(Files.readString(output).contains("FWMARK 51820"), Files.readString(output));
                assertEquals("wq0 up\n", Files.readString(dir.resolve("postup")));

                List<String> rules4 = lines(ns.ip("-4", "rule"));
                int notFwmark4 = priority(rules4, "not from all fwmark 0xca6c lookup 51820");
                int suppress4 = priority(rules4, "from all lookup main suppress_prefixlength 0");
                assertTrue(suppress4 < notFwmark4, "the suppress rule is consulted first: " + rules4);
                List<String> rules6 = lines(ns.ip("-6", "rule"));
                int notFwmark6 = priority(rules6, "not from all fwmark 0xca6c lookup 51820");
                int suppress6 = priority(rules6, "from all lookup main suppress_prefixlength 0");
                assertTrue(suppress6 < notFwmark6, rules6.toString());

                assertTrue(ns.ip("-4", "route", "show", "table", "51820").strip().startsWith("default dev wq0 proto"
                        + " static scope link"), ns.ip("-4", "route", "show", "table", "51820"));
                assertTrue(ns.ip("-6", "route", "show", "table", "51820").strip().startsWith("default dev wq0 proto"
                        + " static"), ns.ip("-6", "route", "show", "table", "51820"));
                String main4 = ns.ip("-4", "route");
                assertTrue(main4.contains("198.19.5.0/24 dev wq0 proto static scope link"), main4);
                assertTrue(main4.contains("default via 198.18.0.2 dev u0"), "the main default route stays: " + main4);
                String link = ns.ip("link", "show", IF);
                assertTrue(link.contains(" mtu 1320 "), "1400 on the way to the endpoint - 80: " + link);
                String addresses = ns.ip("address", "show", "dev", IF);
                assertTrue(addresses.contains("inet 198.19.0.2/24"), addresses);
                assertTrue(addresses.contains("inet6 fd00:19::2/64"), addresses);
                assertEquals("1", ns.exec("cat", "/proc/sys/net/ipv4/conf/all/src_valid_mark").check().output()
                        .strip());

                Files.writeString(dir.resolve("go"), "");
                awaitFile(dir.resolve("down"), child, output);
                assertTrue(child.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS), "child did not exit");
                assertEquals(0, child.exitValue(), Files.readString(output));
            } finally {
                child.destroyForcibly();
            }
            assertEquals("OK", Files.readString(dir.resolve("down")), Files.readString(output));
            assertEquals("wq0 predown\n", Files.readString(dir.resolve("predown")));
            assertEquals("wq0 down\n", Files.readString(dir.resolve("postdown")));
            assertEquals("", ns.ip("-4", "route", "show", "table", "51820").strip());
            assertEquals("", ns.ip("-6", "route", "show", "table", "51820").strip());
            assertEquals(before, snapshot(ns));

            String log = Files.readString(output);
            assertTrue(log.contains("[#] ip -4 rule add not fwmark 51820 table 51820"), log);
            assertTrue(log.contains("[#] ip -6 rule add priority 32764 table main suppress_prefixlength 0"), log);
        }
    }

    private static void awaitFile(Path file, Process child, Path output) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (!Files.exists(file)) {
            if (!child.isAlive()) {
                fail("the child exited with " + child.exitValue() + " before writing " + file.getFileName() + ":\n"
                        + Files.readString(output));
            }
            if (System.nanoTime() > deadline) {
                fail("no " + file.getFileName() + " within " + TIMEOUT_SECONDS + " s:\n" + Files.readString(output));
            }
            Thread.sleep(50);
        }
        Thread.sleep(50); // the file is written in one go, but let the write finish
    }

    private static List<String> lines(String text) {
        return text.lines().map(String::strip).toList();
    }

    private static int priority(List<String> rules, String rule) throws IOException {
        return rules.stream().filter(l -> l.endsWith(":\t" + rule) || l.matches("\\d+:\\s+" + java.util.regex.Pattern
                .quote(rule))).findFirst().map(l -> Integer.parseInt(l.substring(0, l.indexOf(':'))))
                .orElseThrow(() -> new AssertionError("no rule '" + rule + "' in " + rules));
    }
}
