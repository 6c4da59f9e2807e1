package io.jtun.conn;

import io.jtun.sys.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Test-side data path: poll a transport's descriptors and drain it, with a deadline. */
final class Polling {
    private static final VarHandle FD = Libc.POLLFD.varHandle(MemoryLayout.PathElement.groupElement("fd"));
    private static final VarHandle EVENTS = Libc.POLLFD.varHandle(MemoryLayout.PathElement.groupElement("events"));

    /** One received datagram, copied out of its slot. */
    record Datagram(SocketEndpoint source, byte[] payload, int offset) {
    }

    private Polling() {
    }

    /** Waits until one of {@code fds} has {@code events}, at most {@code timeoutMillis}. */
    static boolean await(int[] fds, short events, long timeoutMillis) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pollfds = arena.allocate(Libc.POLLFD, fds.length);
            for (int i = 0; i < fds.length; i++) {
                MemorySegment entry = pollfds.asSlice(Libc.POLLFD.byteSize() * i, Libc.POLLFD);
                FD.set(entry, 0L, fds[i]);
                EVENTS.set(entry, 0L, events);
            }
            return Libc.poll(pollfds, fds.length, (int) Math.max(0, timeoutMillis)) > 0;
        }
    }

    /** Receives until {@code expected} datagrams arrived or {@code timeoutMillis} passed. */
    static List<Datagram> receive(Transport transport, PacketBatch batch, int expected, long timeoutMillis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        int[] fds = transport.fds();
        List<Datagram> got = new ArrayList<>();
        while (got.size() < expected) {
            int n = transport.receive(batch);
            for (int i = 0; i < n; i++) {
                got.add(new Datagram(batch.endpoint(i), batch.payload(i).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE),
                        batch.offset(i)));
            }
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                break;
            }
            if (n == 0) {
                await(fds, Libc.POLLIN, left);
            }
        }
        return got;
    }

    /** Sends all of the batch, waiting for POLLOUT when the socket is full; returns slots consumed. */
    static int sendAll(Transport transport, PacketBatch batch, long timeoutMillis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        int done = 0;
        while (done < batch.count()) {
            done += transport.send(batch, done);
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (done < batch.count()) {
                if (left <= 0) {
                    break;
                }
                await(new int[] {transport.blockedFd()}, Libc.POLLOUT, left);
            }
        }
        return done;
    }
}
