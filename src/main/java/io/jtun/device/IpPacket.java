package io.jtun.device;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Whether bytes read from the device (or decrypted from a peer) are a whole IP packet, judged by
 * its own header: what a TUN interface may pass on. The device hands over whatever a local
 * program wrote into it (a packet socket can write anything), and a peer's kernel would drop a
 * broken packet only after it crossed the tunnel, or deliver a cut-short one as if it were whole.
 */
public final class IpPacket {
    private static final ValueLayout.OfShort SHORT_BE =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final int IPV4_MIN_HEADER = 20;
    private static final int IPV4_TOTAL_LENGTH = 2;
    private static final int IHL_MASK = 0x0f;
    private static final int IPV6_HEADER = 40;
    private static final int IPV6_PAYLOAD_LENGTH = 4;

    private IpPacket() {
    }

    /**
     * The length the packet at {@code data[start, start+available)} gives itself (IPv4: total
     * length; IPv6: 40 + payload length), or -1 if it is not a sound IPv4 or IPv6 packet: another
     * version, shorter than its fixed header, an IPv4 header length under 20 bytes or past the
     * total length, or a length past the bytes there are (cut short). Less than {@code available}
     * means the bytes after it are no part of the packet (WireGuard's padding, say).
     */
    public static int ownLength(MemorySegment data, long start, int available) {
        if (available < 1) {
            return -1;
        }
        int first = data.get(ValueLayout.JAVA_BYTE, start) & 0xff;
        int length;
        switch (first >>> 4) {
            case 4 -> {
                if (available < IPV4_MIN_HEADER) {
                    return -1;
                }
                int header = (first & IHL_MASK) * 4;
                length = data.get(SHORT_BE, start + IPV4_TOTAL_LENGTH) & 0xffff;
                if (header < IPV4_MIN_HEADER || length < header) {
                    return -1;
                }
            }
            case 6 -> {
                if (available < IPV6_HEADER) {
                    return -1;
                }
                length = IPV6_HEADER + (data.get(SHORT_BE, start + IPV6_PAYLOAD_LENGTH) & 0xffff);
            }
            default -> {
                return -1;
            }
        }
        return length <= available ? length : -1;
    }
}
