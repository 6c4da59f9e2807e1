package io.jtun.device;

import io.jtun.conn.PacketBatch;

/**
 * How inner packets become datagrams and back: the step between routing and the socket on the
 * way out, and between the socket and the device on the way in. Plain tunnels only address the
 * datagram; WireGuard tunnels encrypt, and also run handshakes on the side.
 */
public interface PacketCodec {
    /**
     * Bytes the outbound loop leaves free in front of each inner packet it reads, so that
     * {@link #seal} can add a header in place.
     */
    int headroom();

    /**
     * The calling thread has nothing to do and is about to sleep: it drops the per-thread copies
     * of session keys its cipher keeps between packets, so a key outlives its session only while
     * packets flow. Cheap when nothing is held.
     */
    default void forgetKeys() {
    }

    /**
     * Outbound: slot {@code slot} holds an inner packet for {@code peer} at offset
     * {@link #headroom()}; turns it into the datagram to send (offset, length and address set).
     *
     * @return false if the slot is not to be sent (the packet was queued for later or dropped,
     *         and counted)
     */
    boolean seal(Peer peer, PacketBatch batch, int slot);

    /**
     * Inbound: slot {@code slot} holds a datagram; turns it into the inner packet (offset and
     * length set to it).
     *
     * @return the peer that sent it, or null when there is nothing for the device (a handshake
     *         message, a keepalive, or a datagram dropped and counted)
     */
    Peer open(PacketBatch batch, int slot);
}
