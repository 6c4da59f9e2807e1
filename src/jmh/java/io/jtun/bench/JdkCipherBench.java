package io.jtun.bench;

import io.jtun.noise.ChaCha20Poly1305;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
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
 * The JDK's ChaCha20-Poly1305 alone ({@code Cipher.init} with a new nonce, then {@code doFinal}),
 * with one cached {@link SecretKeySpec} as {@link ChaCha20Poly1305} keeps: the floor under {@link
 * TransportBench}'s {@code seal} and {@code open}, so that what jtun adds on top shows.
 *
 * <p>{@code *DirectBuffer}: the same on direct {@link ByteBuffer}s over native memory, the
 * route that would avoid the data path's copies to and from arrays, to see what it costs the
 * JDK.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Thread)
public class JdkCipherBench {
    private static final int TAG = ChaCha20Poly1305.TAG_SIZE;

    /** Plaintext bytes per operation (1420: a full packet under WireGuard's default MTU). */
    @Param({"1420"})
    public int size;

    private Cipher cipher;
    private SecretKeySpec key;
    private final byte[] nonce = new byte[ChaCha20Poly1305.NONCE_SIZE];
    private long counter;
    private byte[] plaintext;
    private byte[] ciphertext;
    private byte[] out;
    /** The nonce {@link #ciphertext} was made with (decryption may reuse a nonce). */
    private IvParameterSpec ciphertextNonce;

    private Arena arena;
    private ByteBuffer directIn;
    private ByteBuffer directCiphertext;
    private ByteBuffer directOut;

    @Setup(Level.Trial)
    public void setUp() throws GeneralSecurityException {
        SplittableRandom random = new SplittableRandom(7);
        byte[] k = new byte[ChaCha20Poly1305.KEY_SIZE];
        random.nextBytes(k);
        key = new SecretKeySpec(k, "ChaCha20");
        cipher = Cipher.getInstance("ChaCha20-Poly1305");
        plaintext = new byte[size];
        random.nextBytes(plaintext);
        out = new byte[size + TAG];
        ciphertextNonce = new IvParameterSpec(new byte[ChaCha20Poly1305.NONCE_SIZE]);
        cipher.init(Cipher.ENCRYPT_MODE, key, ciphertextNonce);
        ciphertext = cipher.doFinal(plaintext);
        counter = 1;

        arena = Arena.ofConfined();
        MemorySegment native3 = arena.allocate(3L * (size + TAG), 64);
        directIn = native3.asSlice(0, size + TAG).asByteBuffer();
        directCiphertext = native3.asSlice(size + TAG, size + TAG).asByteBuffer();
        directOut = native3.asSlice(2L * (size + TAG), size + TAG).asByteBuffer();
        directIn.put(0, plaintext);
        directCiphertext.put(0, ciphertext);
        if (decrypt() != size || decryptDirectBuffer() != size) {
            throw new IllegalStateException("the ciphertext does not decrypt");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    private IvParameterSpec nextNonce() {
        long c = counter++;
        for (int i = 0; i < 8; i++) {
            nonce[4 + i] = (byte) (c >>> (8 * i));
        }
        return new IvParameterSpec(nonce);
    }

    @Benchmark
    public int encrypt() throws GeneralSecurityException {
        cipher.init(Cipher.ENCRYPT_MODE, key, nextNonce());
        return cipher.doFinal(plaintext, 0, size, out, 0);
    }

    @Benchmark
    public int decrypt() throws GeneralSecurityException {
        cipher.init(Cipher.DECRYPT_MODE, key, ciphertextNonce);
        return cipher.doFinal(ciphertext, 0, size + TAG, out, 0);
    }

    @Benchmark
    public int encryptDirectBuffer() throws GeneralSecurityException {
        cipher.init(Cipher.ENCRYPT_MODE, key, nextNonce());
        return cipher.doFinal(directIn.clear().limit(size), directOut.clear());
    }

    @Benchmark
    public int decryptDirectBuffer() throws GeneralSecurityException {
        cipher.init(Cipher.DECRYPT_MODE, key, ciphertextNonce);
        return cipher.doFinal(directCiphertext.clear(), directOut.clear());
    }
}
