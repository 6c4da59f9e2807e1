package io.jtun.conn;

import io.jtun.packet.InetFormat;
import io.jtun.sys.Libc;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Objects;

/**
 * An underlay peer address, IPv4 or IPv6 plus port, with its sockaddr already encoded the way
 * the kernel wants it, so that addressing a datagram is one copy into a {@link PacketBatch} slot.
 *
 * <p>IPv4 peers are always IPv4 here: an IPv4-mapped IPv6 address ({@code ::ffff:a.b.c.d}, what
 * a dual-stack socket reports for IPv4 senders) is turned into the IPv4 address it maps, so the
 * same peer compares equal and prints the same whichever socket saw it.
 *
 * <p>The encodings live in heap arrays, so endpoints are ordinary garbage-collected values; the
 * bytes are exactly the native {@code sockaddr_in} / {@code sockaddr_in6}.
 */
public final class SocketEndpoint {
    private static final int MAX_PORT = 0xffff;
    private static final byte MAPPED_MARKER_BYTE = (byte) 0xff;

    private final byte[] address;
    private final int port;
    private final int scopeId;
    /** The sockaddr for a socket of this endpoint's own family. */
    private final MemorySegment sockaddr;
    /** For IPv4 endpoints, the IPv4-mapped sockaddr_in6 an AF_INET6 socket needs; else null. */
    private final MemorySegment mapped;

    private SocketEndpoint(byte[] address, int port, int scopeId) {
        this.address = address;
        this.port = port;
        this.scopeId = scopeId;
        if (address.length == Sockaddr.IPV4_ADDRESS_LEN) {
            MemorySegment in = MemorySegment.ofArray(new byte[Sockaddr.IN_SIZE]);
            Sockaddr.writeIn(in, 0, address, port);
            MemorySegment in6 = MemorySegment.ofArray(new byte[Sockaddr.IN6_SIZE]);
            Sockaddr.writeMapped(in, 0, in6, 0);
            this.sockaddr = in.asReadOnly();
            this.mapped = in6.asReadOnly();
        } else {
            MemorySegment in6 = MemorySegment.ofArray(new byte[Sockaddr.IN6_SIZE]);
            Sockaddr.writeIn6(in6, 0, address, port, scopeId);
            this.sockaddr = in6.asReadOnly();
            this.mapped = null;
        }
    }

    /** The endpoint of a resolved socket address (names are resolved by the caller, not here). */
    public static SocketEndpoint of(InetSocketAddress socketAddress) {
        Objects.requireNonNull(socketAddress, "socketAddress");
        if (socketAddress.isUnresolved()) {
            throw new IllegalArgumentException("endpoint " + socketAddress.getHostString()
                    + " is not resolved: resolve the name before building an endpoint");
        }
        InetAddress a = socketAddress.getAddress();
        byte[] bytes = a.getAddress();
        int scope = a instanceof Inet6Address v6 ? v6.getScopeId() : 0;
        return ofBytes(bytes, socketAddress.getPort(), scope);
    }

    /**
     * Decodes a sockaddr the kernel wrote (e.g. a datagram's source). Allocates: meant for the
     * moment a peer's address changes, not for every datagram.
     *
     * @throws IllegalArgumentException if it is not a complete sockaddr_in or sockaddr_in6
     */
    public static SocketEndpoint fromSockaddr(MemorySegment sockaddr, int length) {
        if (length < Sockaddr.PORT_OFFSET || length > sockaddr.byteSize()) {
            throw new IllegalArgumentException("sockaddr of " + length + " bytes in a segment of "
                    + sockaddr.byteSize());
        }
        int family = Sockaddr.family(sockaddr, 0);
        int expected = Sockaddr.sizeOf(family);
        if (expected < 0 || length < expected) {
            throw new IllegalArgumentException("not an IPv4 or IPv6 sockaddr: family " + family + ", "
                    + length + " bytes");
        }
        int port = Sockaddr.port(sockaddr, 0);
        if (family == Libc.AF_INET) {
            return new SocketEndpoint(sockaddr.asSlice(Sockaddr.IN_ADDR_OFFSET, Sockaddr.IPV4_ADDRESS_LEN)
                    .toArray(ValueLayout.JAVA_BYTE), port, 0);
        }
        byte[] bytes = sockaddr.asSlice(Sockaddr.IN6_ADDR_OFFSET, Sockaddr.IPV6_ADDRESS_LEN)
                .toArray(ValueLayout.JAVA_BYTE);
        return ofBytes(bytes, port, Sockaddr.scopeId(sockaddr, 0));
    }

    /**
     * Writes what names a sender for its cookie (WireGuard's MAC2): the address bytes (4 or 16)
     * of a normalized sockaddr as a {@link PacketBatch} holds it, then the port big-endian, the
     * same bytes {@code CookieChecker.sourceBytes} makes of an {@link InetSocketAddress}.
     * Allocation-free, unlike {@link #fromSockaddr}: for every handshake message of a flood.
     *
     * @return the bytes written (6 or 18), or -1 if it is not an IPv4 or IPv6 sockaddr of that length
     */
    public static int sourceBytes(MemorySegment sockaddr, int length, byte[] out) {
        int family = length >= Sockaddr.PORT_OFFSET ? Sockaddr.family(sockaddr, 0) : -1;
        if (Sockaddr.sizeOf(family) != length) {
            return -1;
        }
        boolean v4 = family == Libc.AF_INET;
        int addressLength = v4 ? Sockaddr.IPV4_ADDRESS_LEN : Sockaddr.IPV6_ADDRESS_LEN;
        MemorySegment.copy(sockaddr, ValueLayout.JAVA_BYTE, v4 ? Sockaddr.IN_ADDR_OFFSET : Sockaddr.IN6_ADDR_OFFSET,
                out, 0, addressLength);
        int port = Sockaddr.port(sockaddr, 0);
        out[addressLength] = (byte) (port >>> 8);
        out[addressLength + 1] = (byte) port;
        return addressLength + 2;
    }

    private static SocketEndpoint ofBytes(byte[] bytes, int port, int scopeId) {
        if (port < 0 || port > MAX_PORT) {
            throw new IllegalArgumentException("port " + port + " is outside 0..65535");
        }
        if (bytes.length == Sockaddr.IPV6_ADDRESS_LEN && isV4Mapped(bytes)) {
            return new SocketEndpoint(Arrays.copyOfRange(bytes, Sockaddr.MAPPED_V4_OFFSET,
                    Sockaddr.IPV6_ADDRESS_LEN), port, 0);
        }
        return new SocketEndpoint(bytes, port, scopeId);
    }

    private static boolean isV4Mapped(byte[] b) {
        for (int i = 0; i < Sockaddr.MAPPED_ZERO_LEN; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return b[Sockaddr.MAPPED_MARKER_OFFSET] == MAPPED_MARKER_BYTE
                && b[Sockaddr.MAPPED_MARKER_OFFSET + 1] == MAPPED_MARKER_BYTE;
    }

    public boolean isIpv4() {
        return address.length == Sockaddr.IPV4_ADDRESS_LEN;
    }

    /** {@link Libc#AF_INET} or {@link Libc#AF_INET6}. */
    public int family() {
        return isIpv4() ? Libc.AF_INET : Libc.AF_INET6;
    }

    public int port() {
        return port;
    }

    /** The IPv6 scope (interface index) of a link-local address; 0 otherwise. */
    public int scopeId() {
        return scopeId;
    }

    /** The raw address bytes: 4 for IPv4, 16 for IPv6 (a copy). */
    public byte[] addressBytes() {
        return address.clone();
    }

    /** The encoded sockaddr for a socket of the endpoint's own family (read-only). */
    public MemorySegment sockaddr() {
        return sockaddr;
    }

    /**
     * The encoded sockaddr to hand a socket of {@code socketFamily}: an IPv4 endpoint sent from
     * an AF_INET6 dual-stack socket becomes {@code ::ffff:a.b.c.d}.
     *
     * @throws IllegalArgumentException for an IPv6 endpoint on an AF_INET socket, or an unknown family
     */
    public MemorySegment encodeFor(int socketFamily) {
        return switch (socketFamily) {
            case Libc.AF_INET6 -> isIpv4() ? mapped : sockaddr;
            case Libc.AF_INET -> {
                if (!isIpv4()) {
                    throw new IllegalArgumentException("IPv6 endpoint " + this + " cannot be reached from an IPv4 socket");
                }
                yield sockaddr;
            }
            default -> throw new IllegalArgumentException("unsupported socket family " + socketFamily);
        };
    }

    public InetSocketAddress toInetSocketAddress() {
        try {
            InetAddress a = isIpv4() ? InetAddress.getByAddress(address)
                    : Inet6Address.getByAddress(null, address, scopeId);
            return new InetSocketAddress(a, port);
        } catch (UnknownHostException e) {
            // Only thrown for an address of the wrong length, which the constructors rule out.
            throw new IllegalStateException(e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SocketEndpoint e && port == e.port && scopeId == e.scopeId
                && Arrays.equals(address, e.address);
    }

    @Override
    public int hashCode() {
        return (Arrays.hashCode(address) * 31 + port) * 31 + scopeId;
    }

    /** {@code 198.18.0.2:51820}, {@code [fd00::2]:51820}, {@code [fe80::1%2]:51820}. */
    @Override
    public String toString() {
        if (isIpv4()) {
            return InetFormat.ipv4(address, 0) + ":" + port;
        }
        return "[" + InetFormat.ipv6(address, 0) + (scopeId != 0 ? "%" + scopeId : "") + "]:" + port;
    }
}
