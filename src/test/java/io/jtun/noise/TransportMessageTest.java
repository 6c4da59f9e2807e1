package io.jtun.noise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class TransportMessageTest {
    private static final byte[] KEY = Hex.sequence(3, 32);

    @Test
    void padding() {
        assertEquals(0, TransportMessage.paddedLength(0, 1420));
        assertEquals(16, TransportMessage.paddedLength(1, 1420));
        assertEquals(16, TransportMessage.paddedLength(16, 1420));
        assertEquals(32, TransportMessage.paddedLength(17, 1420));
        assertEquals(1420, TransportMessage.paddedLength(1419, 1420), "never past the MTU");
        assertEquals(1420, TransportMessage.paddedLength(1420, 1420));
        assertEquals(1424, TransportMessage.paddedLength(1419, 0), "no MTU: plain rounding");
        assertEquals(1421 + 15, TransportMessage.paddedLength(1421, 1420), "remainder past the MTU is padded");
        assertEquals(32, TransportMessage.messageSize(0, 1420), "a keepalive");
        assertEquals(TransportMessage.MIN_SIZE, TransportMessage.messageSize(0, 0));
    }

    @Test
    void headerLayout() {
        byte[] msg = new byte[64];
        int n = TransportMessage.encrypt(new ChaCha20Poly1305(), KEY, 0x01020304, 0x0a0b0c0d0e0f1011L,
                new byte[5], 0, 5, 1420, msg, 0);
        assertEquals(16 + 16 + 16, n);
        assertEquals("04000000" + "04030201" + "11100f0e0d0c0b0a", Hex.hex(Arrays.copyOf(msg, 16)));
    }

    @Test
    void inPlaceRoundTripAtAnOffset() {
        byte[] packet = Hex.sequence(9, 61);
        byte[] buf = new byte[200];
        int off = 10;
        System.arraycopy(packet, 0, buf, off + TransportMessage.HEADER_SIZE, packet.length);
        ChaCha20Poly1305 aead = new ChaCha20Poly1305();
        int n = TransportMessage.encrypt(aead, KEY, 7, 99, buf, off + TransportMessage.HEADER_SIZE, packet.length, 0,
                buf, off);
        assertEquals(16 + 64 + 16, n);
        assertEquals(Messages.TYPE_TRANSPORT, Messages.typeOf(buf, off, n));
        int m = TransportMessage.decrypt(aead, KEY, buf, off, n, buf, off + TransportMessage.HEADER_SIZE);
        assertEquals(64, m);
        byte[] plain = Arrays.copyOfRange(buf, off + 16, off + 16 + m);
        assertArrayEquals(packet, Arrays.copyOf(plain, packet.length));
        assertArrayEquals(new byte[3], Arrays.copyOfRange(plain, packet.length, m), "zero padding");
    }

    @Test
    void rejects() {
        ChaCha20Poly1305 aead = new ChaCha20Poly1305();
        byte[] msg = new byte[48];
        int n = TransportMessage.encrypt(aead, KEY, 7, 1, new byte[16], 0, 16, 0, msg, 0);
        byte[] out = new byte[48];
        assertEquals(16, TransportMessage.decrypt(aead, KEY, msg, 0, n, out, 0));
        assertEquals(-1, TransportMessage.decrypt(aead, Hex.sequence(4, 32), msg, 0, n, out, 0), "wrong key");
        assertEquals(-1, TransportMessage.decrypt(aead, KEY, msg, 0, 31, out, 0), "too short");
        assertEquals(-1, TransportMessage.decrypt(aead, KEY, msg, 0, n, new byte[15], 0), "does not fit the buffer");
        byte[] counterChanged = msg.clone();
        counterChanged[Messages.TRANSPORT_COUNTER] ^= 2;
        assertEquals(-1, TransportMessage.decrypt(aead, KEY, counterChanged, 0, n, out, 0), "counter is the nonce");
        byte[] typeChanged = msg.clone();
        typeChanged[1] = 1;
        assertEquals(-1, TransportMessage.decrypt(aead, KEY, typeChanged, 0, n, out, 0), "reserved bytes");
        assertThrows(IllegalArgumentException.class, () -> TransportMessage.encrypt(aead, KEY, 7,
                Protocol.REJECT_AFTER_MESSAGES, new byte[1], 0, 1, 0, new byte[64], 0));
    }

    @Test
    void protocolConstants() {
        assertEquals(Long.parseUnsignedLong("18446744073709543423"), Protocol.REJECT_AFTER_MESSAGES);
        assertEquals(1L << 60, Protocol.REKEY_AFTER_MESSAGES);
        assertEquals(20_000_000L, Protocol.HANDSHAKE_INITIATION_RATE_NANOS);
        assertEquals(18, Protocol.MAX_TIMER_HANDSHAKES);
        assertEquals(120_000_000_000L, Protocol.REKEY_AFTER_TIME_NANOS);
        assertEquals(true, Protocol.counterExhausted(-1L));
        assertEquals(false, Protocol.counterExhausted(Protocol.REJECT_AFTER_MESSAGES - 1));
        assertEquals(true, Protocol.counterNeedsRekey(1L << 60));
    }
}
