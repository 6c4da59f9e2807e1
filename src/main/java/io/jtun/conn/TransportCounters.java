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

    TransportCounters() {
    }

    /** Datagrams delivered to the caller. */
    public long received() {
        return received;
    }

    /** Datagrams the kernel accepted for sending. */
    public long sent() {
        return sent;
    }

    /** Datagrams dropped because they were larger than the slot's room. */
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
        lastSendErrno = errno;
        switch (errno) {
            case Errno.EMSGSIZE -> sendTooBig++;
            case Errno.ENETUNREACH, Errno.EHOSTUNREACH, Errno.ENETDOWN, Errno.EHOSTDOWN,
                    Errno.EADDRNOTAVAIL -> sendUnreachable++;
            case Errno.ECONNREFUSED -> sendRefused++;
            default -> sendOther++;
        }
    }

    @Override
    public String toString() {
        return "received=" + received + " sent=" + sent + " receiveTruncated=" + receiveTruncated
                + " receiveMalformed=" + receiveMalformed + " receiveErrors=" + receiveErrors
                + " sendTooBig=" + sendTooBig + " sendUnreachable=" + sendUnreachable + " sendRefused="
                + sendRefused + " sendMalformed=" + sendMalformed + " sendOther=" + sendOther;
    }
}
