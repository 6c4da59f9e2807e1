package io.jtun.bench;

import io.jtun.noise.Blake2s;
import io.jtun.noise.CookieChecker;
import io.jtun.noise.CookieGenerator;
import io.jtun.noise.StaticIdentity;
import io.jtun.noise.X25519;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * BLAKE2s as the handshake's MACs use it.
 *
 * <ul>
 *   <li>{@code blake2sMac148}: keyed BLAKE2s (32-byte key, 16-byte output, jtun's {@link
 *       Blake2s#mac}) over 148 bytes, the size of a handshake initiation.
 *   <li>{@code addMacsInitiation}: {@link CookieGenerator#addMacs} on a 148-byte initiation: MAC1
 *       over its first 116 bytes, MAC2 zeroed (no cookie held), as every initiation sent gets.
 *   <li>{@code checkMac1Initiation}: {@link CookieChecker#checkMac1}, the first check of every
 *       handshake message received.
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Thread)
public class MacBench {
    private static final int INITIATION_SIZE = 148;

    private final byte[] key = new byte[32];
    private final byte[] data = new byte[INITIATION_SIZE];
    private final byte[] initiation = new byte[INITIATION_SIZE];
    private CookieGenerator generator;
    private CookieChecker checker;

    @Setup(Level.Trial)
    public void setUp() {
        SplittableRandom random = new SplittableRandom(148);
        random.nextBytes(key);
        random.nextBytes(data);
        random.nextBytes(initiation);
        initiation[0] = 1; // type: initiation
        initiation[1] = initiation[2] = initiation[3] = 0;
        StaticIdentity receiver = new StaticIdentity(X25519.generatePrivateKey());
        generator = new CookieGenerator(receiver.publicKey());
        checker = new CookieChecker(receiver);
        generator.addMacs(initiation, 0);
        if (!checker.checkMac1(initiation)) {
            throw new IllegalStateException("MAC1 does not verify");
        }
    }

    @Benchmark
    public byte[] blake2sMac148() {
        return Blake2s.mac(key, 16, data, 0, INITIATION_SIZE);
    }

    @Benchmark
    public byte[] addMacsInitiation() {
        generator.addMacs(initiation, 0);
        return initiation;
    }

    @Benchmark
    public boolean checkMac1Initiation() {
        return checker.checkMac1(initiation);
    }
}
