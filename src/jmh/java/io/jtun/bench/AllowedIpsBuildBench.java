package io.jtun.bench;

import io.jtun.device.AllowedIps;
import io.jtun.net.IpPrefix;
import java.util.List;
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
 * Building a cryptokey routing table from nothing: {@code prefixes} inserts (the same random
 * prefixes as {@link AllowedIpsBench}) into a new {@link AllowedIps}, one family per operation.
 * Each insert copies the path to its prefix and publishes a new root, as a configuration change
 * does. Divide by {@code prefixes} for the cost of one insert.
 *
 * <p>Longer warm-up than the other benchmarks: an operation allocates some megabytes (every
 * insert copies its path), and the first seconds still see the JIT and the heap settle.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@State(Scope.Thread)
public class AllowedIpsBuildBench {
    @Param({"10000"})
    public int prefixes;

    private List<IpPrefix> ipv4;
    private List<IpPrefix> ipv6;

    @Setup(Level.Trial)
    public void setUp() {
        SplittableRandom random = new SplittableRandom(AllowedIpsBench.SEED);
        ipv4 = AllowedIpsBench.randomPrefixes(random, prefixes, false);
        ipv6 = AllowedIpsBench.randomPrefixes(random, prefixes, true);
    }

    @Benchmark
    public AllowedIps<Integer> buildIpv4() {
        return build(ipv4);
    }

    @Benchmark
    public AllowedIps<Integer> buildIpv6() {
        return build(ipv6);
    }

    private static AllowedIps<Integer> build(List<IpPrefix> prefixes) {
        AllowedIps<Integer> table = new AllowedIps<>();
        for (int i = 0; i < prefixes.size(); i++) {
            table.insert(prefixes.get(i), i);
        }
        return table;
    }
}
