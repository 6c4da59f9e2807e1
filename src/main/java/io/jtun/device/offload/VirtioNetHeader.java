package io.jtun.device.offload;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * struct virtio_net_hdr, the 10 bytes in front of every packet on a device opened with
 * IFF_VNET_HDR: how the kernel left the packet (a TCP "super-packet" to be cut into MSS-sized
 * segments, a checksum still to be completed). Fields are in host byte order on Linux TUN
 * devices (little-endian here), as the kernel writes them unless TUNSETVNETBE says otherwise.
 */
public final class VirtioNetHeader {
    public static final int SIZE = 10;

    /** flags: the checksum from csumStart to the end is still to be computed and stored at csumStart + csumOffset. */
    public static final int F_NEEDS_CSUM = 1;
    public static final int GSO_NONE = 0;
    public static final int GSO_TCPV4 = 1;
    public static final int GSO_UDP = 3;
    public static final int GSO_TCPV6 = 4;
    public static final int GSO_UDP_L4 = 5;
    public static final int GSO_ECN = 0x80;

    private static final long FLAGS = 0;
    private static final long GSO_TYPE = 1;
    private static final long HDR_LEN = 2;
    private static final long GSO_SIZE = 4;
    private static final long CSUM_START = 6;
    private static final long CSUM_OFFSET = 8;
    private static final ValueLayout.OfShort U16 =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(java.nio.ByteOrder.nativeOrder());

    private VirtioNetHeader() {
    }

    public static int flags(MemorySegment data, long at) {
        return data.get(ValueLayout.JAVA_BYTE, at + FLAGS) & 0xff;
    }

    public static int gsoType(MemorySegment data, long at) {
        return data.get(ValueLayout.JAVA_BYTE, at + GSO_TYPE) & 0xff;
    }

    public static int headerLength(MemorySegment data, long at) {
        return data.get(U16, at + HDR_LEN) & 0xffff;
    }

    public static int gsoSize(MemorySegment data, long at) {
        return data.get(U16, at + GSO_SIZE) & 0xffff;
    }

    public static int csumStart(MemorySegment data, long at) {
        return data.get(U16, at + CSUM_START) & 0xffff;
    }

    public static int csumOffset(MemorySegment data, long at) {
        return data.get(U16, at + CSUM_OFFSET) & 0xffff;
    }

    /** Writes a whole header: what the kernel needs to treat the packet behind it as a GSO packet. */
    public static void write(MemorySegment data, long at, int flags, int gsoType, int headerLength, int gsoSize,
            int csumStart, int csumOffset) {
        data.set(ValueLayout.JAVA_BYTE, at + FLAGS, (byte) flags);
        data.set(ValueLayout.JAVA_BYTE, at + GSO_TYPE, (byte) gsoType);
        data.set(U16, at + HDR_LEN, (short) headerLength);
        data.set(U16, at + GSO_SIZE, (short) gsoSize);
        data.set(U16, at + CSUM_START, (short) csumStart);
        data.set(U16, at + CSUM_OFFSET, (short) csumOffset);
    }

    /** An all-zero header: a complete packet, nothing for the kernel to do. */
    public static void clear(MemorySegment data, long at) {
        data.asSlice(at, SIZE).fill((byte) 0);
    }
}
