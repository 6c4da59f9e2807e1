package io.jtun.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Debian's wireguard-go as the reference peer, configured with {@code wg} and {@code ip} inside a
 * test's namespace. Its UAPI socket lives in /var/run/wireguard, which all namespaces share, so
 * every instance gets a unique interface name.
 */
final class WireGuardGo implements AutoCloseable {
    private static final Duration READY = Duration.ofSeconds(20);

    private final Netns host;
    private final String name;
    private final Daemon process;

    private WireGuardGo(Netns host, String name, Daemon process) {
        this.host = host;
        this.name = name;
        this.process = process;
    }

    static WireGuardGo start(Netns host) throws InterruptedException {
        byte[] random = new byte[3];
        new SecureRandom().nextBytes(random);
        String name = "wg" + HexFormat.of().formatHex(random);
        Daemon process = host.start("env", "LOG_LEVEL=verbose", "wireguard-go", "-f", name);
        Path socket = Path.of("/var/run/wireguard", name + ".sock");
        long deadline = System.nanoTime() + READY.toNanos();
        while (!Files.exists(socket)) {
            if (System.nanoTime() > deadline || !process.process().isAlive()) {
                throw new AssertionError("wireguard-go did not start\n" + process.dump());
            }
            Thread.sleep(20);
        }
        return new WireGuardGo(host, name, process);
    }

    String name() {
        return name;
    }

    /** {@code wg set NAME ARGS...}, failing the test on error. */
    void set(String... args) {
        List<String> command = new ArrayList<>(List.of("wg", "set", name));
        command.addAll(List.of(args));
        host.exec(command.toArray(String[]::new)).check();
    }

    /** Addresses, MTU and up, as wg-quick would. */
    void configure(String address4, String address6) {
        host.exec("ip", "addr", "add", address4, "dev", name).check();
        host.exec("ip", "addr", "add", address6, "dev", name, "nodad").check();
        host.exec("ip", "link", "set", name, "mtu", "1420", "up").check();
    }

    void route(String prefix) {
        host.exec("ip", "route", "replace", prefix, "dev", name).check();
    }

    String show() {
        return host.exec("wg", "show", name).stdout();
    }

    String log() {
        return process.dump();
    }

    @Override
    public void close() {
        host.exec("ip", "link", "del", name);
        process.kill();
        try {
            Files.deleteIfExists(Path.of("/var/run/wireguard", name + ".sock"));
        } catch (java.io.IOException e) {
            // wireguard-go removes it itself on a clean exit
        }
    }
}
