package io.jtun.net;

import io.jtun.ExitCode;
import io.jtun.JtunException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * An IPv4 or IPv6 address with a prefix length, as in "192.168.3.11/24" or "fd00:3::11/64".
 * Host bits are kept (an interface address needs them); {@link #network()} clears them.
 *
 * <p>{@link #parse} is a pure text parser: it never consults DNS or any other resolver, so a
 * host name is rejected rather than looked up.
 *
 * @param address 4 bytes (IPv4) or 16 bytes (IPv6), network byte order
 * @param prefixLength 0-32 for IPv4, 0-128 for IPv6
 */
public record IpPrefix(byte[] address, int prefixLength) {

    public IpPrefix {
        Objects.requireNonNull(address, "address");
        if (address.length != 4 && address.length != 16) {
            throw new IllegalArgumentException("an IP address has 4 or 16 bytes, not " + address.length);
        }
        if (prefixLength < 0 || prefixLength > address.length * 8) {
            throw new IllegalArgumentException(
                    "prefix length " + prefixLength + " is out of range 0-" + address.length * 8);
        }
        address = address.clone();
    }

    /** A copy: the record stays immutable. */
    @Override
    public byte[] address() {
        return address.clone();
    }

    /**
     * Parses "address/length" or a bare address, which stands for the single host (/32, /128).
     *
     * @throws JtunException with {@link ExitCode#USAGE} when the text is not such a prefix
     */
    public static IpPrefix parse(String text) {
        Objects.requireNonNull(text, "text");
        String trimmed = text.strip();
        int slash = trimmed.indexOf('/');
        String addressText = slash < 0 ? trimmed : trimmed.substring(0, slash);
        byte[] address = addressText.indexOf(':') >= 0 ? parseIpv6(addressText) : parseIpv4(addressText);
        if (address == null) {
            throw notAPrefix(text);
        }
        int maxLength = address.length * 8;
        if (slash < 0) {
            return new IpPrefix(address, maxLength);
        }
        String lengthText = trimmed.substring(slash + 1);
        if (lengthText.isEmpty() || lengthText.length() > 3 || !allDigits(lengthText)) {
            throw notAPrefix(text);
        }
        int length = Integer.parseInt(lengthText);
        if (length > maxLength) {
            throw new JtunException(ExitCode.USAGE, "prefix length " + length + " in '" + text + "' is out of range: "
                    + (address.length == 4 ? "IPv4" : "IPv6") + " allows 0-" + maxLength);
        }
        return new IpPrefix(address, length);
    }

    private static JtunException notAPrefix(String text) {
        return new JtunException(ExitCode.USAGE, "'" + text
                + "' is not an IP address with prefix length, e.g. 192.168.3.11/24 or fd00::1/64");
    }

    public boolean isIpv6() {
        return address.length == 16;
    }

    /** The same prefix with the host bits cleared: 192.168.3.11/24 → 192.168.3.0/24. */
    public IpPrefix network() {
        byte[] network = address.clone();
        for (int bit = prefixLength; bit < network.length * 8; bit++) {
            network[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        return new IpPrefix(network, prefixLength);
    }

    /** True when both have the same address, whatever their prefix lengths. */
    public boolean sameAddress(IpPrefix other) {
        return Arrays.equals(address, other.address);
    }

    /** The address alone in canonical form: dotted quad, or RFC 5952 for IPv6. */
    public String addressText() {
        return isIpv6() ? formatIpv6(address) : formatIpv4(address, 0);
    }

    /** Canonical "address/length", e.g. "192.168.3.11/24" or "fd00:3::11/64". */
    @Override
    public String toString() {
        return addressText() + "/" + prefixLength;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IpPrefix other && prefixLength == other.prefixLength
                && Arrays.equals(address, other.address);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(address) + prefixLength;
    }

    // ---- parsing -----------------------------------------------------------------------------

    private static boolean allDigits(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /**
     * Strict dotted quad: four decimal parts 0-255. Leading zeros are refused because inet_aton
     * and friends read "010" as octal 8; accepting it either way would surprise someone.
     */
    private static byte[] parseIpv4(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] address = new byte[4];
        for (int i = 0; i < 4; i++) {
            String part = parts[i];
            if (part.isEmpty() || part.length() > 3 || !allDigits(part)
                    || (part.length() > 1 && part.charAt(0) == '0')) {
                return null;
            }
            int value = Integer.parseInt(part);
            if (value > 255) {
                return null;
            }
            address[i] = (byte) value;
        }
        return address;
    }

    /** RFC 4291 text: up to eight hex groups, at most one "::", optionally ending in a dotted quad. */
    private static byte[] parseIpv6(String text) {
        int gap = text.indexOf("::");
        if (gap >= 0 && text.indexOf("::", gap + 1) >= 0) {
            return null;
        }
        List<Integer> head;
        List<Integer> tail;
        if (gap < 0) {
            head = groups(text, true);
            tail = List.of();
            if (head == null || head.size() != 8) {
                return null;
            }
        } else {
            head = groups(text.substring(0, gap), false);
            tail = groups(text.substring(gap + 2), true);
            if (head == null || tail == null || head.size() + tail.size() > 7) {
                return null;
            }
        }
        byte[] address = new byte[16];
        for (int i = 0; i < head.size(); i++) {
            address[2 * i] = (byte) (head.get(i) >> 8);
            address[2 * i + 1] = (byte) (int) head.get(i);
        }
        int tailStart = 8 - tail.size();
        for (int i = 0; i < tail.size(); i++) {
            address[2 * (tailStart + i)] = (byte) (tail.get(i) >> 8);
            address[2 * (tailStart + i) + 1] = (byte) (int) tail.get(i);
        }
        return address;
    }

    /** The 16-bit groups of one side of "::"; "" is no groups. Null when malformed. */
    private static List<Integer> groups(String text, boolean mayEndInIpv4) {
        List<Integer> groups = new ArrayList<>();
        if (text.isEmpty()) {
            return groups;
        }
        String[] parts = text.split(":", -1);
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            if (i == parts.length - 1 && mayEndInIpv4 && part.indexOf('.') >= 0) {
                byte[] ipv4 = parseIpv4(part);
                if (ipv4 == null) {
                    return null;
                }
                groups.add((ipv4[0] & 0xff) << 8 | ipv4[1] & 0xff);
                groups.add((ipv4[2] & 0xff) << 8 | ipv4[3] & 0xff);
                continue;
            }
            if (part.isEmpty() || part.length() > 4) {
                return null;
            }
            int value = 0;
            for (int k = 0; k < part.length(); k++) {
                int digit = hexDigit(part.charAt(k));
                if (digit < 0) {
                    return null;
                }
                value = value << 4 | digit;
            }
            groups.add(value);
        }
        return groups.size() > 8 ? null : groups;
    }

    /** ASCII only: Character.digit would also take e.g. Arabic-Indic digits. */
    private static int hexDigit(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    // ---- formatting --------------------------------------------------------------------------

    private static String formatIpv4(byte[] address, int offset) {
        return (address[offset] & 0xff) + "." + (address[offset + 1] & 0xff) + "." + (address[offset + 2] & 0xff)
                + "." + (address[offset + 3] & 0xff);
    }

    /**
     * RFC 5952: lower-case hex without leading zeros, the longest run (first if tied) of two or
     * more zero groups as "::", and IPv4-mapped addresses as ::ffff:a.b.c.d.
     */
    private static String formatIpv6(byte[] address) {
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = (address[2 * i] & 0xff) << 8 | address[2 * i + 1] & 0xff;
        }
        if (groups[0] == 0 && groups[1] == 0 && groups[2] == 0 && groups[3] == 0 && groups[4] == 0
                && groups[5] == 0xffff) {
            return "::ffff:" + formatIpv4(address, 12);
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int start = i;
            while (i < 8 && groups[i] == 0) {
                i++;
            }
            if (i - start > bestLength) {
                bestStart = start;
                bestLength = i - start;
            }
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                text.append("::");
                i += bestLength - 1;
                continue;
            }
            if (!text.isEmpty() && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[i]));
        }
        return text.toString();
    }
}
