package io.jtun.device.wg;

/** Time for WireGuard: monotonic for timers and expiries, wall-clock for TAI64N timestamps. Injectable for tests. */
public interface WgClock {
    long nanoTime();

    long epochNanos();

    WgClock SYSTEM = new WgClock() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public long epochNanos() {
            java.time.Instant now = java.time.Instant.now();
            return now.getEpochSecond() * 1_000_000_000L + now.getNano();
        }
    };
}
