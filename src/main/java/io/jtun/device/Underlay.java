package io.jtun.device;

import io.jtun.conn.Transport;
import java.time.Duration;

/**
 * The interface's current underlay transport, which can be replaced while packets flow (a new
 * listen port). The data path reads it once per batch; the replaced transport stays open for a
 * grace period so a batch already being sent on it finishes, then it is closed.
 */
public final class Underlay implements AutoCloseable {
    private static final Duration GRACE = Duration.ofSeconds(2);

    private volatile Transport current;

    public Underlay(Transport initial) {
        this.current = initial;
    }

    public Transport get() {
        return current;
    }

    /** Switches to {@code next}; the old transport is closed after the grace period. */
    public synchronized void replace(Transport next) {
        Transport old = current;
        current = next;
        Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(GRACE);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            old.close();
        });
    }

    @Override
    public synchronized void close() {
        current.close();
    }
}
