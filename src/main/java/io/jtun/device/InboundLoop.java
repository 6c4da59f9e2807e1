package io.jtun.device;

import io.jtun.conn.PacketBatch;
import io.jtun.conn.Transport;
import io.jtun.device.l2.FrameCompressor;
import io.jtun.device.l2.FrameHeader;
import io.jtun.device.offload.TcpCoalescer;
import io.jtun.device.offload.VirtioNetHeader;
import io.jtun.sys.Libc;
import io.jtun.sys.PollSet;
import io.jtun.sys.SysException;
import io.jtun.tun.TunQueue;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The inbound pipeline, on its own thread:
 *
 * <ol>
 *   <li>receive every datagram waiting on the underlay, up to a batch, with one system call;</li>
 *   <li>open each one: find the peer that sent it and recover the inner packet (plain: by its
 *       endpoint; WireGuard: by receiver index, then decrypt and check for replays); handshake
 *       messages go to the handshake thread, and datagrams from strangers are dropped;</li>
 *   <li>check the inner packet: a TUN packet must be IPv4 or IPv6 with a source address inside
 *       the sending peer's AllowedIPs (cryptokey routing's inbound rule: a peer speaks only for
 *       its own addresses). A TAP frame (decompressed first, if it came compressed) goes where
 *       the {@link FrameSwitch} says: the device, and on a hub other peers too;</li>
 *   <li>write each accepted packet into the device; with GRO, consecutive TCP segments of one
 *       flow are first merged into one super-packet, so the kernel's receive path runs once per
 *       64 KB instead of once per segment (see {@link TcpCoalescer});</li>
 *   <li>when the underlay has nothing more, sleep in poll until it does.</li>
 * </ol>
 */
final class InboundLoop implements Runnable {
    private static final int IDLE_POLL_MILLIS = 1000;
    /** Room in front of every datagram for the vnet header a device write may need. */
    static final int HEADROOM = 16;

    /** Where accepted packets go: the device's queue ({@link TunQueue#write}); a test's recorder. */
    interface DeviceWriter {
        /** @return false if the device's queue is full right now */
        boolean write(MemorySegment data, long offset, int length);
    }

    private final DeviceWriter device;
    private final LoopContext context;
    /** This thread's last AllowedIPs answers for source checks (a flow's packets share a source). */
    private final AllowedIps.LookupCache<Peer> sourceCache = new AllowedIps.LookupCache<>();
    /** Merges TCP segments for device writes; null without GRO. */
    private TcpCoalescer<Peer> coalescer;
    /** TAP: decompresses frames that came compressed; null for TUN. */
    private FrameCompressor decompressor;
    /** Where a decompressed frame is delivered from. */
    private MemorySegment frameBuffer;
    /** A hub's frames for other peers, sent after each received batch; null when not a hub. */
    private PacketBatch forwardBatch;
    private FrameSender forward;
    private PollSet blocked;
    /** The time of the current received batch (MAC learning and aging need no finer). */
    private long now;

    InboundLoop(DeviceWriter device, LoopContext context) {
        this.device = device;
        this.context = context;
    }

    @Override
    public void run() {
        try (Arena arena = Arena.ofConfined()) {
            PacketBatch batch = new PacketBatch(arena, context.batchSize(), Tunnel.SLOT_SIZE);
            prepare(arena);
            Transport transport = null;
            PollSet pollSet = null;
            while (context.lifecycle().running()) {
                Transport current = context.underlay().get();
                if (current != transport) {
                    transport = current;
                    pollSet = pollSetFor(arena, transport);
                }
                // Opening a datagram moves its slot's offset to the inner packet; start afresh,
                // leaving room in front for the device's virtio-net header.
                for (int i = 0; i < batch.capacity(); i++) {
                    batch.setOffset(i, HEADROOM);
                }
                int count = transport.receive(batch);
                if (count == 0) {
                    context.codec().forgetKeys();
                    // Bounded, so a replaced transport (new listen port) is picked up promptly.
                    pollSet.poll(IDLE_POLL_MILLIS);
                    continue;
                }
                deliverBatch(batch, count, System.nanoTime());
            }
        } catch (RuntimeException e) {
            context.lifecycle().failed("inbound", e);
        }
    }

    /** Allocates what the loop works with (GRO and switching buffers), for the arena's lifetime. */
    void prepare(Arena arena) {
        coalescer = context.coalesce() ? new TcpCoalescer<>(arena, this::writeToDevice) : null;
        if (context.frameSwitch() != null) {
            prepareSwitching(arena);
        }
    }

    /**
     * Opens and delivers the {@code count} datagrams a receive put in the batch (every slot's offset
     * leaving {@link #HEADROOM}), received at {@code now}: all of the loop but the socket, which is
     * how the fuzz target drives it.
     */
    void deliverBatch(PacketBatch batch, int count, long now) {
        this.now = now;
        for (int i = 0; i < count; i++) {
            if (batch.segmentSize(i) == 0) {
                deliver(batch, i);
            } else {
                deliverTrain(batch, i);
            }
        }
        if (coalescer != null) {
            coalescer.flush();
        }
        if (forwardBatch != null && forwardBatch.count() > 0) {
            context.sendAll(forwardBatch, blocked);
        }
    }

    private void prepareSwitching(Arena arena) {
        decompressor = context.framed() ? new FrameCompressor(Tunnel.SLOT_SIZE) : null;
        frameBuffer = context.framed() ? Libc.allocateLazily(arena, Tunnel.SLOT_SIZE) : null;
        if (context.frameSwitch().hub()) {
            forwardBatch = new PacketBatch(arena, context.batchSize(), Tunnel.SLOT_SIZE);
            blocked = context.blockedPollSet(arena);
            forward = new FrameSender(context, arena, forwardBatch, () -> context.sendAll(forwardBatch, blocked));
        }
    }

    private PollSet pollSetFor(Arena arena, Transport transport) {
        int[] sockets = transport.fds();
        PollSet pollSet = new PollSet(arena, sockets.length + 1);
        for (int i = 0; i < sockets.length; i++) {
            pollSet.set(i, sockets[i], Libc.POLLIN);
        }
        pollSet.set(sockets.length, context.wake().fd(), Libc.POLLIN);
        return pollSet;
    }

    /**
     * A slot holding a train of datagrams from one sender (UDP GRO): each is opened and delivered
     * in turn where it lies. Opening one only writes inside its own bytes (the inner packet
     * moves forward over its header, the vnet header goes into the consumed header), so the
     * datagrams after it are untouched.
     */
    private void deliverTrain(PacketBatch batch, int slot) {
        int segment = batch.segmentSize(slot);
        int first = batch.offset(slot);
        int total = batch.length(slot);
        for (int at = 0; at < total; at += segment) {
            batch.setLength(slot, 0);
            batch.setOffset(slot, first + at);
            batch.setLength(slot, Math.min(segment, total - at));
            deliver(batch, slot);
        }
    }

    private void deliver(PacketBatch batch, int slot) {
        Peer peer = context.codec().open(batch, slot);
        if (peer == null) {
            return;
        }
        MemorySegment data = batch.data();
        long start = batch.payloadStart(slot);
        int length = batch.length(slot);
        if (context.frameSwitch() != null) {
            deliverFrame(peer, data, start, length);
            return;
        }
        DropReason verdict = check(peer, data, start, length);
        if (verdict != null) {
            peer.counters().dropped(verdict);
            return;
        }
        if (coalescer != null && coalescer.add(data, start, length, peer)) {
            return;
        }
        if (context.vnetHeader()) {
            // An all-zero header: a complete packet with a valid checksum.
            VirtioNetHeader.clear(data, start - VirtioNetHeader.SIZE);
            writeToDevice(data, start - VirtioNetHeader.SIZE, length + VirtioNetHeader.SIZE, peer, 1, length);
        } else {
            writeToDevice(data, start, length, peer, 1, length);
        }
    }

    /**
     * A TAP frame from {@code peer}: to the device, to another peer (a hub passing it on), or to
     * both (flooded). With WireGuard it arrives behind a frame header the codec has checked.
     */
    private void deliverFrame(Peer peer, MemorySegment data, long start, int length) {
        MemorySegment frame = data;
        long at = start;
        int frameLength = length;
        if (context.framed()) {
            at = start + FrameHeader.SIZE;
            frameLength = length - FrameHeader.SIZE;
            if (FrameHeader.compressed(data, start)) {
                // Into a buffer of its own: a frame grows, and the slot may hold more datagrams after it.
                frameLength = decompressor.decompress(data, at, frameLength, frameBuffer, 0, FrameHeader.MAX_LENGTH);
                if (frameLength < 0) {
                    peer.counters().dropped(DropReason.MALFORMED);
                    return;
                }
                context.frameSwitch().countDecompressed();
                frame = frameBuffer;
                at = 0;
            }
        }
        Peer target = context.frameSwitch().fromPeer(peer, frame, at, frameLength, now);
        if (target == FrameSwitch.LOCAL || target == FrameSwitch.FLOOD) {
            writeToDevice(frame, at, frameLength, peer, 1, frameLength);
            if (target == FrameSwitch.FLOOD && forward != null) {
                forward.flood(peer, frame, at, frameLength);
            }
        } else if (target != null) {
            peer.counters().received(frameLength); // passed on, not delivered here, but received all the same
            forward.send(target, frame, at, frameLength);
        }
    }

    /** One device write carrying {@code packets} of the peer's packets ({@code bytes} in all). */
    private void writeToDevice(MemorySegment data, long offset, int length, Peer peer, int packets, int bytes) {
        try {
            if (device.write(data, offset, length)) {
                peer.counters().received(packets, bytes);
                return;
            }
        } catch (SysException e) {
            // The kernel refused this packet (e.g. the device went down); the rest may pass.
        }
        peer.counters().dropped(DropReason.DEVICE_WRITE_FAILED, packets);
    }

    /** Null if the packet may enter the device, else why not. */
    private DropReason check(Peer peer, MemorySegment data, long start, int length) {
        if (IpPacket.ownLength(data, start, length) < 0) {
            return DropReason.MALFORMED; // e.g. a header length under 20 bytes: no kernel takes it
        }
        return context.peers().bySource(data, start, length, sourceCache) == peer ? null
                : DropReason.SOURCE_NOT_ALLOWED;
    }
}
