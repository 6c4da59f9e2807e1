package io.jtun.device;

/** Why a packet was not delivered; each reason has its own counter, shown by {@code jtun show}. */
public enum DropReason {
    /** Outbound: no peer's AllowedIPs holds the destination. */
    NO_ROUTE("no route"),
    /** Outbound: the peer has no endpoint yet (it has not sent us anything). */
    NO_ENDPOINT("no endpoint"),
    /**
     * Outbound: the underlay refused the datagram (unreachable, too big, ...). Charged to the
     * interface (see {@link Tunnel#drops}): the socket does not know the peer, whose sent counts
     * include the datagram.
     */
    SEND_FAILED("send failed"),
    /**
     * WireGuard outbound: with its header, padding and tag the packet would not fit in a UDP
     * datagram (65507 bytes); only a device whose MTU was raised past 65000 or so hands one over.
     */
    TOO_BIG("too big"),
    /** Inbound: a datagram from an address that is no peer's endpoint. */
    UNKNOWN_SOURCE("unknown source"),
    /** Inbound: the inner packet's source address is outside the sending peer's AllowedIPs. */
    SOURCE_NOT_ALLOWED("source not allowed"),
    /** Inbound: not an IPv4/IPv6 packet (TUN) or Ethernet frame (TAP), or cut short. */
    MALFORMED("malformed"),
    /** Inbound: the kernel did not take the packet from us. */
    DEVICE_WRITE_FAILED("device write failed"),
    /** WireGuard inbound: no session has the message's receiver index (stale, or never ours). */
    UNKNOWN_SESSION("unknown session"),
    /** WireGuard inbound: the session is past REJECT_AFTER_TIME. */
    SESSION_EXPIRED("session expired"),
    /** WireGuard inbound: the counter was seen before, or is too old for the replay window. */
    REPLAYED("replayed"),
    /** WireGuard inbound: the message did not decrypt (wrong key, or tampered with). */
    NOT_AUTHENTIC("failed authentication"),
    /** WireGuard: a handshake message with a wrong MAC, an unknown key, a stale timestamp, ... */
    HANDSHAKE_REJECTED("handshake rejected"),
    /** WireGuard: handshake messages arrived faster than they can be processed. */
    HANDSHAKE_OVERLOAD("handshake overload"),
    /**
     * WireGuard, under load: a handshake message with a valid cookie, from a source (IPv4
     * address, IPv6 /64) that already sent its share (20 a second, bursts of 5).
     */
    HANDSHAKE_RATE_LIMITED("handshake rate limited"),
    /**
     * WireGuard, under load: a handshake message without a valid cookie, from a source that was
     * already sent its share of cookie replies (1 a second, bursts of 5); it gets no answer.
     */
    COOKIE_RATE_LIMITED("cookie rate limited"),
    /**
     * WireGuard inbound: authentic data of the other kind, IP packets on a {@code Mode = tap}
     * interface (a plain WireGuard peer) or frames on a {@code Mode = tun} one.
     */
    WRONG_MESSAGE_TYPE("wrong message type"),
    /** TAP: a frame whose destination is on the side it came from (the switch filters it). */
    SAME_SIDE("same side"),
    /** WireGuard outbound: queued while waiting for a handshake, then dropped (queue full, or given up). */
    NO_SESSION("no session");

    private final String label;

    DropReason(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
