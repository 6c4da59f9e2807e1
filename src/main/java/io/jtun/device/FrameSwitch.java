package io.jtun.device;

import io.jtun.config.Layer2;
import io.jtun.device.l2.EthernetFrame;
import io.jtun.device.l2.FrameHeader;
import io.jtun.device.l2.MacAddress;
import io.jtun.device.l2.MacTable;
import io.jtun.log.Log;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The learning switch of a {@code Mode = tap} interface. Its ports are the local device and the
 * peers; it learns behind which port each source MAC address lives and decides where a frame
 * goes:
 *
 * <ul>
 *   <li>from the device: to the peer its destination was learned behind; broadcast, multicast
 *       and unknown destinations to every peer; a destination on this side is filtered;</li>
 *   <li>from a peer: to the device, unless its destination was learned behind a peer. Only a
 *       hub ({@code Hub = true}) sends frames on to other peers (a star's centre); without it
 *       frames from peers never reach peers, so a mesh, where every host is every other's peer,
 *       can have no loop and no duplicate.</li>
 * </ul>
 *
 * A MAC address may move (a laptop changes site), but each move is counted and logged, so a peer
 * that claims another's addresses is seen; each port learns at most {@code MacLimit} addresses,
 * so no peer can fill the table. Shared by the interface's loops; thread-safe.
 */
final class FrameSwitch {
    /** The port of the local device (its MACs are those of this host and, bridged, its LAN). */
    static final Peer LOCAL = new Peer("this host", null);
    /** A decision: every peer (and, from a peer, the device too). */
    static final Peer FLOOD = new Peer("everyone", null);
    /** At most one move is logged per second; the rest are counted. */
    private static final long MOVE_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final String interfaceName;
    private final boolean hub;
    private final MacTable<Peer> table;
    private final TrafficCounters interfaceCounters;
    private final AtomicLong lastMoveLog = new AtomicLong();
    private final LongAdder compressedFrames = new LongAdder();
    private final LongAdder uncompressedFrames = new LongAdder();
    private final LongAdder bytesBeforeCompression = new LongAdder();
    private final LongAdder bytesAfterCompression = new LongAdder();
    private final LongAdder decompressedFrames = new LongAdder();

    FrameSwitch(String interfaceName, Layer2 settings, TrafficCounters interfaceCounters) {
        this.interfaceName = interfaceName;
        this.hub = settings.hub();
        this.interfaceCounters = interfaceCounters;
        this.table = new MacTable<>(settings.macLimitPerPort(), TimeUnit.SECONDS.toNanos(settings.macAgeSeconds()),
                this::moved);
    }

    /**
     * A frame read from the device: the peer to send it to, {@link #FLOOD}, or null when it is
     * not to be sent (counted).
     */
    Peer fromDevice(MemorySegment data, long start, int length, long now) {
        if (length < EthernetFrame.HEADER || length > FrameHeader.MAX_LENGTH) {
            interfaceCounters.dropped(DropReason.MALFORMED);
            return null;
        }
        table.learn(MacAddress.read(data, start + EthernetFrame.SOURCE), LOCAL, now);
        Peer target = destination(data, start, now);
        if (target == LOCAL) {
            interfaceCounters.dropped(DropReason.SAME_SIDE);
            return null;
        }
        return target;
    }

    /**
     * A frame from peer {@code from}: {@link #LOCAL} (the device only), another peer (a hub
     * forwards to it), {@link #FLOOD} (the device, and with a hub every other peer), or null when
     * it is dropped (counted on the peer).
     */
    Peer fromPeer(Peer from, MemorySegment data, long start, int length, long now) {
        if (length < EthernetFrame.HEADER) {
            from.counters().dropped(DropReason.MALFORMED);
            return null;
        }
        long source = MacAddress.read(data, start + EthernetFrame.SOURCE);
        if (MacAddress.isMulticast(source)) {
            from.counters().dropped(DropReason.MALFORMED); // no sender has a group address
            return null;
        }
        table.learn(source, from, now);
        Peer target = destination(data, start, now);
        if (target == from) {
            from.counters().dropped(DropReason.SAME_SIDE);
            return null;
        }
        if (target == FLOOD || target == LOCAL || hub) {
            return target;
        }
        // Learned behind another peer, which hears from that host directly: not ours to pass on.
        from.counters().dropped(DropReason.SAME_SIDE);
        return null;
    }

    /** Whether frames from one peer go on to others. */
    boolean hub() {
        return hub;
    }

    private Peer destination(MemorySegment data, long start, long now) {
        long destination = MacAddress.read(data, start + EthernetFrame.DESTINATION);
        if (MacAddress.isMulticast(destination)) {
            return FLOOD;
        }
        Peer port = table.lookup(destination, now);
        if (port == null) {
            return FLOOD;
        }
        if (port.removed()) {
            table.removePort(port); // the peer left the interface: its addresses are unknown again
            return FLOOD;
        }
        return port;
    }

    private void moved(long mac, Peer from, Peer to) {
        long now = System.nanoTime();
        long last = lastMoveLog.get();
        if (now - last < MOVE_LOG_INTERVAL_NANOS && last != 0 || !lastMoveLog.compareAndSet(last, now)) {
            return;
        }
        Log.warning(interfaceName + ": MAC " + MacAddress.format(mac) + " moved from " + name(from) + " to "
                + name(to) + " (" + table.moves() + " moves so far; a peer taking another's addresses shows here)");
    }

    private static String name(Peer port) {
        return port == LOCAL ? "this host" : "peer " + Log.shortKey(port.label());
    }

    MacTable<Peer> table() {
        return table;
    }

    // ---- compression counters (the loops count; jtun show reads) ----

    void countCompressed(int before, int after) {
        compressedFrames.increment();
        bytesBeforeCompression.add(before);
        bytesAfterCompression.add(after);
    }

    void countUncompressed(int length) {
        uncompressedFrames.increment();
        bytesBeforeCompression.add(length);
        bytesAfterCompression.add(length);
    }

    void countDecompressed() {
        decompressedFrames.increment();
    }

    long compressedFrames() {
        return compressedFrames.sum();
    }

    long uncompressedFrames() {
        return uncompressedFrames.sum();
    }

    long bytesBeforeCompression() {
        return bytesBeforeCompression.sum();
    }

    long bytesAfterCompression() {
        return bytesAfterCompression.sum();
    }

    long decompressedFrames() {
        return decompressedFrames.sum();
    }
}
