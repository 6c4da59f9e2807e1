package io.jtun.netlink;

/** Interface counters since the device was created, as the kernel keeps them (IFLA_STATS64). */
public record LinkStats(long rxPackets, long txPackets, long rxBytes, long txBytes, long rxErrors, long txErrors,
        long rxDropped, long txDropped) {

    public static final LinkStats ZERO = new LinkStats(0, 0, 0, 0, 0, 0, 0, 0);
}
