package io.jtun.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.jtun.ExitCode;
import io.jtun.JtunException;
import io.jtun.fuzz.FuzzFindings;
import io.jtun.fuzz.Secrets;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Fuzz target: whole configuration files through {@link ConfigParser#parse(String, Path, String)}
 * (the parser, then {@link ConfigValidator}). The input is the file's text, in which {@code @K},
 * {@code @P} and {@code @A}/{@code @B} stand for a private key, a preshared key and two public
 * keys (so the fuzzer need not invent valid keys to get past them; the seeds use them).
 *
 * <p>The property: the file parses, or {@link JtunException} with {@link ExitCode#USAGE} says
 * why in one line that starts with the file's name (and its line, when one line is at fault).
 * Secrets never show: no message holds a key written after "PrivateKey" or "PresharedKey" on the
 * line it is about, and a parsed config's {@code toString} holds none of its keys (unless the file
 * also wrote them elsewhere, say in a hook command). Anything else that escapes is a bug.
 */
@ExtendWith(FuzzFindings.class)
class ConfigFuzzTest {
    private static final Path SOURCE = Path.of("fz0.conf");
    private static final String PRIVATE = key(0x11);
    private static final String PSK = key(0x22);
    private static final String PUBLIC_A = key(0x33);
    private static final String PUBLIC_B = key(0x44);
    private static final Pattern LINE = Pattern.compile("fz0\\.conf:(\\d+): .*");
    private static final Pattern KEY_LINE = Pattern.compile("(?i)\\s*(PrivateKey|PresharedKey)\\s*=");

    @FuzzTest
    @DictionaryEntries({"[Interface]", "[Peer]", "PrivateKey = @K", "PresharedKey = @P", "PublicKey = @A",
            "PublicKey = @B", "Address = ", "ListenPort = ", "MTU = ", "FwMark = 0x", "DNS = ", "Table = off",
            "PostUp = ", "SaveConfig = true", "Encryption = none", "Mode = tap", "Encapsulation = ipip",
            "DisableOffload = ", "gro", "udp-gso", "Hub = true", "Compression = lz4", "MacAgeTime = ", "MacLimit = ",
            "AllowedIPs = ", "Endpoint = ", "PersistentKeepalive = ", "10.0.0.1/24", "fd00::1/64", "0.0.0.0/0",
            "::/0", "198.18.0.2:51820", "[fd00::2]:51820", "host.example:1", " = ", ", "})
    void parse(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8)
                .replace("@K", PRIVATE).replace("@P", PSK).replace("@A", PUBLIC_A).replace("@B", PUBLIC_B);
        InterfaceConfig config;
        try {
            config = ConfigParser.parse(text, SOURCE, "fz0");
        } catch (JtunException e) {
            String message = e.getMessage();
            assertEquals(ExitCode.USAGE, e.exitCode(), message);
            assertTrue(message.startsWith(SOURCE + ":"), message);
            assertFalse(message.contains("\n") || message.contains("\r"), "not one line: " + message);
            Matcher at = LINE.matcher(message);
            if (at.matches()) {
                assertNoSecret(message, lineOf(text, Integer.parseInt(at.group(1))));
            } else {
                assertNoSecret(message, text);
            }
            return;
        }
        // The keys it holds never show. Unless the file wrote them elsewhere too: a hook command
        // may hold a key, even after the word PrivateKey, and a command is shown as written.
        String shown = config.toString();
        List<Secret> secrets = new ArrayList<>();
        config.privateKey().ifPresent(secrets::add);
        config.peers().forEach(peer -> peer.presharedKey().ifPresent(secrets::add));
        for (Secret secret : secrets) {
            String body = Base64.getEncoder().encodeToString(secret.bytes()).substring(0, 43);
            boolean onlyOnKeyLines = Arrays.stream(text.split("\\R")).filter(line -> line.contains(body))
                    .allMatch(line -> KEY_LINE.matcher(line).lookingAt());
            if (onlyOnKeyLines) {
                assertFalse(shown.contains(body), () -> "a secret key is shown: " + shown);
            }
        }
    }

    /** Fails if {@code shown} holds a private or preshared key that {@code text} writes only as a secret. */
    private static void assertNoSecret(String shown, String text) {
        for (String secret : new String[] {PRIVATE, PSK}) {
            String body = secret.substring(0, 43); // the 44th character is the padding '='
            if (Secrets.writtenOnlyAsSecret(text, body, "PrivateKey", "PresharedKey") && shown.contains(body)) {
                fail("a secret key is shown: " + shown);
            }
        }
    }

    private static String lineOf(String text, int number) {
        String body = text.startsWith("\uFEFF") ? text.substring(1) : text;
        String[] lines = body.split("\\R", -1);
        assertTrue(number >= 1 && number <= lines.length, "line " + number + " of " + lines.length);
        return lines[number - 1];
    }

    /** A valid key of 32 bytes of {@code fill} (clamped, so it is also a valid private key). */
    private static String key(int fill) {
        byte[] bytes = new byte[32];
        java.util.Arrays.fill(bytes, (byte) fill);
        bytes[0] &= (byte) 248;
        bytes[31] = (byte) ((bytes[31] & 127) | 64);
        return Base64.getEncoder().encodeToString(bytes);
    }
}
