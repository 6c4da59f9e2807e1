package io.jtun.conn;

/**
 * The underlay: moves batches of datagrams between {@link PacketBatch} slots and peers, one
 * system call per batch (per socket), never blocking.
 *
 * <h2>Receiving</h2>
 * {@link #receive} fills slots 0..n-1 and sets the batch's count to n: each payload is written
 * at the slot's {@link PacketBatch#offset offset} (which receive never changes; the room is
 * slotSize - offset), its length and the sender's address are set. Datagrams that do not fit
 * are dropped and counted, never delivered cut short. 0 means nothing is waiting: poll every
 * descriptor of {@link #fds()} for POLLIN, then call receive again.
 *
 * <p>A slot normally holds one datagram. A transport with receive coalescing (a
 * {@link UdpTransport} opened with {@link UdpOffloads#receiveCoalescing()}) may instead fill a slot
 * with a train of datagrams from its one sender: then {@link PacketBatch#segmentSize} is the size
 * of each datagram but the last (which may be shorter), and datagram k starts k * segmentSize
 * bytes into the payload. Receive sets segmentSize for every slot it fills, 0 for a single
 * datagram, so a caller checks it per slot; without coalescing it is always 0. The count receive
 * returns is of slots; {@link TransportCounters#received()} counts datagrams.
 *
 * <h2>Sending</h2>
 * {@link #send(PacketBatch, int)} sends slots first..count-1 in order, each to its own address,
 * and returns how many it consumed: slots first..first+k-1 are done. A datagram that fails on
 * its own (EMSGSIZE, ENETUNREACH, EHOSTUNREACH, ECONNREFUSED, EPERM from a firewall, ...) is
 * skipped, counted in {@link #counters()} and included in k, so one bad peer never stalls the
 * rest. When k is less than asked, the socket buffer is full (EAGAIN): poll
 * {@link #blockedFd()} for POLLOUT and call send again from first+k, or drop the rest.
 * Errors that mean the socket itself is broken throw {@link io.jtun.sys.SysException}.
 * A transport may carry several slots in one message ({@link UdpTransport} with segmentation):
 * k still counts slots, a message that failed skips (and counts) all of its slots, and one that
 * the full socket stopped counts none of them, so k always ends at a whole message.
 *
 * <h2>Threads</h2>
 * One thread may receive while another sends, each with its own batch; no two threads receive
 * (or send) on one transport at the same time.
 */
public interface Transport extends AutoCloseable {
    /**
     * Receives what is waiting, up to the batch's capacity.
     *
     * @return how many slots were filled, also set as the batch's count; 0 if none was waiting
     */
    int receive(PacketBatch batch);

    /** Sends slots 0..count-1: {@code send(batch, 0)}. */
    default int send(PacketBatch batch) {
        return send(batch, 0);
    }

    /**
     * Sends slots first..count-1.
     *
     * @return how many slots, from {@code first} on, were sent or skipped as failed
     */
    int send(PacketBatch batch, int first);

    /** The (main) socket descriptor; non-blocking. Transports with several sockets list all in {@link #fds()}. */
    int fd();

    /**
     * Every descriptor to poll for POLLIN before {@link #receive}. The array is fresh: call it
     * once when building the pollfd set.
     */
    default int[] fds() {
        return new int[] {fd()};
    }

    /** After a short {@link #send}: the descriptor whose full buffer stopped it, to poll for POLLOUT. */
    default int blockedFd() {
        return fd();
    }

    /** The largest payload this transport can send in one datagram. */
    int maxPayload();

    TransportCounters counters();

    /** Closes the socket(s); later calls fail. Idempotent. */
    @Override
    void close();
}
