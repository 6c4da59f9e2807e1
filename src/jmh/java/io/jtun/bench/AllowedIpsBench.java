package io.jtun.bench;

import io.jtun.device.AllowedIps;
import io.jtun.net.IpPrefix;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cryptokey routing lookups: {@link AllowedIps#lookupIpv4} / {@link AllowedIps#lookupIpv6} on a
 * table of {@code prefixes} random IPv4 and as many random IPv6 prefixes (seeded, so every run
 * builds the same table), reading destination addresses from native memory as the data path
 * does. Each lookup is for a different address, cycling through 4096 addresses that each fall
 * inside a random prefix of the table (host bits random too), i.e. packets that are routed.
 *
 * <p>Prefix lengths: half host routes (/32, /128), a quarter /24 or /64, a quarter uniform
 * between /8 and /32 or /16 and /128.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Thread)
public class AllowedIpsBench {
    static final long SEED = 0x6a74756eL;
    private static final int ADDRESSES = 4096;
    private static final int MASK = ADDRESSES - 1;

    @Param({"10", "1000", "10000"})
    public int prefixes;

    private AllowedIps<Integer> table;
    private Arena arena;
    private MemorySegment ipv4Addresses;
    private MemorySegment ipv6Addresses;
    private int next;
    private final AllowedIps.LookupCache<Integer> cache = new AllowedIps.LookupCache<>();

    @Setup(Level.Trial)
    public void setUp() {
        SplittableRandom random = new SplittableRandom(SEED);
        List<IpPrefix> v4 = randomPrefixes(random, prefixes, false);
        List<IpPrefix> v6 = randomPrefixes(random, prefixes, true);
        table = new AllowedIps<>();
        for (int i = 0; i < prefixes; i++) {
            table.insert(v4.get(i), i);
            table.insert(v6.get(i), prefixes + i);
        }
        arena = Arena.ofConfined();
        ipv4Addresses = addressesInside(arena, random, v4, 4);
        ipv6Addresses = addressesInside(arena, random, v6, 16);
        for (int i = 0; i < ADDRESSES; i++) {
            if (table.lookupIpv4(ipv4Addresses, 4L * i) == null || table.lookupIpv6(ipv6Addresses, 16L * i) == null) {
                throw new IllegalStateException("an address meant to be routed is not");
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public Integer lookupIpv4() {
        return table.lookupIpv4(ipv4Addresses, 4L * (next++ & MASK));
    }

    @Benchmark
    public Integer lookupIpv6() {
        return table.lookupIpv6(ipv6Addresses, 16L * (next++ & MASK));
    }

    /**
     * What the data path does for a bulk flow: the same destination packet after packet (every
     * segment of a super-packet), answered by the thread's lookup cache.
     */
    @Benchmark
    public Integer lookupIpv6SameFlow() {
        return table.lookupIpv6(ipv6Addresses, 16L * 5, cache);
    }

    /** {@code count} distinct random network prefixes of one family. */
    static List<IpPrefix> randomPrefixes(SplittableRandom random, int count, boolean ipv6) {
        int bits = ipv6 ? 128 : 32;
        Set<IpPrefix> out = new LinkedHashSet<>();
        while (out.size() < count) {
            byte[] address = new byte[bits / 8];
            random.nextBytes(address);
            int choice = random.nextInt(4);
            int length = switch (choice) {
                case 0, 1 -> bits;
                case 2 -> ipv6 ? 64 : 24;
                default -> ipv6 ? random.nextInt(16, 129) : random.nextInt(8, 33);
            };
            out.add(new IpPrefix(address, length).network());
        }
        return new ArrayList<>(out);
    }

    /** {@value #ADDRESSES} addresses, each inside a random one of {@code prefixes}, packed in native memory. */
    private static MemorySegment addressesInside(Arena arena, SplittableRandom random, List<IpPrefix> prefixes,
            int bytes) {
        MemorySegment segment = arena.allocate((long) ADDRESSES * bytes, 64);
        for (int i = 0; i < ADDRESSES; i++) {
            IpPrefix prefix = prefixes.get(random.nextInt(prefixes.size()));
            byte[] address = prefix.address();
            byte[] host = new byte[bytes];
            random.nextBytes(host);
            for (int bit = prefix.prefixLength(); bit < bytes * 8; bit++) {
                int mask = 0x80 >>> (bit & 7);
                address[bit >>> 3] = (byte) ((address[bit >>> 3] & ~mask) | (host[bit >>> 3] & mask));
            }
            MemorySegment.copy(MemorySegment.ofArray(address), 0, segment, (long) i * bytes, bytes);
        }
        return segment;
    }
}
