package io.jtun.conn;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

/**
 * The native {@code struct mmsghdr} array (with its iovecs and scratch areas) that recvmmsg and
 * sendmmsg read, one entry per {@link PacketBatch} slot. Allocated once with its batch; each call
 * only rewrites the few fields that change, as raw 64-bit addresses, so no Java object is made.
 *
 * <p>Usually entry i carries slot i. A segmented send ({@link #sendRun}) packs several slots into
 * one message: its msg_iov points into a second iovec array that has one iovec per slot, in slot
 * order, so a run of slots is a run of iovecs and no entry needs room for more than its own.
 * Entries are then packed too (message m of a call starting at slot s is entry s + m, never past
 * the slot it starts at), and {@link #slots} tells how many slots each carries.
 *
 * <p>Layouts are those of LP64 Linux (x86_64, aarch64), checked when the class loads.
 */
final class MessageVector {
    static final StructLayout IOVEC = MemoryLayout.structLayout(
            ADDRESS.withName("iov_base"),
            JAVA_LONG.withName("iov_len"));

    static final StructLayout MSGHDR = MemoryLayout.structLayout(
            ADDRESS.withName("msg_name"),
            JAVA_INT.withName("msg_namelen"),
            MemoryLayout.paddingLayout(Integer.BYTES),
            ADDRESS.withName("msg_iov"),
            JAVA_LONG.withName("msg_iovlen"),
            ADDRESS.withName("msg_control"),
            JAVA_LONG.withName("msg_controllen"),
            JAVA_INT.withName("msg_flags"),
            MemoryLayout.paddingLayout(Integer.BYTES));

    static final StructLayout MMSGHDR = MemoryLayout.structLayout(
            MSGHDR.withName("msg_hdr"),
            JAVA_INT.withName("msg_len"),
            MemoryLayout.paddingLayout(Integer.BYTES));

    private static final long IOVEC_SIZE = IOVEC.byteSize();
    private static final long MMSGHDR_SIZE = MMSGHDR.byteSize();
    private static final long IOV_BASE = IOVEC.byteOffset(groupElement("iov_base"));
    private static final long IOV_LEN = IOVEC.byteOffset(groupElement("iov_len"));
    private static final long NAME = MSGHDR.byteOffset(groupElement("msg_name"));
    private static final long NAMELEN = MSGHDR.byteOffset(groupElement("msg_namelen"));
    private static final long IOV = MSGHDR.byteOffset(groupElement("msg_iov"));
    private static final long IOVLEN = MSGHDR.byteOffset(groupElement("msg_iovlen"));
    private static final long CONTROL = MSGHDR.byteOffset(groupElement("msg_control"));
    private static final long CONTROLLEN = MSGHDR.byteOffset(groupElement("msg_controllen"));
    private static final long FLAGS = MSGHDR.byteOffset(groupElement("msg_flags"));
    private static final long LEN = MMSGHDR.byteOffset(groupElement("msg_len"));

    /** Each entry has two iovecs: an optional header scratch area, then the slot's payload. */
    private static final int IOVECS_PER_ENTRY = 2;
    /**
     * A minimal IPv4 header: what raw IPv4 sockets deliver ahead of the payload, received into
     * scratch so the inner packet lands at the slot's offset without being moved.
     */
    static final int HEADER_ROOM = 20;
    private static final long HEADER_STRIDE = 24;
    /** Room for an IPv4-mapped sockaddr_in6, rounded up to keep entries 8-byte aligned. */
    private static final long MAPPED_NAME_STRIDE = 32;
    private static final long ALIGNMENT = 64;
    // The sizes of the x86_64/aarch64 C structs, to catch a layout that drifted from them.
    private static final long POINTER_SIZE = 8;
    private static final long C_IOVEC_SIZE = 16;
    private static final long C_MSGHDR_SIZE = 56;
    private static final long C_MMSGHDR_SIZE = 64;

    static {
        if (ADDRESS.byteSize() != POINTER_SIZE || IOVEC_SIZE != C_IOVEC_SIZE || MSGHDR.byteSize() != C_MSGHDR_SIZE
                || MMSGHDR_SIZE != C_MMSGHDR_SIZE) {
            throw new ExceptionInInitializerError("jtun's batched sockets need LP64 Linux struct layouts");
        }
    }

    private final int capacity;
    private final MemorySegment entries;
    private final MemorySegment iovecs;
    private final MemorySegment headers;
    private final MemorySegment mappedNames;
    /** One iovec per slot, in slot order, for messages that carry a run of slots. */
    private final MemorySegment slotIovecs;
    /** {@link ControlMessages#ROOM} bytes of ancillary data per entry. */
    private final MemorySegment controls;
    private final long iovecBase;
    private final long headerBase;
    private final long mappedNameBase;
    private final long slotIovecBase;
    private final long controlBase;
    /** How many slots each entry's message carries (sends only). */
    private final int[] slots;
    /** entries sliced at each index once, so calls starting mid-batch allocate nothing. */
    private final MemorySegment[] from;

    MessageVector(Arena arena, int capacity) {
        this.capacity = capacity;
        entries = arena.allocate(MMSGHDR_SIZE * capacity, ALIGNMENT);
        iovecs = arena.allocate(IOVEC_SIZE * IOVECS_PER_ENTRY * capacity, ALIGNMENT);
        headers = arena.allocate(HEADER_STRIDE * capacity, ALIGNMENT);
        mappedNames = arena.allocate(MAPPED_NAME_STRIDE * capacity, ALIGNMENT);
        slotIovecs = arena.allocate(IOVEC_SIZE * capacity, ALIGNMENT);
        controls = arena.allocate((long) ControlMessages.ROOM * capacity, ALIGNMENT);
        iovecBase = iovecs.address();
        headerBase = headers.address();
        mappedNameBase = mappedNames.address();
        slotIovecBase = slotIovecs.address();
        controlBase = controls.address();
        slots = new int[capacity];
        from = new MemorySegment[capacity];
        for (int i = 0; i < capacity; i++) {
            from[i] = entries.asSlice(MMSGHDR_SIZE * i);
        }
    }

    int capacity() {
        return capacity;
    }

    /** The vector starting at entry {@code i}, for a call that covers entries i.. only. */
    MemorySegment from(int i) {
        return from[i];
    }

    /**
     * Prepares entry {@code i} to receive a datagram straight into the payload area, and with
     * {@code control} its ancillary data into the entry's control area (msg_controllen is reset
     * to the full room, since each call overwrites it with what the kernel wrote).
     */
    void receiveInto(int i, long nameAddress, long payloadAddress, long room, boolean control) {
        long iov = iovecAddress(i);
        setIovec(i, 0, payloadAddress, room);
        setHeader(i, nameAddress, Sockaddr.STORAGE_SIZE, iov, 1);
        if (control) {
            setControl(i, controlBase + controlOffset(i), ControlMessages.ROOM);
        }
    }

    /**
     * Prepares entry {@code i} to receive {@link #HEADER_ROOM} bytes into the header scratch and
     * the rest into the payload area.
     */
    void receiveAfterHeader(int i, long nameAddress, long payloadAddress, long room) {
        long iov = iovecAddress(i);
        setIovec(i, 0, headerBase + HEADER_STRIDE * i, HEADER_ROOM);
        setIovec(i, 1, payloadAddress, room);
        setHeader(i, nameAddress, Sockaddr.STORAGE_SIZE, iov, IOVECS_PER_ENTRY);
    }

    /** Prepares entry {@code i} to send {@code length} bytes to the sockaddr at {@code nameAddress}. */
    void sendFrom(int i, long nameAddress, int nameLength, long payloadAddress, long length) {
        long iov = iovecAddress(i);
        setIovec(i, 0, payloadAddress, length);
        setHeader(i, nameAddress, nameLength, iov, 1);
    }

    /** Points slot {@code slot}'s iovec, for {@link #sendRun}, at its payload. */
    void setSlotPayload(int slot, long payloadAddress, long length) {
        long off = IOVEC_SIZE * slot;
        slotIovecs.set(JAVA_LONG, off + IOV_BASE, payloadAddress);
        slotIovecs.set(JAVA_LONG, off + IOV_LEN, length);
    }

    /**
     * Prepares entry {@code i} to send slots firstSlot..firstSlot+count-1 (their iovecs set with
     * {@link #setSlotPayload}) as one message. With a {@code segmentSize} above 0 the message
     * carries UDP_SEGMENT and the kernel cuts it into datagrams of that size; with 0 it is one
     * datagram (count is then 1).
     */
    void sendRun(int i, long nameAddress, int nameLength, int firstSlot, int count, int segmentSize) {
        setHeader(i, nameAddress, nameLength, slotIovecBase + IOVEC_SIZE * firstSlot, count);
        if (segmentSize > 0) {
            long off = controlOffset(i);
            setControl(i, controlBase + off, ControlMessages.writeSegmentSize(controls, off, segmentSize));
        }
        slots[i] = count;
    }

    /** How many slots entry {@code i}'s message carries, as {@link #sendRun} set it. */
    int slots(int i) {
        return slots[i];
    }

    /** Bytes the kernel transferred for entry {@code i} (msg_len). */
    int messageLength(int i) {
        return entries.get(JAVA_INT, MMSGHDR_SIZE * i + LEN);
    }

    /** The sockaddr length the kernel wrote for entry {@code i}. */
    int nameLength(int i) {
        return entries.get(JAVA_INT, MMSGHDR_SIZE * i + NAMELEN);
    }

    /** msg_flags the kernel reported for entry {@code i} (MSG_TRUNC, ...). */
    int flags(int i) {
        return entries.get(JAVA_INT, MMSGHDR_SIZE * i + FLAGS);
    }

    /** msg_controllen after a receive: the bytes of ancillary data the kernel wrote for entry {@code i}. */
    long controlLength(int i) {
        return entries.get(JAVA_LONG, MMSGHDR_SIZE * i + CONTROLLEN);
    }

    /** The ancillary data area; entry {@code i}'s starts at {@link #controlOffset}. */
    MemorySegment controls() {
        return controls;
    }

    long controlOffset(int i) {
        return (long) ControlMessages.ROOM * i;
    }

    /** The header scratch area; entry {@code i}'s starts at {@link #headerOffset}. */
    MemorySegment headers() {
        return headers;
    }

    long headerOffset(int i) {
        return HEADER_STRIDE * i;
    }

    /** Scratch for entry {@code i}'s IPv4-mapped destination; starts at {@link #mappedNameOffset}. */
    MemorySegment mappedNames() {
        return mappedNames;
    }

    long mappedNameOffset(int i) {
        return MAPPED_NAME_STRIDE * i;
    }

    long mappedNameAddress(int i) {
        return mappedNameBase + MAPPED_NAME_STRIDE * i;
    }

    private long iovecAddress(int i) {
        return iovecBase + IOVEC_SIZE * IOVECS_PER_ENTRY * i;
    }

    private void setIovec(int i, int which, long base, long length) {
        long off = IOVEC_SIZE * (IOVECS_PER_ENTRY * i + which);
        iovecs.set(JAVA_LONG, off + IOV_BASE, base);
        iovecs.set(JAVA_LONG, off + IOV_LEN, length);
    }

    private void setHeader(int i, long name, int nameLength, long iov, int iovCount) {
        long off = MMSGHDR_SIZE * i;
        entries.set(JAVA_LONG, off + NAME, name);
        entries.set(JAVA_INT, off + NAMELEN, nameLength);
        entries.set(JAVA_LONG, off + IOV, iov);
        entries.set(JAVA_LONG, off + IOVLEN, iovCount);
        // No ancillary data unless the caller adds some: an entry never keeps a stale cmsg.
        entries.set(JAVA_LONG, off + CONTROL, 0L);
        entries.set(JAVA_LONG, off + CONTROLLEN, 0L);
        entries.set(JAVA_INT, off + FLAGS, 0);
        entries.set(JAVA_INT, off + LEN, 0);
    }

    private void setControl(int i, long control, long length) {
        long off = MMSGHDR_SIZE * i;
        entries.set(JAVA_LONG, off + CONTROL, control);
        entries.set(JAVA_LONG, off + CONTROLLEN, length);
    }
}
