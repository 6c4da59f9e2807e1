package io.jtun.noise;

import java.util.Arrays;

/**
 * The sending side of WireGuard's MACs, one per peer (whitepaper section 5.4.4): fills MAC1 and
 * MAC2 of the handshake messages we send to the peer, and takes the cookie the peer sends back
 * when it is under load.
 *
 * <ul>
 *   <li>mac1 = MAC(HASH(LABEL_MAC1 || peer's public key), msg up to mac1), always;
 *   <li>mac2 = MAC(cookie, msg up to mac2) while we hold a cookie younger than {@link
 *       Protocol#COOKIE_REFRESH_TIME}, else zeros.
 * </ul>
 *
 * A cookie reply is encrypted (XChaCha20-Poly1305, key HASH(LABEL_COOKIE || peer's public key))
 * with the MAC1 of the message it answers as associated data, so we remember the last MAC1 we
 * sent. Thread-safe (the send and receive paths both use it).
 */
public final class CookieGenerator {
    private final byte[] mac1Key;
    private final byte[] cookieKey;
    private final byte[] cookie = new byte[Messages.MAC_SIZE];
    private final byte[] lastMac1 = new byte[Messages.MAC_SIZE];
    private boolean hasCookie;
    private long cookieSetNanos;
    private boolean hasLastMac1;

    /** The generator for messages to the peer with static public key {@code peerPublicKey}. */
    public CookieGenerator(byte[] peerPublicKey) {
        if (peerPublicKey.length != X25519.KEY_SIZE) {
            throw new IllegalArgumentException("a public key has 32 bytes, not " + peerPublicKey.length);
        }
        this.mac1Key = Macs.mac1Key(peerPublicKey);
        this.cookieKey = Macs.cookieKey(peerPublicKey);
    }

    /** {@link #addMacs(byte[], int, int, long)} on the whole array. */
    public void addMacs(byte[] msg, long nowNanos) {
        addMacs(msg, 0, msg.length, nowNanos);
    }

    /**
     * Fills the last 32 bytes of the handshake message {@code msg[off, off+len)} (an initiation
     * or response, {@code len} at least 32): MAC1, then MAC2 or zeros. {@code nowNanos} is
     * monotonic time, to judge the cookie's age.
     */
    public synchronized void addMacs(byte[] msg, int off, int len, long nowNanos) {
        if (!Bytes.fits(msg.length, off, len) || len < Messages.MACS_SIZE) {
            throw new IllegalArgumentException("not a handshake message: " + len + " bytes");
        }
        int mac1Off = off + len - Messages.MACS_SIZE;
        int mac2Off = mac1Off + Messages.MAC_SIZE;
        Macs.mac(mac1Key, msg, off, mac1Off - off, msg, mac1Off);
        System.arraycopy(msg, mac1Off, lastMac1, 0, Messages.MAC_SIZE);
        hasLastMac1 = true;
        if (hasCookie && nowNanos - cookieSetNanos <= Protocol.COOKIE_REFRESH_TIME_NANOS) {
            Macs.mac(cookie, msg, off, mac2Off - off, msg, mac2Off);
        } else {
            Arrays.fill(msg, mac2Off, mac2Off + Messages.MAC_SIZE, (byte) 0);
        }
    }

    /** {@link #consumeReply(byte[], int, int, long)} on the whole array. */
    public boolean consumeReply(byte[] reply, long nowNanos) {
        return consumeReply(reply, 0, reply.length, nowNanos);
    }

    /**
     * Takes the cookie from a 64-byte cookie reply (the caller found this peer by the reply's
     * receiver index). False, and nothing changes, when it is not a cookie reply, we sent no
     * message it could answer, or it does not decrypt under our last MAC1.
     */
    public synchronized boolean consumeReply(byte[] reply, int off, int len, long nowNanos) {
        if (Messages.typeOf(reply, off, len) != Messages.TYPE_COOKIE_REPLY || !hasLastMac1) {
            return false;
        }
        byte[] nonce = Arrays.copyOfRange(reply, off + Messages.COOKIE_REPLY_NONCE, off + Messages.COOKIE_REPLY_COOKIE);
        byte[] sealed = Arrays.copyOfRange(reply, off + Messages.COOKIE_REPLY_COOKIE, off + Messages.COOKIE_REPLY_SIZE);
        byte[] opened = XChaCha20Poly1305.open(cookieKey, nonce, sealed, lastMac1);
        if (opened == null) {
            return false;
        }
        System.arraycopy(opened, 0, cookie, 0, Messages.MAC_SIZE);
        Arrays.fill(opened, (byte) 0);
        hasCookie = true;
        cookieSetNanos = nowNanos;
        return true;
    }

    /** Whether a cookie is held that {@link #addMacs} would use at {@code nowNanos}. */
    public synchronized boolean hasValidCookie(long nowNanos) {
        return hasCookie && nowNanos - cookieSetNanos <= Protocol.COOKIE_REFRESH_TIME_NANOS;
    }
}
