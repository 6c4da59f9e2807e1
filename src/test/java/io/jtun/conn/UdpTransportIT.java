package io.jtun.conn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.jtun.it.Netns;
import io.jtun.it.Result;
import io.jtun.sys.Libc;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The UDP bind errors that need a privilege change to provoke: a process without
 * CAP_NET_BIND_SERVICE binding a port below 1024. Runs in a fresh namespace, so no port on the
 * host matters. Needs root (to create the namespace and then shed the capability).
 */
@Tag("netns")
class UdpTransportIT {
    private static final String PRIVILEGED_PORT = "80";

    @Test
    void privilegedPortWithoutCapabilityIsNoPermission() {
        if (Libc.geteuid() != 0) {
            fail("UdpTransportIT needs root (it creates a network namespace): run it as root, or skip it with -DskipITs");
        }
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
}
