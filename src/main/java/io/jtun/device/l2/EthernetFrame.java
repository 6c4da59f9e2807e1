package io.jtun.device.l2;

/** Where the fields of an Ethernet II header sit in a frame read from a TAP device. */
final class EthernetFrame {
    static final int DESTINATION = 0;
    static final int SOURCE = DESTINATION + MacAddress.LENGTH;
    static final int ETHER_TYPE = SOURCE + MacAddress.LENGTH;
    /** The header without VLAN tags: two addresses and the ethertype. */
    static final int HEADER = ETHER_TYPE + Short.BYTES;

    private EthernetFrame() {
    }
}
