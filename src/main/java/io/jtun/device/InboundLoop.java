package io.jtun.device;

import io.jtun.conn.PacketBatch;
import io.jtun.conn.Transport;
import io.jtun.sys.Libc;
import io.jtun.sys.PollSet;
import io.jtun.sys.SysException;
import io.jtun.sys.WakePipe;
import io.jtun.tun.TunMode;
import io.jtun.tun.TunQueue;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The inbound pipeline, on its own thread:
 *
 * <ol>
 *   <li>receive every datagram waiting on the underlay, up to a batch, with one system call;</li>
 *   <li>find the peer that sent each one (by its endpoint); datagrams from strangers are
 *       dropped;</li>
 *   <li>check the inner packet: a TUN packet must be IPv4 or IPv6 with a source address inside
 *       the sending peer's AllowedIPs (cryptokey routing's inbound rule: a peer speaks only for
 *       its own addresses), a TAP frame must hold an Ethernet header;</li>
 *   <li>write each accepted packet into the device;</li>
 *   <li>when the underlay has nothing more, sleep in poll until it does.</li>
 * </ol>
 */
final class InboundLoop implements Runnable {
    private static final int IPV4_MIN_HEADER = 20;
    private static final int IPV4_SOURCE = 12;
    private static final int IPV6_HEADER = 40;
    private static final int IPV6_SOURCE = 8;
    private static final int ETHERNET_HEADER = 14;

    private final TunQueue queue;
    private final TunMode mode;
    private final Transport transport;
    private final PeerTable peers;
    private final TrafficCounters interfaceCounters;
    private final WakePipe wake;
    private final Tunnel.Lifecycle lifecycle;
    private final int batchSize;

    InboundLoop(TunQueue queue, TunMode mode, Transport transport, PeerTable peers, TrafficCounters interfaceCounters,
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
            int[] sockets = transport.fds();
            PollSet pollSet = new PollSet(arena, sockets.length + 1);
            for (int i = 0; i < sockets.length; i++) {
                pollSet.set(i, sockets[i], Libc.POLLIN);
            }
            pollSet.set(sockets.length, wake.fd(), Libc.POLLIN);
            while (lifecycle.running()) {
                int count = transport.receive(batch);
                if (count == 0) {
                    pollSet.poll(-1);
                    continue;
                }
                for (int i = 0; i < count; i++) {
                    deliver(batch, i);
                }
            }
        } catch (RuntimeException e) {
            lifecycle.failed("inbound", e);
        }
    }

    private void deliver(PacketBatch batch, int slot) {
        Peer peer = peers.sender(batch, slot);
        if (peer == null) {
            interfaceCounters.dropped(DropReason.UNKNOWN_SOURCE);
            return;
        }
        MemorySegment data = batch.data();
        long start = batch.payloadStart(slot);
        int length = batch.length(slot);
        DropReason verdict = check(peer, data, start, length);
        if (verdict != null) {
            peer.counters().dropped(verdict);
            return;
        }
        try {
            if (queue.write(data, start, length)) {
                peer.counters().received(length);
                return;
            }
        } catch (SysException e) {
            // The kernel refused this packet (e.g. the device went down); the rest may pass.
        }
        peer.counters().dropped(DropReason.DEVICE_WRITE_FAILED);
    }

    /** Null if the packet may enter the device, else why not. */
    private DropReason check(Peer peer, MemorySegment data, long start, int length) {
        if (mode == TunMode.TAP) {
            return length >= ETHERNET_HEADER ? null : DropReason.MALFORMED;
        }
        if (length < 1) {
            return DropReason.MALFORMED;
        }
        int version = (data.get(ValueLayout.JAVA_BYTE, start) & 0xf0) >>> 4;
        Peer owner;
        if (version == 4 && length >= IPV4_MIN_HEADER) {
            owner = peers.routes().lookupIpv4(data, start + IPV4_SOURCE);
        } else if (version == 6 && length >= IPV6_HEADER) {
            owner = peers.routes().lookupIpv6(data, start + IPV6_SOURCE);
        } else {
            return DropReason.MALFORMED;
        }
        return owner == peer ? null : DropReason.SOURCE_NOT_ALLOWED;
    }
}
