package io.jtun.tun;

import io.jtun.sys.Libc;
import java.lang.foreign.MemorySegment;

/**
 * One file descriptor of a TUN/TAP device. A single-queue device has one; a multi-queue device
 * has one per queue, and the kernel spreads flows across them. Each read returns exactly one
 * packet (TUN) or frame (TAP), preceded by a virtio-net header when the device has one.
 * A queue is used by one thread at a time.
 */
public final class TunQueue {
    private final int index;
    private final int fd;

    TunQueue(int index, int fd) {
        this.index = index;
        this.fd = fd;
    }

    public int index() {
        return index;
    }

    /** The descriptor, for poll(2). It is non-blocking. */
    public int fd() {
        return fd;
    }

    /**
     * Reads one packet into {@code buffer}, which must hold at least
     * {@link TunDevice#READ_BUFFER_SIZE} bytes so no packet can ever be cut short.
     *
     * @return the packet length, or 0 when no packet is waiting
     */
    public int read(MemorySegment buffer) {
        if (buffer.byteSize() < TunDevice.READ_BUFFER_SIZE) {
            throw new IllegalArgumentException("TUN read buffer must hold " + TunDevice.READ_BUFFER_SIZE
                    + " bytes so no packet is truncated, got " + buffer.byteSize());
        }
        long n = Libc.read(fd, buffer, buffer.byteSize());
        return n < 0 ? 0 : (int) n;
    }

    /**
     * Reads one packet into {@code data[offset..offset+room)} (e.g. a slot of a batch, leaving
     * headroom in front). {@code room} must be at least {@link TunDevice#READ_BUFFER_SIZE} so
     * no packet can be cut short.
     *
     * @return the packet length, or 0 when no packet is waiting
     */
    public int read(MemorySegment data, long offset, int room) {
        if (room < TunDevice.READ_BUFFER_SIZE) {
            throw new IllegalArgumentException("TUN read room must be " + TunDevice.READ_BUFFER_SIZE
                    + " bytes so no packet is truncated, got " + room);
        }
        long n = Libc.read(fd, data, offset, room);
        return n < 0 ? 0 : (int) n;
    }

    /**
     * Writes one packet (or frame) to the kernel.
     *
     * @return true if written, false if the device's queue is full right now
     */
    public boolean write(MemorySegment packet, int length) {
        return Libc.write(fd, packet, length) >= 0;
    }

    /** Writes the packet at {@code data[offset..offset+length)} (e.g. a slot of a batch). */
    public boolean write(MemorySegment data, long offset, int length) {
        return Libc.write(fd, data, offset, length) >= 0;
    }

    void close() {
        Libc.close(fd);
    }
}
