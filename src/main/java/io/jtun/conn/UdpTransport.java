package io.jtun.conn;

import io.jtun.ExitCode;
import io.jtun.JtunException;
import io.jtun.sys.Errno;
import io.jtun.sys.Libc;
import io.jtun.sys.SysException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The UDP underlay: one non-blocking socket on {@code [::]:port} that serves IPv4 and IPv6
 * peers alike (IPV6_V6ONLY off), or on {@code 0.0.0.0:port} when the kernel has no IPv6.
 * Batches go through recvmmsg/sendmmsg; see {@link Transport} for the contracts.
 *
 * <p>On the dual-stack socket IPv4 peers travel as {@code ::ffff:a.b.c.d}; the batch never sees
 * that form: received addresses are normalized to sockaddr_in, and IPv4 slot addresses are
 * mapped on the way out. On the IPv4-only fallback an IPv6 slot address fails that one datagram
 * (EAFNOSUPPORT, counted as {@link TransportCounters#sendOther()}).
 */
public final class UdpTransport implements Transport {
    /** 65535 minus the IPv4 (20) and UDP (8) headers: the largest datagram any peer can take. */
    public static final int MAX_PAYLOAD = 65507;

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
    private boolean closed;

    private UdpTransport(int fd, int family, int localPort) {
        this.fd = fd;
        this.family = family;
        this.localPort = localPort;
    }

    /**
     * Opens and binds the socket. Port 0 picks an ephemeral port; see {@link #localPort()}.
     *
     * @throws JtunException BUSY when the port is taken, NO_PERMISSION for a privileged port
     */
    public static UdpTransport open(int port) {
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
            return new UdpTransport(fd, family, queryLocalPort(fd));
        } catch (RuntimeException e) {
            Libc.close(fd);
            throw e;
        }
    }

    private static int socket(int family) {
        return Libc.socket(family, Libc.SOCK_DGRAM | SOCK_NONBLOCK | Libc.SOCK_CLOEXEC, 0);
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
                    + " on the UDP socket: " + e.getMessage() + " (needs CAP_NET_ADMIN)", e);
        }
    }

    /** The bound port: the one asked for, or the ephemeral port the kernel chose for 0. */
    public int localPort() {
        return localPort;
    }

    /** {@link Libc#AF_INET6} for the dual-stack socket, {@link Libc#AF_INET} on the fallback. */
    public int family() {
        return family;
    }

    @Override
    public int receive(PacketBatch batch) {
        MessageVector vector = batch.vector();
        int capacity = batch.capacity();
        for (int i = 0; i < capacity; i++) {
            vector.receiveInto(i, batch.nativeAddressOf(i), batch.nativePayloadOf(i), batch.room(i));
        }
        int n = BatchCalls.receive(fd, vector, 0, capacity, counters);
        int kept = 0;
        for (int i = 0; i < n; i++) {
            if ((vector.flags(i) & BatchCalls.MSG_TRUNC) != 0) {
                counters.countTruncated();
                continue;
            }
            int nameLength = Sockaddr.normalize(batch.addresses(), batch.addressOffset(i), vector.nameLength(i));
            batch.received(i, vector.messageLength(i), nameLength);
            if (BatchCalls.keep(batch, i, kept, counters)) {
                kept++;
            }
        }
        batch.setCount(kept);
        counters.countReceived(kept);
        return kept;
    }

    @Override
    public int send(PacketBatch batch, int first) {
        int count = batch.count();
        if (first < 0 || first > count) {
            throw new IndexOutOfBoundsException("first slot " + first + " is outside 0.." + count);
        }
        MessageVector vector = batch.vector();
        for (int i = first; i < count; i++) {
            int addressLength = batch.addressLength(i);
            if (addressLength == 0) {
                throw new IllegalArgumentException("slot " + i + " has no destination address");
            }
            long payload = batch.nativePayloadOf(i);
            int length = batch.length(i);
            if (family == Libc.AF_INET6 && batch.addressFamily(i) == Libc.AF_INET) {
                Sockaddr.writeMapped(batch.addresses(), batch.addressOffset(i), vector.mappedNames(),
                        vector.mappedNameOffset(i));
                vector.sendFrom(i, vector.mappedNameAddress(i), Sockaddr.IN6_SIZE, payload, length);
            } else {
                vector.sendFrom(i, batch.nativeAddressOf(i), addressLength, payload, length);
            }
        }
        return BatchCalls.send(fd, vector, first, count, counters) - first;
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
