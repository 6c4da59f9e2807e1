package io.jtun.fuzz;

import java.util.Locale;

/** For fuzz targets whose property is that a secret written in their input never shows in a message. */
public final class Secrets {
    private Secrets() {
    }

    /**
     * Whether {@code text} holds {@code secret} only where it is meant as a secret: after one of
     * {@code names} (a key's name, any letter case) on the same line. A key also written elsewhere,
     * say as a DNS name, may rightly be shown from there.
     */
    public static boolean writtenOnlyAsSecret(String text, String secret, String... names) {
        boolean asSecret = false;
        for (String line : text.split("\\R", -1)) {
            int at = line.indexOf(secret);
            if (at < 0) {
                continue;
            }
            String lower = line.toLowerCase(Locale.ROOT);
            boolean named = false;
            for (String name : names) {
                int n = lower.indexOf(name.toLowerCase(Locale.ROOT));
                named |= n >= 0 && n < at;
            }
            if (!named) {
                return false;
            }
            asSecret = true;
        }
        return asSecret;
    }
}
