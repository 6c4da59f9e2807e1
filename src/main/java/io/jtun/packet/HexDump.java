package io.jtun.packet;

/** The fallback rendering for bytes no decoder understands. */
final class HexDump {
    /** Enough to recognise a header by eye while keeping one-line summaries bounded. */
    static final int MAX_SHOWN = 64;
    private static final int WORD_DIGITS = 4;

    private HexDump() {
    }

    /** Appends {@code unknown, N bytes: 01 02 ...}, with {@code ...} after the first 64 bytes. */
    static void unknown(StringBuilder out, byte[] b, int off, int len) {
        out.append("unknown, ").append(len).append(len == 1 ? " byte" : " bytes");
        if (len > 0) {
            out.append(':');
            bytes(out, b, off, len);
        }
    }

    /** Appends each byte as " xx", up to {@link #MAX_SHOWN}, then " ..." if more remain. */
    static void bytes(StringBuilder out, byte[] b, int off, int len) {
        int shown = Math.min(len, MAX_SHOWN);
        for (int i = 0; i < shown; i++) {
            out.append(' ');
            InetFormat.appendHexByte(out, Bytes.u8(b, off + i));
        }
        if (len > shown) {
            out.append(" ...");
        }
    }

    /** {@code 0x0800}: a 16-bit value as 4 zero-padded lowercase hex digits, as tcpdump shows ethertypes. */
    static String word(int value) {
        String digits = Integer.toHexString(value);
        return "0x" + "0".repeat(Math.max(0, WORD_DIGITS - digits.length())) + digits;
    }
}
