package io.jtun.device.wg;

import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;

/**
 * Messages allowed per source, a token bucket each: by default {@link #PER_SECOND} a second with
 * bursts of {@link #BURST}, WireGuard's limit on handshakes once it is under load. Sources are
 * IPv4 addresses and IPv6 /64 prefixes (one host usually holds a whole /64, so counting its
 * addresses one by one would let it multiply its share at will).
 *
 * <p>The addresses come from the network, so memory is fixed: a table of {@link #CAPACITY}
 * entries in parallel arrays, allocated once (on the first call), with nothing allocated per call. A source is
 * looked for in a short window of slots chosen by a keyed hash (the key is random, so nobody
 * can pick addresses that collide). An entry idle long enough to have refilled its bucket
 * ({@link #refillNanos}) is as good as absent, so it counts as free and is simply overwritten;
 * no sweeping is needed. When every slot
 * of a window is live, the one idle longest is taken over: that source starts again with a full
 * bucket, so a sender needs more live sources than the table holds to escape the limit.
 *
 * <p>Times are monotonic nanoseconds passed in by the caller. Not thread-safe: the handshake
 * thread is its only user.
 */
final class SourceRateLimiter {
    /** Handshake messages a second a source may sustain (WireGuard's figure). */
    static final int PER_SECOND = 20;
    /** Handshake messages a source may send at once after being quiet. */
    static final int BURST = 5;
    /** Entries in the table. */
    static final int CAPACITY = 16384;

    /** Slots looked at for one source: bounds the work per call whatever the table holds. */
    private static final int WINDOW = 8;
    private static final byte EMPTY = 0;
    private static final byte IPV4 = 4;
    private static final byte IPV6 = 6;

    /** Nanoseconds of allowance one message costs: a second / per-second rate. */
    private final long costNanos;
    private final long maxTokens;
    private final long seed;
    // The table, made on the first call: WireGuard consults the limiter only under load, and an
    // interface that never is keeps the 400 KB.
    private byte[] kinds;
    private long[] keys;
    /** When each entry was last used (monotonic nanos). */
    private long[] lastSeen;
    /** Each entry's bucket, in nanoseconds of allowance ({@link #costNanos} per message). */
    private long[] tokens;
    private long takeovers;

    /** WireGuard's handshake limit: {@link #PER_SECOND} a second, bursts of {@link #BURST}. */
    SourceRateLimiter() {
        this(PER_SECOND, BURST);
    }

    SourceRateLimiter(int perSecond, int burst) {
        this(perSecond, burst, new SecureRandom().nextLong());
    }

    /** With a fixed hash key, for tests. */
    SourceRateLimiter(int perSecond, int burst, long seed) {
        if (perSecond < 1 || burst < 1) {
            throw new IllegalArgumentException("rate " + perSecond + "/s, burst " + burst);
        }
        this.costNanos = TimeUnit.SECONDS.toNanos(1) / perSecond;
        this.maxTokens = costNanos * burst;
        this.seed = seed;
    }

    /** Whether a message from this IPv4 address (big-endian, as on the wire) may pass now. */
    boolean allowIpv4(int address, long nowNanos) {
        return allow(IPV4, address & 0xffffffffL, nowNanos);
    }

    /** Whether a message from the /64 whose first eight bytes are {@code prefix} (big-endian) may pass now. */
    boolean allowIpv6(long prefix, long nowNanos) {
        return allow(IPV6, prefix, nowNanos);
    }

    /**
     * Whether a message from the source whose address starts {@code source} (4 bytes IPv4 or 16
     * bytes IPv6, then anything, e.g. the port, as {@code CookieChecker.sourceBytes} writes it)
     * may pass now.
     */
    boolean allow(byte[] source, int addressLength, long nowNanos) {
        long prefix = 0;
        int bytes = addressLength == 4 ? 4 : 8;
        for (int i = 0; i < bytes; i++) {
            prefix = prefix << 8 | (source[i] & 0xff);
        }
        return addressLength == 4 ? allowIpv4((int) prefix, nowNanos) : allowIpv6(prefix, nowNanos);
    }

    /** How long an empty bucket takes to fill: after that long unused, an entry is as good as absent. */
    long refillNanos() {
        return maxTokens; // tokens are nanoseconds of allowance, earned one per nanosecond
    }

    /** Live entries taken over for another source since the start: the table was too small for the sources seen. */
    long takeovers() {
        return takeovers;
    }

    private boolean allow(byte kind, long key, long now) {
        if (kinds == null) {
            kinds = new byte[CAPACITY];
            keys = new long[CAPACITY];
            lastSeen = new long[CAPACITY];
            tokens = new long[CAPACITY];
        }
        int start = hash(kind, key);
        int reusable = -1;
        int oldest = -1;
        for (int probe = 0; probe < WINDOW; probe++) {
            int i = (start + probe) & (CAPACITY - 1);
            boolean live = kinds[i] != EMPTY && now - lastSeen[i] < maxTokens;
            if (live && kinds[i] == kind && keys[i] == key) {
                return take(i, now);
            }
            if (!live) {
                if (reusable < 0) {
                    reusable = i;
                }
            } else if (oldest < 0 || lastSeen[i] - lastSeen[oldest] < 0) {
                oldest = i;
            }
        }
        int slot = reusable;
        if (slot < 0) {
            slot = oldest;
            takeovers++;
        }
        // A source seen for the first time (or quiet long enough) starts with a full bucket,
        // and this message is taken from it.
        kinds[slot] = kind;
        keys[slot] = key;
        lastSeen[slot] = now;
        tokens[slot] = maxTokens - costNanos;
        return true;
    }

    private boolean take(int i, long now) {
        tokens[i] = Math.min(maxTokens, tokens[i] + (now - lastSeen[i]));
        lastSeen[i] = now;
        if (tokens[i] < costNanos) {
            return false;
        }
        tokens[i] -= costNanos;
        return true;
    }

    /** The first slot of a source's window: the key mixed with the secret seed (SplitMix64's finalizer). */
    private int hash(byte kind, long key) {
        long z = key ^ seed ^ (long) kind << 56;
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        z ^= z >>> 31;
        return (int) z & (CAPACITY - 1);
    }
}
