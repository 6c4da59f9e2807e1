package io.jtun.noise;

import java.util.Arrays;

/**
 * Transport data messages (type 4): a 16-byte header (type u32, receiver index u32, counter u64,
 * all little-endian), then the packet padded with zeros to a multiple of 16 bytes and encrypted
 * with ChaCha20-Poly1305 under the session key, the counter as nonce and no associated data.
 * A keepalive is a message with an empty packet (32 bytes in all). The padding hides packet
 * sizes a little; the receiver finds the real length in the inner IP header.
 *
 * <p>Receiving: {@link #decrypt} first, and only if it succeeds mark the counter in the
 * session's {@link ReplayWindow} (drop the packet if that refuses it): the counter is
 * authenticated, so a forged one can not move the window.
 */
public final class TransportMessage {
    public static final int TYPE = Messages.TYPE_TRANSPORT;
    public static final int HEADER_SIZE = Messages.TRANSPORT_HEADER_SIZE;
    public static final int TAG_SIZE = ChaCha20Poly1305.TAG_SIZE;
    /** Packets are padded to a multiple of this. */
    public static final int PADDING_MULTIPLE = 16;
    /** Header plus tag: what a message adds to its padded packet. */
    public static final int OVERHEAD = HEADER_SIZE + TAG_SIZE;
    /** A keepalive's size, the smallest transport message. */
    public static final int MIN_SIZE = Messages.TRANSPORT_MIN_SIZE;

    private TransportMessage() {
    }

    /**
     * The length of a {@code length}-byte packet once padded: rounded up to a multiple of 16 but
     * never past {@code mtu} (0: no limit), so padding never makes a packet that fitted the
     * tunnel's MTU too big for it. A packet longer than the MTU is padded as its remainder.
     */
    public static int paddedLength(int length, int mtu) {
        if (mtu <= 0) {
            return roundUp(length);
        }
        int lastUnit = length > mtu ? length % mtu : length;
        int padded = Math.min(roundUp(lastUnit), mtu);
        return length + (padded - lastUnit);
    }

    private static int roundUp(int n) {
        return (n + PADDING_MULTIPLE - 1) & -PADDING_MULTIPLE;
    }

    /** The size of the message carrying a {@code length}-byte packet. */
    public static int messageSize(int length, int mtu) {
        return OVERHEAD + paddedLength(length, mtu);
    }

    /**
     * Writes the transport message carrying {@code src[srcOff, srcOff+len)} to {@code dst} at
     * {@code dstOff} ({@link #messageSize} bytes, which must fit) and returns its size. The
     * packet may already be in place at {@code dstOff + HEADER_SIZE} (no copy then).
     *
     * @throws IllegalArgumentException when {@code counter} is at or past
     *     REJECT_AFTER_MESSAGES: the session must not send any more (a caller's bug)
     */
    public static int encrypt(ChaCha20Poly1305 aead, byte[] key, int receiverIndex, long counter, byte[] src,
            int srcOff, int len, int mtu, byte[] dst, int dstOff) {
        return encrypt(TYPE, aead, key, receiverIndex, counter, src, srcOff, len, mtu, dst, dstOff);
    }

    /**
     * As {@link #encrypt(ChaCha20Poly1305, byte[], int, long, byte[], int, int, int, byte[], int)},
     * with the message type {@code type}: {@link Messages#TYPE_TRANSPORT} or jtun's
     * {@link Messages#TYPE_FRAME}, whose layout is the same.
     */
    public static int encrypt(int type, ChaCha20Poly1305 aead, byte[] key, int receiverIndex, long counter,
            byte[] src, int srcOff, int len, int mtu, byte[] dst, int dstOff) {
        if (Protocol.counterExhausted(counter)) {
            throw new IllegalArgumentException("message counter exhausted: rekey");
        }
        int padded = paddedLength(len, mtu);
        int contentOff = dstOff + HEADER_SIZE;
        if (dstOff < 0 || contentOff + padded + TAG_SIZE > dst.length) {
            throw new IndexOutOfBoundsException("the message does not fit the buffer");
        }
        if (src != dst || srcOff != contentOff) {
            System.arraycopy(src, srcOff, dst, contentOff, len);
        }
        Arrays.fill(dst, contentOff + len, contentOff + padded, (byte) 0);
        Bytes.putIntLE(dst, dstOff, type);
        Bytes.putIntLE(dst, dstOff + Messages.TRANSPORT_RECEIVER, receiverIndex);
        Bytes.putLongLE(dst, dstOff + Messages.TRANSPORT_COUNTER, counter);
        int n = aead.seal(key, counter, dst, contentOff, padded, null, dst, contentOff);
        return HEADER_SIZE + n;
    }

    /**
     * Decrypts the transport message {@code msg[off, off+len)} under {@code key} into {@code dst}
     * at {@code dstOff} (may be {@code off + HEADER_SIZE} of the same array, in place) and returns
     * the padded packet length (0 for a keepalive), or -1 when it is not a transport message, does
     * not fit {@code dst}, or does not authenticate. Does not look at the replay window: see the
     * class comment.
     */
    public static int decrypt(ChaCha20Poly1305 aead, byte[] key, byte[] msg, int off, int len, byte[] dst, int dstOff) {
        return decrypt(TYPE, aead, key, msg, off, len, dst, dstOff);
    }

    /**
     * As {@link #decrypt(ChaCha20Poly1305, byte[], byte[], int, int, byte[], int)}, for a message
     * of type {@code type} ({@link Messages#TYPE_TRANSPORT} or jtun's {@link Messages#TYPE_FRAME});
     * -1 for any other type.
     */
    public static int decrypt(int type, ChaCha20Poly1305 aead, byte[] key, byte[] msg, int off, int len, byte[] dst,
            int dstOff) {
        if (Messages.typeOf(msg, off, len) != type) {
            return -1;
        }
        if (!Bytes.fits(dst.length, dstOff, len - OVERHEAD)) {
            // The sender chose the size: a message too big for the buffer is dropped, not thrown.
            return -1;
        }
        long counter = Bytes.getLongLE(msg, off + Messages.TRANSPORT_COUNTER);
        return aead.open(key, counter, msg, off + HEADER_SIZE, len - HEADER_SIZE, null, dst, dstOff);
    }

    /** The receiver index of a transport message (which session it is for). */
    public static int receiverIndex(byte[] msg, int off) {
        return Bytes.getIntLE(msg, off + Messages.TRANSPORT_RECEIVER);
    }

    /** The counter of a transport message (unsigned). */
    public static long counter(byte[] msg, int off) {
        return Bytes.getLongLE(msg, off + Messages.TRANSPORT_COUNTER);
    }
}
