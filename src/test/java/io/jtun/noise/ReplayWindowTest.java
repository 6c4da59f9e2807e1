package io.jtun.noise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ReplayWindowTest {
    @Test
    void inOrderThenDuplicates() {
        ReplayWindow w = new ReplayWindow();
        for (long i = 0; i < 20_000; i++) {
            assertTrue(w.check(i));
            assertTrue(w.update(i), "counter " + i);
            assertFalse(w.check(i));
            assertFalse(w.update(i), "duplicate " + i);
        }
    }

    @Test
    void outOfOrderWithinTheWindow() {
        ReplayWindow w = new ReplayWindow();
        long top = 10_000;
        assertTrue(w.update(top));
        for (long i = top - 1; i >= top - ReplayWindow.WINDOW_SIZE; i--) {
            assertTrue(w.update(i), "counter " + i);
        }
        for (long i = top; i >= top - ReplayWindow.WINDOW_SIZE; i--) {
            assertFalse(w.update(i), "replay " + i);
        }
        assertTrue(w.update(top + 1));
        assertTrue(w.update(top + 3));
        assertTrue(w.update(top + 2));
        assertFalse(w.update(top + 2));
    }

    @Test
    void tooOld() {
        ReplayWindow w = new ReplayWindow();
        assertTrue(w.update(20_000));
        long oldest = 20_000 - ReplayWindow.WINDOW_SIZE;
        assertTrue(w.check(oldest));
        assertFalse(w.check(oldest - 1));
        assertFalse(w.update(oldest - 1));
        assertFalse(w.update(0));
        assertTrue(w.update(oldest));
        assertTrue(ReplayWindow.WINDOW_SIZE >= 2048);
    }

    @Test
    void hugeJumpsClearTheRing() {
        ReplayWindow w = new ReplayWindow();
        for (long i = 0; i < 100; i++) {
            assertTrue(w.update(i));
        }
        long far = 1L << 40;
        assertTrue(w.update(far));
        assertFalse(w.update(99), "now far too old");
        // Counters just below the new maximum were never seen, although their ring slots were used.
        for (long i = far - 1; i > far - 1000; i--) {
            assertTrue(w.update(i), "counter " + i);
        }
        assertFalse(w.update(far));
        // Beyond 2^63: counters are unsigned.
        long huge = 0x8000_0000_0000_0005L;
        assertTrue(w.update(huge));
        assertFalse(w.update(far));
        assertTrue(w.update(huge - 3));
        assertFalse(w.update(huge - 3));
    }

    @Test
    void ringWrapsWithoutForgetting() {
        // Move forward by less than a block at a time across many ring revolutions; at each step
        // everything in the window must still be remembered and anything newer must be new.
        ReplayWindow w = new ReplayWindow();
        long c = 0;
        for (int step = 0; step < 3 * ReplayWindow.RING_BITS; step += 37) {
            c += 37;
            assertTrue(w.update(c));
            assertFalse(w.update(c - 37 > 0 ? c - 37 : c));
            assertTrue(w.check(c + 1));
        }
        // Now fill the whole window, move by exactly one ring, and check no stale bits remain.
        w.reset();
        for (long i = 0; i <= ReplayWindow.WINDOW_SIZE; i++) {
            w.update(i);
        }
        long next = ReplayWindow.WINDOW_SIZE + ReplayWindow.RING_BITS;
        assertTrue(w.update(next));
        for (long i = next - 1; i >= next - ReplayWindow.WINDOW_SIZE; i--) {
            assertTrue(w.check(i), "stale bit at " + i);
        }
    }

    @Test
    void rejectAfterMessages() {
        ReplayWindow w = new ReplayWindow();
        long limit = Protocol.REJECT_AFTER_MESSAGES;
        assertFalse(w.check(limit));
        assertFalse(w.update(limit));
        assertFalse(w.update(-1L), "2^64-1");
        assertTrue(w.update(limit - 1));
        assertFalse(w.update(limit - 1));
    }

    @Test
    void randomAgainstASet() {
        Random random = new Random(42);
        ReplayWindow w = new ReplayWindow();
        java.util.HashSet<Long> seen = new java.util.HashSet<>();
        long max = 0;
        for (int i = 0; i < 200_000; i++) {
            long c = Math.max(0, max + random.nextInt(3000) - 2900);
            boolean expected = !seen.contains(c) && (c > max || max - c <= ReplayWindow.WINDOW_SIZE);
            assertEquals(expected, w.check(c), "check " + c + " max " + max);
            assertEquals(expected, w.update(c), "update " + c + " max " + max);
            if (expected) {
                seen.add(c);
                max = Math.max(max, c);
            }
        }
    }
}
