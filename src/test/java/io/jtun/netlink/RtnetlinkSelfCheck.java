package io.jtun.netlink;

import io.jtun.net.IpPrefix;
import io.jtun.JtunException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Drives {@link Rtnetlink} from a child JVM that {@link RtnetlinkIT} starts inside a throwaway
 * network namespace (a JVM cannot move itself into one). Each argument is one step, e.g.
 * {@code "mtu d0 1400"}; each step prints one line, {@code OK <step> | <result>} or
 * {@code ERR <step> | <exit code> | <message>}, and the run continues, so the test can check
 * failures and successes from one process.
 */
public final class RtnetlinkSelfCheck {
    private RtnetlinkSelfCheck() {
    }

    public static void main(String[] args) throws Exception {
        try (Rtnetlink rtnl = Rtnetlink.open()) {
            for (String step : args) {
                try {
                    System.out.println("OK " + step + " | " + run(rtnl, step.trim().split("\\s+")));
                } catch (JtunException e) {
                    System.out.println("ERR " + step + " | " + e.exitCode() + " | " + e.getMessage());
                }
            }
        } catch (JtunException e) {
            System.out.println("ERR open | " + e.exitCode() + " | " + e.getMessage());
        }
        System.out.flush();
    }

    private static String run(Rtnetlink rtnl, String[] step) throws Exception {
        String ifname = step.length > 1 ? step[1] : "";
        switch (step[0]) {
            case "index" -> {
                return Integer.toString(rtnl.linkIndex(ifname));
            }
            case "mtu" -> rtnl.setMtu(ifname, Integer.parseInt(step[2]));
            case "up" -> rtnl.setUp(ifname, true);
            case "down" -> rtnl.setUp(ifname, false);
            case "addr-add" -> rtnl.addAddress(ifname, IpPrefix.parse(step[2]));
            case "addr-del" -> rtnl.removeAddress(ifname, IpPrefix.parse(step[2]));
            case "route-add" -> rtnl.addRoute(ifname, IpPrefix.parse(step[2]));
            case "route-del" -> rtnl.removeRoute(ifname, IpPrefix.parse(step[2]));
            case "addrs" -> {
                return join(rtnl.addresses(ifname));
            }
            case "routes" -> {
                return join(rtnl.routes(ifname));
            }
            case "link" -> {
                LinkInfo link = rtnl.link(ifname);
                LinkStats s = link.stats();
                return "index=" + link.index() + " name=" + link.name() + " mtu=" + link.mtu() + " up=" + link.up()
                        + " running=" + link.running() + " rxPackets=" + s.rxPackets() + " txPackets="
                        + s.txPackets() + " rxBytes=" + s.rxBytes() + " txBytes=" + s.txBytes() + " rxErrors="
                        + s.rxErrors() + " txErrors=" + s.txErrors() + " rxDropped=" + s.rxDropped()
                        + " txDropped=" + s.txDropped();
            }
            case "udp" -> {
                // Some traffic for the counters; the address is inside the test's own namespace.
                try (DatagramSocket socket = new DatagramSocket()) {
                    byte[] payload = new byte[32];
                    socket.send(new DatagramPacket(payload, payload.length,
                            InetAddress.getByAddress(IpPrefix.parse(step[1]).address()), 9));
                }
            }
            default -> throw new IllegalArgumentException("unknown step " + Arrays.toString(step));
        }
        return "done";
    }

    private static String join(List<IpPrefix> prefixes) {
        return prefixes.stream().map(IpPrefix::toString).collect(Collectors.joining(" "));
    }
}
