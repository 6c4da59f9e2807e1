package io.jtun.conn;

import io.jtun.sys.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Drives {@link UdpTransport}'s offloads from a child JVM that {@link UdpTransportIT} starts
 * inside a network namespace. Modes (offloads are {@code none}, {@code gso}, {@code gro}, {@code all}):
 * <ul>
 * <li>{@code receive <port> <datagrams> <timeoutMillis> <offloads>}: prints READY once bound,
 *     then {@code D <n> <length> ok|bad} per datagram (n is the number the sender wrote into
 *     it; ok when the rest matches its pattern), then a {@code COUNTERS} line;
 * <li>{@code send <host> <port> <lengths> <offloads>}: sends datagrams 0.. with the lengths, given
 *     as e.g. {@code 20x1000,300}, in one batch, waiting while the socket is full; prints
 *     {@code SENT consumed=<slots> segmentation=<on> <counters>};
 * <li>{@code txcsum-off <interface>}: turns the device's transmit checksum offload off (what
 *     {@code ethtool -K <interface> tx off} does), so UDP segmentation cannot pass it;
 * <li>{@code full-socket <datagrams> <length>}: sender (segmentation on, smallest send buffer) and
 *     receiver on 127.0.0.1; one send of all, then {@code FIRST consumed=<k> <counters>} and
 *     {@code ARRIVED <n>} (what reached the receiver from that call), then the rest is sent and
 *     {@code ALL <n> ok|bad} says whether every datagram arrived once, in order and intact.
 * </ul>
 */
public final class UdpOffloadSelfCheck {
    private static final int SLOTS = 256;
    private static final int SLOT = UdpTransport.COALESCED_ROOM + 64;
    private static final long TIMEOUT_MILLIS = 20_000;
    /** Past this silence after a send, nothing more from it is on its way. */
    private static final long QUIET_MILLIS = 500;
    private static final int SIOCETHTOOL = 0x8946;
    private static final int ETHTOOL_GTXCSUM = 0x16;
    private static final int ETHTOOL_STXCSUM = 0x17;
    private static final int IFNAMSIZ = 16;
    private static final int IFREQ_SIZE = 40;

    private UdpOffloadSelfCheck() {
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "receive" -> receive(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Long.parseLong(args[3]),
                    offloads(args[4]));
            case "send" -> send(endpoint(args[1], Integer.parseInt(args[2])), lengths(args[3]), offloads(args[4]));
            case "txcsum-off" -> txChecksumOff(args[1]);
            case "full-socket" -> fullSocket(Integer.parseInt(args[1]), Integer.parseInt(args[2]));
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
        System.out.flush();
    }

    private static UdpOffloads offloads(String name) {
        return switch (name) {
            case "none" -> UdpOffloads.NONE;
            case "gso" -> new UdpOffloads(true, false);
            case "gro" -> new UdpOffloads(false, true);
            case "all" -> UdpOffloads.ALL;
            default -> throw new IllegalArgumentException("unknown offloads " + name);
        };
    }

    /** "20x1000,300" is twenty 1000s and a 300. */
    static int[] lengths(String spec) {
        List<Integer> lengths = new ArrayList<>();
        for (String part : spec.split(",")) {
            String[] repeat = part.split("x");
            int n = repeat.length == 2 ? Integer.parseInt(repeat[0]) : 1;
            int length = Integer.parseInt(repeat[repeat.length - 1]);
            for (int i = 0; i < n; i++) {
                lengths.add(length);
            }
        }
        return lengths.stream().mapToInt(Integer::intValue).toArray();
    }

    private static SocketEndpoint endpoint(String host, int port) throws Exception {
        return SocketEndpoint.of(new InetSocketAddress(InetAddress.getByName(host), port));
    }

    /** Datagram n: its number in the first two bytes, then a pattern of n. */
    static byte[] content(int n, int size) {
        byte[] b = new byte[size];
        for (int j = 0; j < size; j++) {
            b[j] = (byte) (n * 31 + j * 7);
        }
        b[0] = (byte) (n >> 8);
        b[1] = (byte) n;
        return b;
    }

    /** The datagram's number, or -1 when its content is not content(n, length) for that n. */
    static int check(byte[] datagram) {
        if (datagram.length < 2) {
            return -1;
        }
        int n = (datagram[0] & 0xff) << 8 | datagram[1] & 0xff;
        return Arrays.equals(datagram, content(n, datagram.length)) ? n : -1;
    }

    private static void fill(PacketBatch batch, SocketEndpoint to, int[] lengths) {
        for (int i = 0; i < lengths.length; i++) {
            batch.setLength(i, lengths[i]);
            batch.payload(i).copyFrom(MemorySegment.ofArray(content(i, lengths[i])));
            batch.setAddress(i, to);
        }
        batch.setCount(lengths.length);
    }

    private static void receive(int port, int expected, long timeoutMillis, UdpOffloads offloads) {
        try (Arena arena = Arena.ofConfined(); UdpTransport transport = UdpTransport.open(port, offloads)) {
            System.out.println("READY");
            System.out.flush();
            for (byte[] d : datagrams(transport, new PacketBatch(arena, SLOTS, SLOT), expected, timeoutMillis)) {
                int n = check(d);
                System.out.println("D " + (n < 0 ? "?" : Integer.toString(n)) + " " + d.length + " " + (n < 0 ? "bad" : "ok"));
            }
            System.out.println("COUNTERS " + transport.counters());
        }
    }

    /** Receives up to {@code expected} datagrams, taking trains apart, until the deadline. */
    private static List<byte[]> datagrams(UdpTransport transport, PacketBatch batch, int expected, long timeoutMillis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        List<byte[]> got = new ArrayList<>();
        while (got.size() < expected) {
            int n = takeApart(transport, batch, got);
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                break;
            }
            if (n == 0) {
                Polling.await(transport.fds(), Libc.POLLIN, left);
            }
        }
        return got;
    }

    /** One receive call; adds each datagram, trains taken apart, to {@code got}. Returns the slot count. */
    private static int takeApart(UdpTransport transport, PacketBatch batch, List<byte[]> got) {
        int n = transport.receive(batch);
        for (int i = 0; i < n; i++) {
            byte[] payload = batch.payload(i).toArray(ValueLayout.JAVA_BYTE);
            int segment = batch.segmentSize(i);
            if (segment == 0) {
                got.add(payload);
                continue;
            }
            for (int at = 0; at < payload.length; at += segment) {
                got.add(Arrays.copyOfRange(payload, at, Math.min(payload.length, at + segment)));
            }
        }
        return n;
    }

    /** Receives until nothing has arrived for {@code quietMillis}. */
    private static List<byte[]> drain(UdpTransport transport, PacketBatch batch, long quietMillis) {
        List<byte[]> got = new ArrayList<>();
        while (true) {
            if (takeApart(transport, batch, got) == 0 && !Polling.await(transport.fds(), Libc.POLLIN, quietMillis)) {
                return got;
            }
        }
    }

    private static void send(SocketEndpoint to, int[] lengths, UdpOffloads offloads) {
        try (Arena arena = Arena.ofConfined(); UdpTransport transport = UdpTransport.open(0, offloads)) {
            PacketBatch batch = new PacketBatch(arena, lengths.length, SLOT);
            fill(batch, to, lengths);
            int consumed = Polling.sendAll(transport, batch, TIMEOUT_MILLIS);
            System.out.println("SENT consumed=" + consumed + " segmentation=" + transport.segmentation() + " "
                    + transport.counters());
        }
    }

    private static void txChecksumOff(String device) {
        int fd = Libc.socket(Libc.AF_INET, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0);
        try (Arena arena = Arena.ofConfined()) {
            // struct ethtool_value { __u32 cmd; __u32 data; }
            MemorySegment value = arena.allocate(2 * Integer.BYTES, Long.BYTES);
            value.set(ValueLayout.JAVA_INT, 0, ETHTOOL_STXCSUM);
            value.set(ValueLayout.JAVA_INT, Integer.BYTES, 0);
            // struct ifreq { char ifr_name[IFNAMSIZ]; union { void *ifr_data; ... }; }
            MemorySegment ifreq = arena.allocate(IFREQ_SIZE, Long.BYTES);
            byte[] name = device.getBytes(StandardCharsets.US_ASCII);
            MemorySegment.copy(name, 0, ifreq, ValueLayout.JAVA_BYTE, 0, Math.min(name.length, IFNAMSIZ - 1));
            ifreq.set(ValueLayout.ADDRESS, IFNAMSIZ, value);
            Libc.ioctl(fd, SIOCETHTOOL, ifreq, "ioctl(SIOCETHTOOL, ETHTOOL_STXCSUM)");
            // Read it back: the test means nothing if the device kept its checksum offload.
            value.set(ValueLayout.JAVA_INT, 0, ETHTOOL_GTXCSUM);
            value.set(ValueLayout.JAVA_INT, Integer.BYTES, -1);
            Libc.ioctl(fd, SIOCETHTOOL, ifreq, "ioctl(SIOCETHTOOL, ETHTOOL_GTXCSUM)");
            int on = value.get(ValueLayout.JAVA_INT, Integer.BYTES);
            System.out.println(on == 0 ? "OK tx checksumming off on " + device : "ERR tx checksumming still " + on);
        } finally {
            Libc.close(fd);
        }
    }

    private static void fullSocket(int datagrams, int length) throws Exception {
        try (Arena arena = Arena.ofConfined(); UdpTransport sender = UdpTransport.open(0, new UdpOffloads(true, false));
                UdpTransport receiver = UdpTransport.open(0)) {
            // The kernel raises this to its minimum (about 4.5 KiB): one message fills it.
            Libc.setsockopt(sender.fd(), Libc.SOL_SOCKET, Libc.SO_SNDBUF, 1);
            int[] lengths = new int[datagrams];
            Arrays.fill(lengths, length);
            PacketBatch out = new PacketBatch(arena, datagrams, SLOT);
            fill(out, endpoint("127.0.0.1", receiver.localPort()), lengths);
            int first = sender.send(out);
            System.out.println("FIRST consumed=" + first + " segmentation=" + sender.segmentation() + " "
                    + sender.counters());
            PacketBatch in = new PacketBatch(arena, SLOTS, SLOT);
            // Everything that first call put on its way, however slowly the queue lets it through.
            List<byte[]> got = drain(receiver, in, QUIET_MILLIS);
            System.out.println("ARRIVED " + got.size());
            out.setCount(datagrams);
            int rest = 0;
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MILLIS);
            while (first + rest < datagrams && System.nanoTime() < deadline) {
                rest += sender.send(out, first + rest);
                if (first + rest < datagrams) {
                    Polling.await(new int[] {sender.blockedFd()}, Libc.POLLOUT, 1000);
                }
            }
            got.addAll(datagrams(receiver, in, datagrams - got.size(), TIMEOUT_MILLIS));
            boolean ok = got.size() == datagrams;
            for (int i = 0; ok && i < datagrams; i++) {
                ok = check(got.get(i)) == i && got.get(i).length == length;
            }
            System.out.println("ALL " + got.size() + " " + (ok ? "ok" : "bad"));
            System.out.println("COUNTERS " + sender.counters());
        }
    }
}
