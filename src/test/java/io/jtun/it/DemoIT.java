package io.jtun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The README's main job: {@code jtun demo} runs to success and leaves nothing behind. */
@Tag("netns")
class DemoIT {
    @Test
    void demoRunsToSuccessAndCleansUp() {
        Result demo = Netns.run(Duration.ofMinutes(3), Jtun.command("demo"));
        assertEquals(0, demo.exitCode(), demo.toString());
        String out = demo.stdout();
        assertTrue(out.contains("ping  A -> B 10.99.0.2: 5/5 replies"), out);
        assertTrue(out.contains("ping  B -> A 10.99.0.1: 5/5 replies"), out);
        assertTrue(out.contains("ping6 A -> B fd00:99::2: 5/5 replies"), out);
        assertTrue(out.contains("iperf3 TCP A -> B: "), out);
        assertTrue(out.strip().endsWith("jtun demo: success"), out);
        Matcher hosts = Pattern.compile("hosts: network namespaces (\\S+) and (\\S+)").matcher(out);
        assertTrue(hosts.find(), out);
        String namespaces = Netns.run(Duration.ofSeconds(10), "ip", "netns", "list").stdout();
        assertFalse(namespaces.contains(hosts.group(1)) || namespaces.contains(hosts.group(2)),
                "demo namespaces removed: " + namespaces);
    }
}
