package io.jtun.tun;

/**
 * Offload flags for TUNSETOFFLOAD (linux/if_tun.h). With them the kernel may hand the device
 * unsegmented "super-packets" and partial checksums described by the virtio-net header, so
 * they are only meaningful on a device opened with a vnet header.
 */
public final class Offload {
    public static final int CSUM = 0x01;
    public static final int TSO4 = 0x02;
    public static final int TSO6 = 0x04;
    public static final int TSO_ECN = 0x08;
    public static final int UFO = 0x10;
    public static final int USO4 = 0x20;
    public static final int USO6 = 0x40;

    private Offload() {
    }

    public static String describe(int flags) {
        if (flags == 0) {
            return "none";
        }
        StringBuilder text = new StringBuilder();
        append(text, flags, CSUM, "csum");
        append(text, flags, TSO4, "tso4");
        append(text, flags, TSO6, "tso6");
        append(text, flags, TSO_ECN, "tso-ecn");
        append(text, flags, UFO, "ufo");
        append(text, flags, USO4, "uso4");
        append(text, flags, USO6, "uso6");
        return text.toString();
    }

    private static void append(StringBuilder text, int flags, int flag, String name) {
        if ((flags & flag) != 0) {
            if (!text.isEmpty()) {
                text.append(',');
            }
            text.append(name);
        }
    }
}
