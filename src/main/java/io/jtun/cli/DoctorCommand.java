package io.jtun.cli;

import io.jtun.ExitCode;
import io.jtun.JtunException;
import io.jtun.sys.Libc;
import io.jtun.tun.Offload;
import io.jtun.tun.TunDevice;
import io.jtun.tun.TunFeatures;
import io.jtun.tun.TunOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code jtun doctor}: checks what jtun and its optional features need and prints one line per
 * check, each problem with the command that fixes it. Exits non-zero only when something
 * essential fails; missing optional tools are warnings.
 */
final class DoctorCommand {
    static final String HELP = """
            Usage: jtun doctor

            Checks the JDK, /dev/net/tun, permissions, the kernel's TUN features and offloads, and
            the tools optional features and the tests use. Each problem comes with a fix.
            Exit status: 0 when everything essential works, 1 otherwise.
            """;

    private static final int MIN_JDK = 25;
    private static final int CAP_NET_ADMIN = 12;
    private static final Path CLONE_DEVICE = Path.of("/dev/net/tun");
    private static final Path IPV6_DISABLED = Path.of("/proc/sys/net/ipv6/conf/all/disable_ipv6");

    /** Optional external tools: name, Debian package, what needs it. */
    private record Tool(String command, String debianPackage, String usedFor) {
    }

    private static final List<Tool> TOOLS = List.of(
            new Tool("ip", "iproute2", "the integration tests and jtun demo (namespaces, veth)"),
            new Tool("ping", "iputils-ping", "the integration tests and jtun demo"),
            new Tool("tcpdump", "tcpdump", "reading jtun's pcap files; the integration tests"),
            new Tool("tshark", "tshark", "decoding WireGuard captures in the integration tests"),
            new Tool("iperf3", "iperf3", "throughput in jtun demo and bench/"),
            new Tool("wg", "wireguard-tools", "the wg/wg-quick compatibility tests"),
            new Tool("wireguard-go", "wireguard-go", "the interoperability tests"),
            new Tool("openvpn", "openvpn", "the side-by-side benchmark"),
            new Tool("ncat", "ncat", "the transfer tests"),
            new Tool("setpriv", "util-linux", "the permission tests"));

    private int failures;
    private int warnings;

    private DoctorCommand() {
    }

    static ExitCode run(String[] argv) {
        Args args = Args.parse("doctor", argv, 0, List.of("--help"), List.of());
        if (args.has("--help")) {
            System.out.print(HELP);
            return ExitCode.OK;
        }
        if (!args.positional().isEmpty()) {
            throw args.usage("unexpected argument '" + args.positional().get(0) + "'");
        }
        DoctorCommand doctor = new DoctorCommand();
        doctor.checkAll();
        System.out.println();
        System.out.println(doctor.failures == 0
                ? "jtun doctor: ready" + (doctor.warnings > 0 ? " (" + doctor.warnings + " optional items missing)" : "")
                : "jtun doctor: " + doctor.failures + " problem(s) to fix before jtun can run");
        return doctor.failures == 0 ? ExitCode.OK : ExitCode.FAILURE;
    }

    private void checkAll() {
        checkJdk();
        boolean deviceUsable = checkCloneDevice();
        boolean privileged = checkCapability();
        if (deviceUsable) {
            checkFeatures(privileged);
        }
        checkIpv6();
        for (Tool tool : TOOLS) {
            checkTool(tool);
        }
    }

    private void checkJdk() {
        int feature = Runtime.version().feature();
        if (feature >= MIN_JDK) {
            ok("JDK " + Runtime.version());
        } else {
            fail("JDK " + Runtime.version() + " is too old", "install JDK " + MIN_JDK + "+ and set JAVA_HOME");
        }
        if (DoctorCommand.class.getModule().isNativeAccessEnabled()) {
            ok("native access enabled");
        } else {
            fail("native access is not enabled", "start java with --enable-native-access=ALL-UNNAMED (the jtun script does)");
        }
    }

    private boolean checkCloneDevice() {
        if (!Files.exists(CLONE_DEVICE)) {
            fail(CLONE_DEVICE + " is missing", "modprobe tun (in a container: --device /dev/net/tun)");
            return false;
        }
        try {
            int fd = Libc.open(CLONE_DEVICE.toString(), Libc.O_RDWR | Libc.O_CLOEXEC);
            Libc.close(fd);
            ok(CLONE_DEVICE + " present and accessible");
            return true;
        } catch (JtunException e) {
            fail("cannot open " + CLONE_DEVICE + ": " + e.getMessage(), "run as root, or give this user access to "
                    + CLONE_DEVICE + " and CAP_NET_ADMIN");
            return false;
        }
    }

    private boolean checkCapability() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapEff:")) {
                    long caps = Long.parseUnsignedLong(line.substring("CapEff:".length()).trim(), 16);
                    if ((caps & (1L << CAP_NET_ADMIN)) != 0) {
                        ok("CAP_NET_ADMIN held (euid " + Libc.geteuid() + ")");
                        return true;
                    }
                    fail("CAP_NET_ADMIN is missing (euid " + Libc.geteuid() + "): jtun cannot create devices",
                            "run as root (sudo), or setcap cap_net_admin+ep on the java binary, or"
                                    + " AmbientCapabilities=CAP_NET_ADMIN in a systemd unit");
                    return false;
                }
            }
        } catch (IOException | NumberFormatException e) {
            warn("cannot read capabilities from /proc/self/status: " + e.getMessage(), "check that /proc is mounted");
        }
        return false;
    }

    private void checkFeatures(boolean privileged) {
        TunFeatures features;
        try {
            features = TunDevice.features();
        } catch (JtunException e) {
            fail("TUNGETFEATURES failed: " + e.getMessage(), "upgrade the kernel (needs Linux 3.8+)");
            return;
        }
        feature(features.tap(), "TAP devices", "a kernel built with CONFIG_TUN");
        feature(features.multiQueue(), "multi-queue devices (IFF_MULTI_QUEUE)", "Linux 3.8 or newer");
        feature(features.vnetHeader(), "virtio-net headers (IFF_VNET_HDR)", "Linux 2.6.27 or newer");
        feature(features.napi(), "NAPI receive (IFF_NAPI)", "Linux 4.15 or newer");
        if (!privileged || !features.vnetHeader()) {
            warn("offloads not probed", "run jtun doctor as root to probe TSO/USO offloads");
            return;
        }
        probeOffloads();
    }

    private void feature(boolean present, String what, String fix) {
        if (present) {
            ok("kernel supports " + what);
        } else {
            warn("kernel lacks " + what, "needs " + fix);
        }
    }

    /** Creates a short-lived device to ask which offloads the kernel accepts; it vanishes on close. */
    private void probeOffloads() {
        try (TunDevice probe = TunDevice.open(TunOptions.tun("jtundoc%d").withVnetHeader(true))) {
            probeOffload(probe, Offload.CSUM | Offload.TSO4 | Offload.TSO6, "TCP segmentation offload (TSO4/TSO6)",
                    "jtun falls back to per-packet I/O");
            probeOffload(probe, Offload.CSUM | Offload.USO4 | Offload.USO6, "UDP segmentation offload (USO4/USO6)",
                    "needs Linux 6.2 or newer; jtun works without it");
        } catch (JtunException e) {
            warn("could not create a probe device: " + e.getMessage(), "run as root");
        }
    }

    private void probeOffload(TunDevice probe, int flags, String what, String consequence) {
        try {
            probe.setOffload(flags);
            ok("kernel accepts " + what);
        } catch (JtunException e) {
            warn("kernel refuses " + what, consequence);
        }
    }

    private void checkIpv6() {
        try {
            if (Files.readString(IPV6_DISABLED).trim().equals("0")) {
                ok("IPv6 enabled");
            } else {
                warn("IPv6 is disabled", "sysctl -w net.ipv6.conf.all.disable_ipv6=0");
            }
        } catch (IOException e) {
            warn("IPv6 is not available in this kernel", "boot without ipv6.disable=1 to use IPv6 tunnels");
        }
    }

    private void checkTool(Tool tool) {
        Path found = findOnPath(tool.command());
        if (found != null) {
            ok(tool.command() + " found at " + found);
        } else {
            warn(tool.command() + " not found (used by " + tool.usedFor() + ")", "apt-get install " + tool.debianPackage());
        }
    }

    static Path findOnPath(String command) {
        String path = System.getenv("PATH");
        String search = (path == null ? "" : path) + ":/usr/sbin:/sbin:/usr/bin:/bin";
        for (String dir : search.split(":")) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, command);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    private void ok(String what) {
        System.out.println("[ ok ] " + what);
    }

    private void warn(String what, String fix) {
        warnings++;
        System.out.println("[warn] " + what + "\n       fix: " + fix);
    }

    private void fail(String what, String fix) {
        failures++;
        System.out.println("[FAIL] " + what + "\n       fix: " + fix);
    }
}
