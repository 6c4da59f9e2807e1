package io.jtun.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Hosts for tunnel tests: network namespaces joined by veth pairs with underlay addresses from
 * 198.18.0.0/15 and fd00::/8. Closing it deletes every namespace (and so every link).
 */
final class Underlay implements AutoCloseable {
    private final List<Netns> hosts = new ArrayList<>();
    private final Path configDir;
    private int links;

    Underlay() {
        try {
            configDir = Files.createTempDirectory("jtun-it-conf");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Netns host(String name) {
        Netns host = Netns.create(name);
        hosts.add(host);
        return host;
    }

    /**
     * Joins two hosts with a veth pair: {@code 198.18.N.1/24} and {@code fd00:18:N::1/64} on
     * {@code a}, {@code .2} on {@code b}, where N is the link's number (0, 1, ...). IPv6 skips
     * duplicate address detection so it works at once.
     */
    int link(Netns a, Netns b) {
        int n = links++;
        String left = "ul" + n + "a";
        String right = "ul" + n + "b";
        Netns.run(Duration.ofSeconds(30), "ip", "link", "add", left, "netns", a.name(), "type", "veth", "peer", "name",
                right, "netns", b.name()).check();
        configure(a, left, "198.18." + n + ".1/24", "fd00:18:" + n + "::1/64");
        configure(b, right, "198.18." + n + ".2/24", "fd00:18:" + n + "::2/64");
        return n;
    }

    private static void configure(Netns host, String device, String v4, String v6) {
        host.exec("ip", "addr", "add", v4, "dev", device).check();
        host.exec("ip", "addr", "add", v6, "dev", device, "nodad").check();
        host.exec("ip", "link", "set", device, "up").check();
    }

    /** Writes {@code host/iface.conf} (jtun names the interface after the file) and returns its path. */
    Path config(String host, String iface, String text) {
        try {
            Path file = Files.createDirectories(configDir.resolve(host)).resolve(iface + ".conf");
            Files.writeString(file, text);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Where {@link #config} writes {@code host/iface.conf}. */
    Path configPath(String host, String iface) {
        return configDir.resolve(host).resolve(iface + ".conf");
    }

    @Override
    public void close() {
        for (Netns host : hosts) {
            host.close();
        }
        try (var files = Files.walk(configDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // temp files
        }
    }
}
