package io.jtun.netlink;

import io.jtun.net.IpPrefix;
import io.jtun.JtunException;
import io.jtun.sys.Libc;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
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
            case "route-add-table" -> rtnl.addRoute(ifname, IpPrefix.parse(step[2]), Integer.parseUnsignedInt(step[3]));
            case "route-del-table" -> rtnl.removeRoute(ifname, IpPrefix.parse(step[2]),
                    Integer.parseUnsignedInt(step[3]));
            case "routes-table" -> {
                return join(rtnl.routes(ifname, Integer.parseUnsignedInt(step[2])));
            }
            case "table-in-use" -> {
                return Boolean.toString(rtnl.tableInUse(Integer.parseUnsignedInt(step[1])));
            }
            case "rule-add" -> {
                return rtnl.addRule(rule(step)).toString();
            }
            case "rule-del" -> rtnl.removeRule(rule(step));
            case "rules" -> {
                return rtnl.rules(family(step[1])).stream().map(RouteRule::toString)
                        .collect(Collectors.joining(" ; "));
            }
            case "route-get" -> {
                return describe(rtnl.routeTo(InetAddress.getByName(step[1])));
            }
            case "default-route" -> {
                return rtnl.defaultRoute(family(step[1])).map(RtnetlinkSelfCheck::describe).orElse("none");
            }
            case "link-index" -> {
                return rtnl.link(Integer.parseInt(step[1])).name();
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

    private static int family(String option) {
        return switch (option) {
            case "-4" -> Libc.AF_INET;
            case "-6" -> Libc.AF_INET6;
            default -> throw new IllegalArgumentException("family " + option + ": use -4 or -6");
        };
    }

    /** "rule-add -4 [priority N] [not] [fwmark M[/MASK]] table T [suppress_prefixlength L]". */
    private static RouteRule rule(String[] step) {
        int family = family(step[1]);
        OptionalInt priority = OptionalInt.empty();
        OptionalInt suppress = OptionalInt.empty();
        boolean invert = false;
        int table = 0;
        int mark = 0;
        int mask = 0;
        for (int i = 2; i < step.length; i++) {
            switch (step[i]) {
                case "priority" -> priority = OptionalInt.of(Integer.parseUnsignedInt(step[++i]));
                case "not" -> invert = true;
                case "fwmark" -> {
                    String[] parts = step[++i].split("/");
                    mark = Integer.decode(parts[0]);
                    mask = parts.length > 1 ? (int) Long.decode(parts[1]).longValue() : 0;
                }
                case "table" -> table = step[++i].equals("main") ? 254 : Integer.parseUnsignedInt(step[i]);
                case "suppress_prefixlength" -> suppress = OptionalInt.of(Integer.parseInt(step[++i]));
                default -> throw new IllegalArgumentException("rule word " + step[i]);
            }
        }
        return new RouteRule(family, priority, table, mark, mask, invert, suppress);
    }

    private static String describe(RouteInfo route) {
        return "destination=" + route.destination() + " table=" + Integer.toUnsignedString(route.table())
                + " index=" + route.interfaceIndex() + " name=" + route.interfaceName() + " mtu="
                + (route.mtu().isPresent() ? Integer.toString(route.mtu().getAsInt()) : "none");
    }

    private static String join(List<IpPrefix> prefixes) {
        return prefixes.stream().map(IpPrefix::toString).collect(Collectors.joining(" "));
    }
}
