package io.jtun.cli;

import io.jtun.ExitCode;
import io.jtun.JtunException;
import io.jtun.monitor.Monitor;
import io.jtun.monitor.MonitorOptions;
import io.jtun.net.IpPrefix;
import io.jtun.tun.InterfaceName;
import io.jtun.tun.TunMode;
import io.jtun.tun.TunOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;

/** {@code jtun monitor}: the classic "read packets from a TUN device" program, done properly. */
final class MonitorCommand {
    static final String HELP = """
            Usage: jtun monitor [OPTIONS]

            Creates a TUN device (or TAP with --tap), brings it up, and prints one line per packet
            the kernel sends into it: time, length and a tcpdump-style summary.

            Options:
              --name NAME        device name, or a template such as tun%d (default: tun%d / tap%d)
              --tap              a TAP device (Ethernet frames) instead of TUN (IP packets)
              --address CIDR     put this address on the device, e.g. 192.168.3.11/24 or fd00:3::11/64
                                 (repeatable)
              --mtu N            set the device MTU
              --pcap FILE        also write every packet to FILE in pcap format (tcpdump -r, Wireshark)
              --respond          answer ICMP/ICMPv6 echo requests (and on TAP: ARP and neighbour
                                 solicitations), so ping through the device succeeds
              --queues N         open a multi-queue device with N queues (default 1)
              --vnet-hdr         open the device with a virtio-net header (stripped before display)
              --attach           attach to an existing (persistent) device; fail if it does not exist
              --persist          keep the device after the monitor exits (TUNSETPERSIST)
              --owner UID        with --persist: let this user attach without CAP_NET_ADMIN
              --group GID        with --persist: let this group attach without CAP_NET_ADMIN
              --help             print this text

            Stop with Ctrl-C or SIGTERM: the device is removed (unless persistent) and the pcap
            file is complete. Packet lines go to standard output, status lines to standard error.
            """;

    private static final List<String> FLAGS =
            List.of("--tap", "--respond", "--vnet-hdr", "--attach", "--persist", "--help");
    private static final List<String> OPTIONS =
            List.of("--name", "--address", "--mtu", "--pcap", "--queues", "--owner", "--group");
    private static final int MIN_MTU = 68;
    private static final int MAX_MTU = 65535;

    private MonitorCommand() {
    }

    static ExitCode run(String[] argv) {
        Args args = Args.parse("monitor", argv, 0, FLAGS, OPTIONS);
        if (args.has("--help")) {
            System.out.print(HELP);
            return ExitCode.OK;
        }
        if (!args.positional().isEmpty()) {
            throw args.usage("unexpected argument '" + args.positional().get(0) + "'");
        }
        MonitorOptions options = options(args);
        Monitor monitor = new Monitor(options, System.out, System.err);
        Signals.onTermination(monitor::stop);
        monitor.run();
        return ExitCode.OK;
    }

    static MonitorOptions options(Args args) {
        TunMode mode = args.has("--tap") ? TunMode.TAP : TunMode.TUN;
        String name = args.value("--name");
        if (name != null) {
            InterfaceName.validate(name);
        }
        Integer queues = args.intValue("--queues", 1, TunOptions.MAX_QUEUES);
        TunOptions device = new TunOptions(name, mode, queues == null ? 1 : queues, args.has("--vnet-hdr"),
                args.has("--attach"));
        if (device.mustExist() && name == null) {
            throw args.usage("--attach needs --name of the device to attach to");
        }
        List<IpPrefix> addresses = args.values("--address").stream().map(IpPrefix::parse).toList();
        Integer mtu = args.intValue("--mtu", MIN_MTU, MAX_MTU);
        Integer owner = args.intValue("--owner", 0, Integer.MAX_VALUE);
        Integer group = args.intValue("--group", 0, Integer.MAX_VALUE);
        boolean persist = args.has("--persist");
        if ((owner != null || group != null) && !persist) {
            throw args.usage("--owner and --group only matter for a persistent device: add --persist");
        }
        return new MonitorOptions(device, addresses, optional(mtu), pcapPath(args.value("--pcap")),
                args.has("--respond"), persist, optional(owner), optional(group));
    }

    private static Path pcapPath(String text) {
        if (text == null) {
            return null;
        }
        Path path = Path.of(text).toAbsolutePath();
        Path dir = path.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new JtunException(ExitCode.NOT_FOUND,
                    "cannot write capture file " + text + ": directory " + dir + " does not exist");
        }
        if (Files.isDirectory(path)) {
            throw new JtunException(ExitCode.USAGE, "--pcap " + text + " is a directory: give a file name");
        }
        if (!Files.isWritable(dir) || (Files.exists(path) && !Files.isWritable(path))) {
            throw new JtunException(ExitCode.NO_PERMISSION,
                    "cannot write capture file " + text + ": permission denied");
        }
        return path;
    }

    private static OptionalInt optional(Integer value) {
        return value == null ? OptionalInt.empty() : OptionalInt.of(value);
    }
}
