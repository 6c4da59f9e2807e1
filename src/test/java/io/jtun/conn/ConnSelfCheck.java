package io.jtun.conn;

import io.jtun.JtunException;
import io.jtun.sys.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * Drives the transports from a child JVM that {@link IpInIpIT} and {@link UdpTransportIT} start
 * inside a network namespace (a JVM cannot move itself into one). Modes:
 * <ul>
 * <li>{@code receive <count> <timeoutMillis>}: prints READY once both sockets are open, then one
 *     {@code RECV <source> <offset> <hex>} line per inner packet and a {@code COUNTERS} line;
 * <li>any other arguments are steps run in order, each printing {@code OK ...} or
 *     {@code ERR <type or exit code> | <message>}: {@code open}; {@code send <ipv4> <hex>...};
 *     {@code raw <protocol> <ipv4> <hex>} (a datagram on a plain raw socket, bypassing the
 *     transport's checks); {@code raw-options ...} (the same with IPv4 options in the outer
 *     header); {@code ipv6-peer} (send to an IPv6 endpoint); {@code udp-open <port>}.
 * </ul>
 */
public final class ConnSelfCheck {
    private static final HexFormat HEX = HexFormat.of();
    /** Receive and send at an offset, to check the transports honour it. */
    static final int RECEIVE_OFFSET = 24;
    private static final int SEND_OFFSET = 8;
    private static final int SLOT = 2048;
    private static final int SLOTS = 8;
    /** Ignored by IP-in-IP; set to show that it is. */
    private static final int SOME_PORT = 51820;
    private static final long SEND_TIMEOUT_MILLIS = 5000;
    private static final int IPPROTO_IP = 0;
    private static final int IP_OPTIONS = 4;
    /** NOP, NOP, NOP, EOL as the int setsockopt passes in host (little-endian) order. */
    private static final int FOUR_OPTION_BYTES = 0x00010101;

    private ConnSelfCheck() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("receive")) {
            receive(Integer.parseInt(args[1]), Long.parseLong(args[2]));
        } else {
            for (String step : args) {
                try {
                    System.out.println("OK " + step + " | " + run(step.trim().split("\\s+")));
                } catch (JtunException e) {
                    System.out.println("ERR " + e.exitCode() + " | " + e.getMessage());
                } catch (IllegalArgumentException e) {
                    System.out.println("ERR " + e.getClass().getSimpleName() + " | " + e.getMessage());
                }
            }
        }
        System.out.flush();
    }

    private static void receive(int count, long timeoutMillis) {
        try (Arena arena = Arena.ofConfined(); IpInIpTransport transport = IpInIpTransport.open()) {
            System.out.println("READY");
            System.out.flush();
            PacketBatch batch = new PacketBatch(arena, SLOTS, SLOT);
            for (int i = 0; i < SLOTS; i++) {
                batch.setOffset(i, RECEIVE_OFFSET);
            }
            for (Polling.Datagram d : Polling.receive(transport, batch, count, timeoutMillis)) {
                System.out.println("RECV " + d.source() + " " + d.offset() + " " + HEX.formatHex(d.payload()));
            }
            System.out.println("COUNTERS " + transport.counters());
        }
    }

    private static String run(String[] step) throws Exception {
        switch (step[0]) {
            case "open" -> {
                IpInIpTransport.open().close();
                return "opened";
            }
            case "udp-open" -> {
                try (UdpTransport udp = UdpTransport.open(Integer.parseInt(step[1]))) {
                    return "bound " + udp.localPort();
                }
            }
            case "send" -> {
                List<byte[]> packets = Arrays.stream(step, 2, step.length).map(HEX::parseHex).toList();
                return send(endpoint(step[1]), packets);
            }
            case "raw", "raw-options" -> {
                int fd = Libc.socket(Libc.AF_INET, Libc.SOCK_RAW, Integer.parseInt(step[1]));
                try (Arena arena = Arena.ofConfined()) {
                    if (step[0].equals("raw-options")) {
                        // Four bytes of options (NOP NOP NOP EOL) make the outer header 24 bytes long.
                        Libc.setsockopt(fd, IPPROTO_IP, IP_OPTIONS, FOUR_OPTION_BYTES);
                    }
                    byte[] packet = HEX.parseHex(step[3]);
                    MemorySegment to = endpoint(step[2]).sockaddr();
                    MemorySegment nativeTo = arena.allocate(to.byteSize());
                    nativeTo.copyFrom(to);
                    long n = Libc.sendto(fd, arena.allocateFrom(ValueLayout.JAVA_BYTE, packet), packet.length, 0,
                            nativeTo, (int) to.byteSize());
                    return "sent " + n;
                } finally {
                    Libc.close(fd);
                }
            }
            case "ipv6-peer" -> {
                SocketEndpoint v6 = SocketEndpoint.of(new InetSocketAddress(InetAddress.getByName("fd00::2"), 0));
                try (IpInIpTransport transport = IpInIpTransport.open()) {
                    try {
                        IpInIpTransport.checkPeer(v6);
                        return "checkPeer accepted " + v6;
                    } catch (IllegalArgumentException e) {
                        System.out.println("ERR checkPeer | " + e.getMessage());
                    }
                    return send(transport, v6, List.of(InnerPackets.icmpv4Echo(
                            new byte[] {10, 0, 0, 1}, new byte[] {10, 0, 0, 2}, new byte[] {1, 2, 3, 4})));
                }
            }
            default -> throw new IllegalArgumentException("unknown step " + step[0]);
        }
    }

    private static SocketEndpoint endpoint(String ipv4) throws Exception {
        return SocketEndpoint.of(new InetSocketAddress(InetAddress.getByName(ipv4), SOME_PORT));
    }

    private static String send(SocketEndpoint to, List<byte[]> packets) {
        try (IpInIpTransport transport = IpInIpTransport.open()) {
            return send(transport, to, packets);
        }
    }

    private static String send(IpInIpTransport transport, SocketEndpoint to, List<byte[]> packets) {
        try (Arena arena = Arena.ofConfined()) {
            PacketBatch batch = new PacketBatch(arena, SLOTS, SLOT);
            for (int i = 0; i < packets.size(); i++) {
                batch.setOffset(i, SEND_OFFSET);
                batch.setLength(i, packets.get(i).length);
                batch.payload(i).copyFrom(MemorySegment.ofArray(packets.get(i)));
                batch.setAddress(i, to);
            }
            batch.setCount(packets.size());
            try {
                int sent = Polling.sendAll(transport, batch, SEND_TIMEOUT_MILLIS);
                return "consumed " + sent + " " + transport.counters();
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(e.getMessage() + " (sent " + transport.counters().sent() + ")", e);
            }
        }
    }
}
