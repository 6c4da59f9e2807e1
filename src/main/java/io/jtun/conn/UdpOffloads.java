package io.jtun.conn;

/**
 * Which UDP offloads a {@link UdpTransport} asks the kernel for when it opens. Each is only a
 * wish: a kernel that lacks one leaves it off, and {@link UdpTransport#segmentation()} and
 * {@link UdpTransport#receiveCoalescing()} tell what is really in use.
 *
 * @param segmentation      send runs of equal-sized datagrams to one peer as one message with
 *                          UDP_SEGMENT (GSO): the kernel cuts it into the datagrams, one pass
 *                          through the stack for up to 64 of them. Invisible to the caller of
 *                          {@link Transport#send}: the same datagrams leave, in the same order.
 * @param receiveCoalescing set UDP_GRO: the kernel may hand over several same-sized datagrams from
 *                          one sender as one slot; the caller must split them, see
 *                          {@link PacketBatch#segmentSize}. Receive slots then need room for
 *                          {@link UdpTransport#COALESCED_ROOM} bytes.
 */
public record UdpOffloads(boolean segmentation, boolean receiveCoalescing) {
    /** Neither offload: one datagram per message both ways, as {@link UdpTransport#open(int)} does. */
    public static final UdpOffloads NONE = new UdpOffloads(false, false);
    /** Both offloads. */
    public static final UdpOffloads ALL = new UdpOffloads(true, true);
}
