package io.jtun.device.offload;

import java.lang.foreign.MemorySegment;

/**
 * Cuts a GSO super-packet the device handed over into the packets it stands for: what a NIC
 * would do in hardware, done before encryption because each packet is sealed on its own.
 */
public interface Segmenter {
    /**
     * Takes the super-packet at {@code data[offset..offset+length)}, to be cut into pieces of
     * {@code segmentSize} payload bytes (the vnet header's gso_size).
     *
     * @return false if this segmenter cannot cut it (the caller drops it)
     */
    boolean prepare(MemorySegment data, long offset, int length, int segmentSize);

    /** How many packets the prepared super-packet gives. */
    int segments();

    /** Writes packet {@code index} at {@code out[at..)}, headers and checksums complete; returns its length. */
    int write(int index, MemorySegment out, long at);
}
