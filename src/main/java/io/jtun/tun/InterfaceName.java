package io.jtun.tun;

import io.jtun.ExitCode;
import io.jtun.JtunException;
import java.nio.charset.StandardCharsets;

/**
 * Linux network interface names: what the kernel's dev_valid_name() accepts, checked here first
 * so the user hears which rule the name breaks instead of a bare EINVAL.
 */
public final class InterfaceName {
    /** IFNAMSIZ minus the terminating NUL. */
    public static final int MAX_BYTES = TunIoctl.IFNAMSIZ - 1;

    private InterfaceName() {
    }

    /**
     * Checks a name or a template containing one {@code %d} (the kernel substitutes the first
     * free number); returns it unchanged when valid.
     */
    public static String validate(String name) {
        if (name == null || name.isEmpty()) {
            throw bad(name, "is empty", "give a name such as tun1");
        }
        int bytes = name.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_BYTES) {
            throw bad(name, "is " + bytes + " bytes long; Linux allows at most " + MAX_BYTES,
                    "choose a shorter name");
        }
        if (name.equals(".") || name.equals("..")) {
            throw bad(name, "is reserved", "choose another name");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '/' || c == ':' || Character.isWhitespace(c) || Character.isISOControl(c)) {
                throw bad(name, "contains '" + printable(c) + "', which interface names cannot hold",
                        "use letters, digits, '-', '_' or '.'");
            }
        }
        int percent = name.indexOf('%');
        if (percent >= 0 && (!name.startsWith("%d", percent) || name.indexOf('%', percent + 1) >= 0)) {
            throw bad(name, "has a '%' that is not a single %d template", "use e.g. tun%d or a plain name");
        }
        return name;
    }

    public static boolean isTemplate(String name) {
        return name.contains("%d");
    }

    private static String printable(char c) {
        return Character.isWhitespace(c) || Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c);
    }

    private static JtunException bad(String name, String problem, String fix) {
        return new JtunException(ExitCode.USAGE, "invalid interface name '" + name + "': it " + problem + "; " + fix);
    }
}
