package io.jtun.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.jtun.fuzz.FuzzFindings;
import java.util.Arrays;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Fuzz target: the packet decoders the monitor prints with ({@link PacketSummary#decode}, without
 * {@link PacketSummary#describe}'s safety net) and the echo responder that answers pings in place
 * ({@link EchoResponder#reply}). Coverage-guided, it complements {@link PacketFuzzTest}'s random
 * mutations. The first byte picks the link type (bit 0) and how many bytes of padding lie before
 * the packet (bits 1-3), so a decoder that reads outside its range reads the wrong bytes rather
 * than failing at the array's end.
 *
 * <p>The property: decoding never throws and gives one line; a reply stays inside the packet (or
 * the room after it, for a longer neighbor advertisement) and a packet not answered is left as it was.
 */
@ExtendWith(FuzzFindings.class)
class PacketSummaryFuzzTest {
    @FuzzTest
    void decode(byte[] input) {
        if (input.length == 0) {
            return;
        }
        LinkType link = (input[0] & 1) == 0 ? LinkType.RAW_IP : LinkType.ETHERNET;
        int pad = (input[0] >>> 1) & 7;
        int length = input.length - 1;
        byte[] buf = new byte[pad + length + pad];
        Arrays.fill(buf, (byte) 0x5a);
        System.arraycopy(input, 1, buf, pad, length);
        String summary = PacketSummary.decode(buf, pad, length, link);
        assertFalse(summary.isEmpty() || summary.contains("\n"), summary);

        byte[] before = buf.clone();
        int reply = EchoResponder.reply(buf, pad, length, link);
        // A reply may be longer than the request (a neighbor advertisement) where the buffer has room.
        assertTrue(reply == EchoResponder.NOT_ANSWERED || reply >= 0 && pad + reply <= buf.length, "reply of " + reply);
        int written = pad + Math.max(length, reply);
        for (int i = 0; i < buf.length; i++) {
            if (i < pad || i >= written) {
                assertEquals(before[i], buf[i], "byte " + i + " outside the packet and its reply");
            }
        }
        if (reply == EchoResponder.NOT_ANSWERED) {
            assertTrue(Arrays.equals(before, buf), "not answered, but changed");
        }
        if (reply > 0) {
            assertFalse(PacketSummary.decode(buf, pad, reply, link).isEmpty());
        }
    }
}
