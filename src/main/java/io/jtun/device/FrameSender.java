package io.jtun.device;

import io.jtun.conn.PacketBatch;
import io.jtun.device.l2.FrameCompressor;
import io.jtun.device.l2.FrameHeader;
import io.jtun.sys.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Puts frames into one thread's batch for peers: the frame header (and LZ4, when the interface
 * compresses) on encrypted interfaces, sealing, and flooding one frame to many peers. When the
 * batch is full it is handed to {@code flush}, which sends it and empties it, so a frame may go
 * to more peers than a batch has slots.
 */
final class FrameSender {
    private final PacketCodec codec;
    private final PeerTable peers;
    private final FrameSwitch frameSwitch;
    private final PacketBatch batch;
    private final Runnable flush;
    /** Frames carry a {@link FrameHeader} (WireGuard's type-5 messages); plain tunnels send them bare. */
    private final boolean framed;
    /** Null when the interface does not compress. */
    private final FrameCompressor compressor;
    /** A flooded frame, framed once, then copied to each peer's slot (header at 0). */
    private final MemorySegment floodFrame;
    /** Where in a slot a frame's first byte goes, so the header and the codec's own fit in front. */
    private final int frameOffset;

    FrameSender(LoopContext context, Arena arena, PacketBatch batch, Runnable flush) {
        this.codec = context.codec();
        this.peers = context.peers();
        this.frameSwitch = context.frameSwitch();
        this.batch = batch;
        this.flush = flush;
        this.framed = context.framed();
        this.compressor = context.compress() ? new FrameCompressor(Tunnel.SLOT_SIZE) : null;
        this.floodFrame = Libc.allocateLazily(arena, Tunnel.SLOT_SIZE);
        this.frameOffset = codec.headroom() + (framed ? FrameHeader.SIZE : 0);
    }

    /** Where in a slot a frame's first byte goes, so the header and the codec's own fit in front. */
    int frameOffset() {
        return frameOffset;
    }

    /** The frame already in the batch's next free slot, at {@link #frameOffset()}, goes to {@code peer}. */
    void sendInPlace(Peer peer, int length) {
        int slot = batch.count();
        int content = frame(batch.data(), batch.slotStart(slot) + frameOffset, length);
        batch.setOffset(slot, codec.headroom());
        batch.setLength(slot, content);
        seal(peer, slot);
    }

    /** A frame from elsewhere (one received, which a hub passes on) goes to {@code peer}. */
    void send(Peer peer, MemorySegment source, long at, int length) {
        makeRoom();
        int slot = batch.count();
        MemorySegment.copy(source, at, batch.data(), batch.slotStart(slot) + frameOffset, length);
        sendInPlace(peer, length);
    }

    /** The frame goes to every peer but {@code except} (null: to all). */
    void flood(Peer except, MemorySegment source, long at, int length) {
        long frameAt = framed ? FrameHeader.SIZE : 0;
        MemorySegment.copy(source, at, floodFrame, frameAt, length);
        int content = frame(floodFrame, frameAt, length);
        for (Peer peer : peers.all()) {
            if (peer == except) {
                continue;
            }
            makeRoom();
            int slot = batch.count();
            batch.setOffset(slot, codec.headroom());
            MemorySegment.copy(floodFrame, 0, batch.data(), batch.payloadStart(slot), content);
            batch.setLength(slot, content);
            seal(peer, slot);
        }
    }

    /** Sends what the batch holds when it has no free slot. */
    void makeRoom() {
        if (batch.count() == batch.capacity()) {
            flush.run();
        }
    }

    /**
     * Puts the frame header in front of the frame at {@code at} (compressing the frame where it
     * lies, when that pays) and returns the length of header and frame data together.
     */
    private int frame(MemorySegment data, long at, int length) {
        if (!framed) {
            return length;
        }
        int compressed = compressor == null ? -1 : compressor.compress(data, at, length, data, at);
        if (compressed > 0) {
            frameSwitch.countCompressed(length, compressed);
            FrameHeader.write(data, at - FrameHeader.SIZE, FrameHeader.COMPRESSED, compressed);
            return FrameHeader.SIZE + compressed;
        }
        if (compressor != null) {
            frameSwitch.countUncompressed(length);
        }
        FrameHeader.write(data, at - FrameHeader.SIZE, 0, length);
        return FrameHeader.SIZE + length;
    }

    private void seal(Peer peer, int slot) {
        if (codec.seal(peer, batch, slot)) {
            batch.setCount(slot + 1);
        }
    }
}
