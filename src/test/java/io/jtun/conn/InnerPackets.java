package io.jtun.conn;

import java.nio.ByteBuffer;

/** Hand-built inner packets for the IP-in-IP tests: ICMP echo requests, checksums included. */
final class InnerPackets {
    private static final int IPV4_HEADER = 20;
    private static final int IPV6_HEADER = 40;
    private static final int ECHO_HEADER = 8;
    private static final int PROTO_ICMP = 1;
    private static final int PROTO_ICMPV6 = 58;
    private static final int ICMP_ECHO_REQUEST = 8;
    private static final int ICMPV6_ECHO_REQUEST = 128;
    private static final int TTL = 64;

    private InnerPackets() {
    }

    /** IPv4 + ICMP echo request, id 1, seq 1. */
    static byte[] icmpv4Echo(byte[] src, byte[] dst, byte[] data) {
        int total = IPV4_HEADER + ECHO_HEADER + data.length;
        ByteBuffer b = ByteBuffer.allocate(total);
        b.put((byte) 0x45).put((byte) 0).putShort((short) total).putShort((short) 0x1234).putShort((short) 0)
                .put((byte) TTL).put((byte) PROTO_ICMP).putShort((short) 0).put(src).put(dst);
        b.putShort(10, (short) checksum(b.array(), 0, IPV4_HEADER, 0));
        b.put((byte) ICMP_ECHO_REQUEST).put((byte) 0).putShort((short) 0).putShort((short) 1).putShort((short) 1)
                .put(data);
        b.putShort(IPV4_HEADER + 2, (short) checksum(b.array(), IPV4_HEADER, total - IPV4_HEADER, 0));
        return b.array();
    }

    /** IPv6 + ICMPv6 echo request, id 1, seq 1. */
    static byte[] icmpv6Echo(byte[] src, byte[] dst, byte[] data) {
        int payload = ECHO_HEADER + data.length;
        ByteBuffer b = ByteBuffer.allocate(IPV6_HEADER + payload);
        b.putInt(0x60000000).putShort((short) payload).put((byte) PROTO_ICMPV6).put((byte) TTL).put(src).put(dst);
        b.put((byte) ICMPV6_ECHO_REQUEST).put((byte) 0).putShort((short) 0).putShort((short) 1).putShort((short) 1)
                .put(data);
        // The ICMPv6 checksum covers a pseudo-header: addresses, length, next header.
        long pseudo = sum(src, 0, src.length) + sum(dst, 0, dst.length) + payload + PROTO_ICMPV6;
        b.putShort(IPV6_HEADER + 2, (short) checksum(b.array(), IPV6_HEADER, payload, pseudo));
        return b.array();
    }

    private static long sum(byte[] b, int off, int len) {
        long s = 0;
        for (int i = 0; i < len; i += 2) {
            int hi = b[off + i] & 0xff;
            int lo = i + 1 < len ? b[off + i + 1] & 0xff : 0;
            s += (hi << 8) | lo;
        }
        return s;
    }

    private static int checksum(byte[] b, int off, int len, long initial) {
        long s = initial + sum(b, off, len);
        while ((s >> 16) != 0) {
            s = (s & 0xffff) + (s >> 16);
        }
        return (int) ~s & 0xffff;
    }
}
