package io.jtun.packet;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** Builds well-formed test packets with correct checksums (and lets tests break them on purpose). */
final class PacketBuilder {
    static final int ICMP = 1;
    static final int TCP = 6;
    static final int UDP = 17;
    static final int ICMPV6 = 58;

    private PacketBuilder() {
    }

    // ---- addresses -------------------------------------------------------------------------

    static byte[] ip(String literal) {
        try {
            // A literal never triggers a lookup; this is test code, so InetAddress is fine here.
            byte[] address = InetAddress.getByName(literal).getAddress();
            // InetAddress turns "::ffff:a.b.c.d" into an IPv4 address; keep the 16 bytes that were written.
            return literal.contains(":") && address.length == 4
                    ? concat(new byte[10], bytes(0xff, 0xff), address)
                    : address;
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }

    static byte[] mac(String text) {
        return HexFormat.ofDelimiter(":").parseHex(text);
    }

    static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    static byte[] sequence(int length) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) i;
        }
        return b;
    }

    // ---- transport ---------------------------------------------------------------------------

    /** ICMP (v4) message with its checksum filled in. */
    static byte[] icmp(int type, int code, byte[] rest4, byte[] data) {
        byte[] m = concat(bytes(type, code, 0, 0), rest4, data);
        Bytes.put16(m, 2, Checksum.compute(m, 0, m.length));
        return m;
    }

    static byte[] icmpEcho(boolean request, int id, int seq, byte[] data) {
        return icmp(request ? 8 : 0, 0, bytes(id >> 8, id, seq >> 8, seq), data);
    }

    /** ICMPv6 message with zero checksum; {@link Ipv6Builder#packet} fills it in. */
    static byte[] icmpv6(int type, int code, byte[] body) {
        return concat(bytes(type, code, 0, 0), body);
    }

    static byte[] icmpv6Echo(boolean request, int id, int seq, byte[] data) {
        return icmpv6(request ? 128 : 129, 0, concat(bytes(id >> 8, id, seq >> 8, seq), data));
    }

    /** Neighbor solicitation, with a source link-layer address option if {@code sourceMac} is not null. */
    static byte[] neighborSolicitation(String target, String sourceMac) {
        byte[] body = concat(new byte[4], ip(target));
        if (sourceMac != null) {
            body = concat(body, bytes(1, 1), mac(sourceMac));
        }
        return icmpv6(135, 0, body);
    }

    /** TCP segment with a zero checksum (filled in by the IP builders) and {@code optionWords} NOP words. */
    static byte[] tcp(int srcPort, int dstPort, long seq, long ack, int flags, int window, int optionWords,
                      byte[] payload) {
        int headerLen = 20 + optionWords * 4;
        byte[] h = new byte[headerLen];
        Bytes.put16(h, 0, srcPort);
        Bytes.put16(h, 2, dstPort);
        Bytes.put32(h, 4, seq);
        Bytes.put32(h, 8, ack);
        h[12] = (byte) ((headerLen / 4) << 4);
        h[13] = (byte) flags;
        Bytes.put16(h, 14, window);
        for (int i = 20; i < headerLen; i++) {
            h[i] = 1; // NOP
        }
        return concat(h, payload);
    }

    static byte[] tcp(int srcPort, int dstPort, long seq, long ack, int flags, int window, byte[] payload) {
        return tcp(srcPort, dstPort, seq, ack, flags, window, 0, payload);
    }

    /** UDP datagram with a zero checksum (filled in by the IP builders). */
    static byte[] udp(int srcPort, int dstPort, byte[] payload) {
        byte[] h = new byte[8];
        Bytes.put16(h, 0, srcPort);
        Bytes.put16(h, 2, dstPort);
        Bytes.put16(h, 4, 8 + payload.length);
        return concat(h, payload);
    }

    // ---- IP ----------------------------------------------------------------------------------

    static Ipv4Builder ipv4(String src, String dst) {
        return new Ipv4Builder(src, dst);
    }

    static byte[] ipv4(String src, String dst, int protocol, byte[] payload) {
        return ipv4(src, dst).packet(protocol, payload);
    }

    static Ipv6Builder ipv6(String src, String dst) {
        return new Ipv6Builder(src, dst);
    }

    static byte[] ipv6(String src, String dst, int nextHeader, byte[] payload) {
        return ipv6(src, dst).packet(nextHeader, payload);
    }

    static final class Ipv4Builder {
        private final byte[] src;
        private final byte[] dst;
        private int id;
        private int ttl = 64;
        private int fragmentOffset;
        private boolean more;
        private boolean dontFragment = true;
        private byte[] options = new byte[0];

        private Ipv4Builder(String src, String dst) {
            this.src = ip(src);
            this.dst = ip(dst);
        }

        Ipv4Builder id(int value) {
            id = value;
            return this;
        }

        Ipv4Builder ttl(int value) {
            ttl = value;
            return this;
        }

        /** Makes this a fragment: offset in bytes (multiple of 8) and the more-fragments flag. */
        Ipv4Builder fragment(int offsetBytes, boolean moreFragments) {
            fragmentOffset = offsetBytes;
            more = moreFragments;
            dontFragment = false;
            return this;
        }

        /** IPv4 options, padded by the caller to a multiple of 4 bytes. */
        Ipv4Builder options(byte[] value) {
            options = value;
            return this;
        }

        byte[] packet(int protocol, byte[] payload) {
            int headerLen = 20 + options.length;
            byte[] p = new byte[headerLen + payload.length];
            p[0] = (byte) (0x40 | headerLen / 4);
            Bytes.put16(p, 2, p.length);
            Bytes.put16(p, 4, id);
            Bytes.put16(p, 6, (dontFragment ? 0x4000 : 0) | (more ? 0x2000 : 0) | fragmentOffset / 8);
            p[8] = (byte) ttl;
            p[9] = (byte) protocol;
            System.arraycopy(src, 0, p, 12, 4);
            System.arraycopy(dst, 0, p, 16, 4);
            System.arraycopy(options, 0, p, 20, options.length);
            System.arraycopy(payload, 0, p, headerLen, payload.length);
            Bytes.put16(p, 10, Checksum.compute(p, 0, headerLen));
            if (fragmentOffset == 0 && !more) {
                int checksumOffset = transportChecksumOffset(protocol);
                if (checksumOffset >= 0 && payload.length >= checksumOffset + 2) {
                    long pseudo = Checksum.ipv4PseudoHeader(p, 0, protocol, payload.length);
                    Bytes.put16(p, headerLen + checksumOffset,
                            udpChecksum(protocol, Checksum.compute(pseudo, p, headerLen, payload.length)));
                }
            }
            return p;
        }
    }

    static final class Ipv6Builder {
        private final byte[] src;
        private final byte[] dst;
        private int hopLimit = 64;
        private final List<Integer> extensionTypes = new ArrayList<>();
        private final List<byte[]> extensionHeaders = new ArrayList<>();
        private boolean fragment;

        private Ipv6Builder(String src, String dst) {
            this.src = ip(src);
            this.dst = ip(dst);
        }

        Ipv6Builder hopLimit(int value) {
            hopLimit = value;
            return this;
        }

        /** Adds a hop-by-hop (0), routing (43) or destination options (60) header of {@code units} * 8 bytes. */
        Ipv6Builder extension(int type, int units) {
            byte[] h = new byte[units * 8];
            h[1] = (byte) (units - 1);
            if (type != 43) {
                h[2] = 1; // a PadN option filling the rest keeps the options area valid
                h[3] = (byte) (h.length - 4);
            }
            extensionTypes.add(type);
            extensionHeaders.add(h);
            return this;
        }

        /** Adds a fragment header; offset in bytes (multiple of 8). */
        Ipv6Builder fragment(long id, int offsetBytes, boolean more) {
            byte[] h = new byte[8];
            Bytes.put16(h, 2, offsetBytes | (more ? 1 : 0));
            Bytes.put32(h, 4, id);
            fragment = fragment || offsetBytes != 0 || more;
            extensionTypes.add(44);
            extensionHeaders.add(h);
            return this;
        }

        byte[] packet(int nextHeader, byte[] payload) {
            // Each extension header names the one after it; the last names the upper layer.
            for (int i = 0; i < extensionHeaders.size(); i++) {
                extensionHeaders.get(i)[0] = (byte) (i + 1 < extensionTypes.size() ? extensionTypes.get(i + 1) : nextHeader);
            }
            byte[] ext = concat(extensionHeaders.toArray(new byte[0][]));
            int upperOffset = 40 + ext.length;
            byte[] p = new byte[upperOffset + payload.length];
            Bytes.put32(p, 0, 0x6000_0000L);
            Bytes.put16(p, 4, ext.length + payload.length);
            p[6] = (byte) (extensionTypes.isEmpty() ? nextHeader : extensionTypes.getFirst());
            p[7] = (byte) hopLimit;
            System.arraycopy(src, 0, p, 8, 16);
            System.arraycopy(dst, 0, p, 24, 16);
            System.arraycopy(ext, 0, p, 40, ext.length);
            System.arraycopy(payload, 0, p, upperOffset, payload.length);
            int checksumOffset = transportChecksumOffset(nextHeader);
            if (!fragment && checksumOffset >= 0 && payload.length >= checksumOffset + 2) {
                long pseudo = Checksum.ipv6PseudoHeader(p, 0, nextHeader, payload.length);
                Bytes.put16(p, upperOffset + checksumOffset,
                        udpChecksum(nextHeader, Checksum.compute(pseudo, p, upperOffset, payload.length)));
            }
            return p;
        }
    }

    private static int transportChecksumOffset(int protocol) {
        return switch (protocol) {
            case TCP -> 16;
            case UDP -> 6;
            case ICMPV6 -> 2;
            default -> -1;
        };
    }

    /** UDP sends a computed 0 as 0xffff, since 0 means "no checksum". */
    private static int udpChecksum(int protocol, int checksum) {
        return protocol == UDP && checksum == 0 ? 0xffff : checksum;
    }

    // ---- link layer --------------------------------------------------------------------------

    static byte[] ethernet(String dst, String src, int ethertype, byte[] payload) {
        byte[] h = concat(mac(dst), mac(src), bytes(ethertype >> 8, ethertype));
        return concat(h, payload);
    }

    /** Ethernet frame with one 802.1Q tag. */
    static byte[] ethernetVlan(String dst, String src, int vlan, int priority, int ethertype, byte[] payload) {
        int tci = priority << 13 | vlan;
        byte[] h = concat(mac(dst), mac(src), bytes(0x81, 0x00, tci >> 8, tci, ethertype >> 8, ethertype));
        return concat(h, payload);
    }

    static byte[] arp(int op, String senderMac, String senderIp, String targetMac, String targetIp) {
        return concat(bytes(0, 1, 0x08, 0x00, 6, 4, op >> 8, op),
                mac(senderMac), ip(senderIp), mac(targetMac), ip(targetIp));
    }
}
