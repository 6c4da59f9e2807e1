package io.jtun.packet;

/** TCP header layout (RFC 9293) and the tcpdump-style summary. */
final class Tcp {
    static final int OFF_SRC_PORT = 0;
    static final int OFF_DST_PORT = 2;
    static final int OFF_SEQ = 4;
    static final int OFF_ACK = 8;
    static final int OFF_DATA_OFFSET = 12;
    static final int OFF_FLAGS = 13;
    static final int OFF_WINDOW = 14;
    static final int OFF_CHECKSUM = 16;
    static final int OFF_URGENT = 18;

    static final int PORTS_LEN = 4;
    static final int MIN_HEADER_LEN = 20;
    /** Data offset counts 32-bit words, in the top nibble of its byte. */
    static final int MIN_DATA_OFFSET = 5;
    static final int DATA_OFFSET_SHIFT = 4;
    static final int DATA_OFFSET_UNIT = 4;

    static final int FIN = 0x01;
    static final int SYN = 0x02;
    static final int RST = 0x04;
    static final int PSH = 0x08;
    static final int ACK = 0x10;
    static final int URG = 0x20;
    static final int ECE = 0x40;
    static final int CWR = 0x80;

    /** Flag bits and letters in tcpdump's print order; ACK is '.'. */
    private static final int[] FLAG_BITS = {FIN, SYN, RST, PSH, ACK, URG, ECE, CWR};
    private static final char[] FLAG_LETTERS = {'F', 'S', 'R', 'P', '.', 'U', 'E', 'W'};

    private static final long SEQ_MODULUS = 1L << 32;

    private Tcp() {
    }

    /**
     * Appends e.g. {@code IP a.1 > b.2: Flags [P.], seq 1001:1101, ack 1, win 502, length 100}.
     * Like tcpdump, seq is shown only for segments that carry data or SYN/FIN/RST, and the
     * length is the payload length per the IP header and TCP data offset. Options are not shown.
     */
    static void describe(StringBuilder out, Endpoints ends, byte[] b, int off, int captured, int length) {
        if (captured < PORTS_LEN) {
            ends.hosts(out);
            out.append(Truncation.marker("tcp"));
            return;
        }
        ends.hostsAndPorts(out, Bytes.u16(b, off + OFF_SRC_PORT), Bytes.u16(b, off + OFF_DST_PORT));
        if (captured < MIN_HEADER_LEN) {
            out.append(Truncation.marker("tcp"));
            return;
        }
        int dataOffset = Bytes.u8(b, off + OFF_DATA_OFFSET) >>> DATA_OFFSET_SHIFT;
        int headerLen = dataOffset * DATA_OFFSET_UNIT;
        if (dataOffset < MIN_DATA_OFFSET) {
            out.append("tcp bad data offset ").append(dataOffset).append(" (needs >= ").append(MIN_DATA_OFFSET).append(')');
            return;
        }
        if (headerLen > length) {
            out.append("tcp bad data offset ").append(dataOffset)
                    .append(" (header ").append(headerLen).append(" > segment ").append(length).append(')');
            return;
        }
        int flags = Bytes.u8(b, off + OFF_FLAGS);
        long seq = Bytes.u32(b, off + OFF_SEQ);
        int payload = length - headerLen;

        out.append("Flags [");
        appendFlags(out, flags);
        out.append(']');
        if (payload > 0 || (flags & (SYN | FIN | RST)) != 0) {
            out.append(", seq ").append(seq);
            if (payload > 0) {
                out.append(':').append((seq + payload) % SEQ_MODULUS);
            }
        }
        if ((flags & ACK) != 0) {
            out.append(", ack ").append(Bytes.u32(b, off + OFF_ACK));
        }
        out.append(", win ").append(Bytes.u16(b, off + OFF_WINDOW));
        if ((flags & URG) != 0) {
            out.append(", urg ").append(Bytes.u16(b, off + OFF_URGENT));
        }
        out.append(", length ").append(payload);
    }

    private static void appendFlags(StringBuilder out, int flags) {
        if (flags == 0) {
            out.append("none");
            return;
        }
        for (int i = 0; i < FLAG_BITS.length; i++) {
            if ((flags & FLAG_BITS[i]) != 0) {
                out.append(FLAG_LETTERS[i]);
            }
        }
    }
}
