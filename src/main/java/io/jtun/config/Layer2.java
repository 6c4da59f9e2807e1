package io.jtun.config;

/**
 * How a {@code Mode = tap} interface switches frames between its peers.
 *
 * @param hub             forward frames from one peer to another (the centre of a star); off by
 *                        default, because in a mesh, where every host has every other as a peer,
 *                        forwarding would deliver each broadcast twice and loop
 * @param compression     LZ4 before encryption (jtun's layer-2 message only), or none
 * @param macAgeSeconds   how long a learned MAC address stays without being seen again
 * @param macLimitPerPort the most MAC addresses learned behind one peer (or the local device),
 *                        so that no peer can fill the table
 */
public record Layer2(boolean hub, Compression compression, int macAgeSeconds, int macLimitPerPort) {
    /**
     * What a frame carries over WireGuard beyond an IP packet of the interface's MTU: its Ethernet
     * header (14) and jtun's frame header (4). A TAP interface over WireGuard has an MTU this much
     * smaller, so its largest frame makes a datagram no larger than a TUN interface's largest packet.
     */
    public static final int OVERHEAD = 14 + 4;
    /** As a Linux bridge's default ageing_time. */
    public static final int DEFAULT_MAC_AGE_SECONDS = 300;
    /** Enough for a bridged office LAN behind one peer; a flood of random source MACs stops here. */
    public static final int DEFAULT_MAC_LIMIT = 4096;
    public static final Layer2 DEFAULTS = new Layer2(false, Compression.NONE, DEFAULT_MAC_AGE_SECONDS,
            DEFAULT_MAC_LIMIT);

    public Layer2 {
        if (compression == null) {
            throw new NullPointerException("compression");
        }
        if (macAgeSeconds <= 0 || macLimitPerPort <= 0) {
            throw new IllegalArgumentException("macAgeSeconds and macLimitPerPort must be positive");
        }
    }
}
