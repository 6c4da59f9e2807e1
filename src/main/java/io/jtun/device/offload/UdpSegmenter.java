package io.jtun.device.offload;

import static io.jtun.device.offload.IpHeader.IPV4_CHECKSUM;
import static io.jtun.device.offload.IpHeader.IPV4_ID;
import static io.jtun.device.offload.IpHeader.IPV4_MIN_HEADER;
import static io.jtun.device.offload.IpHeader.IPV4_PROTOCOL;
import static io.jtun.device.offload.IpHeader.IPV4_SOURCE;
import static io.jtun.device.offload.IpHeader.IPV4_TOTAL_LENGTH;
import static io.jtun.device.offload.IpHeader.IPV6_HEADER;
import static io.jtun.device.offload.IpHeader.IPV6_NEXT_HEADER;
import static io.jtun.device.offload.IpHeader.IPV6_PAYLOAD_LENGTH;
import static io.jtun.device.offload.IpHeader.IPV6_SOURCE;
import static io.jtun.device.offload.IpHeader.PROTO_UDP;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Cuts a UDP GSO super-packet (VIRTIO_NET_HDR_GSO_UDP_L4: a sender used UDP_SEGMENT, as QUIC
 * stacks do, and the device has USO) into its datagrams: each gets the IP and UDP headers with
 * its own lengths, the next IPv4 id, and full IP and UDP checksums.
 */
public final class UdpSegmenter implements Segmenter {
    private static final int UDP_HEADER = 8;
    private static final int UDP_LENGTH = 4;
    private static final int UDP_CHECKSUM = 6;

    private MemorySegment source;
    private long start;
    private boolean ipv4;
    private int ipHeader;
    private int payload;
    private int size;
    private int segments;

    @Override
    public boolean prepare(MemorySegment data, long offset, int length, int segmentSize) {
        if (length < IPV4_MIN_HEADER + UDP_HEADER || segmentSize <= 0) {
            return false;
        }
        int version = (data.get(ValueLayout.JAVA_BYTE, offset) & 0xf0) >>> 4;
        if (version == 4) {
            ipv4 = true;
            ipHeader = (data.get(ValueLayout.JAVA_BYTE, offset) & 0x0f) * 4;
            if (ipHeader < IPV4_MIN_HEADER || data.get(ValueLayout.JAVA_BYTE, offset + IPV4_PROTOCOL) != PROTO_UDP) {
                return false;
            }
        } else if (version == 6 && length >= IPV6_HEADER + UDP_HEADER) {
            ipv4 = false;
            ipHeader = IPV6_HEADER;
            if (data.get(ValueLayout.JAVA_BYTE, offset + IPV6_NEXT_HEADER) != PROTO_UDP) {
                return false;
            }
        } else {
            return false;
        }
        if (length < ipHeader + UDP_HEADER) {
            return false;
        }
        source = data;
        start = offset;
        payload = length - ipHeader - UDP_HEADER;
        size = segmentSize;
        segments = Math.max(1, (payload + size - 1) / size);
        return true;
    }

    @Override
    public int segments() {
        return segments;
    }

    @Override
    public int write(int index, MemorySegment out, long at) {
        int headers = ipHeader + UDP_HEADER;
        int offsetInPayload = index * size;
        int segmentPayload = Math.min(size, payload - offsetInPayload);
        int length = headers + segmentPayload;
        MemorySegment.copy(source, start, out, at, headers);
        MemorySegment.copy(source, start + headers + offsetInPayload, out, at + headers, segmentPayload);
        long pseudo;
        if (ipv4) {
            Checksums.writeU16(out, at + IPV4_TOTAL_LENGTH, length);
            Checksums.writeU16(out, at + IPV4_ID, (Checksums.readU16(source, start + IPV4_ID) + index) & 0xffff);
            Checksums.writeU16(out, at + IPV4_CHECKSUM, 0);
            Checksums.writeU16(out, at + IPV4_CHECKSUM, Checksums.finish(Checksums.add(0, out, at, ipHeader)) & 0xffff);
            pseudo = Checksums.add(0, out, at + IPV4_SOURCE, 8);
        } else {
            Checksums.writeU16(out, at + IPV6_PAYLOAD_LENGTH, length - IPV6_HEADER);
            pseudo = Checksums.add(0, out, at + IPV6_SOURCE, 32);
        }
        long udp = at + ipHeader;
        int udpLength = length - ipHeader;
        Checksums.writeU16(out, udp + UDP_LENGTH, udpLength);
        Checksums.writeU16(out, udp + UDP_CHECKSUM, 0);
        long sum = Checksums.add(pseudo + PROTO_UDP + udpLength, out, udp, udpLength);
        int checksum = Checksums.finish(sum) & 0xffff;
        // 0 means "no checksum" in UDP: a computed 0 is sent as all ones (RFC 768).
        Checksums.writeU16(out, udp + UDP_CHECKSUM, checksum == 0 ? 0xffff : checksum);
        return length;
    }
}
