package io.jtun.conn;

import io.jtun.sys.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * A fixed set of datagram slots, allocated once, that a {@link Transport} fills or drains with
 * one system call. Each slot is a native buffer of {@link #slotSize()} bytes holding one payload
 * at {@link #offset(int)} for {@link #length(int)} bytes, plus the peer's sockaddr.
 *
 * <p>The offset is headroom: a layer above can receive or build a payload at offset 16, then
 * prepend a 16-byte header by moving the offset back, without copying the payload. Offsets start
 * at 0 and no transport changes them.
 *
 * <p>A received slot may hold a train of datagrams rather than one: see {@link #segmentSize}.
 *
 * <p>Slot addresses are kept normalized: an IPv4 peer is always a {@code sockaddr_in}, also when
 * a dual-stack socket reported it as {@code ::ffff:a.b.c.d}.
 *
 * <p>Steady-state use allocates nothing: {@link #slot}, {@link #address} return views made once,
 * and hot code can address payloads through {@link #data()} and {@link #payloadStart(int)} instead
 * of {@link #payload(int)}, which slices. A batch is used by one thread at a time.
 */
public final class PacketBatch {
    /** Bytes of sockaddr room per slot: sizeof(struct sockaddr_storage). */
    public static final int ADDRESS_SIZE = Sockaddr.STORAGE_SIZE;
    /** Slots start on cache-line boundaries, so neighbouring payloads never share a line. */
    private static final int SLOT_ALIGNMENT = 64;

    private final int capacity;
    private final int slotSize;
    private final long stride;
    private final MemorySegment data;
    private final MemorySegment addresses;
    private final long dataBase;
    private final long addressBase;
    private final MemorySegment[] slots;
    private final MemorySegment[] addressViews;
    private final int[] offsets;
    private final int[] lengths;
    private final int[] addressLengths;
    private final int[] segmentSizes;
    private final MessageVector vector;
    private int count;

    /**
     * Allocates {@code capacity} slots of {@code slotSize} bytes from {@code arena}; the batch
     * lives as long as the arena.
     */
    public PacketBatch(Arena arena, int capacity, int slotSize) {
        Objects.requireNonNull(arena, "arena");
        if (capacity <= 0 || slotSize <= 0) {
            throw new IllegalArgumentException("a batch needs at least one slot of at least one byte, got "
                    + capacity + " x " + slotSize);
        }
        this.capacity = capacity;
        this.slotSize = slotSize;
        this.stride = (slotSize + SLOT_ALIGNMENT - 1L) / SLOT_ALIGNMENT * SLOT_ALIGNMENT;
        // Slots are sized for the largest packet, but most hold small ones: memory is only
        // committed where packets are actually written.
        this.data = Libc.allocateLazily(arena, stride * capacity);
        this.addresses = arena.allocate((long) ADDRESS_SIZE * capacity, SLOT_ALIGNMENT);
        this.dataBase = data.address();
        this.addressBase = addresses.address();
        this.slots = new MemorySegment[capacity];
        this.addressViews = new MemorySegment[capacity];
        for (int i = 0; i < capacity; i++) {
            slots[i] = data.asSlice(stride * i, slotSize);
            addressViews[i] = addresses.asSlice((long) ADDRESS_SIZE * i, ADDRESS_SIZE);
        }
        this.offsets = new int[capacity];
        this.lengths = new int[capacity];
        this.addressLengths = new int[capacity];
        this.segmentSizes = new int[capacity];
        this.vector = new MessageVector(arena, capacity);
    }

    public int capacity() {
        return capacity;
    }

    public int slotSize() {
        return slotSize;
    }

    /** Slots 0..count-1 hold datagrams: what receive filled, or what send will send. */
    public int count() {
        return count;
    }

    public void setCount(int count) {
        if (count < 0 || count > capacity) {
            throw new IllegalArgumentException("count " + count + " is outside 0.." + capacity);
        }
        this.count = count;
    }

    /** The whole buffer of slot {@code i}, {@link #slotSize()} bytes. */
    public MemorySegment slot(int i) {
        return slots[Objects.checkIndex(i, capacity)];
    }

    public int offset(int i) {
        return offsets[Objects.checkIndex(i, capacity)];
    }

    /** Moves where slot {@code i}'s payload starts; its length is kept, and must still fit. */
    public void setOffset(int i, int offset) {
        Objects.checkIndex(i, capacity);
        if (offset < 0 || (long) offset + lengths[i] > slotSize) {
            throw new IllegalArgumentException("offset " + offset + " with length " + lengths[i]
                    + " does not fit a slot of " + slotSize + " bytes");
        }
        offsets[i] = offset;
    }

    public int length(int i) {
        return lengths[Objects.checkIndex(i, capacity)];
    }

    public void setLength(int i, int length) {
        Objects.checkIndex(i, capacity);
        if (length < 0 || (long) offsets[i] + length > slotSize) {
            throw new IllegalArgumentException("length " + length + " at offset " + offsets[i]
                    + " does not fit a slot of " + slotSize + " bytes");
        }
        lengths[i] = length;
    }

    /**
     * 0 when slot {@code i} holds one datagram (always, unless it was received by a
     * {@link UdpTransport} with receive coalescing on). Otherwise the slot holds a train of
     * datagrams from its one sender, all {@code segmentSize} bytes long but the last, which may be
     * shorter: datagram k starts at payload offset {@code k * segmentSize} and the train has
     * {@link #segmentCount} of them. Never at or above {@link #length}: a train has two or more.
     *
     * <p>{@link Transport#send} ignores it: a slot is always sent as the one datagram its length
     * says.
     */
    public int segmentSize(int i) {
        return segmentSizes[Objects.checkIndex(i, capacity)];
    }

    /** How many datagrams slot {@code i} holds: 1, or ceil(length / segmentSize) for a train. */
    public int segmentCount(int i) {
        int segment = segmentSize(i);
        return segment == 0 ? 1 : Math.ceilDiv(lengths[i], segment);
    }

    /**
     * Sets or (with 0) clears slot {@code i}'s train layout; for a layer that takes a train apart
     * in place, or builds one. Not checked against the length, which may change after it.
     */
    public void setSegmentSize(int i, int segmentSize) {
        Objects.checkIndex(i, capacity);
        if (segmentSize < 0) {
            throw new IllegalArgumentException("segment size " + segmentSize + " is negative");
        }
        segmentSizes[i] = segmentSize;
    }

    /** Bytes slot {@code i} has for a payload at its current offset. */
    public int room(int i) {
        return slotSize - offsets[Objects.checkIndex(i, capacity)];
    }

    /** The payload of slot {@code i}. Slices (a small allocation): hot code uses {@link #data()}. */
    public MemorySegment payload(int i) {
        return slot(i).asSlice(offsets[i], lengths[i]);
    }

    /** All slots' memory, for allocation-free access with {@link #payloadStart} and {@link #slotStart}. */
    public MemorySegment data() {
        return data;
    }

    /** Where slot {@code i} begins inside {@link #data()}. */
    public long slotStart(int i) {
        return stride * Objects.checkIndex(i, capacity);
    }

    /** Where slot {@code i}'s payload begins inside {@link #data()}. */
    public long payloadStart(int i) {
        return slotStart(i) + offsets[i];
    }

    /** Slot {@code i}'s sockaddr storage, {@link #ADDRESS_SIZE} bytes; {@link #addressLength} are valid. */
    public MemorySegment address(int i) {
        return addressViews[Objects.checkIndex(i, capacity)];
    }

    /** 16 for IPv4, 28 for IPv6, 0 when no address was set or received. */
    public int addressLength(int i) {
        return addressLengths[Objects.checkIndex(i, capacity)];
    }

    /** {@code AF_INET}, {@code AF_INET6}, or 0 when slot {@code i} has no address. */
    public int addressFamily(int i) {
        Objects.checkIndex(i, capacity);
        return addressLengths[i] == 0 ? 0 : Sockaddr.family(addresses, (long) ADDRESS_SIZE * i);
    }

    /** Addresses slot {@code i} to {@code endpoint}: one copy of its encoded sockaddr. */
    public void setAddress(int i, SocketEndpoint endpoint) {
        Objects.checkIndex(i, capacity);
        MemorySegment encoded = endpoint.sockaddr();
        MemorySegment.copy(encoded, 0, addresses, (long) ADDRESS_SIZE * i, encoded.byteSize());
        addressLengths[i] = (int) encoded.byteSize();
    }

    /**
     * Addresses slot {@code i} with a sockaddr in the form {@link #address} holds (e.g. a received
     * datagram's source, kept aside): replying to a stranger needs no {@link SocketEndpoint}.
     */
    public void setAddress(int i, MemorySegment sockaddr, int length) {
        Objects.checkIndex(i, capacity);
        if (length != Sockaddr.IN_SIZE && length != Sockaddr.IN6_SIZE) {
            throw new IllegalArgumentException("not a sockaddr_in or sockaddr_in6: " + length + " bytes");
        }
        MemorySegment.copy(sockaddr, 0, addresses, (long) ADDRESS_SIZE * i, length);
        addressLengths[i] = length;
    }

    /** Whether slot {@code i}'s address is {@code endpoint} (family, address, port, scope). */
    public boolean addressEquals(int i, SocketEndpoint endpoint) {
        Objects.checkIndex(i, capacity);
        return Sockaddr.samePeer(addresses, (long) ADDRESS_SIZE * i, addressLengths[i], endpoint.sockaddr());
    }

    /** Slot {@code i}'s address as an endpoint. Allocates: for when a peer's address changes. */
    public SocketEndpoint endpoint(int i) {
        return SocketEndpoint.fromSockaddr(address(i), addressLengths[i]);
    }

    /**
     * Copies slot {@code from}'s payload, address and {@link #segmentSize} to slot {@code to},
     * which keeps its offset.
     */
    public void copySlot(int from, int to) {
        Objects.checkIndex(from, capacity);
        Objects.checkIndex(to, capacity);
        if (from == to) {
            return;
        }
        int length = lengths[from];
        if ((long) offsets[to] + length > slotSize) {
            throw new IllegalArgumentException("a " + length + "-byte payload does not fit slot " + to
                    + " at offset " + offsets[to]);
        }
        MemorySegment.copy(data, stride * from + offsets[from], data, stride * to + offsets[to], length);
        MemorySegment.copy(addresses, (long) ADDRESS_SIZE * from, addresses, (long) ADDRESS_SIZE * to,
                addressLengths[from]);
        lengths[to] = length;
        addressLengths[to] = addressLengths[from];
        segmentSizes[to] = segmentSizes[from];
    }

    // Package-private pieces for the transports: native addresses and unchecked bookkeeping.

    MessageVector vector() {
        return vector;
    }

    MemorySegment addresses() {
        return addresses;
    }

    long addressOffset(int i) {
        return (long) ADDRESS_SIZE * i;
    }

    long nativeAddressOf(int i) {
        return addressBase + (long) ADDRESS_SIZE * i;
    }

    long nativePayloadOf(int i) {
        return dataBase + stride * i + offsets[i];
    }

    /** Records a single datagram the kernel delivered; it never exceeds the room the transport offered. */
    void received(int i, int length, int addressLength) {
        received(i, length, addressLength, 0);
    }

    /** Records what the kernel delivered: a train of datagrams of {@code segmentSize}, or one (0). */
    void received(int i, int length, int addressLength, int segmentSize) {
        lengths[i] = length;
        addressLengths[i] = addressLength;
        segmentSizes[i] = segmentSize;
    }

    /** Whether slots {@code i} and {@code j} have byte-for-byte the same sockaddr. */
    boolean sameAddress(int i, int j) {
        int length = addressLengths[i];
        if (length != addressLengths[j]) {
            return false;
        }
        long a = (long) ADDRESS_SIZE * i;
        long b = (long) ADDRESS_SIZE * j;
        return MemorySegment.mismatch(addresses, a, a + length, addresses, b, b + length) == -1;
    }
}
