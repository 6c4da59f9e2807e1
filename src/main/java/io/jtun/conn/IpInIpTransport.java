package io.jtun.conn;

import io.jtun.ExitCode;
import io.jtun.JtunException;
import io.jtun.sys.Errno;
import io.jtun.sys.Libc;
import io.jtun.sys.SysException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * IP-in-IP underlay (RFC 2003 IPv4-in-IPv4, RFC 4213 IPv6-in-IPv4): a slot's payload is a whole
 * inner IP packet, carried behind an outer IPv4 header the kernel builds. Two raw IPv4 sockets,
 * one per outer protocol number (4 and 41); needs CAP_NET_RAW.
 *
 * <h2>Addresses</h2>
 * Peers are IPv4 (the outer header is IPv4); the port of a slot address is ignored, and received
 * addresses have port 0. An IPv6 slot address is a configuration error: {@link #send} throws
 * IllegalArgumentException before sending anything; check peers early with {@link #checkPeer}.
 *
 * <h2>Receiving</h2>
 * Raw sockets deliver the outer header too. It is received into a scratch area, so the inner
 * packet lands at the slot's offset like any other transport's payload (only outer headers with
 * options cost a move). Each call reads both sockets, alternating which goes first so neither
 * starves. Datagrams whose inner version does not match the outer protocol are dropped and
 * counted as {@link TransportCounters#receiveMalformed()}.
 *
 * <h2>Polling</h2>
 * Poll both descriptors of {@link #fds()} for POLLIN. After a short send, poll
 * {@link #blockedFd()} (the socket that was full) for POLLOUT.
 *
 * <h2>Sending</h2>
 * The socket is chosen per slot by the inner packet's version nibble; consecutive slots of one
 * version go in one sendmmsg. A payload that is not an IPv4 or IPv6 packet is skipped and counted
 * as {@link TransportCounters#sendMalformed()}.
 */
public final class IpInIpTransport implements Transport {
    /** IP protocol number of IPv4-in-IPv4 (IPPROTO_IPIP). */
    public static final int IPPROTO_IPIP = 4;
    /** IP protocol number of IPv6-in-IPv4 (IPPROTO_IPV6). */
    public static final int IPPROTO_IPV6 = 41;
    private static final int IPV4_HEADER_LEN = MessageVector.HEADER_ROOM;
    private static final int IPV6_HEADER_LEN = 40;
    private static final int IPV4_MAX_PACKET = 0xffff;
    /** The largest inner packet: a maximal outer IPv4 packet minus its header. */
    public static final int MAX_PAYLOAD = IPV4_MAX_PACKET - IPV4_HEADER_LEN;

    private static final int VERSION_4 = 4;
    private static final int VERSION_6 = 6;
    private static final int VERSION_SHIFT = 4;
    private static final int IHL_MASK = 0x0f;
    private static final int IHL_UNIT = 4;
    private static final int BYTE_MASK = 0xff;
    /** SOCK_NONBLOCK has O_NONBLOCK's value on Linux. */
    private static final int SOCK_NONBLOCK = Libc.O_NONBLOCK;

    private final int fd4;
    private final int fd6;
    private final TransportCounters counters = new TransportCounters();
    private int blockedFd;
    private boolean sixFirst;
    private boolean closed;

    private IpInIpTransport(int fd4, int fd6) {
        this.fd4 = fd4;
        this.fd6 = fd6;
        this.blockedFd = fd4;
    }

    /**
     * Opens both raw sockets.
     *
     * @throws JtunException NO_PERMISSION without CAP_NET_RAW
     */
    public static IpInIpTransport open() {
        int fd4 = openRaw(IPPROTO_IPIP);
        try {
            int fd6 = openRaw(IPPROTO_IPV6);
            return new IpInIpTransport(fd4, fd6);
        } catch (RuntimeException e) {
            Libc.close(fd4);
            throw e;
        }
    }

    private static int openRaw(int protocol) {
        int fd;
        try {
            fd = Libc.socket(Libc.AF_INET, Libc.SOCK_RAW | SOCK_NONBLOCK | Libc.SOCK_CLOEXEC, protocol);
        } catch (SysException e) {
            if (e.errno() == Errno.EPERM || e.errno() == Errno.EACCES) {
                throw new JtunException(ExitCode.NO_PERMISSION,
                        "IP-in-IP needs raw sockets (CAP_NET_RAW): run as root", e);
            }
            throw e;
        }
        try {
            SocketBuffers.raise(fd);
            return fd;
        } catch (RuntimeException e) {
            Libc.close(fd);
            throw e;
        }
    }

    /**
     * Fails unless {@code peer} can be an IP-in-IP peer, so configuration errors surface before
     * the data path runs.
     *
     * @throws IllegalArgumentException for an IPv6 endpoint
     */
    public static void checkPeer(SocketEndpoint peer) {
        if (!peer.isIpv4()) {
            throw new IllegalArgumentException("IP-in-IP peers must be IPv4 addresses (the outer header is IPv4), got "
                    + peer);
        }
    }

    @Override
    public int receive(PacketBatch batch) {
        boolean six = sixFirst;
        sixFirst = !sixFirst;
        int n = receiveFrom(batch, six ? fd6 : fd4, six ? VERSION_6 : VERSION_4, 0);
        if (n < batch.capacity()) {
            n = receiveFrom(batch, six ? fd4 : fd6, six ? VERSION_4 : VERSION_6, n);
        }
        batch.setCount(n);
        counters.countReceived(n);
        return n;
    }

    /** Receives from one socket into slots first.., returns the count of slots now filled. */
    private int receiveFrom(PacketBatch batch, int fd, int innerVersion, int first) {
        MessageVector vector = batch.vector();
        int capacity = batch.capacity();
        for (int i = first; i < capacity; i++) {
            vector.receiveAfterHeader(i, batch.nativeAddressOf(i), batch.nativePayloadOf(i), batch.room(i));
        }
        int n = BatchCalls.receive(fd, vector, first, capacity - first, counters);
        int kept = first;
        for (int i = first; i < first + n; i++) {
            if ((vector.flags(i) & BatchCalls.MSG_TRUNC) != 0) {
                counters.countTruncated();
                continue;
            }
            int innerLength = stripOuterHeader(batch, vector, i);
            if (innerLength < 0 || innerVersion(batch, i, innerLength) != innerVersion) {
                counters.countMalformed();
                continue;
            }
            batch.received(i, innerLength, vector.nameLength(i));
            if (BatchCalls.keep(batch, i, kept, counters)) {
                kept++;
            }
        }
        return kept;
    }

    /**
     * Checks the outer header in entry {@code i}'s scratch and leaves the inner packet at the
     * slot's offset. Options, if any, were received into the payload area ahead of the inner
     * packet and are moved over.
     *
     * @return the inner packet's length, or -1 if the outer header is not a sane IPv4 header
     */
    private static int stripOuterHeader(PacketBatch batch, MessageVector vector, int i) {
        int total = vector.messageLength(i);
        if (total < IPV4_HEADER_LEN) {
            return -1;
        }
        int versionAndIhl = vector.headers().get(ValueLayout.JAVA_BYTE, vector.headerOffset(i)) & BYTE_MASK;
        int headerLength = (versionAndIhl & IHL_MASK) * IHL_UNIT;
        if (versionAndIhl >>> VERSION_SHIFT != VERSION_4 || headerLength < IPV4_HEADER_LEN || headerLength > total) {
            return -1;
        }
        int optionBytes = headerLength - IPV4_HEADER_LEN;
        int innerLength = total - headerLength;
        if (optionBytes > 0) {
            long payload = batch.payloadStart(i);
            MemorySegment.copy(batch.data(), payload + optionBytes, batch.data(), payload, innerLength);
        }
        return innerLength;
    }

    /** The IP version of the packet at slot {@code i}'s payload, or 0 if it is too short to be one. */
    private static int innerVersion(PacketBatch batch, int i, int length) {
        if (length < IPV4_HEADER_LEN) {
            return 0;
        }
        int version = (batch.data().get(ValueLayout.JAVA_BYTE, batch.payloadStart(i)) & BYTE_MASK) >>> VERSION_SHIFT;
        return switch (version) {
            case VERSION_4 -> VERSION_4;
            case VERSION_6 -> length >= IPV6_HEADER_LEN ? VERSION_6 : 0;
            default -> 0;
        };
    }

    @Override
    public int send(PacketBatch batch, int first) {
        int count = batch.count();
        if (first < 0 || first > count) {
            throw new IndexOutOfBoundsException("first slot " + first + " is outside 0.." + count);
        }
        MessageVector vector = batch.vector();
        // Every address is checked before anything is sent, so a bad configuration sends nothing.
        for (int i = first; i < count; i++) {
            if (batch.addressFamily(i) != Libc.AF_INET) {
                throw new IllegalArgumentException("IP-in-IP peers must be IPv4 addresses; slot " + i + " is addressed to "
                        + (batch.addressLength(i) == 0 ? "nothing" : batch.endpoint(i).toString()));
            }
            vector.sendFrom(i, batch.nativeAddressOf(i), batch.addressLength(i), batch.nativePayloadOf(i),
                    batch.length(i));
        }
        int i = first;
        while (i < count) {
            int version = innerVersion(batch, i, batch.length(i));
            if (version == 0) {
                counters.countSendMalformed();
                i++;
                continue;
            }
            int end = i + 1;
            while (end < count && innerVersion(batch, end, batch.length(end)) == version) {
                end++;
            }
            int fd = version == VERSION_4 ? fd4 : fd6;
            int reached = BatchCalls.send(fd, vector, i, end, counters);
            if (reached < end) {
                blockedFd = fd;
                return reached - first;
            }
            i = end;
        }
        return count - first;
    }

    /** The IPv4-in-IPv4 socket; {@link #fds()} has both. */
    @Override
    public int fd() {
        return fd4;
    }

    /** {IPv4-in-IPv4 socket, IPv6-in-IPv4 socket}: poll both for POLLIN. */
    @Override
    public int[] fds() {
        return new int[] {fd4, fd6};
    }

    @Override
    public int blockedFd() {
        return blockedFd;
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
            try {
                Libc.close(fd4);
            } finally {
                Libc.close(fd6);
            }
        }
    }

    @Override
    public String toString() {
        return "ip-in-ip (protocols 4 and 41)";
    }
}
