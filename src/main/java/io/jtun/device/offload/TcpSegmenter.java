package io.jtun.device.offload;

import static io.jtun.device.offload.IpHeader.IPV4_CHECKSUM;
import static io.jtun.device.offload.IpHeader.IPV4_ID;
import static io.jtun.device.offload.IpHeader.IPV4_MIN_HEADER;
import static io.jtun.device.offload.IpHeader.IPV4_SOURCE;
import static io.jtun.device.offload.IpHeader.IPV4_TOTAL_LENGTH;
import static io.jtun.device.offload.IpHeader.IPV6_HEADER;
import static io.jtun.device.offload.IpHeader.IPV6_NEXT_HEADER;
import static io.jtun.device.offload.IpHeader.IPV6_PAYLOAD_LENGTH;
import static io.jtun.device.offload.IpHeader.IPV6_SOURCE;
import static io.jtun.device.offload.IpHeader.PROTO_TCP;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Cuts a TCP "super-packet" (up to 64 KB, handed over by the kernel under TSO) into the
 * MSS-sized segments the kernel would have sent, so the device is read once per 64 KB instead
 * of once per 1.4 KB. Each segment gets its own IP length, IPv4 id and header checksum, TCP
 * sequence number and flags (FIN and PSH only on the last, CWR only on the first) and a full
 * TCP checksum.
 *
 * <p>Header lengths are taken from the packet itself, not from the virtio header's hdr_len,
 * which the kernel may set to more than the headers.
 */
public final class TcpSegmenter implements Segmenter {
    private static final int IPV4 = 4;
    private static final int IPV6 = 6;
    private static final int TCP_MIN_HEADER = 20;
    private static final int TCP_SEQ = 4;
    private static final int TCP_DATA_OFFSET = 12;
    private static final int TCP_FLAGS = 13;
    private static final int TCP_CHECKSUM = 16;
    private static final int FIN = 0x01;
    private static final int PSH = 0x08;
    private static final int CWR = 0x80;

    private MemorySegment source;
    private long start;
    private int ipHeader;
    private int headers;
    private int payload;
    private int mss;
    private int segments;
    private boolean ipv4;

    /**
     * Takes the super-packet at {@code data[offset..offset+length)}.
     *
     * @return false if it is not a TCP packet this code can segment (the caller drops it)
     */
    @Override
    public boolean prepare(MemorySegment data, long offset, int length, int segmentSize) {
        if (length < IPV4_MIN_HEADER || segmentSize <= 0) {
            return false;
        }
        int version = (data.get(ValueLayout.JAVA_BYTE, offset) & 0xf0) >>> 4;
        if (version == IPV4) {
            ipHeader = (data.get(ValueLayout.JAVA_BYTE, offset) & 0x0f) * 4;
            ipv4 = true;
            if (ipHeader < IPV4_MIN_HEADER || data.get(ValueLayout.JAVA_BYTE, offset + 9) != PROTO_TCP) {
                return false;
            }
        } else if (version == IPV6 && length >= IPV6_HEADER) {
            ipHeader = IPV6_HEADER;
            ipv4 = false;
            if (data.get(ValueLayout.JAVA_BYTE, offset + IPV6_NEXT_HEADER) != PROTO_TCP) {
                return false; // extension headers: the kernel does not hand those to us under TSO
            }
        } else {
            return false;
        }
        if (length < ipHeader + TCP_MIN_HEADER) {
            return false;
        }
        int tcpHeader = ((data.get(ValueLayout.JAVA_BYTE, offset + ipHeader + TCP_DATA_OFFSET) & 0xf0) >>> 4) * 4;
        headers = ipHeader + tcpHeader;
        if (tcpHeader < TCP_MIN_HEADER || length < headers) {
            return false;
        }
        source = data;
        start = offset;
        payload = length - headers;
        mss = segmentSize;
        segments = Math.max(1, (payload + mss - 1) / mss);
        return true;
    }

    @Override
    public int segments() {
        return segments;
    }

    /** The largest segment: headers plus one MSS. */
    public int maxSegmentLength() {
        return headers + Math.min(mss, payload);
    }

    /** Writes segment {@code index} at {@code out[at..)} and returns its length. */
    @Override
    public int write(int index, MemorySegment out, long at) {
        int offsetInPayload = index * mss;
        int segmentPayload = Math.min(mss, payload - offsetInPayload);
        int length = headers + segmentPayload;
        MemorySegment.copy(source, start, out, at, headers);
        MemorySegment.copy(source, start + headers + offsetInPayload, out, at + headers, segmentPayload);

        if (ipv4) {
            Checksums.writeU16(out, at + IPV4_TOTAL_LENGTH, length);
            Checksums.writeU16(out, at + IPV4_ID, (Checksums.readU16(source, start + IPV4_ID) + index) & 0xffff);
            Checksums.writeU16(out, at + IPV4_CHECKSUM, 0);
            Checksums.writeU16(out, at + IPV4_CHECKSUM, Checksums.finish(Checksums.add(0, out, at, ipHeader)) & 0xffff);
        } else {
            Checksums.writeU16(out, at + IPV6_PAYLOAD_LENGTH, length - IPV6_HEADER);
        }
        long tcp = at + ipHeader;
        long sequence = Checksums.readU32(source, start + ipHeader + TCP_SEQ) + offsetInPayload;
        Checksums.writeU32(out, tcp + TCP_SEQ, sequence);
        int flags = out.get(ValueLayout.JAVA_BYTE, tcp + TCP_FLAGS) & 0xff;
        if (index != segments - 1) {
            flags &= ~(FIN | PSH);
        }
        if (index != 0) {
            flags &= ~CWR;
        }
        out.set(ValueLayout.JAVA_BYTE, tcp + TCP_FLAGS, (byte) flags);
        Checksums.writeU16(out, tcp + TCP_CHECKSUM, 0);
        int tcpLength = length - ipHeader;
        long sum = pseudoHeader(out, at, tcpLength);
        sum = Checksums.add(sum, out, tcp, tcpLength);
        Checksums.writeU16(out, tcp + TCP_CHECKSUM, Checksums.finish(sum) & 0xffff);
        return length;
    }

    private long pseudoHeader(MemorySegment packet, long at, int tcpLength) {
        long sum;
        if (ipv4) {
            sum = Checksums.add(0, packet, at + IPV4_SOURCE, 8);
        } else {
            sum = Checksums.add(0, packet, at + IPV6_SOURCE, 32);
        }
        return sum + PROTO_TCP + tcpLength;
    }

    /**
     * Completes a checksum the kernel left partial (VIRTIO_NET_HDR_F_NEEDS_CSUM): the field at
     * {@code csumStart + csumOffset} holds the pseudo-header sum; the rest is summed here.
     */
    public static boolean completeChecksum(MemorySegment data, long offset, int length, int csumStart, int csumOffset) {
        if (csumStart + csumOffset + 2 > length || csumStart >= length) {
            return false;
        }
        long sum = Checksums.add(0, data, offset + csumStart, length - csumStart);
        Checksums.writeU16(data, offset + csumStart + csumOffset, Checksums.finish(sum) & 0xffff);
        return true;
    }
}
