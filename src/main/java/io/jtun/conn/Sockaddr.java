package io.jtun.conn;

import io.jtun.sys.Libc;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The kernel's {@code sockaddr_in} and {@code sockaddr_in6} byte layouts, read and written in
 * place so the data path never builds Java address objects.
 *
 * <p>All accessors are unaligned: the same code runs on the native slot areas and on the heap
 * arrays that {@link SocketEndpoint} keeps its encodings in.
 */
final class Sockaddr {
    /** sizeof(struct sockaddr_storage): room for any address family. */
    static final int STORAGE_SIZE = 128;
    /** sizeof(struct sockaddr_in). */
    static final int IN_SIZE = 16;
    /** sizeof(struct sockaddr_in6). */
    static final int IN6_SIZE = 28;

    static final int IPV4_ADDRESS_LEN = 4;
    static final int IPV6_ADDRESS_LEN = 16;

    /** sa_family_t, host byte order, in both layouts. */
    static final int FAMILY_OFFSET = 0;
    /** in_port_t, network byte order, in both layouts. */
    static final int PORT_OFFSET = 2;
    /** sockaddr_in.sin_addr. */
    static final int IN_ADDR_OFFSET = 4;
    /** sockaddr_in6.sin6_flowinfo: ignored when comparing; the kernel fills it only on request. */
    static final int IN6_FLOWINFO_OFFSET = 4;
    /** sockaddr_in6.sin6_addr. */
    static final int IN6_ADDR_OFFSET = 8;
    /** sockaddr_in6.sin6_scope_id, host byte order. */
    static final int IN6_SCOPE_OFFSET = 24;

    /** ::ffff:a.b.c.d (RFC 4291 2.5.5.2): 10 zero bytes, two 0xff bytes, then the IPv4 address. */
    static final int MAPPED_ZERO_LEN = 10;
    static final int MAPPED_MARKER_OFFSET = 10;
    static final int MAPPED_V4_OFFSET = 12;
    private static final short MAPPED_MARKER = (short) 0xffff;

    private static final ValueLayout.OfShort FAMILY = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final ValueLayout.OfShort PORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt SCOPE = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfInt RAW_INT = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong RAW_LONG = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfShort RAW_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final int PORT_MASK = 0xffff;
    private static final int FAMILY_MASK = 0xffff;

    private Sockaddr() {
    }

    static int family(MemorySegment s, long off) {
        return s.get(FAMILY, off + FAMILY_OFFSET) & FAMILY_MASK;
    }

    static int port(MemorySegment s, long off) {
        return s.get(PORT, off + PORT_OFFSET) & PORT_MASK;
    }

    static int scopeId(MemorySegment s, long off) {
        return s.get(SCOPE, off + IN6_SCOPE_OFFSET);
    }

    /** The sockaddr length for a family this package handles, or -1. */
    static int sizeOf(int family) {
        return switch (family) {
            case Libc.AF_INET -> IN_SIZE;
            case Libc.AF_INET6 -> IN6_SIZE;
            default -> -1;
        };
    }

    /** Writes a complete sockaddr_in (padding zeroed) at {@code off}. */
    static void writeIn(MemorySegment s, long off, byte[] address, int port) {
        s.asSlice(off, IN_SIZE).fill((byte) 0);
        s.set(FAMILY, off + FAMILY_OFFSET, (short) Libc.AF_INET);
        s.set(PORT, off + PORT_OFFSET, (short) port);
        MemorySegment.copy(address, 0, s, ValueLayout.JAVA_BYTE, off + IN_ADDR_OFFSET, IPV4_ADDRESS_LEN);
    }

    /** Writes a complete sockaddr_in6 (flow info zero) at {@code off}. */
    static void writeIn6(MemorySegment s, long off, byte[] address, int port, int scopeId) {
        s.asSlice(off, IN6_SIZE).fill((byte) 0);
        s.set(FAMILY, off + FAMILY_OFFSET, (short) Libc.AF_INET6);
        s.set(PORT, off + PORT_OFFSET, (short) port);
        MemorySegment.copy(address, 0, s, ValueLayout.JAVA_BYTE, off + IN6_ADDR_OFFSET, IPV6_ADDRESS_LEN);
        s.set(SCOPE, off + IN6_SCOPE_OFFSET, scopeId);
    }

    /** Whether the sockaddr_in6 at {@code off} holds an IPv4-mapped address. */
    static boolean isV4Mapped(MemorySegment s, long off) {
        long a = off + IN6_ADDR_OFFSET;
        return s.get(RAW_LONG, a) == 0
                && s.get(RAW_SHORT, a + Long.BYTES) == 0
                && s.get(RAW_SHORT, a + MAPPED_MARKER_OFFSET) == MAPPED_MARKER;
    }

    /**
     * Rewrites a received sockaddr in place into the form this package compares and prints: an
     * IPv4-mapped sockaddr_in6 (what a dual-stack socket reports for IPv4 peers) becomes the
     * sockaddr_in of the same peer. Allocation-free: it runs once per received datagram.
     *
     * @return the sockaddr's length afterwards
     */
    static int normalize(MemorySegment s, long off, int length) {
        if (length < IN6_SIZE || family(s, off) != Libc.AF_INET6 || !isV4Mapped(s, off)) {
            return length;
        }
        // sin_port sits where sin6_port does, so only the family and the address move.
        int v4 = s.get(RAW_INT, off + IN6_ADDR_OFFSET + MAPPED_V4_OFFSET);
        s.set(FAMILY, off + FAMILY_OFFSET, (short) Libc.AF_INET);
        s.set(RAW_INT, off + IN_ADDR_OFFSET, v4);
        s.set(RAW_LONG, off + IN_ADDR_OFFSET + IPV4_ADDRESS_LEN, 0L);
        return IN_SIZE;
    }

    /**
     * Writes the IPv4-mapped sockaddr_in6 for the sockaddr_in at {@code srcOff}, so an IPv4 peer
     * can be reached through an AF_INET6 dual-stack socket.
     */
    static void writeMapped(MemorySegment src, long srcOff, MemorySegment dst, long dstOff) {
        long a = dstOff + IN6_ADDR_OFFSET;
        dst.set(FAMILY, dstOff + FAMILY_OFFSET, (short) Libc.AF_INET6);
        dst.set(PORT, dstOff + PORT_OFFSET, src.get(PORT, srcOff + PORT_OFFSET));
        dst.set(RAW_INT, dstOff + IN6_FLOWINFO_OFFSET, 0);
        dst.set(RAW_LONG, a, 0L);
        dst.set(RAW_SHORT, a + Long.BYTES, (short) 0);
        dst.set(RAW_SHORT, a + MAPPED_MARKER_OFFSET, MAPPED_MARKER);
        dst.set(RAW_INT, a + MAPPED_V4_OFFSET, src.get(RAW_INT, srcOff + IN_ADDR_OFFSET));
        dst.set(SCOPE, dstOff + IN6_SCOPE_OFFSET, 0);
    }

    /**
     * Whether two normalized sockaddrs name the same peer: family, port, address and (IPv6)
     * scope id; the flow label and padding are ignored. {@code a} is {@code aLength} bytes long,
     * {@code b} is a whole encoded endpoint.
     */
    static boolean samePeer(MemorySegment a, long aOff, int aLength, MemorySegment b) {
        if (aLength != b.byteSize()) {
            return false;
        }
        // Family and port are adjacent in both layouts.
        if (MemorySegment.mismatch(a, aOff + FAMILY_OFFSET, aOff + IN_ADDR_OFFSET, b, FAMILY_OFFSET,
                IN_ADDR_OFFSET) != -1) {
            return false;
        }
        return switch (family(b, 0)) {
            case Libc.AF_INET -> MemorySegment.mismatch(a, aOff + IN_ADDR_OFFSET,
                    aOff + IN_ADDR_OFFSET + IPV4_ADDRESS_LEN, b, IN_ADDR_OFFSET,
                    IN_ADDR_OFFSET + IPV4_ADDRESS_LEN) == -1;
            // Address and scope id are adjacent: one comparison covers both.
            case Libc.AF_INET6 -> MemorySegment.mismatch(a, aOff + IN6_ADDR_OFFSET, aOff + IN6_SIZE, b,
                    IN6_ADDR_OFFSET, IN6_SIZE) == -1;
            default -> false;
        };
    }
}
