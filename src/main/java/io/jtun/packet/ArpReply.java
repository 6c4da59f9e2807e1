package io.jtun.packet;

/** Answers ARP requests for any IPv4 address with {@link EchoResponder#RESPONDER_MAC}. */
final class ArpReply {
    private ArpReply() {
    }

    /**
     * True for an Ethernet/IPv4 ARP request from a real unicast sender that asks about some other
     * address; probes (sender 0.0.0.0) and announcements (sender = target) need no answer.
     */
    static boolean isAnswerable(byte[] b, int arpOff, int arpLen) {
        return arpLen >= Arp.ETHERNET_IPV4_LEN
                && Arp.isEthernetIpv4(b, arpOff)
                && Bytes.u16(b, arpOff + Arp.OFF_OPERATION) == Arp.OP_REQUEST
                && !Ethernet.isGroup(b, arpOff + Arp.OFF_SENDER_MAC)
                && !Bytes.isZero(b, arpOff + Arp.OFF_SENDER_MAC, InetFormat.MAC_LEN)
                && !Bytes.isZero(b, arpOff + Arp.OFF_SENDER_IP, InetFormat.IPV4_LEN)
                && !Bytes.isZero(b, arpOff + Arp.OFF_TARGET_IP, InetFormat.IPV4_LEN)
                && !Bytes.equal(b, arpOff + Arp.OFF_SENDER_IP, arpOff + Arp.OFF_TARGET_IP, InetFormat.IPV4_LEN);
    }

    /**
     * Turns "who-has X tell Y" into "X is-at M", addressed to the requester; the frame keeps its
     * length (any padding stays as it was).
     */
    static void rewrite(byte[] b, int frameOff, int arpOff) {
        long asked = Bytes.u32(b, arpOff + Arp.OFF_TARGET_IP);
        System.arraycopy(b, arpOff + Arp.OFF_SENDER_MAC, b, frameOff + Ethernet.OFF_DST, InetFormat.MAC_LEN);
        EchoResponder.putResponderMac(b, frameOff + Ethernet.OFF_SRC);

        Bytes.put16(b, arpOff + Arp.OFF_OPERATION, Arp.OP_REPLY);
        System.arraycopy(b, arpOff + Arp.OFF_SENDER_MAC, b, arpOff + Arp.OFF_TARGET_MAC, InetFormat.MAC_LEN);
        System.arraycopy(b, arpOff + Arp.OFF_SENDER_IP, b, arpOff + Arp.OFF_TARGET_IP, InetFormat.IPV4_LEN);
        EchoResponder.putResponderMac(b, arpOff + Arp.OFF_SENDER_MAC);
        Bytes.put32(b, arpOff + Arp.OFF_SENDER_IP, asked);
    }
}
