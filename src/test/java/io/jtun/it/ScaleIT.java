package io.jtun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtun.noise.Keys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * An interface with 10,000 peers (20,000 AllowedIPs, IPv4 and IPv6): jtun up installs it in
 * seconds, the daemon's memory stays within 256 MB, and with no traffic it sleeps.
 */
@Tag("netns")
class ScaleIT {
    private static final int PEERS = 10_000;
    private static final long RSS_LIMIT_KB = 256 * 1024;
    /** CPU the idle daemon may use in the idle window (timers tick; nothing should spin). */
    private static final double IDLE_CPU_SECONDS = 0.5;
    private static final long IDLE_WINDOW_MILLIS = 5_000;
    private static final long CLOCK_TICKS_PER_SECOND = 100;

    private final Underlay underlay = new Underlay();
    private final Netns host = underlay.host("scale");

    @AfterEach
    void cleanup() {
        host.jtun("down", "js0");
        underlay.close();
    }

    @Test
    void tenThousandPeersFitIn256MegabytesAndIdleQuietly() throws Exception {
        StringBuilder config = new StringBuilder("[Interface]\nPrivateKey = " + Keys.genkey().base64()
                + "\nAddress = 10.200.0.1/32\nListenPort = 51900\n");
        SecureRandom random = new SecureRandom();
        byte[] key = new byte[32];
        for (int i = 0; i < PEERS; i++) {
            random.nextBytes(key);
            config.append("\n[Peer]\nPublicKey = ").append(Base64.getEncoder().encodeToString(key))
                    .append("\nAllowedIPs = 10.%d.%d.%d/32, fd00:%x::%x/128\n".formatted(100 + i / 65536,
                            (i / 256) % 256, i % 256, i + 1, i + 1))
                    .append("Endpoint = 198.18.%d.%d:%d\n".formatted(1 + i / 250, 1 + i % 250, 40000 + i % 20000));
        }
        Path file = underlay.config(host.name(), "js0", config.toString());
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));

        Result up = host.jtun("up", file.toString());
        assertEquals(0, up.exitCode(), up.toString());
        long pid = Long.parseLong(Files.readString(Path.of("/run/jtun/netns", host.name(), "js0.pid")).strip());

        Result peers = host.exec("wg", "show", "js0", "peers");
        assertEquals(PEERS, peers.stdout().lines().count(), "every peer is configured");
        Result routes = host.exec("ip", "-6", "route", "show", "dev", "js0");
        assertTrue(routes.stdout().lines().count() >= PEERS, "a route for every IPv6 AllowedIP");

        long rss = rssKilobytes(pid);

        // A reload of the unchanged file keeps every peer; it must not walk the table per peer.
        long reloadStart = System.nanoTime();
        Result sync = host.jtun("syncconf", "js0");
        long reloadMillis = (System.nanoTime() - reloadStart) / 1_000_000;
        assertEquals(0, sync.exitCode(), sync.toString());
        assertTrue(sync.stdout().contains("10000 kept") || sync.stderr().contains("10000 kept"), sync.toString());
        assertEquals(PEERS, host.exec("wg", "show", "js0", "peers").stdout().lines().count());

        long before = cpuTicks(pid);
        Thread.sleep(IDLE_WINDOW_MILLIS);
        double idleSeconds = (cpuTicks(pid) - before) / (double) CLOCK_TICKS_PER_SECOND;
        // The heap grows with the reload's garbage and the JVM keeps what it grew; not the target.
        long rssAfterReload = rssKilobytes(pid);
        System.out.printf("ScaleIT: %d peers, RSS %d MB (%d MB after a reload), %.2f CPU-s in %d s idle,"
                + " syncconf %d ms%n", PEERS, rss / 1024, rssAfterReload / 1024, idleSeconds,
                IDLE_WINDOW_MILLIS / 1000, reloadMillis);
        assertTrue(rss <= RSS_LIMIT_KB, "RSS " + rss / 1024 + " MB with " + PEERS + " peers");
        assertTrue(idleSeconds <= IDLE_CPU_SECONDS, "idle daemon used " + idleSeconds + " CPU-s");
    }

    private static long rssKilobytes(long pid) throws Exception {
        return Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status")).stream()
                .filter(line -> line.startsWith("VmRSS:"))
                .mapToLong(line -> Long.parseLong(line.replaceAll("[^0-9]", "")))
                .findFirst().orElseThrow();
    }

    /** utime + stime from /proc/PID/stat (fields 14 and 15; the name in field 2 may hold spaces). */
    private static long cpuTicks(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }
}
