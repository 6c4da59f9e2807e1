package io.jtun.noise;

/**
 * WireGuard's four message types, their sizes and field offsets. Every message starts with a
 * 32-bit little-endian type (a type byte followed by three zero bytes); a message with non-zero
 * reserved bytes is not of any type. All indices and counters are little-endian.
 *
 * <pre>
 * initiation (148): type 1 | sender u32 | ephemeral 32 | static 32+16 | timestamp 12+16 | mac1 16 | mac2 16
 * response    (92): type 2 | sender u32 | receiver u32 | ephemeral 32 | empty 0+16 | mac1 16 | mac2 16
 * cookie      (64): type 3 | receiver u32 | nonce 24 | cookie 16+16
 * transport (>=32): type 4 | receiver u32 | counter u64 | packet (padded to 16) + 16
 * frame     (>=32): type 5 | receiver u32 | counter u64 | frame header + frame (padded to 16) + 16
 * </pre>
 *
 * Type 5 is jtun's own (docs/protocol.md): an Ethernet frame for a {@code Mode = tap} interface,
 * in the same session as type 4. WireGuard implementations drop types they do not know, so a
 * plain WireGuard peer never mistakes a frame for an IP packet.
 *
 * Indices are opaque 32-bit values; Java's signed int holds them bit for bit.
 */
public final class Messages {
    public static final int TYPE_INITIATION = 1;
    public static final int TYPE_RESPONSE = 2;
    public static final int TYPE_COOKIE_REPLY = 3;
    public static final int TYPE_TRANSPORT = 4;
    /** jtun's layer-2 transport message: the same layout as {@link #TYPE_TRANSPORT}, carrying a frame. */
    public static final int TYPE_FRAME = 5;

    /** Bytes of the type field (and of every index field). */
    public static final int TYPE_SIZE = 4;
    public static final int INDEX_SIZE = 4;
    /** Bytes of MAC1 and MAC2 (a 16-byte keyed BLAKE2s), and of a cookie. */
    public static final int MAC_SIZE = 16;
    /** Bytes of MAC1 and MAC2 together, at the end of handshake messages. */
    public static final int MACS_SIZE = 2 * MAC_SIZE;
    public static final int KEY_SIZE = X25519.KEY_SIZE;
    public static final int TAG_SIZE = ChaCha20Poly1305.TAG_SIZE;

    public static final int INITIATION_SIZE = 148;
    public static final int INITIATION_SENDER = 4;
    public static final int INITIATION_EPHEMERAL = 8;
    public static final int INITIATION_STATIC = INITIATION_EPHEMERAL + KEY_SIZE;
    public static final int INITIATION_TIMESTAMP = INITIATION_STATIC + KEY_SIZE + TAG_SIZE;
    public static final int INITIATION_MAC1 = INITIATION_TIMESTAMP + Tai64n.SIZE + TAG_SIZE;
    public static final int INITIATION_MAC2 = INITIATION_MAC1 + MAC_SIZE;

    public static final int RESPONSE_SIZE = 92;
    public static final int RESPONSE_SENDER = 4;
    public static final int RESPONSE_RECEIVER = 8;
    public static final int RESPONSE_EPHEMERAL = 12;
    public static final int RESPONSE_EMPTY = RESPONSE_EPHEMERAL + KEY_SIZE;
    public static final int RESPONSE_MAC1 = RESPONSE_EMPTY + TAG_SIZE;
    public static final int RESPONSE_MAC2 = RESPONSE_MAC1 + MAC_SIZE;

    public static final int COOKIE_REPLY_SIZE = 64;
    public static final int COOKIE_REPLY_RECEIVER = 4;
    public static final int COOKIE_REPLY_NONCE = 8;
    public static final int COOKIE_REPLY_COOKIE = COOKIE_REPLY_NONCE + XChaCha20Poly1305.NONCE_SIZE;

    public static final int TRANSPORT_HEADER_SIZE = 16;
    public static final int TRANSPORT_RECEIVER = 4;
    public static final int TRANSPORT_COUNTER = 8;
    public static final int TRANSPORT_CONTENT = TRANSPORT_HEADER_SIZE;
    /** The smallest transport message: a keepalive, header and tag around nothing. */
    public static final int TRANSPORT_MIN_SIZE = TRANSPORT_HEADER_SIZE + TAG_SIZE;

    static {
        // The layout above must add up to the sizes on the wire.
        if (INITIATION_MAC2 + MAC_SIZE != INITIATION_SIZE || RESPONSE_MAC2 + MAC_SIZE != RESPONSE_SIZE
                || COOKIE_REPLY_COOKIE + MAC_SIZE + TAG_SIZE != COOKIE_REPLY_SIZE) {
            throw new AssertionError("message layout");
        }
    }

    private Messages() {
    }

    /**
     * The type of the message in {@code msg[off, off+len)} when its length fits that type
     * (exactly 148, 92 or 64 bytes for handshake messages, at least 32 for transport and frame
     * messages), else 0.
     */
    public static int typeOf(byte[] msg, int off, int len) {
        if (!Bytes.fits(msg.length, off, len) || len < TYPE_SIZE) {
            return 0;
        }
        int type = Bytes.getIntLE(msg, off);
        return switch (type) {
            case TYPE_INITIATION -> len == INITIATION_SIZE ? type : 0;
            case TYPE_RESPONSE -> len == RESPONSE_SIZE ? type : 0;
            case TYPE_COOKIE_REPLY -> len == COOKIE_REPLY_SIZE ? type : 0;
            case TYPE_TRANSPORT, TYPE_FRAME -> len >= TRANSPORT_MIN_SIZE ? type : 0;
            default -> 0;
        };
    }

    /** A little-endian u32 field (an index) at {@code off}. */
    public static int getIndex(byte[] msg, int off) {
        return Bytes.getIntLE(msg, off);
    }

    /** Writes a little-endian u32 field (a type or index) at {@code off}. */
    public static void putIndex(byte[] msg, int off, int value) {
        Bytes.putIntLE(msg, off, value);
    }
}
