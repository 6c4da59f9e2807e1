package io.jtun.device.offload;

/** Where the fields the offloads rewrite sit in IPv4 and IPv6 headers (byte offsets). */
final class IpHeader {
    static final int IPV4_MIN_HEADER = 20;
    static final int IPV6_HEADER = 40;
    static final int IPV4_TOS = 1;
    static final int IPV4_TOTAL_LENGTH = 2;
    static final int IPV4_ID = 4;
    static final int IPV4_FRAGMENT = 6;
    static final int IPV4_TTL = 8;
    static final int IPV4_PROTOCOL = 9;
    static final int IPV4_CHECKSUM = 10;
    /** Source then destination: the 8 bytes of the pseudo-header's addresses. */
    static final int IPV4_SOURCE = 12;
    static final int IPV6_PAYLOAD_LENGTH = 4;
    static final int IPV6_NEXT_HEADER = 6;
    /** Source then destination: the 32 bytes of the pseudo-header's addresses. */
    static final int IPV6_SOURCE = 8;
    static final int PROTO_TCP = 6;
    static final int PROTO_UDP = 17;

    private IpHeader() {
    }
}
