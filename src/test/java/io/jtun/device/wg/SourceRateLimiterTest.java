package io.jtun.device.wg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The per-source handshake limiter against a clock the test moves (times are plain nanos). */
class SourceRateLimiterTest {
    private static final long START = 123_456_789_000L;
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final int ADDRESS = 0xc6120002; // 198.18.0.2

    @Test
    void aBurstOfFivePassesThenTwentyASecond() {
        SourceRateLimiter limiter = new SourceRateLimiter(SourceRateLimiter.PER_SECOND, SourceRateLimiter.BURST, 1);
        for (int i = 0; i < SourceRateLimiter.BURST; i++) {
            assertTrue(limiter.allowIpv4(ADDRESS, START), "message " + i + " of the burst");
        }
        assertFalse(limiter.allowIpv4(ADDRESS, START));
        assertFalse(limiter.allowIpv4(ADDRESS, START + 49 * MS), "a token takes 50 ms to come back");
        assertTrue(limiter.allowIpv4(ADDRESS, START + 50 * MS));
        assertFalse(limiter.allowIpv4(ADDRESS, START + 50 * MS));

        // Sustained: one every 50 ms passes, whatever is tried in between; over 10 s that is 200.
        int passed = 0;
        long t = START + 50 * MS;
        for (int step = 1; step <= 10_000; step++) {
            t += MS;
            if (limiter.allowIpv4(ADDRESS, t)) {
                passed++;
            }
        }
        assertEquals(200, passed);
    }

    @Test
    void theBucketHoldsNoMoreThanTheBurst() {
        SourceRateLimiter limiter = new SourceRateLimiter(SourceRateLimiter.PER_SECOND, SourceRateLimiter.BURST, 2);
        assertTrue(limiter.allowIpv4(ADDRESS, START));
        // 200 ms of silence (4 messages' worth, the entry still live) refills up to the burst, not past it.
        long later = START + 200 * MS;
        int passed = 0;
        for (int i = 0; i < 20; i++) {
            if (limiter.allowIpv4(ADDRESS, later)) {
                passed++;
            }
        }
        assertEquals(SourceRateLimiter.BURST, passed);
    }

    @Test
    void sourcesAreLimitedIndependently() {
        SourceRateLimiter limiter = new SourceRateLimiter(SourceRateLimiter.PER_SECOND, SourceRateLimiter.BURST, 3);
        for (int i = 0; i < 10; i++) {
            limiter.allowIpv4(ADDRESS, START);
        }
        assertFalse(limiter.allowIpv4(ADDRESS, START));
        assertTrue(limiter.allowIpv4(ADDRESS + 1, START), "the neighbouring address has its own bucket");
        assertTrue(limiter.allowIpv6(0xfd00_0018_0000_0000L, START), "so has an IPv6 source");
        assertTrue(limiter.allowIpv6(ADDRESS & 0xffffffffL, START),
                "an IPv6 prefix equal to an IPv4 address is another source");
    }

    @Test
    void anIpv6SourceIsItsSlash64() {
        SourceRateLimiter limiter = new SourceRateLimiter(SourceRateLimiter.PER_SECOND, SourceRateLimiter.BURST, 4);
        byte[] source = new byte[18];
        source[0] = (byte) 0xfd;
        for (int host = 0; host < SourceRateLimiter.BURST; host++) {
            source[15] = (byte) host; // another address of the same /64 each time
            source[17] = (byte) host; // and another port
            assertTrue(limiter.allow(source, 16, START));
        }
        source[15] = 99;
        assertFalse(limiter.allow(source, 16, START), "the /64 used up its burst, whichever address sends");
        source[7] = 1;
        assertTrue(limiter.allow(source, 16, START), "the next /64 is another source");
    }

    @Test
    void anIpv4SourceIsItsAddressWhateverThePort() {
        SourceRateLimiter limiter = new SourceRateLimiter(SourceRateLimiter.PER_SECOND, SourceRateLimiter.BURST, 5);
        byte[] source = {(byte) 198, 18, 0, 2, 0, 0};
        for (int port = 0; port < SourceRateLimiter.BURST; port++) {
            source[5] = (byte) port;
            assertTrue(limiter.allow(source, 4, START));
        }
        source[5] = 77;
        assertFalse(limiter.allow(source, 4, START));
        assertFalse(limiter.allowIpv4(ADDRESS, START), "the same bucket as allowIpv4");
    }

    @Test
    void aQuietSourceStartsAfreshOnceItsBucketRefilled() {
        SourceRateLimiter limiter = new SourceRateLimiter(SourceRateLimiter.PER_SECOND, SourceRateLimiter.BURST, 6);
        assertEquals(250 * MS, limiter.refillNanos());
        for (int i = 0; i < 10; i++) {
            limiter.allowIpv4(ADDRESS, START);
        }
        long later = START + limiter.refillNanos();
        for (int i = 0; i < SourceRateLimiter.BURST; i++) {
            assertTrue(limiter.allowIpv4(ADDRESS, later));
        }
        assertFalse(limiter.allowIpv4(ADDRESS, later));
    }

    /**
     * A slow limit (one a second, bursts of five: cookie replies) is not undone by forgetting: a
     * second of quiet earns one message, not a new burst.
     */
    @Test
    void aSlowLimitKeepsItsEntriesUntilTheyRefill() {
        SourceRateLimiter limiter = new SourceRateLimiter(1, 5, 9);
        assertEquals(5000 * MS, limiter.refillNanos());
        for (int i = 0; i < 5; i++) {
            assertTrue(limiter.allowIpv4(ADDRESS, START));
        }
        assertFalse(limiter.allowIpv4(ADDRESS, START + 999 * MS));
        assertTrue(limiter.allowIpv4(ADDRESS, START + 1000 * MS));
        assertFalse(limiter.allowIpv4(ADDRESS, START + 1000 * MS));
        long quiet = START + 1000 * MS + limiter.refillNanos();
        for (int i = 0; i < 5; i++) {
            assertTrue(limiter.allowIpv4(ADDRESS, quiet));
        }
        assertFalse(limiter.allowIpv4(ADDRESS, quiet));
    }

    /**
     * Far more sources than the table holds, all at once: every call still finishes after a few
     * slots, each new source gets its first messages through, and a source that keeps sending
     * stays limited while the others come and go, as long as the table has room for the live ones.
     */
    @Test
    void memoryIsFixedWhateverTheNumberOfSources() {
        SourceRateLimiter limiter = new SourceRateLimiter(SourceRateLimiter.PER_SECOND, SourceRateLimiter.BURST, 7);
        int heavy = 0x0a000001;
        long t = START;
        int heavyPassed = 0;
        for (int source = 0; source < 1_000_000; source++) {
            t += 1000; // 1 µs apart: a million sources in one second, 250,000 live at any time
            assertTrue(limiter.allowIpv4(0xc6130000 + source, t), "a new source's first message passes");
            if (limiter.allowIpv4(heavy, t)) {
                heavyPassed++;
            }
        }
        // A million sources in one second overflow a 4096-entry table: entries were taken over.
        assertTrue(limiter.takeovers() > 900_000, "takeovers " + limiter.takeovers());
        // The heavy source, sending a million times in that second, got its burst plus 20/s, or at
        // worst a fresh burst each time its entry was the oldest of a full window (never, here: it
        // is refreshed on every call, so it is the newest).
        assertEquals(SourceRateLimiter.BURST + 19, heavyPassed);
    }

    @Test
    void withRoomForEverySourceNoneEscapesItsLimit() {
        SourceRateLimiter limiter = new SourceRateLimiter(SourceRateLimiter.PER_SECOND, SourceRateLimiter.BURST, 8);
        int sources = SourceRateLimiter.CAPACITY / 4;
        long t = START;
        int passed = 0;
        // Each source tries 40 times in 0.4 s: burst 5 plus 8 refills (one per 50 ms).
        for (int round = 0; round < 40; round++) {
            t += 10 * MS;
            for (int source = 0; source < sources; source++) {
                if (limiter.allowIpv4(0xc6130000 + source, t)) {
                    passed++;
                }
            }
        }
        assertEquals(0, limiter.takeovers());
        assertEquals(sources * (SourceRateLimiter.BURST + 7), passed);
    }
}
