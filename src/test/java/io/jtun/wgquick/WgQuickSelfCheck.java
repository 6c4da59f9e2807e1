package io.jtun.wgquick;

import io.jtun.JtunException;
import io.jtun.config.ConfigParser;
import io.jtun.config.InterfaceConfig;
import io.jtun.netlink.Rtnetlink;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@link WgQuick} up, then down, from a child JVM that {@link WgQuickIT} starts inside a
 * throwaway network namespace. Arguments: the configuration file, the interface, a directory for
 * the handshake: after up it writes {@code up} there (the state), then waits for the test to create
 * {@code go}, runs down and writes {@code down}. Log lines and errors go to standard output.
 */
public final class WgQuickSelfCheck {
    private static final long WAIT_SECONDS = 120;

    private WgQuickSelfCheck() {
    }

    public static void main(String[] args) throws Exception {
        Path configFile = Path.of(args[0]);
        String ifname = args[1];
        Path dir = Path.of(args[2]);
        InterfaceConfig config = ConfigParser.parse(Files.readString(configFile), configFile, ifname);
        WgQuick wgQuick = WgQuick.system(System.out::println);
        try (Rtnetlink netlink = Rtnetlink.open()) {
            WgQuickState state;
            try {
                state = wgQuick.up(config, ifname, netlink, HookRunner.bash(),
                        mark -> System.out.println("FWMARK " + Integer.toUnsignedString(mark)));
            } catch (JtunException e) {
                System.out.println("ERR up | " + e.exitCode() + " | " + e.getMessage());
                Files.writeString(dir.resolve("up"), "ERR " + e.getMessage());
                System.exit(2);
                return;
            }
            Files.writeString(dir.resolve("up"), state.toString());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
            while (!Files.exists(dir.resolve("go")) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            try {
                wgQuick.down(config, state, netlink, HookRunner.bash());
            } catch (JtunException e) {
                System.out.println("ERR down | " + e.exitCode() + " | " + e.getMessage());
                Files.writeString(dir.resolve("down"), "ERR " + e.getMessage());
                System.exit(3);
                return;
            }
            Files.writeString(dir.resolve("down"), "OK");
        }
        System.out.flush();
    }
}
