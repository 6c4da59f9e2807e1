package io.jtun.device;

import io.jtun.conn.PacketBatch;
import io.jtun.conn.SocketEndpoint;
import io.jtun.conn.Transport;
import io.jtun.sys.Libc;
import io.jtun.sys.PollSet;
import io.jtun.sys.WakePipe;
import io.jtun.tun.TunMode;
import io.jtun.tun.TunQueue;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The outbound pipeline of one device queue, on its own thread:
 *
 * <ol>
 *   <li>read every packet the kernel has queued on the device, up to a batch;</li>
 *   <li>route each to the peer whose AllowedIPs holds its destination (TAP: the one peer), and
 *       address the slot to that peer's endpoint; packets with no peer or no endpoint are
 *       dropped and counted, and the next read reuses their slot;</li>
 *   <li>send the batch with one system call, waiting for room in the socket buffer if it is
 *       full;</li>
 *   <li>when the device has nothing more, sleep in poll until it does (or the tunnel stops).</li>
 * </ol>
 */
final class OutboundLoop implements Runnable {
    private static final int IPV4_MIN_HEADER = 20;
    private static final int IPV4_DESTINATION = 16;
    private static final int IPV6_HEADER = 40;
    private static final int IPV6_DESTINATION = 24;
    private static final int DEVICE = 0;
    private static final int WAKE = 1;
    private static final int BLOCKED_SOCKET = 2;

    private final TunQueue queue;
    private final TunMode mode;
    private final Transport transport;
    private final PeerTable peers;
    private final TrafficCounters interfaceCounters;
    private final WakePipe wake;
    private final Tunnel.Lifecycle lifecycle;
    private final int batchSize;

    OutboundLoop(TunQueue queue, TunMode mode, Transport transport, PeerTable peers, TrafficCounters interfaceCounters,
            WakePipe wake, Tunnel.Lifecycle lifecycle, int batchSize) {
        this.queue = queue;
        this.mode = mode;
        this.transport = transport;
        this.peers = peers;
        this.interfaceCounters = interfaceCounters;
        this.wake = wake;
        this.lifecycle = lifecycle;
        this.batchSize = batchSize;
    }

    @Override
    public void run() {
        try (Arena arena = Arena.ofConfined()) {
            PacketBatch batch = new PacketBatch(arena, batchSize, Tunnel.SLOT_SIZE);
            PollSet idle = new PollSet(arena, 2);
            idle.set(DEVICE, queue.fd(), Libc.POLLIN);
            idle.set(WAKE, wake.fd(), Libc.POLLIN);
            PollSet blocked = new PollSet(arena, 3);
            blocked.set(DEVICE, -1, (short) 0);
            blocked.set(WAKE, wake.fd(), Libc.POLLIN);
            while (lifecycle.running()) {
                int count = fill(batch);
                if (count == 0) {
                    idle.poll(-1);
                    continue;
                }
                sendAll(batch, blocked);
            }
        } catch (RuntimeException e) {
            lifecycle.failed("outbound queue " + queue.index(), e);
        }
    }

    /** Reads and routes packets into the batch until it is full or the device is empty. */
    private int fill(PacketBatch batch) {
        int count = 0;
        MemorySegment data = batch.data();
        while (count < batch.capacity()) {
            int length = queue.read(batch.slot(count));
            if (length == 0) {
                break;
            }
            Peer peer = route(data, batch.slotStart(count), length);
            if (peer == null) {
                interfaceCounters.dropped(DropReason.NO_ROUTE);
                continue;
            }
            SocketEndpoint endpoint = peer.endpoint();
            if (endpoint == null) {
                peer.counters().dropped(DropReason.NO_ENDPOINT);
                continue;
            }
            batch.setLength(count, length);
            batch.setAddress(count, endpoint);
            peer.counters().sent(length);
            count++;
        }
        batch.setCount(count);
        return count;
    }

    private Peer route(MemorySegment data, long start, int length) {
        if (mode == TunMode.TAP) {
            return peers.single();
        }
        int version = (data.get(ValueLayout.JAVA_BYTE, start) & 0xf0) >>> 4;
        if (version == 4 && length >= IPV4_MIN_HEADER) {
            return peers.routes().lookupIpv4(data, start + IPV4_DESTINATION);
        }
        if (version == 6 && length >= IPV6_HEADER) {
            return peers.routes().lookupIpv6(data, start + IPV6_DESTINATION);
        }
        return null;
    }

    /** Sends the whole batch; a full socket buffer is waited out, not dropped. */
    private void sendAll(PacketBatch batch, PollSet blocked) {
        int next = 0;
        while (next < batch.count()) {
            next += transport.send(batch, next);
            if (next < batch.count()) {
                blocked.set(BLOCKED_SOCKET, transport.blockedFd(), Libc.POLLOUT);
                blocked.poll(-1);
                if (!lifecycle.running()) {
                    return;
                }
            }
        }
    }
}
