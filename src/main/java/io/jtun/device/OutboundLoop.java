package io.jtun.device;

import io.jtun.conn.PacketBatch;
import io.jtun.device.offload.Segmenter;
import io.jtun.device.offload.TcpSegmenter;
import io.jtun.device.offload.UdpSegmenter;
import io.jtun.device.offload.VirtioNetHeader;
import io.jtun.sys.Errno;
import io.jtun.sys.Libc;
import io.jtun.sys.SysException;
import io.jtun.sys.PollSet;
import io.jtun.tun.TunDevice;
import io.jtun.tun.TunQueue;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The outbound pipeline of one device queue, on its own thread:
 *
 * <ol>
 *   <li>read every packet the kernel has queued on the device, up to a batch;</li>
 *   <li>route each to the peer whose AllowedIPs holds its destination and seal it for that
 *       peer (address it; with WireGuard, encrypt it in place); packets with no peer are dropped
 *       and counted, packets without a session wait for the handshake, and the next read reuses
 *       their slot. TAP frames go where the {@link FrameSwitch} says: one peer, or every peer
 *       (see {@link FrameSender});</li>
 *   <li>send the batch with one system call, waiting for room in the socket buffer if it is
 *       full;</li>
 *   <li>when the device has nothing more, sleep in poll until it does (or the tunnel stops).</li>
 * </ol>
 */
final class OutboundLoop implements Runnable {
    private static final int DEVICE = 0;
    private static final int WAKE = 1;

    private final TunQueue queue;
    private final LoopContext context;
    private final TcpSegmenter tcpSegmenter = new TcpSegmenter();
    private final UdpSegmenter udpSegmenter = new UdpSegmenter();
    /** The segmenter cutting the current super-packet. */
    private Segmenter segmenter = tcpSegmenter;
    /** This thread's last AllowedIPs answers: every segment of a super-packet goes to the same peer. */
    private final AllowedIps.LookupCache<Peer> routeCache = new AllowedIps.LookupCache<>();
    /** The next segment of the current super-packet to hand out, or -1 when there is none. */
    private int pendingSegment = -1;
    /** Where a device read lands when the device has vnet headers (the segments are cut from it). */
    private MemorySegment superPacket;
    /** TAP: frames to peers; null for TUN. */
    private FrameSender frames;
    /** Waits for room in the socket buffer. */
    private PollSet blocked;

    OutboundLoop(TunQueue queue, LoopContext context) {
        this.queue = queue;
        this.context = context;
    }

    @Override
    public void run() {
        try (Arena arena = Arena.ofConfined()) {
            PacketBatch batch = new PacketBatch(arena, context.batchSize(), Tunnel.SLOT_SIZE);
            superPacket = context.vnetHeader() ? Libc.allocateLazily(arena, TunDevice.READ_BUFFER_SIZE) : null;
            PollSet idle = new PollSet(arena, 2);
            idle.set(DEVICE, queue.fd(), Libc.POLLIN);
            idle.set(WAKE, context.wake().fd(), Libc.POLLIN);
            blocked = context.blockedPollSet(arena);
            if (context.frameSwitch() != null) {
                frames = new FrameSender(context, arena, batch, () -> context.sendAll(batch, blocked));
            }
            while (context.lifecycle().running()) {
                int read = frames != null ? fillFrames(batch) : fill(batch);
                if (read == 0) {
                    context.codec().forgetKeys();
                    idle.poll(-1);
                    continue;
                }
                context.sendAll(batch, blocked);
            }
        } catch (SysException e) {
            if (e.errno() == Errno.EBADFD) {
                context.lifecycle().deviceGone(); // ip link del: the kernel detached the device from us
            } else {
                context.lifecycle().failed("outbound queue " + queue.index(), e);
            }
        } catch (RuntimeException e) {
            context.lifecycle().failed("outbound queue " + queue.index(), e);
        }
    }

    /** Reads, routes and seals packets into the batch until it is full or the device is empty. */
    private int fill(PacketBatch batch) {
        PacketCodec codec = context.codec();
        int headroom = codec.headroom();
        MemorySegment data = batch.data();
        int count = 0;
        while (count < batch.capacity()) {
            batch.setOffset(count, headroom);
            int length = superPacket != null
                    ? nextPacket(data, batch.payloadStart(count))
                    : queue.read(data, batch.payloadStart(count), batch.room(count));
            if (length == 0) {
                break;
            }
            // Anything a local program wrote into the device arrives here: only a whole IP packet
            // may go to a peer (whose kernel would drop a broken one after it crossed, or take a
            // cut-short one for whole), and only its own bytes.
            int own = IpPacket.ownLength(data, batch.payloadStart(count), length);
            if (own < 0) {
                context.interfaceCounters().dropped(DropReason.MALFORMED);
                continue;
            }
            length = own;
            batch.setLength(count, length);
            Peer peer = context.peers().byDestination(data, batch.payloadStart(count), length, routeCache);
            if (peer == null) {
                context.interfaceCounters().dropped(DropReason.NO_ROUTE);
            } else if (codec.seal(peer, batch, count)) {
                count++;
            }
            // Otherwise the next read reuses the slot.
        }
        batch.setCount(count);
        return count;
    }

    /**
     * With vnet headers: the next packet for the batch, written at {@code data[at..)}: the next
     * segment of a TCP super-packet, or the next packet read from the device with its checksum
     * completed. 0 when the device has nothing more.
     */
    private int nextPacket(MemorySegment data, long at) {
        while (true) {
            if (pendingSegment >= 0) {
                int length = segmenter.write(pendingSegment, data, at);
                pendingSegment = pendingSegment + 1 < segmenter.segments() ? pendingSegment + 1 : -1;
                return length;
            }
            int read = queue.read(superPacket, 0, (int) superPacket.byteSize());
            if (read == 0) {
                return 0;
            }
            int length = read - VirtioNetHeader.SIZE;
            if (length <= 0) {
                continue;
            }
            int gso = VirtioNetHeader.gsoType(superPacket, 0) & ~VirtioNetHeader.GSO_ECN;
            if (gso != VirtioNetHeader.GSO_NONE) {
                segmenter = gso == VirtioNetHeader.GSO_UDP_L4 ? udpSegmenter
                        : gso == VirtioNetHeader.GSO_TCPV4 || gso == VirtioNetHeader.GSO_TCPV6 ? tcpSegmenter : null;
                if (segmenter != null && segmenter.prepare(superPacket, VirtioNetHeader.SIZE, length,
                        VirtioNetHeader.gsoSize(superPacket, 0))) {
                    pendingSegment = 0;
                } else {
                    context.interfaceCounters().dropped(DropReason.MALFORMED); // UFO (GSO_UDP) is never enabled
                }
                continue;
            }
            if ((VirtioNetHeader.flags(superPacket, 0) & VirtioNetHeader.F_NEEDS_CSUM) != 0
                    && !TcpSegmenter.completeChecksum(superPacket, VirtioNetHeader.SIZE, length,
                            VirtioNetHeader.csumStart(superPacket, 0), VirtioNetHeader.csumOffset(superPacket, 0))) {
                context.interfaceCounters().dropped(DropReason.MALFORMED);
                continue;
            }
            MemorySegment.copy(superPacket, VirtioNetHeader.SIZE, data, at, length);
            return length;
        }
    }

    /**
     * TAP: reads frames and hands each to its peer, or to all, until the device is empty; a
     * batch that fills on the way is sent at once. Returns the frames read.
     */
    private int fillFrames(PacketBatch batch) {
        FrameSwitch frameSwitch = context.frameSwitch();
        MemorySegment data = batch.data();
        long now = System.nanoTime();
        batch.setCount(0);
        int read = 0;
        while (true) {
            frames.makeRoom();
            int slot = batch.count();
            long start = batch.slotStart(slot) + frames.frameOffset();
            // A slot has 64 bytes beyond the read size: the 20 in front, padding and the tag fit.
            int length = queue.read(data, start, TunDevice.READ_BUFFER_SIZE);
            if (length == 0) {
                return read;
            }
            read++;
            Peer target = frameSwitch.fromDevice(data, start, length, now);
            if (target == FrameSwitch.FLOOD) {
                frames.flood(null, data, start, length);
            } else if (target != null) {
                frames.sendInPlace(target, length);
            }
        }
    }
}
