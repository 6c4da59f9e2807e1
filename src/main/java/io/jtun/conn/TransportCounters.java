package io.jtun.conn;

import io.jtun.sys.Errno;

/**
 * What a {@link Transport} moved and dropped, by reason. Plain fields: the receiving thread
 * writes the receive counters and the sending thread the send counters, and a reader on another
 * thread (a status display) may see values a moment old, which is all it needs.
 */
public final class TransportCounters {
    private long received;
    private long sent;
    private long receiveTruncated;
    private long receiveMalformed;
    private long receiveErrors;
    private long sendTooBig;
    private long sendUnreachable;
    private long sendRefused;
    private long sendMalformed;
    private long sendOther;
    private int lastSendErrno;
    private long gsoSends;
    private long gsoFallbacks;
    private long gsoDisabled;
    private long groReceives;

    TransportCounters() {
    }

    /**
     * Datagrams delivered to the caller: each datagram of a coalesced slot counts (see
     * {@link PacketBatch#segmentSize}), so the figure is the same with receive coalescing on or off.
     */
    public long received() {
        return received;
    }

    /** Datagrams the kernel accepted for sending, also those sent as segments of one message. */
    public long sent() {
        return sent;
    }

    /**
     * Messages dropped because they were larger than the slot's room (one count per message, also
     * for a coalesced train), or because their ancillary data was cut short (MSG_CTRUNC), which
     * leaves a coalesced train's layout unknown.
     */
    public long receiveTruncated() {
        return receiveTruncated;
    }

    /** Datagrams dropped because their content was not what the transport carries. */
    public long receiveMalformed() {
        return receiveMalformed;
    }

    /** Errors queued on the socket (ICMP reports of earlier sends) that a receive call returned. */
    public long receiveErrors() {
        return receiveErrors;
    }

    /** EMSGSIZE: larger than the path allows. */
    public long sendTooBig() {
        return sendTooBig;
    }

    /** ENETUNREACH, EHOSTUNREACH, ENETDOWN, EHOSTDOWN, EADDRNOTAVAIL: no route to the peer. */
    public long sendUnreachable() {
        return sendUnreachable;
    }

    /** ECONNREFUSED: the peer's port was closed when an earlier datagram arrived. */
    public long sendRefused() {
        return sendRefused;
    }

    /** Payloads the transport cannot carry (IP-in-IP: not an IPv4 or IPv6 packet). */
    public long sendMalformed() {
        return sendMalformed;
    }

    /** Any other failure of one datagram: EPERM from a firewall rule, ENOBUFS, EINVAL, ... */
    public long sendOther() {
        return sendOther;
    }

    /** The errno of the most recent failed datagram, 0 if none failed. */
    public int lastSendErrno() {
        return lastSendErrno;
    }

    /**
     * Messages that carried several datagrams as segments (UDP_SEGMENT) and were accepted; their
     * datagrams are counted in {@link #sent()}. 0 while segmentation is off.
     */
    public long gsoSends() {
        return gsoSends;
    }

    /**
     * Runs the kernel refused as one segmented message (EIO, ENOPROTOOPT, EINVAL, EMSGSIZE) and that
     * were sent again one datagram per message instead, so none was lost to segmentation.
     */
    public long gsoFallbacks() {
        return gsoFallbacks;
    }

    /**
     * 1 once this transport turned segmentation off for good because the kernel refused it (the
     * egress device cannot checksum, the kernel lacks UDP_SEGMENT, ...); 0 otherwise.
     */
    public long gsoDisabled() {
        return gsoDisabled;
    }

    /** Received messages that held several datagrams (a UDP_GRO train); their datagrams count in {@link #received()}. */
    public long groReceives() {
        return groReceives;
    }

    /** Datagrams skipped by send, whatever the reason. */
    public long sendErrors() {
        return sendTooBig + sendUnreachable + sendRefused + sendMalformed + sendOther;
    }

    /** Datagrams that arrived but were not delivered, plus queued errors. */
    public long receiveDrops() {
        return receiveTruncated + receiveMalformed + receiveErrors;
    }

    void countReceived(int n) {
        received += n;
    }

    void countSent(int n) {
        sent += n;
    }

    void countGsoSend() {
        gsoSends++;
    }

    void countGsoFallback() {
        gsoFallbacks++;
    }

    void countGsoDisabled() {
        gsoDisabled++;
    }

    void countGroReceive() {
        groReceives++;
    }

    void countTruncated() {
        receiveTruncated++;
    }

    void countMalformed() {
        receiveMalformed++;
    }

    void countReceiveError() {
        receiveErrors++;
    }

    void countSendMalformed() {
        sendMalformed++;
    }

    void countSendFailure(int errno) {
        countSendFailures(errno, 1);
    }

    /** {@code datagrams} skipped because the one message carrying them failed with {@code errno}. */
    void countSendFailures(int errno, int datagrams) {
        lastSendErrno = errno;
        switch (errno) {
            case Errno.EMSGSIZE -> sendTooBig += datagrams;
            case Errno.ENETUNREACH, Errno.EHOSTUNREACH, Errno.ENETDOWN, Errno.EHOSTDOWN,
                    Errno.EADDRNOTAVAIL -> sendUnreachable += datagrams;
            case Errno.ECONNREFUSED -> sendRefused += datagrams;
            default -> sendOther += datagrams;
        }
    }

    @Override
    public String toString() {
        return "received=" + received + " sent=" + sent + " receiveTruncated=" + receiveTruncated
                + " receiveMalformed=" + receiveMalformed + " receiveErrors=" + receiveErrors
                + " sendTooBig=" + sendTooBig + " sendUnreachable=" + sendUnreachable + " sendRefused="
                + sendRefused + " sendMalformed=" + sendMalformed + " sendOther=" + sendOther + " gsoSends=" + gsoSends
                + " gsoFallbacks=" + gsoFallbacks + " gsoDisabled=" + gsoDisabled + " groReceives=" + groReceives;
    }
}
