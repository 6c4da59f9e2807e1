package io.jtun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** {@code jtun genkey | pubkey | genpsk} against {@code wg}'s, through the packaged jar. */
@Tag("netns")
class KeysIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private static String jtun(String input, String... args) {
        String command = String.join(" ", Jtun.command(args));
        return Netns.run(TIMEOUT, "bash", "-c", (input == null ? "" : "echo '" + input + "' | ") + command).check()
                .stdout().strip();
    }

    private static String wg(String input, String... args) {
        return Netns.run(TIMEOUT, "bash", "-c", (input == null ? "" : "echo '" + input + "' | ") + "wg "
                + String.join(" ", args)).check().stdout().strip();
    }

    @Test
    void keysAreInterchangeableWithWg() {
        Assumptions.assumeTrue(Netns.run(TIMEOUT, "bash", "-c", "command -v wg").exitCode() == 0, "wg not installed");
        for (int i = 0; i < 3; i++) {
            String ours = jtun(null, "genkey");
            assertEquals(32, Base64.getDecoder().decode(ours).length);
            assertEquals(wg(ours, "pubkey"), jtun(ours, "pubkey"));
            String theirs = wg(null, "genkey");
            assertEquals(wg(theirs, "pubkey"), jtun(theirs, "pubkey"));
        }
        String psk = jtun(null, "genpsk");
        assertEquals(44, psk.length());
        assertEquals(32, Base64.getDecoder().decode(psk).length);
    }

    @Test
    void aBadPrivateKeyIsRejectedInOneLine() {
        Result result = Netns.run(TIMEOUT, "bash", "-c", "echo not-a-key | " + String.join(" ", Jtun.command("pubkey")));
        assertEquals(2, result.exitCode(), result.toString());
        assertTrue(result.stderr().startsWith("jtun: standard input is not a private key"), result.toString());
        assertEquals(1, result.stderr().strip().lines().count());
    }
}
