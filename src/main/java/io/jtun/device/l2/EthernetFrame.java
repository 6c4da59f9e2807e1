package io.jtun.device.l2;

/** Where the fields of an Ethernet II header sit in a frame read from a TAP device. */
public final class EthernetFrame {
    public static final int DESTINATION = 0;
    public static final int SOURCE = DESTINATION + MacAddress.LENGTH;
    public static final int ETHER_TYPE = SOURCE + MacAddress.LENGTH;
    /** The header without VLAN tags: two addresses and the ethertype. */
    public static final int HEADER = ETHER_TYPE + Short.BYTES;

    private EthernetFrame() {
    }
}
