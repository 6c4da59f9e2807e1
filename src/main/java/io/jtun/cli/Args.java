package io.jtun.cli;

import io.jtun.ExitCode;
import io.jtun.JtunException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A command's arguments: {@code --flag}, {@code --option value} or {@code --option=value}, and
 * positional words. Each option is declared by the command, so anything unknown, missing a value
 * or given a malformed number fails with a message naming the option and the command's help.
 */
final class Args {
    private final String command;
    private final Map<String, List<String>> values = new TreeMap<>();
    private final List<String> positional = new ArrayList<>();

    private Args(String command) {
        this.command = command;
    }

    /**
     * @param flags   options that take no value
     * @param options options that take one value (may repeat)
     */
    static Args parse(String command, String[] argv, int from, List<String> flags, List<String> options) {
        Args args = new Args(command);
        for (int i = from; i < argv.length; i++) {
            String word = argv[i];
            if (!word.startsWith("--") || word.equals("--")) {
                args.positional.add(word);
                continue;
            }
            String name = word;
            String value = null;
            int eq = word.indexOf('=');
            if (eq > 0) {
                name = word.substring(0, eq);
                value = word.substring(eq + 1);
            }
            if (flags.contains(name)) {
                if (value != null) {
                    throw args.usage(name + " takes no value");
                }
                args.values.computeIfAbsent(name, k -> new ArrayList<>()).add("true");
            } else if (options.contains(name)) {
                if (value == null) {
                    if (i + 1 >= argv.length) {
                        throw args.usage(name + " needs a value");
                    }
                    value = argv[++i];
                }
                args.values.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
            } else {
                throw args.usage("unknown option " + name);
            }
        }
        return args;
    }

    boolean has(String flag) {
        return values.containsKey(flag);
    }

    String value(String option) {
        List<String> list = values.get(option);
        if (list == null) {
            return null;
        }
        if (list.size() > 1) {
            throw usage(option + " given more than once");
        }
        return list.get(0);
    }

    List<String> values(String option) {
        return values.getOrDefault(option, List.of());
    }

    List<String> positional() {
        return positional;
    }

    /** An integer option within [min, max], or null when absent. */
    Integer intValue(String option, int min, int max) {
        String text = value(option);
        if (text == null) {
            return null;
        }
        try {
            int value = Integer.parseInt(text.trim());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw usage(option + " must be a whole number from " + min + " to " + max + ", not '" + text + "'");
    }

    JtunException usage(String problem) {
        return new JtunException(ExitCode.USAGE, problem + " (see: jtun " + command + " --help)");
    }
}
