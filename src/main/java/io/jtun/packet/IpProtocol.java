package io.jtun.packet;

/** IANA "Assigned Internet Protocol Numbers" used by the decoders (IPv4 protocol / IPv6 next header). */
final class IpProtocol {
    static final int HOP_BY_HOP = 0;
    static final int ICMP = 1;
    static final int IP_IN_IP = 4;
    static final int TCP = 6;
    static final int UDP = 17;
    static final int IPV6 = 41;
    static final int ROUTING = 43;
    static final int FRAGMENT = 44;
    static final int ICMPV6 = 58;
    static final int NO_NEXT_HEADER = 59;
    static final int DESTINATION_OPTIONS = 60;

    private IpProtocol() {
    }
}
