package io.jtun.device;

import java.util.concurrent.atomic.LongAdder;

/**
 * Packet and byte counters with drops by reason. Several pipeline threads add to the same
 * counters, so they are LongAdders: uncontended adds are a plain CAS, and contended ones spread
 * over cells instead of bouncing one cache line between cores.
 */
public final class TrafficCounters {
    private final LongAdder rxPackets = new LongAdder();
    private final LongAdder rxBytes = new LongAdder();
    private final LongAdder txPackets = new LongAdder();
    private final LongAdder txBytes = new LongAdder();
    private final LongAdder[] drops = new LongAdder[DropReason.values().length];

    public TrafficCounters() {
        for (int i = 0; i < drops.length; i++) {
            drops[i] = new LongAdder();
        }
    }

    public void received(int bytes) {
        rxPackets.increment();
        rxBytes.add(bytes);
    }

    /** {@code packets} packets of {@code bytes} in all, delivered together (one merged device write). */
    public void received(int packets, int bytes) {
        rxPackets.add(packets);
        rxBytes.add(bytes);
    }

    public void sent(int bytes) {
        txPackets.increment();
        txBytes.add(bytes);
    }

    public void dropped(DropReason reason) {
        drops[reason.ordinal()].increment();
    }

    public void dropped(DropReason reason, int packets) {
        drops[reason.ordinal()].add(packets);
    }

    public long rxPackets() {
        return rxPackets.sum();
    }

    public long rxBytes() {
        return rxBytes.sum();
    }

    public long txPackets() {
        return txPackets.sum();
    }

    public long txBytes() {
        return txBytes.sum();
    }

    public long drops(DropReason reason) {
        return drops[reason.ordinal()].sum();
    }
}
