package io.jtun.bench;

import io.jtun.noise.ChaCha20Poly1305;
import io.jtun.noise.TransportMessage;
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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One transport data message per operation, as the data path handles it (see {@code
 * io.jtun.device.wg.WireGuard}): a per-thread {@link ChaCha20Poly1305} and {@code byte[]} scratch
 * buffer, one session key, the send counter advancing by one per packet (the JDK refuses to
 * encrypt twice under one key and nonce), MTU 1420.
 *
 * <ul>
 *   <li>{@code seal}, {@code open}: {@link TransportMessage#encrypt} / {@link
 *       TransportMessage#decrypt} on arrays only, i.e. the cryptography plus our framing.
 *   <li>{@code sealFromSlot}, {@code openFromSlot}: the same with the copies the data path adds
 *       today, from a native batch slot (an {@link Arena}-allocated segment) into the scratch
 *       array and the result back into native memory.
 *   <li>{@code slotCopiesOutbound}, {@code slotCopiesInbound}: those copies alone.
 * </ul>
 *
 * {@code size} is the inner packet's length; the message on the wire is 32 bytes more (header
 * and tag; 64, 512 and 1420 need no padding under MTU 1420).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Thread)
public class TransportBench {
    /** The data path's slot size (Tunnel.SLOT_SIZE: a TUN read buffer plus headroom). */
    static final int SLOT_SIZE = 65536 + 128;
    static final int MTU = 1420;
    static final int HEADER = TransportMessage.HEADER_SIZE;
    static final int RECEIVER_INDEX = 0x1234_5678;

    @Param({"64", "512", "1420"})
    public int size;

    private final ChaCha20Poly1305 aead = new ChaCha20Poly1305();
    private byte[] key;
    private long counter;
    /** The per-thread scratch array that the data path encrypts and decrypts in. */
    private byte[] scratch;
    /** A valid transport message carrying a {@code size}-byte packet, and its length. */
    private byte[] message;
    private int messageLength;
    /** Where {@link #open} puts the plaintext (decrypting {@link #message} in place would destroy it). */
    private byte[] plain;

    private Arena arena;
    /** Native memory standing for batch slots: the outbound slot, the inbound one, an inbound output. */
    private MemorySegment slots;
    private long outboundSlot;
    private long inboundSlot;
    private long inboundOutput;

    @Setup(Level.Trial)
    public void setUp() {
        SplittableRandom random = new SplittableRandom(20_250_401);
        key = new byte[ChaCha20Poly1305.KEY_SIZE];
        random.nextBytes(key);
        byte[] packet = new byte[size];
        random.nextBytes(packet);
        packet[0] = 0x45; // looks like IPv4, not that anything here parses it

        scratch = new byte[SLOT_SIZE];
        System.arraycopy(packet, 0, scratch, HEADER, size);
        plain = new byte[SLOT_SIZE];
        message = new byte[SLOT_SIZE];
        messageLength = TransportMessage.encrypt(aead, key, RECEIVER_INDEX, 0, packet, 0, size, MTU, message, 0);
        counter = 1;
        if (messageLength != size + TransportMessage.OVERHEAD) {
            throw new IllegalStateException("unexpected message size " + messageLength);
        }

        arena = Arena.ofConfined();
        slots = arena.allocate(3L * SLOT_SIZE, 64);
        outboundSlot = 0;
        inboundSlot = SLOT_SIZE;
        inboundOutput = 2L * SLOT_SIZE;
        // Outbound: the packet read from TUN sits after the headroom, where the header will go.
        MemorySegment.copy(packet, 0, slots, ValueLayout.JAVA_BYTE, outboundSlot + HEADER, size);
        // Inbound: a received message at the start of its slot.
        MemorySegment.copy(message, 0, slots, ValueLayout.JAVA_BYTE, inboundSlot, messageLength);
        if (open() != size || openFromSlot() != size) {
            throw new IllegalStateException("the message does not decrypt");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    /** Encrypt a packet already in the scratch array (in place), as TransportMessage does it. */
    @Benchmark
    public int seal() {
        return TransportMessage.encrypt(aead, key, RECEIVER_INDEX, counter++, scratch, HEADER, size, MTU, scratch, 0);
    }

    /** WireGuard.encrypt's work: copy the packet out of the native slot, encrypt, copy the message back. */
    @Benchmark
    public int sealFromSlot() {
        MemorySegment.copy(slots, ValueLayout.JAVA_BYTE, outboundSlot + HEADER, scratch, HEADER, size);
        int n = TransportMessage.encrypt(aead, key, RECEIVER_INDEX, counter++, scratch, HEADER, size, MTU, scratch, 0);
        MemorySegment.copy(scratch, 0, slots, ValueLayout.JAVA_BYTE, outboundSlot, n);
        return n;
    }

    /** Only the two copies of {@link #sealFromSlot}. */
    @Benchmark
    public int slotCopiesOutbound() {
        MemorySegment.copy(slots, ValueLayout.JAVA_BYTE, outboundSlot + HEADER, scratch, HEADER, size);
        int n = size + TransportMessage.OVERHEAD;
        MemorySegment.copy(scratch, 0, slots, ValueLayout.JAVA_BYTE, outboundSlot, n);
        return n;
    }

    /** Decrypt and authenticate a message held in an array. */
    @Benchmark
    public int open() {
        int n = TransportMessage.decrypt(aead, key, message, 0, messageLength, plain, HEADER);
        if (n < 0) {
            throw new IllegalStateException("authentication failed");
        }
        return n;
    }

    /**
     * WireGuard.openTransport's crypto work: copy the message out of the native slot, decrypt in
     * place, copy the packet back to native memory (to a second slot here, so that the next
     * operation finds the ciphertext intact; the data path writes over its own slot).
     */
    @Benchmark
    public int openFromSlot() {
        MemorySegment.copy(slots, ValueLayout.JAVA_BYTE, inboundSlot, scratch, 0, messageLength);
        int n = TransportMessage.decrypt(aead, key, scratch, 0, messageLength, scratch, HEADER);
        if (n < 0) {
            throw new IllegalStateException("authentication failed");
        }
        MemorySegment.copy(scratch, HEADER, slots, ValueLayout.JAVA_BYTE, inboundOutput + HEADER, n);
        return n;
    }

    /** Only the two copies of {@link #openFromSlot}. */
    @Benchmark
    public int slotCopiesInbound() {
        MemorySegment.copy(slots, ValueLayout.JAVA_BYTE, inboundSlot, scratch, 0, messageLength);
        MemorySegment.copy(scratch, HEADER, slots, ValueLayout.JAVA_BYTE, inboundOutput + HEADER, size);
        return size;
    }
}
