package io.jtun.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A self-pipe that wakes threads blocked in poll(2): every loop polls its read end next to its
 * real descriptors, and {@link #wake()} makes it readable. Once woken it stays readable (nobody
 * drains it), so every loop sees the wake-up, however many there are.
 */
public final class WakePipe implements AutoCloseable {
    private final int readFd;
    private final int writeFd;
    private boolean open = true;

    public WakePipe() {
        int[] fds = Libc.pipe(Libc.O_CLOEXEC | Libc.O_NONBLOCK);
        readFd = fds[0];
        writeFd = fds[1];
    }

    /** The descriptor to poll for POLLIN. */
    public int fd() {
        return readFd;
    }

    /** Wakes every poller; safe from any thread (signal handlers included) and idempotent. */
    public synchronized void wake() {
        if (open) {
            try (Arena arena = Arena.ofConfined()) {
                Libc.write(writeFd, arena.allocate(1), 1);
            }
        }
    }

    @Override
    public synchronized void close() {
        if (open) {
            open = false;
            Libc.close(readFd);
            Libc.close(writeFd);
        }
    }
}
