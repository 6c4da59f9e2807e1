package io.jtun.wgquick;

import io.jtun.ExitCode;
import io.jtun.JtunException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * wg-quick's {@code Table} setting: where the routes for the peers' AllowedIPs go.
 *
 * <ul>
 *   <li>{@link Mode#AUTO} (absent or "auto"): the main table, except that a default route
 *       (0.0.0.0/0, ::/0) gets the policy routing setup (a table of its own and two rules);</li>
 *   <li>{@link Mode#OFF} ("off"): no routes at all;</li>
 *   <li>{@link Mode#TABLE} (a number, or a name from iproute2's rt_tables such as "main"): every
 *       route, default routes included, into that table, and no rules.</li>
 * </ul>
 *
 * @param table the table for {@link Mode#TABLE}, unsigned 32 bits; 0 otherwise
 */
public record TableSetting(Mode mode, int table) {
    public static final TableSetting AUTO = new TableSetting(Mode.AUTO, 0);
    public static final TableSetting OFF = new TableSetting(Mode.OFF, 0);

    /** iproute2's table name files, in the order it reads them. */
    static final List<Path> NAME_FILES = List.of(Path.of("/etc/iproute2/rt_tables"),
            Path.of("/usr/share/iproute2/rt_tables"), Path.of("/usr/lib/iproute2/rt_tables"));
    static final List<Path> NAME_DIRECTORIES = List.of(Path.of("/etc/iproute2/rt_tables.d"),
            Path.of("/usr/share/iproute2/rt_tables.d"), Path.of("/usr/lib/iproute2/rt_tables.d"));

    private static final Pattern NAME_LINE = Pattern.compile("^(0x[0-9a-fA-F]+|[0-9]+)\\s+(\\S+)");

    public enum Mode {
        AUTO,
        OFF,
        TABLE
    }

    public TableSetting {
        if ((mode == Mode.TABLE) != (table != 0)) {
            throw new IllegalArgumentException(mode + " with table " + Integer.toUnsignedString(table));
        }
    }

    /** Every route into {@code table} (1-4294967295 as unsigned 32 bits). */
    public static TableSetting of(int table) {
        return new TableSetting(Mode.TABLE, table);
    }

    /** The setting of a configuration's {@code Table} value (empty: not set, i.e. auto). */
    public static TableSetting parse(Optional<String> value) {
        return value.isEmpty() ? AUTO : parse(value.get(), NAME_FILES, NAME_DIRECTORIES);
    }

    /**
     * "off", "auto" (any letter case), a table name known to iproute2 ("main", "local", "default",
     * or one of its rt_tables files) or a number as iproute2 reads it (decimal, 0x hex, 0 octal).
     *
     * @throws JtunException with {@link ExitCode#USAGE} for anything else, and for table 0
     */
    static TableSetting parse(String value, List<Path> nameFiles, List<Path> nameDirectories) {
        String text = value.strip();
        switch (text.toLowerCase(Locale.ROOT)) {
            case "off" -> {
                return OFF;
            }
            case "auto" -> {
                return AUTO;
            }
            default -> {
            }
        }
        OptionalInt named = byName(text, nameFiles, nameDirectories);
        long number = named.isPresent() ? Integer.toUnsignedLong(named.getAsInt()) : number(text);
        if (number < 0 || number > 0xffff_ffffL) {
            throw new JtunException(ExitCode.USAGE, "Table = " + text + " is neither off, auto, a routing table number"
                    + " (1-4294967295) nor a table name in /etc/iproute2/rt_tables: use e.g. Table = off, Table = "
                    + "auto or Table = 1234");
        }
        if (number == 0) {
            throw new JtunException(ExitCode.USAGE, "Table = " + text + " is not a routing table (0 means"
                    + " \"unspecified\"): use off, auto, main or a number from 1 to 4294967295");
        }
        return of((int) number);
    }

    /** iproute2's built-in names, then its files; empty when the name is unknown. */
    private static OptionalInt byName(String name, List<Path> nameFiles, List<Path> nameDirectories) {
        switch (name) {
            case "main" -> {
                return OptionalInt.of(254);
            }
            case "local" -> {
                return OptionalInt.of(255);
            }
            case "default" -> {
                return OptionalInt.of(253);
            }
            default -> {
            }
        }
        if (!name.isEmpty() && name.charAt(0) >= '0' && name.charAt(0) <= '9') {
            return OptionalInt.empty(); // iproute2 allows numeric-looking names, but a number is meant here
        }
        List<Path> files = new ArrayList<>();
        // Like iproute2: the first main file that exists, then every *.conf of the directories.
        nameFiles.stream().filter(Files::isRegularFile).findFirst().ifPresent(files::add);
        for (Path directory : nameDirectories) {
            if (Files.isDirectory(directory)) {
                try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory, "*.conf")) {
                    entries.forEach(files::add);
                } catch (IOException e) {
                    // An unreadable directory names no tables.
                }
            }
        }
        for (Path file : files) {
            try {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    Matcher m = NAME_LINE.matcher(line.strip());
                    if (m.find() && m.group(2).equals(name)) {
                        long id = number(m.group(1));
                        if (id >= 0 && id <= 0xffff_ffffL) {
                            return OptionalInt.of((int) id);
                        }
                    }
                }
            } catch (IOException e) {
                // An unreadable file names no tables.
            }
        }
        return OptionalInt.empty();
    }

    /** strtoul(text, 0) for plain digits: 0x hex, leading-0 octal, else decimal; -1 when not a number. */
    private static long number(String text) {
        try {
            if (text.startsWith("0x") || text.startsWith("0X")) {
                return text.length() > 2 && text.length() <= 10 ? Long.parseLong(text.substring(2), 16) : -1;
            }
            if (text.isEmpty() || text.length() > 12 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return -1;
            }
            return text.length() > 1 && text.charAt(0) == '0' ? Long.parseLong(text.substring(1), 8)
                    : Long.parseLong(text);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    @Override
    public String toString() {
        return switch (mode) {
            case AUTO -> "auto";
            case OFF -> "off";
            case TABLE -> Integer.toUnsignedString(table);
        };
    }
}
