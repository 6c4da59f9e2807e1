package io.jtun.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A small parser of the Prometheus text exposition format (version 0.0.4), strict enough for tests:
 * it rejects what it does not understand rather than skipping it.
 */
final class TextFormat {
    /** One sample line. */
    record Sample(String name, Map<String, String> labels, double value) {
    }

    /** A parsed exposition: its samples in order, and the HELP and TYPE of each family. */
    record Exposition(List<Sample> samples, Map<String, String> types, Map<String, String> helps) {
        List<Sample> samples(String name) {
            return samples.stream().filter(s -> s.name().equals(name)).toList();
        }

        /** The sample of {@code name} whose labels are exactly the given name/value pairs. */
        Optional<Sample> find(String name, String... labelPairs) {
            Map<String, String> want = pairs(labelPairs);
            List<Sample> found = samples.stream()
                    .filter(s -> s.name().equals(name) && s.labels().equals(want)).toList();
            if (found.size() > 1) {
                throw new AssertionError("duplicate series " + name + want);
            }
            return found.stream().findFirst();
        }

        double value(String name, String... labelPairs) {
            return find(name, labelPairs).orElseThrow(() -> new AssertionError(
                    "no series " + name + pairs(labelPairs) + " in " + samples)).value();
        }
    }

    private TextFormat() {
    }

    static Map<String, String> pairs(String... labelPairs) {
        if (labelPairs.length % 2 != 0) {
            throw new IllegalArgumentException("label name without a value");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < labelPairs.length; i += 2) {
            out.put(labelPairs[i], labelPairs[i + 1]);
        }
        return out;
    }

    static Exposition parse(String text) {
        List<Sample> samples = new ArrayList<>();
        Map<String, String> types = new LinkedHashMap<>();
        Map<String, String> helps = new LinkedHashMap<>();
        int lineNumber = 0;
        for (String line : text.split("\n", -1)) {
            lineNumber++;
            try {
                if (line.isBlank()) {
                    continue;
                }
                if (line.startsWith("#")) {
                    String[] parts = line.split(" ", 4);
                    if (parts.length >= 3 && parts[1].equals("HELP")) {
                        put(helps, parts[2], parts.length == 4 ? unescapeHelp(parts[3]) : "");
                    } else if (parts.length == 4 && parts[1].equals("TYPE")) {
                        if (!List.of("counter", "gauge", "histogram", "summary", "untyped").contains(parts[3])) {
                            throw new IllegalArgumentException("unknown type " + parts[3]);
                        }
                        put(types, parts[2], parts[3]);
                    }
                    continue; // any other comment
                }
                samples.add(sample(line));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("line " + lineNumber + ": " + line + ": " + e.getMessage(), e);
            }
        }
        return new Exposition(List.copyOf(samples), types, helps);
    }

    private static void put(Map<String, String> map, String name, String value) {
        if (map.put(name, value) != null) {
            throw new IllegalArgumentException("second HELP or TYPE for " + name);
        }
    }

    private static Sample sample(String line) {
        int i = 0;
        while (i < line.length() && isNameChar(line.charAt(i), i == 0)) {
            i++;
        }
        if (i == 0) {
            throw new IllegalArgumentException("no metric name");
        }
        String name = line.substring(0, i);
        Map<String, String> labels = new LinkedHashMap<>();
        if (i < line.length() && line.charAt(i) == '{') {
            i++;
            while (line.charAt(i) != '}') {
                int start = i;
                while (isNameChar(line.charAt(i), i == start)) {
                    i++;
                }
                String label = line.substring(start, i);
                if (label.isEmpty() || line.charAt(i) != '=' || line.charAt(i + 1) != '"') {
                    throw new IllegalArgumentException("bad label at column " + (start + 1));
                }
                i += 2;
                StringBuilder value = new StringBuilder();
                while (line.charAt(i) != '"') {
                    char c = line.charAt(i++);
                    if (c == '\\') {
                        char e = line.charAt(i++);
                        value.append(switch (e) {
                            case '\\' -> '\\';
                            case '"' -> '"';
                            case 'n' -> '\n';
                            default -> throw new IllegalArgumentException("bad escape \\" + e);
                        });
                    } else {
                        value.append(c);
                    }
                }
                i++;
                if (labels.put(label, value.toString()) != null) {
                    throw new IllegalArgumentException("label " + label + " twice");
                }
                if (line.charAt(i) == ',') {
                    i++;
                }
            }
            i++;
        }
        String[] rest = line.substring(i).strip().split(" +");
        if (rest.length < 1 || rest.length > 2 || rest[0].isEmpty()) {
            throw new IllegalArgumentException("expected a value and an optional timestamp");
        }
        return new Sample(name, Map.copyOf(labels), number(rest[0]));
    }

    private static double number(String text) {
        return switch (text) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> Double.parseDouble(text);
        };
    }

    private static boolean isNameChar(char c, boolean first) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' || (!first && c >= '0' && c <= '9');
    }

    /** HELP text escapes only backslash and newline. */
    private static String unescapeHelp(String text) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < text.length()) {
                char e = text.charAt(++i);
                switch (e) {
                    case '\\' -> out.append('\\');
                    case 'n' -> out.append('\n');
                    default -> out.append('\\').append(e);
                }
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
