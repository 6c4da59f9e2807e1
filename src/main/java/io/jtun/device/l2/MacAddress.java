package io.jtun.device.l2;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Ethernet MAC addresses held in a {@code long}: the 48 bits with the first byte on the wire in
 * bits 47..40, so a MAC is a map key and a comparison without any object behind it.
 */
public final class MacAddress {
    /** Bytes of a MAC address on the wire. */
    public static final int LENGTH = 6;
    /** Bits of a MAC address; every valid value fits in them. */
    public static final int BITS = 48;
    /** ff:ff:ff:ff:ff:ff. */
    public static final long BROADCAST = (1L << BITS) - 1;

    /** The I/G bit: the lowest bit of the first byte marks a group (multicast) address. */
    private static final long GROUP_BIT = 1L << (BITS - Byte.SIZE);
    private static final ValueLayout.OfShort HIGH_16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt LOW_32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    /** Two hex digits and a separator, which the last octet goes without. */
    private static final int CHARS_PER_OCTET = 3;
    private static final int TEXT_LENGTH = LENGTH * CHARS_PER_OCTET - 1;
    private static final char SEPARATOR = ':';
    private static final int HEX = 16;
    private static final char ASCII_LIMIT = 128;
    private static final int BYTE_MASK = 0xff;
    private static final int NIBBLE_BITS = 4;
    private static final int NIBBLE_MASK = 0xf;

    private MacAddress() {
    }

    /** The MAC in the 6 bytes at {@code offset}; reads two big-endian words, allocates nothing. */
    public static long read(MemorySegment data, long offset) {
        long high = Short.toUnsignedLong(data.get(HIGH_16, offset));
        long low = Integer.toUnsignedLong(data.get(LOW_32, offset + Short.BYTES));
        return high << Integer.SIZE | low;
    }

    /** True for group addresses, broadcast included: such a MAC is never a frame's sender. */
    public static boolean isMulticast(long mac) {
        return (mac & GROUP_BIT) != 0;
    }

    public static boolean isBroadcast(long mac) {
        return mac == BROADCAST;
    }

    /** Lower-case colon-separated text, e.g. {@code 02:00:00:00:00:01}. */
    public static String format(long mac) {
        char[] text = new char[TEXT_LENGTH];
        for (int i = 0; i < LENGTH; i++) {
            int octet = (int) (mac >>> (BITS - Byte.SIZE * (i + 1))) & BYTE_MASK;
            int at = i * CHARS_PER_OCTET;
            text[at] = Character.forDigit(octet >>> NIBBLE_BITS, HEX);
            text[at + 1] = Character.forDigit(octet & NIBBLE_MASK, HEX);
            if (i + 1 < LENGTH) {
                text[at + 2] = SEPARATOR;
            }
        }
        return new String(text);
    }

    /**
     * The MAC written as six colon-separated pairs of hex digits, either case.
     *
     * @throws IllegalArgumentException when {@code text} is not in that form
     */
    public static long parse(String text) {
        if (text.length() != TEXT_LENGTH) {
            throw malformed(text);
        }
        long mac = 0;
        for (int i = 0; i < LENGTH; i++) {
            int at = i * CHARS_PER_OCTET;
            int high = hexDigit(text.charAt(at));
            int low = hexDigit(text.charAt(at + 1));
            boolean separated = i + 1 == LENGTH || text.charAt(at + 2) == SEPARATOR;
            if (high < 0 || low < 0 || !separated) {
                throw malformed(text);
            }
            mac = mac << Byte.SIZE | high << NIBBLE_BITS | low;
        }
        return mac;
    }

    /** The value of an ASCII hex digit, or -1: {@link Character#digit} would also take non-ASCII digits. */
    private static int hexDigit(char c) {
        return c < ASCII_LIMIT ? Character.digit(c, HEX) : -1;
    }

    private static IllegalArgumentException malformed(String text) {
        return new IllegalArgumentException(
                "not a MAC address: \"" + text + "\" (expected six colon-separated hex pairs, e.g. 02:00:00:00:00:01)");
    }
}
