package io.jtun.packet;

/** UDP header layout (RFC 768) and the tcpdump-style summary. */
final class Udp {
    static final int OFF_SRC_PORT = 0;
    static final int OFF_DST_PORT = 2;
    static final int OFF_LENGTH = 4;
    static final int OFF_CHECKSUM = 6;
    static final int PORTS_LEN = 4;
    static final int HEADER_LEN = 8;

    private Udp() {
    }

    /**
     * Appends e.g. {@code IP a.5353 > b.53: UDP, length 32}, the payload length from the UDP
     * length field. In a first fragment the UDP length covers the whole datagram, so it is not
     * compared with the fragment's size.
     */
    static void describe(StringBuilder out, Endpoints ends, byte[] b, int off, int captured, int length,
                         boolean fragmented) {
        if (captured < PORTS_LEN) {
            ends.hosts(out);
            out.append(Truncation.marker("udp"));
            return;
        }
        ends.hostsAndPorts(out, Bytes.u16(b, off + OFF_SRC_PORT), Bytes.u16(b, off + OFF_DST_PORT));
        if (captured < HEADER_LEN) {
            out.append(Truncation.marker("udp"));
            return;
        }
        int udpLength = Bytes.u16(b, off + OFF_LENGTH);
        if (udpLength < HEADER_LEN) {
            out.append("UDP, bad length ").append(udpLength).append(" (needs >= ").append(HEADER_LEN).append(')');
        } else if (udpLength > length && !fragmented) {
            out.append("UDP, bad length ").append(udpLength).append(" > ").append(length);
        } else {
            out.append("UDP, length ").append(udpLength - HEADER_LEN);
        }
    }
}
