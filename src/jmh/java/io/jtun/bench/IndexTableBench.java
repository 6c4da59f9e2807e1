package io.jtun.bench;

import io.jtun.device.IndexTable;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link IndexTable#get}, which the inbound path does for every transport message (receiver
 * index to session), on a table holding {@code entries} indices; each lookup is for one of 4096
 * indices drawn at random (seeded) from those in the table, so every lookup hits. {@code
 * getMissing} looks up indices that are not there (what a stray or forged packet costs).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Thread)
public class IndexTableBench {
    private static final int LOOKUPS = 4096;
    private static final int MASK = LOOKUPS - 1;

    @Param({"100", "10000"})
    public int entries;

    private IndexTable<Object> table;
    private final int[] present = new int[LOOKUPS];
    private final int[] absent = new int[LOOKUPS];
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        table = new IndexTable<>();
        int[] indices = new int[entries];
        for (int i = 0; i < entries; i++) {
            indices[i] = table.add(new Object());
        }
        SplittableRandom random = new SplittableRandom(99);
        for (int i = 0; i < LOOKUPS; i++) {
            present[i] = indices[random.nextInt(entries)];
            int candidate;
            do {
                candidate = random.nextInt();
            } while (table.get(candidate) != null);
            absent[i] = candidate;
        }
    }

    @Benchmark
    public Object get() {
        return table.get(present[next++ & MASK]);
    }

    @Benchmark
    public Object getMissing() {
        return table.get(absent[next++ & MASK]);
    }
}
