package io.jtun.packet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * Writes packets to a classic libpcap file (the format {@code tcpdump -w} writes and
 * {@code tcpdump -r} / Wireshark read), microsecond timestamps, little-endian.
 *
 * <p>Every record is handed to the kernel before {@link #write} returns, so {@code tcpdump -r}
 * sees all packets of a capture that is still running; nothing is fsynced, as surviving a crash
 * of the machine is not the point. One direct buffer is reused, so writing allocates nothing.
 *
 * <p>I/O errors surface as {@link UncheckedIOException} so the writer can sit in a packet loop
 * and try-with-resources without checked-exception plumbing. Methods are synchronized, so
 * several threads may share one writer. Like any {@link FileChannel}, the writer is closed if a
 * thread is interrupted while writing to it.
 */
public final class PcapWriter implements AutoCloseable {
    /** Largest packet stored whole; the libpcap default, larger than any 64 KiB IP packet plus headers. */
    public static final int SNAPLEN = 262_144;

    /** Written in little-endian order, so it appears as d4 c3 b2 a1: readers learn the byte order from it. */
    private static final int MAGIC_MICROSECONDS = 0xa1b2c3d4;
    private static final short VERSION_MAJOR = 2;
    private static final short VERSION_MINOR = 4;
    /** Timestamps are UTC. */
    private static final int THIS_ZONE = 0;
    /** Timestamp accuracy, which no writer fills in. */
    private static final int SIG_FIGS = 0;
    private static final int GLOBAL_HEADER_LEN = 24;
    /** ts_sec, ts_usec, incl_len, orig_len: four 32-bit fields. */
    private static final int RECORD_HEADER_LEN = 16;
    private static final long MICROS_PER_SECOND = 1_000_000L;

    private final FileChannel channel;
    private final ByteBuffer buffer;

    /** Creates (or truncates) {@code file} and writes the pcap global header for {@code link}. */
    public PcapWriter(Path file, LinkType link) {
        Objects.requireNonNull(link, "link");
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create pcap file " + file, e);
        }
        buffer = ByteBuffer.allocateDirect(RECORD_HEADER_LEN + SNAPLEN).order(ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(MAGIC_MICROSECONDS)
                .putShort(VERSION_MAJOR)
                .putShort(VERSION_MINOR)
                .putInt(THIS_ZONE)
                .putInt(SIG_FIGS)
                .putInt(SNAPLEN)
                .putInt(link.pcapLinkType());
        assert buffer.position() == GLOBAL_HEADER_LEN;
        try {
            flush();
        } catch (UncheckedIOException e) {
            closeQuietly(e);
            throw e;
        }
    }

    /**
     * Appends one packet record. Packets longer than {@link #SNAPLEN} are stored truncated with
     * their original length recorded.
     *
     * @param epochMicros capture time in microseconds since 1970-01-01T00:00Z
     */
    public synchronized void write(long epochMicros, byte[] buf, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, buf.length);
        int captured = Math.min(length, SNAPLEN);
        // The record fields are unsigned 32-bit; the int casts keep exactly those bits.
        buffer.putInt((int) Math.floorDiv(epochMicros, MICROS_PER_SECOND))
                .putInt((int) Math.floorMod(epochMicros, MICROS_PER_SECOND))
                .putInt(captured)
                .putInt(length)
                .put(buf, offset, captured);
        flush();
    }

    /** Closes the file; later writes fail. */
    @Override
    public synchronized void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close pcap file", e);
        }
    }

    /** Writes everything put into the buffer since the last flush and empties it. */
    private void flush() {
        buffer.flip();
        try {
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write pcap file", e);
        } finally {
            // A failed record is dropped rather than left half-queued in front of the next one.
            buffer.clear();
        }
    }

    private void closeQuietly(Exception cause) {
        try {
            channel.close();
        } catch (IOException suppressed) {
            cause.addSuppressed(suppressed);
        }
    }
}
