package io.jtun.device.offload;

import static io.jtun.device.offload.IpHeader.IPV4_CHECKSUM;
import static io.jtun.device.offload.IpHeader.IPV4_FRAGMENT;
import static io.jtun.device.offload.IpHeader.IPV4_PROTOCOL;
import static io.jtun.device.offload.IpHeader.IPV4_SOURCE;
import static io.jtun.device.offload.IpHeader.IPV4_TOS;
import static io.jtun.device.offload.IpHeader.IPV4_TOTAL_LENGTH;
import static io.jtun.device.offload.IpHeader.IPV4_TTL;
import static io.jtun.device.offload.IpHeader.IPV6_HEADER;
import static io.jtun.device.offload.IpHeader.IPV6_NEXT_HEADER;
import static io.jtun.device.offload.IpHeader.IPV6_PAYLOAD_LENGTH;
import static io.jtun.device.offload.IpHeader.IPV6_SOURCE;
import static io.jtun.device.offload.IpHeader.PROTO_TCP;

import io.jtun.sys.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Generic receive offload for device writes: merges consecutive TCP segments of one flow, as
 * they come out of the tunnel, into one super-packet that is written to the device once, behind
 * a virtio-net header that tells the kernel it is a GSO packet of so many bytes per segment.
 *
 * <p>Why: every write to a TUN device runs the kernel's whole receive path (IP, TCP, socket
 * wake-up) in the writer's thread, once per packet. A 64 KB super-packet pays for that once
 * instead of 45 times, and the receiving TCP acknowledges it once, so fewer ACKs come back
 * through the tunnel too. It is what the kernel's own GRO does for a NIC.
 *
 * <p>Only what the kernel's GRO would merge is merged: IPv4 without options or fragments, or
 * IPv6 without extension headers; TCP with ACK (and PSH on the last segment) and nothing else;
 * same addresses, ports, acknowledgement number, TCP options, TTL/hop limit and TOS/traffic
 * class; each segment continuing the sequence where the last ended, none larger than the first;
 * a segment shorter than the first, or one with PSH, ends the super-packet. Anything else
 * flushes what is held for its flow first, so no flow is ever reordered.
 *
 * <p>The segments' own TCP checksums are not checked: the tunnel already authenticated every
 * byte (the AEAD tag), and the merged packet carries a partial checksum (VIRTIO_NET_HDR_F_NEEDS_CSUM)
 * that the kernel treats as verified, as it does for a NIC's GRO.
 *
 * <p>Use per batch: {@link #add} each packet in arrival order, then {@link #flush} at the end
 * of the batch. Buffers are allocated once; nothing is allocated per packet. One thread.
 *
 * @param <T> who sent a packet (the peer), handed back with every write for its counters
 */
public final class TcpCoalescer<T> {
    /** Writes a packet to the device: {@code data[offset..offset+length)} starts with the virtio-net header. */
    public interface Sink<T> {
        /**
         * @param packets how many of the tunnel's packets this write carries
         * @param bytes   their inner lengths summed (what the counters count)
         */
        void write(MemorySegment data, long offset, int length, T owner, int packets, int bytes);
    }

    /** Flows held at once; a batch rarely carries more distinct bulk flows than this. */
    static final int MAX_FLOWS = 8;
    /** The largest IP packet a merge may build (the IPv4 total-length field's limit). */
    static final int MAX_PACKET = 0xffff;

    private static final int IPV4_HEADER = 20;
    private static final int TCP_MIN_HEADER = 20;
    /** More-fragments flag and fragment offset: any of them set means a fragment. */
    private static final int IPV4_FRAGMENT_MASK = 0x3fff;
    private static final int TCP_SEQ = 4;
    private static final int TCP_ACK = 8;
    private static final int TCP_DATA_OFFSET = 12;
    private static final int TCP_FLAGS = 13;
    private static final int TCP_CHECKSUM = 16;
    private static final int FLAG_PSH = 0x08;
    private static final int FLAG_ACK = 0x10;

    private final Sink<T> sink;
    private final Flow<T>[] flows;
    /** Flows in use are flows[0..active). */
    private int active;

    /** What {@link #parse} learned about the packet being added. */
    private boolean ipv4;
    private int ipHeader;
    private int headers;
    private int payload;
    private int flags;

    /** One flow being merged: its first segment's headers, then all payloads, behind room for the vnet header. */
    private static final class Flow<T> {
        final MemorySegment buffer;
        T owner;
        boolean ipv4;
        int ipHeader;
        int headers;
        /** Bytes of IP packet held (headers and all payloads). */
        int length;
        int segmentSize;
        int segments;
        int innerBytes;
        long nextSequence;
        /** A short or PSH segment was added: nothing may follow it. */
        boolean closed;

        Flow(Arena arena) {
            buffer = Libc.allocateLazily(arena, VirtioNetHeader.SIZE + MAX_PACKET);
        }
    }

    @SuppressWarnings("unchecked")
    public TcpCoalescer(Arena arena, Sink<T> sink) {
        this.sink = sink;
        this.flows = new Flow[MAX_FLOWS];
        for (int i = 0; i < MAX_FLOWS; i++) {
            flows[i] = new Flow<>(arena);
        }
    }

    /**
     * Offers the complete IP packet {@code data[at..at+length)}, which came from {@code owner}.
     *
     * @return true if it was taken (held for merging); false if the caller must write it itself,
     *     now (anything held for its flow has been written first)
     */
    public boolean add(MemorySegment data, long at, int length, T owner) {
        boolean mergeable = parse(data, at, length);
        int index = find(data, at, length);
        if (!mergeable) {
            if (index >= 0) {
                flushFlow(index);
            }
            return false;
        }
        if (index >= 0) {
            if (append(flows[index], data, at, owner)) {
                return true;
            }
            flushFlow(index);
        } else if (active == MAX_FLOWS) {
            flushFlow(0); // the oldest: flows stay in the order they started
        }
        start(flows[active++], data, at, owner);
        return true;
    }

    /** Writes everything held. Call at the end of every batch, so nothing waits for the next one. */
    public void flush() {
        for (int i = 0; i < active; i++) {
            write(flows[i]);
        }
        active = 0;
    }

    /** Packets held right now (for tests). */
    int heldFlows() {
        return active;
    }

    /** Fills the parse fields; false if the packet is not a TCP data segment that may be merged. */
    private boolean parse(MemorySegment data, long at, int length) {
        if (length < IPV4_HEADER) {
            return false;
        }
        int version = (data.get(ValueLayout.JAVA_BYTE, at) & 0xf0) >>> 4;
        if (version == 4) {
            ipv4 = true;
            ipHeader = (data.get(ValueLayout.JAVA_BYTE, at) & 0x0f) * 4;
            if (ipHeader != IPV4_HEADER || data.get(ValueLayout.JAVA_BYTE, at + IPV4_PROTOCOL) != PROTO_TCP
                    || (Checksums.readU16(data, at + IPV4_FRAGMENT) & IPV4_FRAGMENT_MASK) != 0
                    || Checksums.readU16(data, at + IPV4_TOTAL_LENGTH) != length) {
                return false;
            }
        } else if (version == 6 && length >= IPV6_HEADER) {
            ipv4 = false;
            ipHeader = IPV6_HEADER;
            if (data.get(ValueLayout.JAVA_BYTE, at + IPV6_NEXT_HEADER) != PROTO_TCP
                    || Checksums.readU16(data, at + IPV6_PAYLOAD_LENGTH) + IPV6_HEADER != length) {
                return false;
            }
        } else {
            return false;
        }
        if (length < ipHeader + TCP_MIN_HEADER) {
            return false;
        }
        int tcpHeader = ((data.get(ValueLayout.JAVA_BYTE, at + ipHeader + TCP_DATA_OFFSET) & 0xf0) >>> 4) * 4;
        headers = ipHeader + tcpHeader;
        payload = length - headers;
        flags = data.get(ValueLayout.JAVA_BYTE, at + ipHeader + TCP_FLAGS) & 0xff;
        // The length may be valid for an inner packet and still not hold the header it claims.
        return tcpHeader >= TCP_MIN_HEADER && payload > 0 && (flags & ~FLAG_PSH) == FLAG_ACK;
    }

    /** The held flow with the packet's addresses and ports, or -1. Works on unparsed packets too. */
    private int find(MemorySegment data, long at, int length) {
        if (active == 0 || length < IPV4_HEADER) {
            return -1;
        }
        int version = (data.get(ValueLayout.JAVA_BYTE, at) & 0xf0) >>> 4;
        if (length < ipHeaderOf(data, at) + Integer.BYTES) {
            return -1; // too short to carry ports: it cannot belong to a held flow's tuple check
        }
        for (int i = 0; i < active; i++) {
            Flow<T> flow = flows[i];
            if (flow.ipv4 ? version == 4 && sameTuple(flow, data, at, IPV4_SOURCE, 8)
                    : version == 6 && sameTuple(flow, data, at, IPV6_SOURCE, 32)) {
                return i;
            }
        }
        return -1;
    }

    private boolean sameTuple(Flow<T> flow, MemorySegment data, long at, int addressOffset, int addressBytes) {
        long packetIpHeader = ipHeaderOf(data, at);
        if (packetIpHeader != flow.ipHeader) {
            return false;
        }
        MemorySegment held = flow.buffer;
        long base = VirtioNetHeader.SIZE;
        return MemorySegment.mismatch(held, base + addressOffset, base + addressOffset + addressBytes,
                        data, at + addressOffset, at + addressOffset + addressBytes) == -1
                && held.get(ValueLayout.JAVA_INT_UNALIGNED, base + flow.ipHeader)
                        == data.get(ValueLayout.JAVA_INT_UNALIGNED, at + flow.ipHeader);
    }

    private static long ipHeaderOf(MemorySegment data, long at) {
        byte first = data.get(ValueLayout.JAVA_BYTE, at);
        return (first & 0xf0) == 0x40 ? (first & 0x0f) * 4L : IPV6_HEADER;
    }

    private void start(Flow<T> flow, MemorySegment data, long at, T owner) {
        int length = headers + payload;
        MemorySegment.copy(data, at, flow.buffer, VirtioNetHeader.SIZE, length);
        flow.owner = owner;
        flow.ipv4 = ipv4;
        flow.ipHeader = ipHeader;
        flow.headers = headers;
        flow.length = length;
        flow.segmentSize = payload;
        flow.segments = 1;
        flow.innerBytes = length;
        flow.nextSequence = (Checksums.readU32(data, at + ipHeader + TCP_SEQ) + payload) & 0xffffffffL;
        flow.closed = (flags & FLAG_PSH) != 0;
    }

    /** Appends the parsed packet's payload to its flow if it continues it exactly; false if not. */
    private boolean append(Flow<T> flow, MemorySegment data, long at, T owner) {
        if (flow.closed || owner != flow.owner || headers != flow.headers || payload > flow.segmentSize
                || flow.length + payload > MAX_PACKET
                || Checksums.readU32(data, at + ipHeader + TCP_SEQ) != flow.nextSequence
                || !sameHeaderFields(flow, data, at)) {
            return false;
        }
        MemorySegment.copy(data, at + headers, flow.buffer, VirtioNetHeader.SIZE + flow.length, payload);
        flow.length += payload;
        flow.segments++;
        flow.innerBytes += headers + payload;
        flow.nextSequence = (flow.nextSequence + payload) & 0xffffffffL;
        if ((flags & FLAG_PSH) != 0) {
            long flagsAt = VirtioNetHeader.SIZE + flow.ipHeader + TCP_FLAGS;
            flow.buffer.set(ValueLayout.JAVA_BYTE, flagsAt, (byte) (flow.buffer.get(ValueLayout.JAVA_BYTE, flagsAt)
                    | FLAG_PSH));
            flow.closed = true;
        }
        if (payload < flow.segmentSize) {
            flow.closed = true;
        }
        return true;
    }

    /** The fields the kernel's GRO also insists on: IP's TOS/TTL (v4) or class/hop limit (v6), ACK and options. */
    private boolean sameHeaderFields(Flow<T> flow, MemorySegment data, long at) {
        MemorySegment held = flow.buffer;
        long base = VirtioNetHeader.SIZE;
        if (flow.ipv4) {
            if (held.get(ValueLayout.JAVA_BYTE, base + IPV4_TOS) != data.get(ValueLayout.JAVA_BYTE, at + IPV4_TOS)
                    || held.get(ValueLayout.JAVA_BYTE, base + IPV4_TTL) != data.get(ValueLayout.JAVA_BYTE, at + IPV4_TTL)
                    || (held.get(ValueLayout.JAVA_BYTE, base + IPV4_FRAGMENT)
                            != data.get(ValueLayout.JAVA_BYTE, at + IPV4_FRAGMENT))) { // the DF bit
                return false;
            }
        } else if (held.get(ValueLayout.JAVA_INT_UNALIGNED, base) != data.get(ValueLayout.JAVA_INT_UNALIGNED, at)
                || held.get(ValueLayout.JAVA_BYTE, base + 7) != data.get(ValueLayout.JAVA_BYTE, at + 7)) {
            return false; // version, traffic class, flow label; hop limit
        }
        long heldTcp = base + flow.ipHeader;
        long tcp = at + ipHeader;
        return held.get(ValueLayout.JAVA_INT_UNALIGNED, heldTcp + TCP_ACK)
                        == data.get(ValueLayout.JAVA_INT_UNALIGNED, tcp + TCP_ACK)
                && MemorySegment.mismatch(held, heldTcp + TCP_MIN_HEADER, base + flow.headers,
                        data, tcp + TCP_MIN_HEADER, at + headers) == -1;
    }

    private void flushFlow(int index) {
        Flow<T> flow = flows[index];
        write(flow);
        // Keep the others in the order they started; the freed buffer goes to the end.
        System.arraycopy(flows, index + 1, flows, index, active - index - 1);
        flows[--active] = flow;
    }

    private void write(Flow<T> flow) {
        MemorySegment buffer = flow.buffer;
        if (flow.segments == 1) {
            VirtioNetHeader.clear(buffer, 0); // as it arrived: complete, with a valid checksum
        } else {
            finishSuperPacket(flow);
        }
        T owner = flow.owner;
        flow.owner = null;
        sink.write(buffer, 0, VirtioNetHeader.SIZE + flow.length, owner, flow.segments, flow.innerBytes);
    }

    /** Fixes the merged packet's lengths and checksums and describes it in the vnet header. */
    private static void finishSuperPacket(Flow<?> flow) {
        MemorySegment buffer = flow.buffer;
        long ip = VirtioNetHeader.SIZE;
        int tcpLength = flow.length - flow.ipHeader;
        long pseudo;
        if (flow.ipv4) {
            Checksums.writeU16(buffer, ip + IPV4_TOTAL_LENGTH, flow.length);
            Checksums.writeU16(buffer, ip + IPV4_CHECKSUM, 0);
            Checksums.writeU16(buffer, ip + IPV4_CHECKSUM, Checksums.finish(Checksums.add(0, buffer, ip, flow.ipHeader)));
            pseudo = Checksums.add(0, buffer, ip + IPV4_SOURCE, 8);
        } else {
            Checksums.writeU16(buffer, ip + IPV6_PAYLOAD_LENGTH, tcpLength);
            pseudo = Checksums.add(0, buffer, ip + IPV6_SOURCE, 32);
        }
        // A partial checksum holds the pseudo-header sum, not complemented: the kernel adds the rest.
        Checksums.writeU16(buffer, ip + flow.ipHeader + TCP_CHECKSUM, Checksums.fold(pseudo + PROTO_TCP + tcpLength));
        VirtioNetHeader.write(buffer, 0, VirtioNetHeader.F_NEEDS_CSUM,
                flow.ipv4 ? VirtioNetHeader.GSO_TCPV4 : VirtioNetHeader.GSO_TCPV6,
                flow.headers, flow.segmentSize, flow.ipHeader, TCP_CHECKSUM);
    }
}
