package io.jtun.sys;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** A fixed array of struct pollfd, allocated once, for a loop that waits on several descriptors. */
public final class PollSet {
    private static final long ENTRY_SIZE = Libc.POLLFD.byteSize();
    private static final long EVENTS_OFFSET = 4;
    private static final long REVENTS_OFFSET = 6;

    private final MemorySegment entries;
    private final int size;

    public PollSet(Arena arena, int size) {
        this.entries = arena.allocate(Libc.POLLFD, size);
        this.size = size;
    }

    public void set(int index, int fd, short events) {
        long base = index * ENTRY_SIZE;
        entries.set(JAVA_INT, base, fd);
        entries.set(JAVA_SHORT, base + EVENTS_OFFSET, events);
        entries.set(JAVA_SHORT, base + REVENTS_OFFSET, (short) 0);
    }

    /** Changes what entry {@code index} waits for (e.g. POLLOUT while a send is pending). */
    public void setEvents(int index, short events) {
        entries.set(JAVA_SHORT, index * ENTRY_SIZE + EVENTS_OFFSET, events);
    }

    /** Waits for events; returns how many entries have some, 0 on timeout or signal. */
    public int poll(int timeoutMillis) {
        return Libc.poll(entries, size, timeoutMillis);
    }

    public short revents(int index) {
        return entries.get(JAVA_SHORT, index * ENTRY_SIZE + REVENTS_OFFSET);
    }

    public boolean ready(int index) {
        return revents(index) != 0;
    }
}
