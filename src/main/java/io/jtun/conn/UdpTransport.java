package io.jtun.conn;

import io.jtun.ExitCode;
import io.jtun.JtunException;
import io.jtun.sys.Errno;
import io.jtun.sys.Libc;
import io.jtun.sys.SysException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * The UDP underlay: one non-blocking socket on {@code [::]:port} that serves IPv4 and IPv6
 * peers alike (IPV6_V6ONLY off), or on {@code 0.0.0.0:port} when the kernel has no IPv6.
 * Batches go through recvmmsg/sendmmsg; see {@link Transport} for the contracts.
 *
 * <p>On the dual-stack socket IPv4 peers travel as {@code ::ffff:a.b.c.d}; the batch never sees
 * that form: received addresses are normalized to sockaddr_in, and IPv4 slot addresses are
 * mapped on the way out. On the IPv4-only fallback an IPv6 slot address fails that one datagram
 * (EAFNOSUPPORT, counted as {@link TransportCounters#sendOther()}).
 *
 * <h2>Offloads</h2>
 * {@link #open(int, UdpOffloads)} can ask for two kernel offloads; {@link #open(int)} asks for
 * none. Segmentation (UDP_SEGMENT, "GSO") sends runs of equal-sized datagrams to one peer as one
 * message and changes nothing a caller sees: see {@link UdpSender}. Receive coalescing (UDP_GRO)
 * lets one slot hold several datagrams: see {@link PacketBatch#segmentSize}; each receive slot
 * then needs {@link #COALESCED_ROOM} bytes of room, or receive throws. An offload the kernel
 * lacks is simply off ({@link #segmentation()}, {@link #receiveCoalescing()}).
 */
public final class UdpTransport implements Transport {
    /** 65535 minus the IPv4 (20) and UDP (8) headers: the largest datagram any peer can take. */
    public static final int MAX_PAYLOAD = 65507;
    /**
     * The room each receive slot needs with receive coalescing on. A train arrives as one UDP
     * datagram whose 16-bit length field (8-byte header included) caps its payload at 65527 bytes,
     * so this holds any train; the kernel drops one that does not fit whole (MSG_TRUNC).
     */
    public static final int COALESCED_ROOM = 65535;

    private static final int IPPROTO_IPV6 = 41;
    private static final int IPV6_V6ONLY = 26;
    /** SOCK_NONBLOCK has O_NONBLOCK's value on Linux. */
    private static final int SOCK_NONBLOCK = Libc.O_NONBLOCK;
    private static final int MAX_PORT = 0xffff;
    /** Binding below this needs CAP_NET_BIND_SERVICE (net.ipv4.ip_unprivileged_port_start). */
    private static final int FIRST_UNPRIVILEGED_PORT = 1024;
    private static final byte[] ANY_V4 = new byte[Sockaddr.IPV4_ADDRESS_LEN];
    private static final byte[] ANY_V6 = new byte[Sockaddr.IPV6_ADDRESS_LEN];

    private final int fd;
    private final int family;
    private final int localPort;
    private final TransportCounters counters = new TransportCounters();
    private final UdpSender sender;
    private final boolean receiveCoalescing;
    private boolean closed;

    private UdpTransport(int fd, int family, int localPort, boolean segmentation, boolean receiveCoalescing,
            UdpSender.SendCall sendCall) {
        this.fd = fd;
        this.family = family;
        this.localPort = localPort;
        this.sender = new UdpSender(fd, family, counters, segmentation, sendCall);
        this.receiveCoalescing = receiveCoalescing;
    }

    /**
     * Opens and binds the socket, without offloads ({@link UdpOffloads#NONE}). Port 0 picks an
     * ephemeral port; see {@link #localPort()}.
     *
     * @throws JtunException BUSY when the port is taken, NO_PERMISSION for a privileged port
     */
    public static UdpTransport open(int port) {
        return open(port, UdpOffloads.NONE);
    }

    /**
     * Opens and binds the socket like {@link #open(int)}, and turns on the {@code offloads} this
     * kernel supports; the others stay off without an error.
     *
     * @throws JtunException BUSY when the port is taken, NO_PERMISSION for a privileged port
     */
    public static UdpTransport open(int port, UdpOffloads offloads) {
        return open(port, offloads, UdpSender.SendCall.LIBC);
    }

    /** {@link #open(int, UdpOffloads)} sending through {@code sendCall}: for tests that play a refusing kernel. */
    static UdpTransport open(int port, UdpOffloads offloads, UdpSender.SendCall sendCall) {
        Objects.requireNonNull(offloads, "offloads");
        if (port < 0 || port > MAX_PORT) {
            throw new IllegalArgumentException("UDP port " + port + " is outside 0..65535");
        }
        int family = Libc.AF_INET6;
        int fd;
        try {
            fd = socket(Libc.AF_INET6);
        } catch (SysException e) {
            if (e.errno() != Errno.EAFNOSUPPORT) {
                throw e;
            }
            family = Libc.AF_INET;
            fd = socket(Libc.AF_INET);
        }
        try {
            if (family == Libc.AF_INET6) {
                Libc.setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, 0);
            }
            SocketBuffers.raise(fd);
            bind(fd, family, port);
            // UDP_SEGMENT at 0 sets no socket-wide segment size (each message brings its own); it
            // only proves the kernel knows the option. One that does not would ignore the control
            // message and send a run as one oversized datagram.
            boolean segmentation = offloads.segmentation() && trySetUdpOption(fd, ControlMessages.UDP_SEGMENT, 0);
            boolean coalescing = offloads.receiveCoalescing() && trySetUdpOption(fd, ControlMessages.UDP_GRO, 1);
            return new UdpTransport(fd, family, queryLocalPort(fd), segmentation, coalescing, sendCall);
        } catch (RuntimeException e) {
            Libc.close(fd);
            throw e;
        }
    }

    private static int socket(int family) {
        return Libc.socket(family, Libc.SOCK_DGRAM | SOCK_NONBLOCK | Libc.SOCK_CLOEXEC, 0);
    }

    /** Sets a SOL_UDP option; false when this kernel does not have it (ENOPROTOOPT) or refuses it. */
    private static boolean trySetUdpOption(int fd, int option, int value) {
        try {
            Libc.setsockopt(fd, ControlMessages.SOL_UDP, option, value);
            return true;
        } catch (SysException e) {
            return false;
        }
    }

    private static void bind(int fd, int family, int port) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment any = arena.allocate(Sockaddr.STORAGE_SIZE);
            int length;
            if (family == Libc.AF_INET6) {
                Sockaddr.writeIn6(any, 0, ANY_V6, port, 0);
                length = Sockaddr.IN6_SIZE;
            } else {
                Sockaddr.writeIn(any, 0, ANY_V4, port);
                length = Sockaddr.IN_SIZE;
            }
            Libc.bind(fd, any, length);
        } catch (SysException e) {
            throw switch (e.errno()) {
                case Errno.EADDRINUSE -> new JtunException(ExitCode.BUSY, "UDP port " + port
                        + " is already in use: choose another ListenPort, or stop the program using it (ss -ulpn 'sport = :"
                        + port + "')", e);
                case Errno.EACCES -> new JtunException(ExitCode.NO_PERMISSION, "UDP port " + port
                        + " is privileged (below " + FIRST_UNPRIVILEGED_PORT + "): run as root or with"
                        + " CAP_NET_BIND_SERVICE, or choose a ListenPort of " + FIRST_UNPRIVILEGED_PORT
                        + " or more", e);
                default -> new JtunException(e.exitCode(), "cannot bind UDP port " + port + ": " + e.getMessage(), e);
            };
        }
    }

    private static int queryLocalPort(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment name = arena.allocate(Sockaddr.STORAGE_SIZE);
            Libc.getsockname(fd, name);
            return Sockaddr.port(name, 0);
        }
    }

    /**
     * Marks every datagram the socket sends (SO_MARK), so policy routing can keep the tunnel's
     * own traffic out of the tunnel (wg-quick's FwMark). 0 clears the mark.
     */
    public void setFwMark(int mark) {
        try {
            Libc.setsockopt(fd, Libc.SOL_SOCKET, Libc.SO_MARK, mark);
        } catch (io.jtun.sys.SysException e) {
            throw new io.jtun.JtunException(e.exitCode(), "cannot set FwMark " + Integer.toUnsignedString(mark)
                    + " on the UDP socket: " + e.getMessage() + " (needs CAP_NET_ADMIN)"
                    + io.jtun.sys.Privileges.hint(), e);
        }
    }

    /** The bound port: the one asked for, or the ephemeral port the kernel chose for 0. */
    public int localPort() {
        return localPort;
    }

    /**
     * Whether sends group runs of slots into segmented messages now: asked for, supported by the
     * kernel, and not turned off since after the kernel refused a run
     * ({@link TransportCounters#gsoDisabled()}).
     */
    public boolean segmentation() {
        return sender.segmentation();
    }

    /** Whether receive may fill a slot with a train of datagrams ({@link PacketBatch#segmentSize}). */
    public boolean receiveCoalescing() {
        return receiveCoalescing;
    }

    /** {@link Libc#AF_INET6} for the dual-stack socket, {@link Libc#AF_INET} on the fallback. */
    public int family() {
        return family;
    }

    /**
     * {@inheritDoc}
     *
     * <p>With receive coalescing on, a slot may hold a train ({@link PacketBatch#segmentSize}), and
     * every slot needs {@link #COALESCED_ROOM} bytes of room.
     *
     * @throws IllegalArgumentException with receive coalescing on, when a slot has less room
     */
    @Override
    public int receive(PacketBatch batch) {
        MessageVector vector = batch.vector();
        int capacity = batch.capacity();
        boolean coalescing = receiveCoalescing;
        for (int i = 0; i < capacity; i++) {
            int room = batch.room(i);
            if (coalescing && room < COALESCED_ROOM) {
                // A train that does not fit is dropped whole: tens of datagrams lost at once.
                throw new IllegalArgumentException("slot " + i + " has room for " + room + " bytes; with receive"
                        + " coalescing every slot needs " + COALESCED_ROOM);
            }
            vector.receiveInto(i, batch.nativeAddressOf(i), batch.nativePayloadOf(i), room, coalescing);
        }
        int n = BatchCalls.receive(fd, vector, 0, capacity, counters);
        int kept = 0;
        int datagrams = 0;
        for (int i = 0; i < n; i++) {
            int flags = vector.flags(i);
            // Without its control message a train cannot be told from one long datagram.
            if ((flags & BatchCalls.MSG_TRUNC) != 0 || (coalescing && (flags & ControlMessages.MSG_CTRUNC) != 0)) {
                counters.countTruncated();
                continue;
            }
            int length = vector.messageLength(i);
            int segmentSize = coalescing ? segmentSize(vector, i, length) : 0;
            int nameLength = Sockaddr.normalize(batch.addresses(), batch.addressOffset(i), vector.nameLength(i));
            batch.received(i, length, nameLength, segmentSize);
            if (BatchCalls.keep(batch, i, kept, counters)) {
                kept++;
                if (segmentSize == 0) {
                    datagrams++;
                } else {
                    counters.countGroReceive();
                    datagrams += Math.ceilDiv(length, segmentSize);
                }
            }
        }
        batch.setCount(kept);
        counters.countReceived(datagrams);
        return kept;
    }

    /** The train layout of received entry {@code i}: its UDP_GRO size when it holds two or more datagrams, else 0. */
    private static int segmentSize(MessageVector vector, int i, int length) {
        int size = ControlMessages.receivedSegmentSize(vector.controls(), vector.controlOffset(i), vector.controlLength(i));
        return size > 0 && size < length ? size : 0;
    }

    /**
     * {@inheritDoc}
     *
     * <p>With segmentation on, runs of slots may leave as one message each; the return value still
     * counts slots, and a message the full socket stopped counts none of its slots.
     */
    @Override
    public int send(PacketBatch batch, int first) {
        return sender.send(batch, first);
    }

    @Override
    public int fd() {
        return fd;
    }

    @Override
    public int maxPayload() {
        return MAX_PAYLOAD;
    }

    @Override
    public TransportCounters counters() {
        return counters;
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            Libc.close(fd);
        }
    }

    @Override
    public String toString() {
        return "udp " + (family == Libc.AF_INET6 ? "[::]:" : "0.0.0.0:") + localPort;
    }
}
