package io.jtun.uapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.jtun.fuzz.FuzzFindings;
import io.jtun.fuzz.Secrets;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Fuzz target: the text of the cross-platform UAPI (what {@code wg set} and {@code wg show} send
 * over the socket) through {@link UapiProtocol#parseSet(String)} and
 * {@link UapiProtocol#parseGet(String)}. The first input byte picks the parser; in the rest,
 * {@code @K} stands for a private key and {@code @A} for a public key (64 hex digits each).
 *
 * <p>The property: the text parses, or the documented refusal comes ({@link UapiException}, or
 * {@link IllegalArgumentException} for text after the request's blank line), and the message
 * never shows a secret key written on a private_key or preshared_key line. Parsed text prints
 * back ({@link UapiProtocol#formatSet}, {@link UapiProtocol#formatGet}) to text that parses to
 * the same thing: printing a second time gives the same text.
 */
@ExtendWith(FuzzFindings.class)
class UapiFuzzTest {
    private static final String SECRET = "a8".repeat(16) + "0123456789abcdef".repeat(2);
    private static final String PUBLIC = "5c".repeat(32);

    @FuzzTest
    @DictionaryEntries({"private_key=@K", "listen_port=", "fwmark=", "replace_peers=true", "public_key=@A",
            "remove=true", "update_only=true", "preshared_key=@K", "endpoint=", "198.18.0.1:51820",
            "[fd00::1]:51820", "persistent_keepalive_interval=", "replace_allowed_ips=true", "allowed_ip=",
            "allowed_ip=-", "10.0.0.0/24", "fd00::/64", "protocol_version=1", "errno=0", "tx_bytes=",
            "rx_bytes=", "last_handshake_time_sec=", "last_handshake_time_nsec="})
    void parse(byte[] input) throws UapiException {
        if (input.length == 0) {
            return;
        }
        String text = new String(input, 1, input.length - 1, StandardCharsets.UTF_8)
                .replace("@K", SECRET).replace("@A", PUBLIC);
        if ((input[0] & 1) == 0) {
            set(text);
        } else {
            get(text);
        }
    }

    private static void set(String text) throws UapiException {
        SetRequest request;
        try {
            request = UapiProtocol.parseSet(text);
        } catch (UapiException | IllegalArgumentException e) {
            assertNoSecret(e.getMessage(), text);
            return;
        }
        String printed = UapiProtocol.formatSet(request);
        // What we print, wg's own parser (and ours) must read as the same request.
        assertEquals(printed, UapiProtocol.formatSet(UapiProtocol.parseSet(printed)), () -> "from " + text);
    }

    private static void get(String text) throws UapiException {
        DeviceState state;
        try {
            state = UapiProtocol.parseGet(text);
        } catch (UapiException e) {
            assertNoSecret(e.getMessage(), text);
            return;
        }
        String printed = UapiProtocol.formatGet(state);
        assertEquals(printed, UapiProtocol.formatGet(UapiProtocol.parseGet(printed)), () -> "from " + text);
    }

    /** Fails if the message shows the start of a key that the text writes only as a secret. */
    private static void assertNoSecret(String message, String text) {
        String start = SECRET.substring(0, 24);
        if (Secrets.writtenOnlyAsSecret(text, start, "private_key", "preshared_key")) {
            assertFalse(message.contains(start), () -> "a secret key is shown: " + message);
        }
    }
}
