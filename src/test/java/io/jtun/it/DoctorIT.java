package io.jtun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("netns")
class DoctorIT {
    @Test
    void reportsAReadyMachineAsRoot() {
        try (Netns ns = Netns.create("doc")) {
            Result result = ns.jtun("doctor");
            assertEquals(0, result.exitCode(), result.toString());
            String out = result.stdout();
            assertTrue(out.contains("[ ok ] /dev/net/tun present and accessible"), out);
            assertTrue(out.contains("[ ok ] CAP_NET_ADMIN held"), out);
            assertTrue(out.contains("[ ok ] kernel supports multi-queue devices"), out);
            assertTrue(out.contains("[ ok ] kernel supports virtio-net headers"), out);
            assertTrue(out.contains("TCP segmentation offload"), out);
            assertTrue(out.contains("jtun doctor: ready"), out);
            // The probe device is gone again.
            assertEquals("", ns.exec("bash", "-c", "ip -o link show | grep jtundoc || true").stdout());
        }
    }

    @Test
    void failsWithFixesWithoutCapNetAdmin() {
        try (Netns ns = Netns.create("doc")) {
            String[] jtun = Jtun.command("doctor");
            String[] command = new String[jtun.length + 4];
            System.arraycopy(new String[] {"setpriv", "--inh-caps=-net_admin", "--bounding-set=-net_admin", "--"}, 0,
                    command, 0, 4);
            System.arraycopy(jtun, 0, command, 4, jtun.length);
            Result result = ns.exec(command);
            assertEquals(1, result.exitCode(), result.toString());
            assertTrue(result.stdout().contains("[FAIL] CAP_NET_ADMIN is missing"), result.toString());
            assertTrue(result.stdout().contains("fix: run as root"), result.toString());
        }
    }
}
