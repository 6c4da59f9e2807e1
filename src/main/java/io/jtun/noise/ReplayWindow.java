package io.jtun.noise;

import java.util.Arrays;

/**
 * The receiver's anti-replay filter over 64-bit message counters (RFC 6479): a bitmap of 8192
 * bits in a ring of 128 longs. The newest counter seen so far and the {@link #WINDOW_SIZE} before
 * it are tracked; anything older is refused, anything newer moves the window forward, clearing
 * the blocks it passes. Keeping one block of the ring spare means moving forward never clears
 * bits still inside the window.
 *
 * <p>Call {@link #update} only after the message authenticated, otherwise a forged counter would
 * move the window. Counters are unsigned; counters at or above {@link
 * Protocol#REJECT_AFTER_MESSAGES} are always refused. Not thread-safe.
 */
public final class ReplayWindow {
    private static final int BITS_PER_BLOCK_LOG = 6;
    private static final int BITS_PER_BLOCK = 1 << BITS_PER_BLOCK_LOG;
    private static final int RING_BLOCKS = 128;
    private static final int BLOCK_INDEX_MASK = RING_BLOCKS - 1;
    private static final int BIT_INDEX_MASK = BITS_PER_BLOCK - 1;
    /** Bits in the ring. */
    public static final int RING_BITS = RING_BLOCKS * BITS_PER_BLOCK;
    /** How far behind the newest counter a counter may be and still be accepted (8128). */
    public static final int WINDOW_SIZE = RING_BITS - BITS_PER_BLOCK;

    private final long[] ring = new long[RING_BLOCKS];
    /** The newest counter accepted (0 before any: counter 0 is then accepted once). */
    private long last;

    /** Forgets every counter seen. */
    public void reset() {
        last = 0;
        Arrays.fill(ring, 0);
    }

    /** Whether {@link #update} would accept {@code counter} now; changes nothing. */
    public boolean check(long counter) {
        if (Protocol.counterExhausted(counter)) {
            return false;
        }
        if (Long.compareUnsigned(counter, last) > 0) {
            return true;
        }
        if (Long.compareUnsigned(last - counter, WINDOW_SIZE) > 0) {
            return false;
        }
        return (ring[blockIndex(counter)] & bit(counter)) == 0;
    }

    /** Accepts {@code counter} and marks it seen; false if it was seen already or is too old. */
    public boolean update(long counter) {
        if (Protocol.counterExhausted(counter)) {
            return false;
        }
        if (Long.compareUnsigned(counter, last) > 0) {
            long current = last >>> BITS_PER_BLOCK_LOG;
            long target = counter >>> BITS_PER_BLOCK_LOG;
            // A jump of a whole ring or more clears it all; no point going round twice.
            long blocks = Math.min(target - current, RING_BLOCKS);
            for (long i = 1; i <= blocks; i++) {
                ring[(int) ((current + i) & BLOCK_INDEX_MASK)] = 0;
            }
            last = counter;
        } else if (Long.compareUnsigned(last - counter, WINDOW_SIZE) > 0) {
            return false;
        }
        int index = blockIndex(counter);
        long before = ring[index];
        ring[index] = before | bit(counter);
        return (before & bit(counter)) == 0;
    }

    private static int blockIndex(long counter) {
        return (int) ((counter >>> BITS_PER_BLOCK_LOG) & BLOCK_INDEX_MASK);
    }

    private static long bit(long counter) {
        return 1L << (counter & BIT_INDEX_MASK);
    }
}
