package io.jtun.packet;

/**
 * What kind of frame a captured buffer holds, which decides how it is decoded and which
 * link-layer header type a pcap file declares.
 */
public enum LinkType {
    /** TUN device: a bare IPv4 or IPv6 packet, told apart by the IP version nibble. */
    RAW_IP(Constants.LINKTYPE_RAW),
    /** TAP device: an Ethernet II frame without preamble or FCS. */
    ETHERNET(Constants.LINKTYPE_ETHERNET);

    private final int pcapLinkType;

    LinkType(int pcapLinkType) {
        this.pcapLinkType = pcapLinkType;
    }

    /** The tcpdump.org LINKTYPE_ value for the pcap global header (101 for raw IP, 1 for Ethernet). */
    public int pcapLinkType() {
        return pcapLinkType;
    }

    /** Enum constants cannot reference static fields of their own enum, so the values live here. */
    private static final class Constants {
        /** LINKTYPE_RAW: 101, not DLT_RAW (12/14), which differs between platforms. */
        static final int LINKTYPE_RAW = 101;
        static final int LINKTYPE_ETHERNET = 1;
    }
}
