package io.jtun.noise;

import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * The receiving side of WireGuard's MACs, one per interface (whitepaper section 5.4.4). MAC1 of
 * every handshake message to us must verify under HASH(LABEL_MAC1 || our public key). Under
 * load, MAC2 must verify under the cookie of the message's source, MAC(secret, source bytes),
 * where the secret is random and replaced every {@link Protocol#COOKIE_REFRESH_TIME}; a message
 * without a valid MAC2 gets a cookie reply instead of an answer.
 *
 * <p>The source bytes are whatever the caller uses to name a sender's address and port (for
 * instance {@link #sourceBytes}); they never leave this host, so they only need to be the same
 * for the same source. Times are monotonic nanoseconds. Thread-safe.
 */
public final class CookieChecker {
    private static final int SECRET_SIZE = Blake2s.MAX_OUTPUT_SIZE;

    private final byte[] mac1Key;
    private final byte[] cookieKey;
    private final SecureRandom random;
    private final byte[] secret = new byte[SECRET_SIZE];
    private boolean hasSecret;
    private long secretSetNanos;

    public CookieChecker(StaticIdentity identity) {
        this(identity, new SecureRandom());
    }

    public CookieChecker(StaticIdentity identity, SecureRandom random) {
        this.mac1Key = identity.mac1Key();
        this.cookieKey = identity.cookieKey();
        this.random = random;
    }

    /** The source bytes of a socket address: the address bytes (4 or 16), then the port big-endian. */
    public static byte[] sourceBytes(InetSocketAddress address) {
        byte[] ip = address.getAddress().getAddress();
        byte[] out = Arrays.copyOf(ip, ip.length + 2);
        out[ip.length] = (byte) (address.getPort() >>> 8);
        out[ip.length + 1] = (byte) address.getPort();
        return out;
    }

    public boolean checkMac1(byte[] msg) {
        return checkMac1(msg, 0, msg.length);
    }

    /** Whether MAC1 of the handshake message {@code msg[off, off+len)} is right for us. */
    public boolean checkMac1(byte[] msg, int off, int len) {
        if (!Bytes.fits(msg.length, off, len) || len < Messages.MACS_SIZE) {
            return false;
        }
        int mac1Off = off + len - Messages.MACS_SIZE;
        byte[] expected = new byte[Messages.MAC_SIZE];
        Macs.mac(mac1Key, msg, off, mac1Off - off, expected, 0);
        return Bytes.constantTimeEquals(expected, 0, msg, mac1Off, Messages.MAC_SIZE);
    }

    public boolean checkMac2(byte[] msg, byte[] source, long nowNanos) {
        return checkMac2(msg, 0, msg.length, source, nowNanos);
    }

    /**
     * Whether MAC2 of {@code msg[off, off+len)} is right for a message from {@code source}: made
     * with a cookie we handed out to that source under the current secret. False when the secret
     * is older than {@link Protocol#COOKIE_REFRESH_TIME} (then the sender needs a new cookie).
     */
    public boolean checkMac2(byte[] msg, int off, int len, byte[] source, long nowNanos) {
        if (!Bytes.fits(msg.length, off, len) || len < Messages.MACS_SIZE) {
            return false;
        }
        byte[] cookie;
        synchronized (this) {
            if (!secretIsFresh(nowNanos)) {
                return false;
            }
            cookie = cookie(source);
        }
        int mac2Off = off + len - Messages.MAC_SIZE;
        byte[] expected = new byte[Messages.MAC_SIZE];
        Macs.mac(cookie, msg, off, mac2Off - off, expected, 0);
        Arrays.fill(cookie, (byte) 0);
        return Bytes.constantTimeEquals(expected, 0, msg, mac2Off, Messages.MAC_SIZE);
    }

    public byte[] createReply(byte[] msg, int receiverIndex, byte[] source, long nowNanos) {
        return createReply(msg, 0, msg.length, receiverIndex, source, nowNanos);
    }

    /**
     * A 64-byte cookie reply to the handshake message {@code msg[off, off+len)} from {@code
     * source}: addressed to {@code receiverIndex} (the message's sender index), carrying the
     * source's cookie encrypted under HASH(LABEL_COOKIE || our public key) with a random 24-byte
     * nonce and the message's MAC1 as associated data. Replaces the secret first if it is older
     * than {@link Protocol#COOKIE_REFRESH_TIME}.
     */
    public byte[] createReply(byte[] msg, int off, int len, int receiverIndex, byte[] source, long nowNanos) {
        if (!Bytes.fits(msg.length, off, len) || len < Messages.MACS_SIZE) {
            throw new IllegalArgumentException("not a handshake message: " + len + " bytes");
        }
        byte[] cookie;
        synchronized (this) {
            if (!secretIsFresh(nowNanos)) {
                random.nextBytes(secret);
                secretSetNanos = nowNanos;
                hasSecret = true;
            }
            cookie = cookie(source);
        }
        int mac1Off = off + len - Messages.MACS_SIZE;
        byte[] mac1 = Arrays.copyOfRange(msg, mac1Off, mac1Off + Messages.MAC_SIZE);
        byte[] nonce = new byte[XChaCha20Poly1305.NONCE_SIZE];
        random.nextBytes(nonce);
        byte[] sealed = XChaCha20Poly1305.seal(cookieKey, nonce, cookie, mac1);
        Arrays.fill(cookie, (byte) 0);

        byte[] reply = new byte[Messages.COOKIE_REPLY_SIZE];
        Bytes.putIntLE(reply, 0, Messages.TYPE_COOKIE_REPLY);
        Bytes.putIntLE(reply, Messages.COOKIE_REPLY_RECEIVER, receiverIndex);
        System.arraycopy(nonce, 0, reply, Messages.COOKIE_REPLY_NONCE, nonce.length);
        System.arraycopy(sealed, 0, reply, Messages.COOKIE_REPLY_COOKIE, sealed.length);
        return reply;
    }

    private boolean secretIsFresh(long nowNanos) {
        return hasSecret && nowNanos - secretSetNanos <= Protocol.COOKIE_REFRESH_TIME_NANOS;
    }

    /** MAC(secret, source): the cookie of a source under the current secret. */
    private byte[] cookie(byte[] source) {
        byte[] cookie = new byte[Messages.MAC_SIZE];
        Macs.mac(secret, source, 0, source.length, cookie, 0);
        return cookie;
    }
}
