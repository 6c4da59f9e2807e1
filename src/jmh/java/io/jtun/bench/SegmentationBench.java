package io.jtun.bench;

import io.jtun.device.offload.TcpCoalescer;
import io.jtun.device.offload.TcpSegmenter;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The two TCP offload steps jtun does in software, per 64 KB super-packet (an IPv4 TCP packet
 * with timestamps, MSS 1368 as under MTU 1420: 48 segments):
 *
 * <ul>
 *   <li>{@code segment}: {@link TcpSegmenter} cuts it into segments, each written to its own
 *       slot with its IP and TCP checksums computed (the outbound side of TSO);
 *   <li>{@code coalesce}: {@link TcpCoalescer} merges those 48 segments back into one
 *       super-packet and hands it to a sink (the inbound side, GRO).
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Thread)
public class SegmentationBench {
    static final int MSS = 1368;
    static final int HEADERS = 20 + 32;
    static final int PAYLOAD = 48 * MSS;
    static final int SLOT = 2048;

    private Arena arena;
    private MemorySegment superPacket;
    private MemorySegment slots;
    private int[] lengths;
    private final TcpSegmenter segmenter = new TcpSegmenter();
    private TcpCoalescer<Object> coalescer;
    private Blackhole sinkHole;
    private final Object owner = new Object();

    @Setup(Level.Trial)
    public void setUp(Blackhole blackhole) {
        arena = Arena.ofConfined();
        sinkHole = blackhole;
        superPacket = arena.allocate(HEADERS + PAYLOAD);
        byte[] packet = new byte[HEADERS + PAYLOAD];
        new SplittableRandom(3).nextBytes(packet);
        packet[0] = 0x45;
        packet[6] = 0x40; // DF, no fragment offset
        packet[7] = 0;
        packet[8] = 64;
        packet[9] = 6;
        packet[20 + 12] = (byte) 0x80; // 32-byte TCP header
        packet[20 + 13] = 0x10; // ACK
        packet[20 + 20] = 1;
        packet[20 + 21] = 1;
        packet[20 + 22] = 8;
        packet[20 + 23] = 10;
        MemorySegment.copy(packet, 0, superPacket, ValueLayout.JAVA_BYTE, 0, packet.length);
        slots = arena.allocate((long) SLOT * 64);
        lengths = new int[64];
        coalescer = new TcpCoalescer<>(arena, (data, offset, length, who, packets, bytes) -> sinkHole.consume(length));
        segment();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public int segment() {
        segmenter.prepare(superPacket, 0, HEADERS + PAYLOAD, MSS);
        int n = segmenter.segments();
        for (int i = 0; i < n; i++) {
            lengths[i] = segmenter.write(i, slots, (long) SLOT * i);
        }
        return n;
    }

    @Benchmark
    public int coalesce() {
        int taken = 0;
        for (int i = 0; i < 48; i++) {
            taken += coalescer.add(slots, (long) SLOT * i, lengths[i], owner) ? 1 : 0;
        }
        coalescer.flush();
        if (taken != 48) {
            throw new IllegalStateException("the benchmark's segments were not merged: " + taken);
        }
        return taken;
    }
}
