package io.jtun.tun;

/** What a device carries: IP packets (TUN, layer 3) or Ethernet frames (TAP, layer 2). */
public enum TunMode {
    TUN(TunIoctl.IFF_TUN, "tun%d"),
    TAP(TunIoctl.IFF_TAP, "tap%d");

    private final short flag;
    private final String defaultTemplate;

    TunMode(short flag, String defaultTemplate) {
        this.flag = flag;
        this.defaultTemplate = defaultTemplate;
    }

    short flag() {
        return flag;
    }

    /** The kernel name template used when the caller names no device. */
    public String defaultTemplate() {
        return defaultTemplate;
    }
}
