package io.jtun.packet;

/**
 * The network-layer addresses of a packet, kept as text so the transport decoders can print
 * the tcpdump prefix either as {@code IP a > b: } or, once ports are known, {@code IP a.p > b.q: }.
 */
record Endpoints(boolean ipv6, String src, String dst) {

    /** The protocol word tcpdump starts the line with. */
    String family() {
        return ipv6 ? "IP6" : "IP";
    }

    /** Appends {@code IP src > dst: }. */
    void hosts(StringBuilder out) {
        out.append(family()).append(' ').append(src).append(" > ").append(dst).append(": ");
    }

    /** Appends {@code IP src.sport > dst.dport: }; tcpdump uses '.' as the port separator for IPv6 too. */
    void hostsAndPorts(StringBuilder out, int srcPort, int dstPort) {
        out.append(family()).append(' ')
                .append(src).append('.').append(srcPort)
                .append(" > ")
                .append(dst).append('.').append(dstPort)
                .append(": ");
    }
}
