package io.jtun.device.wg;

import io.jtun.conn.SocketEndpoint;
import io.jtun.noise.Messages;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Handshake messages on their way from the inbound loop to the handshake thread, held in a
 * fixed ring of slots, each made once on its first use: a flood of handshake messages allocates
 * nothing per message,
 * and when every slot is waiting the newcomer is refused (the caller counts it as an overload),
 * so memory stays the same whatever arrives. Its own queue, apart from the data path's requests
 * to the handshake thread, so a flood cannot crowd those out.
 *
 * <p>One producer (the inbound loop) and one consumer (the handshake thread), so the ring needs
 * no lock: each side advances its own index with release semantics and reads the other's with
 * acquire. Under a flood both sides touch it hundreds of thousands of times a second; with a
 * lock they would mostly wait for each other.
 */
final class HandshakeInbox {
    /**
     * Messages that may wait in the main inbox: as many as the Linux kernel's WireGuard queues.
     * Room for a few milliseconds of a flood, so the handshake thread losing the processor for a
     * moment does not turn into drops that hit real peers as hard as the flood.
     */
    static final int CAPACITY = 4096;
    /** A sockaddr_in6, the largest source address a received datagram has. */
    private static final int MAX_SOCKADDR = 28;
    private static final int SOCKADDR_IN_SIZE = 16;
    private static final int IPV4_SOURCE_BYTES = 6;
    private static final int IPV6_SOURCE_BYTES = 18;

    /** One waiting message: its bytes and the source address it came from. */
    static final class Message {
        /** Room for the largest handshake message, an initiation. */
        final byte[] bytes = new byte[Messages.INITIATION_SIZE];
        int length;
        final MemorySegment sockaddr = MemorySegment.ofArray(new byte[MAX_SOCKADDR]);
        int sockaddrLength;
        /** The source as a cookie names it (address, port), by family. */
        private final byte[] source4 = new byte[IPV4_SOURCE_BYTES];
        private final byte[] source6 = new byte[IPV6_SOURCE_BYTES];

        int type() {
            return bytes[0];
        }

        /**
         * Whether MAC2 is anything but zeros: a sender with no cookie leaves it zero, and a
         * message without one cannot have a valid MAC2, so it needs no checking.
         */
        boolean hasMac2() {
            int any = 0;
            for (int i = length - Messages.MAC_SIZE; i < length; i++) {
                any |= bytes[i];
            }
            return any != 0;
        }

        /**
         * The source as {@code CookieChecker} wants it: address bytes then port, in an array of
         * exactly that length kept in this slot; null if the address is neither IPv4 nor IPv6.
         */
        byte[] sourceBytes() {
            byte[] out = sockaddrLength == SOCKADDR_IN_SIZE ? source4 : source6;
            return SocketEndpoint.sourceBytes(sockaddr, sockaddrLength, out) == out.length ? out : null;
        }

        /** The source as an endpoint. Allocates: for messages that passed their MACs. */
        SocketEndpoint source() {
            return SocketEndpoint.fromSockaddr(sockaddr, sockaddrLength);
        }
    }

    private final Message[] slots;
    private final int mask;
    /** The next slot the handshake thread takes; only it advances this. */
    private final AtomicLong head = new AtomicLong();
    /** The next slot the inbound loop fills; only it advances this. */
    private final AtomicLong tail = new AtomicLong();
    /** The thread that submits, the only one allowed to (checked: the ring has no locks). */
    private Thread producer;
    /** The most messages ever waiting at once, for {@code jtun show}. */
    private volatile int peak;

    /** @param capacity a power of two */
    HandshakeInbox(int capacity) {
        if (Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two: " + capacity);
        }
        slots = new Message[capacity];
        mask = capacity - 1;
    }

    /**
     * From the inbound loop: queues a copy of the message at {@code data[start, start+length)}
     * that came from {@code sockaddr}. False when every slot is taken (or the message is longer
     * than a handshake message, or the address is not one a datagram has).
     */
    boolean offer(MemorySegment data, long start, int length, MemorySegment sockaddr, int sockaddrLength) {
        Message message = take(data, start, length, sockaddr, sockaddrLength);
        if (message == null) {
            return false;
        }
        publish();
        return true;
    }

    /**
     * {@link #offer} in two steps, for a caller that looks at the copy before queueing it: the
     * next free slot, now holding a copy of the message, or null (as for offer). {@link #publish}
     * queues it; not publishing it leaves the slot free.
     */
    Message take(MemorySegment data, long start, int length, MemorySegment sockaddr, int sockaddrLength) {
        Thread current = Thread.currentThread();
        if (producer != current) {
            if (producer != null) {
                throw new IllegalStateException("handshake messages are submitted by one thread, the inbound loop");
            }
            producer = current;
        }
        if (length > Messages.INITIATION_SIZE || sockaddrLength > MAX_SOCKADDR) {
            return null;
        }
        long t = tail.get();
        if (t - head.getAcquire() == slots.length) {
            return null;
        }
        Message message = slots[(int) t & mask];
        if (message == null) {
            // Made on first use: an interface that never sees a burst of handshakes holds none.
            message = new Message();
            slots[(int) t & mask] = message; // published to the consumer by the release in publish
        }
        MemorySegment.copy(data, ValueLayout.JAVA_BYTE, start, message.bytes, 0, length);
        message.length = length;
        MemorySegment.copy(sockaddr, 0, message.sockaddr, 0, sockaddrLength);
        message.sockaddrLength = sockaddrLength;
        return message;
    }

    /** Queues the message {@link #take} just returned. */
    void publish() {
        long t = tail.get() + 1;
        tail.setRelease(t);
        int size = (int) (t - head.getAcquire());
        if (size > peak) {
            peak = size;
        }
    }

    /**
     * On the handshake thread: the oldest waiting message, or null. It stays in its slot until
     * {@link #done}, so it is used in place, never copied.
     */
    Message poll() {
        long h = head.get();
        return h == tail.getAcquire() ? null : slots[(int) h & mask];
    }

    /** The message {@link #poll} returned is handled: its slot is free again. */
    void done() {
        head.setRelease(head.get() + 1);
    }

    int size() {
        return (int) (tail.getAcquire() - head.getAcquire());
    }

    int peak() {
        return peak;
    }

    int capacity() {
        return slots.length;
    }
}
