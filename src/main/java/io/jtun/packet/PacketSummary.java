package io.jtun.packet;

/**
 * One-line, {@code tcpdump -n} style summaries of captured packets, for logs and debugging.
 *
 * <p>Examples of the formats produced:
 * <pre>
 * IP 192.168.3.11 &gt; 192.168.3.12: ICMP echo request, id 24028, seq 1, length 64
 * IP 10.0.0.1.5555 &gt; 10.0.0.2.80: Flags [S], seq 1000, win 64240, length 0
 * IP 10.0.0.1.5555 &gt; 10.0.0.2.80: Flags [P.], seq 1001:1101, ack 1, win 502, length 100
 * IP 10.0.0.1.5353 &gt; 10.0.0.2.53: UDP, length 32
 * IP6 fd00:3::11 &gt; fd00:3::12: ICMP6, echo request, id 7, seq 1, length 64
 * IP6 fe80::1 &gt; ff02::1:ff00:2: ICMP6, neighbor solicitation, who has fd00::2, length 32
 * IP 10.0.0.1 &gt; 10.0.0.2: ICMP destination unreachable (port unreachable), length 36
 * IP 1.1.1.1 &gt; 2.2.2.2: IP-in-IP, length 84: IP 10.0.0.1 &gt; 10.0.0.2: ICMP echo request, ...
 * aa:bb:cc:dd:ee:ff &gt; ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 42: ARP, Request who-has 192.168.3.12 tell 192.168.3.11, length 28
 * aa:bb:cc:dd:ee:ff &gt; 02:6a:74:75:6e:01, ethertype 802.1Q (0x8100), length 102: vlan 10, p 0, ethertype IPv4 (0x0800), IP ...
 * </pre>
 * Lengths follow tcpdump: ICMP/ICMPv6 message length, TCP/UDP payload length, ARP bytes after the
 * Ethernet header, and the whole frame length in the Ethernet prefix. Unlike {@code tcpdump -e},
 * the {@code IP}/{@code IP6} word is kept after an Ethernet prefix so a line greps the same on TUN
 * and TAP. TCP options and application protocols are not decoded; TCP sequence numbers are absolute.
 *
 * <p>Unusual packets:
 * <ul>
 * <li>Fragments (IPv4, and IPv6 with a fragment header): a later fragment cannot be decoded past
 *     IP and shows {@code IP a > b: ip-proto-17 (frag id 4660, offset 1480, more), length 100}
 *     (offset in bytes, length = fragment payload). The first fragment is decoded normally and
 *     gets {@code  (frag id 4660, offset 0, more)} appended. {@code , more} appears only when the
 *     more-fragments flag is set.</li>
 * <li>Captured bytes ending inside a header: what could be decoded, then tcpdump's marker, e.g.
 *     {@code IP [|ip]}, {@code IP 10.0.0.1 > 10.0.0.2: [|tcp]}, {@code ... ICMP echo request [|icmp]},
 *     {@code [|udp]}, {@code [|icmp6]}, {@code [|ip6]} (inside IPv6 extension headers),
 *     {@code [|arp]}, {@code [|vlan]}, {@code [|ether]}.</li>
 * <li>An IP packet whose length field promises more bytes than were captured: decoded as far as
 *     possible, lengths taken from the headers, and {@code  (truncated, 40 of 60 bytes)} appended
 *     (bytes of the IP packet present, of its declared length). Bytes beyond the declared length
 *     (Ethernet padding) are ignored.</li>
 * <li>Malformed headers give an explanation and nothing more:
 *     {@code IP bad version 5}, {@code IP bad header length 3 (needs >= 5)} (in 32-bit words),
 *     {@code IP bad total length 12 (< header length 20)}, {@code IP6 bad version 4},
 *     {@code IP6 a > b: bad routing header length 64 (> 20 bytes left)},
 *     {@code IP a.1 > b.2: tcp bad data offset 3 (needs >= 5)},
 *     {@code IP a.1 > b.2: tcp bad data offset 15 (header 60 > segment 40)},
 *     {@code IP a.1 > b.2: UDP, bad length 4 (needs >= 8)}, {@code UDP, bad length 100 > 40}.</li>
 * <li>Anything else that cannot be decoded (an unknown IP version on a TUN device, an empty
 *     buffer) is shown as hex: {@code unknown, 3 bytes: 01 02 03}, at most 64 bytes then
 *     {@code ...}. Unknown IP protocols: {@code ip-proto-47, length 24}; unknown ethertypes:
 *     {@code ethertype 0x88b5, length 60} with no payload summary; 802.3 length-field frames:
 *     {@code 802.3, length 60}.</li>
 * </ul>
 *
 * <p>{@link #describe} never throws, whatever the bytes; out-of-range arguments are described
 * rather than rejected, because a logging helper must not take down the packet path.
 */
public final class PacketSummary {
    /** Usual summaries fit without the builder growing. */
    private static final int INITIAL_CAPACITY = 128;

    private PacketSummary() {
    }

    /** Summary of a whole array holding one packet or frame. */
    public static String describe(byte[] packet, LinkType link) {
        return describe(packet, 0, packet == null ? 0 : packet.length, link);
    }

    /** Summary of the packet or frame in {@code buf[offset, offset + length)}. Never throws. */
    public static String describe(byte[] buf, int offset, int length, LinkType link) {
        if (buf == null) {
            return "no buffer";
        }
        if (offset < 0 || length < 0 || offset > buf.length - length) {
            return "bad buffer range: offset " + offset + ", length " + length + ", array " + buf.length;
        }
        try {
            return decode(buf, offset, length, link);
        } catch (RuntimeException e) {
            // The decoders are fuzzed never to get here; this is the last line of the never-throws contract.
            StringBuilder out = new StringBuilder("decoder failure (").append(e).append("), ");
            HexDump.unknown(out, buf, offset, length);
            return out.toString();
        }
    }

    /** The decoder proper, without the safety net, so tests can see any exception it throws. */
    static String decode(byte[] buf, int offset, int length, LinkType link) {
        StringBuilder out = new StringBuilder(INITIAL_CAPACITY);
        if (link == LinkType.ETHERNET) {
            Ethernet.describe(out, buf, offset, length);
        } else if (link == LinkType.RAW_IP && length > 0 && Ipv4.version(buf, offset) == Ipv4.VERSION) {
            Ipv4.describe(out, buf, offset, length, 0);
        } else if (link == LinkType.RAW_IP && length > 0 && Ipv4.version(buf, offset) == Ipv6.VERSION) {
            Ipv6.describe(out, buf, offset, length, 0);
        } else {
            HexDump.unknown(out, buf, offset, length);
        }
        return out.toString();
    }
}
