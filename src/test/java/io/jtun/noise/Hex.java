package io.jtun.noise;

import java.util.HexFormat;

/** Hex helpers for test vectors (spaces are ignored, so vectors can be pasted in groups). */
final class Hex {
    private Hex() {
    }

    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    /** The bytes first, first+1, ... (length of them), as test vectors often use. */
    static byte[] sequence(int first, int length) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (first + i);
        }
        return b;
    }
}
