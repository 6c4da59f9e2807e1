package io.jtun.noise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.jtun.config.Key;
import io.jtun.config.Secret;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class KeysTest {
    private static final Path WG = Path.of("/usr/bin/wg");

    @Test
    void formats() {
        Secret priv = Keys.genkey();
        byte[] k = priv.bytes();
        assertEquals(0, k[0] & 7);
        assertEquals(0x40, k[31] & 0xc0);
        assertEquals(44, priv.base64().length());
        Key pub = Keys.pubkey(priv);
        assertEquals(44, pub.base64().length());
        assertEquals(pub.base64(), Keys.pubkey(priv.base64()));
        assertNull(Keys.pubkey("not a key"));
        assertNotEquals(Keys.genpsk(), Keys.genpsk());
        // RFC 7748 section 6.1's Alice, in wg's form.
        assertEquals("hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo=",
                Keys.pubkey(Base64.getEncoder().encodeToString(
                        Hex.hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"))));
    }

    @Test
    void ourPrivateKeysThroughWgPubkey() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(WG), "wg is not installed");
        for (int i = 0; i < 5; i++) {
            Secret priv = i < 4 ? Keys.genkey() : unclamped();
            assertEquals(Keys.pubkey(priv).base64(), wg("pubkey", priv.base64() + "\n"));
        }
    }

    @Test
    void wgGenkeyThroughOurPubkey() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(WG), "wg is not installed");
        for (int i = 0; i < 3; i++) {
            String priv = wg("genkey", "");
            assertEquals(44, priv.length());
            Secret secret = Secret.fromBase64(priv);
            assertEquals(wg("pubkey", priv + "\n"), Keys.pubkey(secret).base64());
            // Our generator's output has the shape of wg's.
            assertEquals(priv.length(), Keys.genkey().base64().length());
        }
        assertEquals(44, wg("genpsk", "").length());
    }

    /** A private key with the bits clamping fixes set wrong: wg pubkey clamps it, so must we. */
    private static Secret unclamped() {
        byte[] k = Keys.genkey().bytes();
        k[0] |= 7;
        k[31] |= (byte) 0x80;
        k[31] &= (byte) ~0x40;
        return Secret.of(k);
    }

    private static String wg(String command, String input) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(WG.toString(), command).redirectErrorStream(true).start();
        p.getOutputStream().write(input.getBytes(StandardCharsets.US_ASCII));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("wg " + command + " did not finish");
        }
        assertEquals(0, p.exitValue(), "wg " + command + ": " + out);
        return out;
    }
}
