package io.jtun.config;

import io.jtun.ExitCode;
import io.jtun.JtunException;
import io.jtun.config.ConfigKey.Kind;
import io.jtun.config.ConfigKey.Section;
import io.jtun.net.IpPrefix;
import io.jtun.tun.TunMode;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads interface configuration files: wg-quick's format, so existing WireGuard configurations
 * work unchanged, plus jtun's keys Encryption, Mode and Encapsulation.
 *
 * <p>The syntax is wg-quick's: {@code [Interface]} and {@code [Peer]} sections (names in any
 * letter case), {@code Key = Value} lines with keys in any letter case, '#' starting a comment
 * anywhere on a line, blank lines ignored, whitespace around keys, values and list entries
 * trimmed. Address, DNS and AllowedIPs take comma-separated lists and accumulate when repeated;
 * the hooks (PreUp, PostUp, PreDown, PostDown) accumulate in order; any other key set twice in a
 * section is an error.
 *
 * <p>Every problem is reported as a {@link JtunException} with {@link ExitCode#USAGE} and a
 * one-line message {@code <file>:<line>: <problem>: <fix>}; problems with the file as a whole
 * leave out the line. Host names in Endpoint are never resolved.
 */
public final class ConfigParser {
    /** Where bare interface names are looked up: "jp0" → /etc/jtun/jp0.conf. */
    public static final Path DEFAULT_CONFIG_DIR = Path.of("/etc/jtun");
    /** Environment variable that replaces {@link #DEFAULT_CONFIG_DIR}. */
    public static final String CONFIG_DIR_ENV = "JTUN_CONFIG_DIR";
    /** A configuration file's name ends in this. */
    public static final String SUFFIX = ".conf";

    /** wg-quick's rule for interface names. */
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_=+.-]{1,15}");
    /** A DNS server address: IPv4, or IPv6 with an optional zone (wg-quick's test, tightened). */
    private static final Pattern DNS_SERVER = Pattern.compile("[0-9.]+|[0-9A-Fa-f.]*:[0-9A-Fa-f:.]*(%[\\w.-]+)?");
    /** What may be (part of) a key in a line: base64 characters, then any '=' padding. */
    private static final Pattern BASE64_RUN = Pattern.compile("([A-Za-z0-9+/]{8,})=*");
    private static final String NAME_RULE = "1 to 15 characters from letters, digits and _ = + . -";

    private ConfigParser() {
    }

    // ---- files and names ---------------------------------------------------------------------

    /**
     * Reads and parses a configuration file; the interface is named after the file
     * ({@link #interfaceName}).
     *
     * @throws JtunException {@link ExitCode#NOT_FOUND} when the file does not exist,
     *     {@link ExitCode#NO_PERMISSION} when it cannot be read, {@link ExitCode#USAGE} for
     *     anything wrong with its name or its contents
     */
    public static InterfaceConfig parse(Path file) {
        Objects.requireNonNull(file, "file");
        String name = interfaceName(file);
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new JtunException(ExitCode.NOT_FOUND,
                    "no configuration file " + file + ": create it (see README) or give another path", e);
        } catch (AccessDeniedException e) {
            throw new JtunException(ExitCode.NO_PERMISSION, "cannot read " + file
                    + ": permission denied: run jtun as root, or as the owner of the file", e);
        } catch (CharacterCodingException e) {
            throw new JtunException(ExitCode.USAGE, file + ": the file is not UTF-8 text: save it as UTF-8", e);
        } catch (IOException e) {
            String reason = Files.isDirectory(file) ? "it is a directory" : String.valueOf(e.getMessage());
            throw new JtunException(ExitCode.FAILURE,
                    "cannot read " + file + ": " + reason + ": give the path of a configuration file", e);
        }
        InterfaceConfig config = parse(text, file, name);
        SecretFiles.checkConfig(file, config);
        return config;
    }

    /**
     * Parses and validates configuration text; {@code source} is only used in messages.
     *
     * @throws JtunException {@link ExitCode#USAGE} for anything wrong with the text
     */
    public static InterfaceConfig parse(String text, Path source, String interfaceName) {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(interfaceName, "interfaceName");
        if (!validName(interfaceName)) {
            throw new JtunException(ExitCode.USAGE, "'" + interfaceName
                    + "' is not a valid interface name: use " + NAME_RULE);
        }
        InterfaceConfig config = new Reader(source).read(text, interfaceName);
        ConfigValidator.validate(config);
        return config;
    }

    /**
     * The file a command-line argument names: a path ("jp0.conf", "./jp0.conf", "/x/jp0.conf",
     * anything with a '/' or ending in .conf) as given; a bare interface name ("jp0") in the
     * directory named by the environment variable {@value #CONFIG_DIR_ENV}, or /etc/jtun.
     *
     * @throws JtunException {@link ExitCode#NOT_FOUND} when the file does not exist,
     *     {@link ExitCode#USAGE} when a bare name breaks the interface name rule
     */
    public static Path resolve(String argument) {
        String dir = System.getenv(CONFIG_DIR_ENV);
        return resolve(argument, dir == null || dir.isBlank() ? DEFAULT_CONFIG_DIR : Path.of(dir));
    }

    /** {@link #resolve(String)} with bare names looked up in {@code configDir}. */
    public static Path resolve(String argument, Path configDir) {
        Objects.requireNonNull(argument, "argument");
        Objects.requireNonNull(configDir, "configDir");
        if (argument.isEmpty()) {
            throw new JtunException(ExitCode.USAGE, "no configuration given: name an interface (jp0 for "
                    + configDir.resolve("jp0" + SUFFIX) + ") or give the path of a .conf file");
        }
        boolean isPath = argument.indexOf('/') >= 0 || argument.endsWith(SUFFIX);
        if (!isPath && !validName(argument)) {
            throw new JtunException(ExitCode.USAGE, "'" + argument + "' is not a valid interface name: use "
                    + NAME_RULE + ", or give the path of a .conf file");
        }
        Path path;
        try {
            path = isPath ? Path.of(argument) : configDir.resolve(argument + SUFFIX);
        } catch (InvalidPathException e) {
            throw new JtunException(ExitCode.USAGE, "'" + argument + "' is not a valid path: " + e.getReason()
                    + ": give the path of a .conf file", e);
        }
        if (Files.notExists(path)) {
            throw new JtunException(ExitCode.NOT_FOUND, isPath
                    ? "no configuration file " + path + ": check the path, or create the file (see README)"
                    : "no configuration file " + path + ": create it (see README) or give a path");
        }
        return path;
    }

    /**
     * The interface a configuration file sets up: its name without ".conf" ("jp0.conf" → "jp0").
     *
     * @throws JtunException {@link ExitCode#USAGE} when the file name does not end in .conf or
     *     the rest breaks wg-quick's rule (1 to 15 of letters, digits, _ = + . -)
     */
    public static String interfaceName(Path file) {
        Objects.requireNonNull(file, "file");
        Path fileName = file.getFileName();
        String base = fileName == null ? "" : fileName.toString();
        if (!base.endsWith(SUFFIX)) {
            throw new JtunException(ExitCode.USAGE, "configuration file " + file
                    + " does not end in .conf: jtun names the interface after the file, so name it e.g. jp0.conf");
        }
        String name = base.substring(0, base.length() - SUFFIX.length());
        if (!validName(name)) {
            throw new JtunException(ExitCode.USAGE, "configuration file " + file + " would name the interface '"
                    + name + "', which is not a valid interface name: rename the file to NAME.conf, where NAME is "
                    + NAME_RULE);
        }
        return name;
    }

    private static boolean validName(String name) {
        return NAME.matcher(name).matches() && !name.equals(".") && !name.equals("..");
    }

    // ---- text --------------------------------------------------------------------------------

    /** Line-by-line reading into records; one instance per parse. */
    private static final class Reader {
        private final Path source;

        private Section section;
        private PeerBuilder peer;
        private boolean anySetting;
        /** The line being read, without its comment. */
        private String content = "";

        private int interfaceLine;
        private final Map<String, Integer> lines = new LinkedHashMap<>();
        private final List<IpPrefix> addresses = new ArrayList<>();
        private final Map<IpPrefix, Integer> addressLines = new HashMap<>();
        private OptionalInt listenPort = OptionalInt.empty();
        private OptionalInt mtu = OptionalInt.empty();
        private OptionalInt fwMark = OptionalInt.empty();
        private Encryption encryption = Encryption.WIREGUARD;
        private TunMode mode = TunMode.TUN;
        private Encapsulation encapsulation = Encapsulation.UDP;
        private Optional<Secret> privateKey = Optional.empty();
        private final List<String> dns = new ArrayList<>();
        private Optional<String> table = Optional.empty();
        private final Map<Hook, List<String>> hooks = new EnumMap<>(Hook.class);
        private boolean saveConfig;
        private final EnumSet<DataPathOffload> disabledOffloads = EnumSet.noneOf(DataPathOffload.class);
        private boolean hub;
        private Compression compression = Compression.NONE;
        private int macAgeSeconds = Layer2.DEFAULT_MAC_AGE_SECONDS;
        private int macLimit = Layer2.DEFAULT_MAC_LIMIT;
        private Optional<String> user = Optional.empty();
        private final List<PeerBuilder> peers = new ArrayList<>();
        /** Every AllowedIPs network seen so far → where: {line, line of its [Peer] header}. */
        private final Map<IpPrefix, int[]> routed = new HashMap<>();

        Reader(Path source) {
            this.source = source;
        }

        InterfaceConfig read(String text, String name) {
            if (text.startsWith("\uFEFF")) {
                text = text.substring(1);
            }
            String[] rawLines = text.split("\\R", -1);
            for (int i = 0; i < rawLines.length; i++) {
                line(i + 1, rawLines[i]);
            }
            if (interfaceLine == 0) {
                throw new JtunException(ExitCode.USAGE, anySetting
                        ? source + ": no [Interface] section: add one, with at least Address = 10.0.0.1/24 or the like"
                        : source + ": the file has no settings: write an [Interface] section with e.g. "
                                + "Address = 10.0.0.1/24 (see README)");
            }
            List<PeerConfig> peerConfigs = new ArrayList<>();
            for (PeerBuilder p : peers) {
                peerConfigs.add(p.build());
            }
            return new InterfaceConfig(source, name, addresses, listenPort, mtu, encryption, mode, encapsulation,
                    privateKey, fwMark, dns, table, hooks, saveConfig, disabledOffloads,
                    new Layer2(hub, compression, macAgeSeconds, macLimit), user, peerConfigs, lines,
                    interfaceLine);
        }

        private JtunException error(int line, String message) {
            return new JtunException(ExitCode.USAGE, source + ":" + line + ": " + withoutSecrets(message));
        }

        /**
         * The message without the secrets of the line being read: whatever follows "PrivateKey"
         * or "PresharedKey" on it may be a key, wherever the name stands. Messages quote the text
         * they complain about, and a line can hold a key where no key belongs: "[Interface
         * PrivateKey = ..." with the ']' forgotten, "PrivateKey<key>" without " = ", "PublicKey =
         * PresharedKey = ..." from two lines run together (fuzzing found each of these quoted).
         * A key is a run of base64 characters, and no message cuts one, so every such run of 8 or
         * more after the name is hidden, with its '=' padding if the message shows it.
         */
        private String withoutSecrets(String message) {
            String lower = content.toLowerCase(Locale.ROOT);
            int name = -1;
            for (ConfigKey secret : List.of(ConfigKey.PRIVATE_KEY, ConfigKey.PRESHARED_KEY)) {
                int at = lower.indexOf(secret.keyName().toLowerCase(Locale.ROOT));
                if (at >= 0 && (name < 0 || at < name)) {
                    name = at + secret.keyName().length();
                }
            }
            if (name < 0) {
                return message;
            }
            List<String> runs = new ArrayList<>();
            Matcher run = BASE64_RUN.matcher(content.substring(name));
            while (run.find()) {
                runs.add(run.group());
                runs.add(run.group(1));
            }
            // Longest first: hiding a short run inside a long one first would leave the rest of it shown.
            runs.sort(Comparator.comparingInt(String::length).reversed());
            String shown = message;
            for (String secret : runs) {
                shown = shown.replace(secret, Secret.HIDDEN);
            }
            return shown;
        }

        private void line(int number, String raw) {
            int hash = raw.indexOf('#');
            content = (hash < 0 ? raw : raw.substring(0, hash)).strip();
            if (content.isEmpty()) {
                return;
            }
            anySetting = true;
            if (content.charAt(0) == '[') {
                sectionHeader(number, content);
                return;
            }
            int equals = content.indexOf('=');
            String keyText = equals < 0 ? "" : content.substring(0, equals).strip();
            if (keyText.isEmpty()) {
                throw error(number, "expected 'Key = Value', got '" + withoutSecret(content) + "'");
            }
            String value = content.substring(equals + 1).strip();
            ConfigKey key = ConfigKey.find(keyText);
            if (key == null && startsWithKey(keyText)) {
                // "ListenPort: 51820", or "PrivateKey: <base64 ending in =>": a key without '='.
                throw error(number, "expected 'Key = Value', got '" + withoutSecret(content) + "'");
            }
            if (section == null) {
                throw error(number, key == null
                        ? "'" + keyText + "' comes before any section: settings go under [Interface] or [Peer]"
                        : "'" + key.keyName() + "' comes before any section: put " + key.section().header()
                                + " above it");
            }
            if (key == null) {
                throw unknownKey(number, keyText);
            }
            if (key.section() != section) {
                throw error(number, "'" + key.keyName() + "' belongs in " + key.section().header() + ", not "
                        + section.header());
            }
            Map<String, Integer> sectionLines = section == Section.INTERFACE ? lines : peer.lines;
            Integer earlier = sectionLines.get(key.keyName());
            if (earlier != null && key.kind() == Kind.SCALAR) {
                throw error(number, "'" + key.keyName() + "' is set twice in this section (first at line " + earlier
                        + "): keep only one");
            }
            if (earlier == null) {
                sectionLines.put(key.keyName(), number);
            }
            if (value.isEmpty()) {
                if (key.kind() == Kind.LIST) {
                    return; // as in wg-quick: an empty list adds nothing
                }
                throw error(number, "'" + key.keyName() + "' has no value: write e.g. " + key.example()
                        + ", or remove the line");
            }
            setting(number, key, value);
        }

        /** True when {@code text} is a known key followed by something other than a letter or digit. */
        private static boolean startsWithKey(String text) {
            String lower = text.toLowerCase(Locale.ROOT);
            for (ConfigKey key : ConfigKey.values()) {
                String name = key.keyName().toLowerCase(Locale.ROOT);
                if (lower.length() > name.length() && lower.startsWith(name)
                        && !Character.isLetterOrDigit(lower.charAt(name.length()))) {
                    return true;
                }
            }
            return false;
        }

        /** The line as it may be shown: a secret key's value is not. */
        private static String withoutSecret(String content) {
            String lower = content.toLowerCase(Locale.ROOT);
            for (ConfigKey secret : List.of(ConfigKey.PRIVATE_KEY, ConfigKey.PRESHARED_KEY)) {
                if (lower.startsWith(secret.keyName().toLowerCase(Locale.ROOT))) {
                    return content.substring(0, secret.keyName().length()) + " (value not shown)";
                }
            }
            return content;
        }

        private void sectionHeader(int number, String content) {
            int close = content.indexOf(']');
            if (close < 0) {
                throw error(number, "section header '" + content + "' has no closing ']': write [Interface] or [Peer]");
            }
            if (close != content.length() - 1) {
                throw error(number, "unexpected '" + withoutSecret(content.substring(close + 1).strip()) + "' after "
                        + content.substring(0, close + 1) + ": put each setting on its own line, as Key = Value");
            }
            String name = content.substring(1, close).strip();
            if (name.equalsIgnoreCase(Section.INTERFACE.sectionName())) {
                section = Section.INTERFACE;
                peer = null;
                if (interfaceLine == 0) {
                    interfaceLine = number;
                }
            } else if (name.equalsIgnoreCase(Section.PEER.sectionName())) {
                section = Section.PEER;
                peer = new PeerBuilder(number);
                peers.add(peer);
            } else {
                String suggestion = closest(name, List.of(Section.INTERFACE.sectionName(), Section.PEER.sectionName()));
                throw error(number, "unknown section '" + content + "': " + (suggestion != null
                        ? "did you mean [" + suggestion + "]?"
                        : "the sections are [Interface] and [Peer]"));
            }
        }

        private JtunException unknownKey(int number, String keyText) {
            List<String> here = new ArrayList<>();
            List<String> there = new ArrayList<>();
            for (ConfigKey key : ConfigKey.values()) {
                (key.section() == section ? here : there).add(key.keyName());
            }
            String prefix = "unknown key '" + keyText + "' in " + section.header() + ": ";
            String suggestion = closest(keyText, here);
            if (suggestion != null) {
                return error(number, prefix + "did you mean '" + suggestion + "'?");
            }
            suggestion = closest(keyText, there);
            if (suggestion != null) {
                return error(number, prefix + "did you mean '" + suggestion + "'? (it belongs in "
                        + ConfigKey.find(suggestion).section().header() + ")");
            }
            return error(number, prefix + "the keys of " + section.header() + " are " + String.join(", ", here));
        }

        private void setting(int number, ConfigKey key, String value) {
            switch (key) {
                case PRIVATE_KEY -> privateKey = Optional.of(secret(number, key, value));
                case LISTEN_PORT -> listenPort = nonZero(number(number, key, value, 0, 65535, false,
                        "use a port from 0 to 65535 (0, or no ListenPort, picks a free port)"));
                case FW_MARK -> fwMark = value.equalsIgnoreCase("off") ? OptionalInt.empty() : nonZero(number(number,
                        key, value, 0, 0xffff_ffffL, true, "use a number from 0 to 4294967295, hex like 0xca6c, or off"));
                case ADDRESS -> {
                    // wg-quick splits Address on commas and white space alike.
                    for (String entry : value.split("[,\\s]+")) {
                        if (!entry.isEmpty()) {
                            address(number, entry);
                        }
                    }
                }
                case DNS -> {
                    for (String entry : value.split("[,\\s]+")) {
                        if (!entry.isEmpty()) {
                            dns.add(dnsEntry(number, entry));
                        }
                    }
                }
                case MTU -> mtu = OptionalInt.of((int) number(number, key, value, 576, 65535, false,
                        "use 576 to 65535 (at least 1280 with an IPv6 Address)"));
                case TABLE -> table = Optional.of(value);
                case DISABLE_OFFLOAD -> {
                    try {
                        disabledOffloads.addAll(DataPathOffload.parseList(value));
                    } catch (IllegalArgumentException e) {
                        throw error(number, e.getMessage());
                    }
                }
                case PRE_UP, POST_UP, PRE_DOWN, POST_DOWN ->
                        hooks.computeIfAbsent(Hook.of(key), h -> new ArrayList<>()).add(value);
                case SAVE_CONFIG -> saveConfig = choice(number, key, value, Map.of("true", true, "false", false),
                        "use true or false");
                case ENCRYPTION -> encryption = choice(number, key, value,
                        Map.of("none", Encryption.NONE, "wireguard", Encryption.WIREGUARD),
                        "use wireguard (the default) or none (no encryption)");
                case MODE -> mode = choice(number, key, value, Map.of("tun", TunMode.TUN, "tap", TunMode.TAP),
                        "use tun (IP packets, the default) or tap (Ethernet frames)");
                case HUB -> hub = choice(number, key, value, Map.of("true", true, "false", false),
                        "use true (forward frames between peers: the centre of a star) or false (the default)");
                case COMPRESSION -> compression = choice(number, key, value,
                        Map.of("none", Compression.NONE, "lz4", Compression.LZ4),
                        "use lz4 or none (the default)");
                case MAC_AGE_TIME -> macAgeSeconds = (int) number(number, key, value, 1, 1_000_000, false,
                        "use seconds from 1 to 1000000 (300, a Linux bridge's default, suits most networks)");
                case MAC_LIMIT -> macLimit = (int) number(number, key, value, 1, 1_000_000, false,
                        "use a count from 1 to 1000000 (the default is " + Layer2.DEFAULT_MAC_LIMIT + ")");
                case USER -> {
                    if (!value.matches("[A-Za-z0-9_][A-Za-z0-9_.-]*\\$?")) {
                        throw error(number, "User '" + value + "' is not a user name or id: write one account, e.g."
                                + " User = nobody");
                    }
                    user = Optional.of(value);
                }
                case ENCAPSULATION -> encapsulation = choice(number, key, value,
                        Map.of("udp", Encapsulation.UDP, "ipip", Encapsulation.IPIP),
                        "use udp (the default) or ipip (IP-in-IP)");
                case PUBLIC_KEY -> {
                    Key publicKey = Key.fromBase64(value);
                    if (publicKey == null) {
                        throw error(number, "PublicKey '" + value + "' is not a valid WireGuard key: "
                                + keyFix(value, "wg pubkey"));
                    }
                    peer.publicKey = Optional.of(publicKey);
                }
                case PRESHARED_KEY -> peer.presharedKey = Optional.of(secret(number, key, value));
                case ALLOWED_IPS -> {
                    for (String entry : value.split(",", -1)) {
                        String trimmed = entry.strip();
                        if (!trimmed.isEmpty()) {
                            allowedIp(number, trimmed);
                        }
                    }
                }
                case ENDPOINT -> {
                    try {
                        // The port may only be left out with Encapsulation = ipip, which may come
                        // later in the file: ConfigValidator checks it.
                        peer.endpoint = Optional.of(EndpointSpec.parse(value, false));
                    } catch (JtunException e) {
                        throw error(number, e.getMessage());
                    }
                }
                case PERSISTENT_KEEPALIVE -> peer.persistentKeepalive = value.equalsIgnoreCase("off")
                        ? OptionalInt.empty()
                        : nonZero(number(number, key, value, 0, 65535, false,
                                "use seconds from 1 to 65535 (25 suits most NATs), or off"));
            }
        }

        private Secret secret(int number, ConfigKey key, String value) {
            Secret secret = Secret.fromBase64(value);
            if (secret == null) {
                // The value is secret, so the message does not show it.
                throw error(number, key.keyName() + " is not a valid WireGuard key: "
                        + keyFix(value, key == ConfigKey.PRIVATE_KEY ? "wg genkey" : "wg genpsk"));
            }
            return secret;
        }

        private static String keyFix(String value, String command) {
            return "a key is 44 characters of base64 ending in '=', as '" + command + "' prints it"
                    + (value.length() == Key.BASE64_LENGTH ? "" : " (this one has " + value.length() + ")");
        }

        private static OptionalInt nonZero(long value) {
            return value == 0 ? OptionalInt.empty() : OptionalInt.of((int) value);
        }

        /** A decimal number (or, if {@code hexAllowed}, hex with 0x) in min..max. */
        private long number(int number, ConfigKey key, String value, long min, long max, boolean hexAllowed,
                String fix) {
            boolean hex = hexAllowed && (value.startsWith("0x") || value.startsWith("0X"));
            String digits = hex ? value.substring(2) : value;
            int radix = hex ? 16 : 10;
            boolean valid = !digits.isEmpty();
            for (int i = 0; i < digits.length() && valid; i++) {
                valid = Character.digit(digits.charAt(i), radix) >= 0 && digits.charAt(i) < 128;
            }
            if (!valid) {
                throw error(number, key.keyName() + " '" + value + "' is not a number: " + fix);
            }
            String significant = digits.replaceFirst("^0+(?=.)", "");
            long parsed = significant.length() > 12 ? Long.MAX_VALUE : Long.parseLong(significant, radix);
            if (parsed < min || parsed > max) {
                throw error(number, key.keyName() + " " + value + " is out of range: " + fix);
            }
            return parsed;
        }

        private <T> T choice(int number, ConfigKey key, String value, Map<String, T> choices, String fix) {
            T chosen = choices.get(value.toLowerCase(Locale.ROOT));
            if (chosen == null) {
                throw error(number, key.keyName() + " '" + value + "' is not valid: " + fix);
            }
            return chosen;
        }

        private IpPrefix prefix(int number, ConfigKey key, String entry, String example) {
            IpPrefix prefix = prefixOrNull(entry);
            if (prefix != null) {
                return prefix;
            }
            String problem = key.keyName() + " '" + entry + "' is not a valid address/prefix: ";
            if (entry.chars().anyMatch(Character::isWhitespace)) {
                throw error(number, problem + "separate entries with commas, as in " + example);
            }
            int slash = entry.indexOf('/');
            IpPrefix address = slash < 0 ? null : prefixOrNull(entry.substring(0, slash));
            if (address != null) {
                // The address is fine, so the length after '/' is not.
                throw error(number, key.keyName() + " '" + entry + "' has an invalid prefix length: use /0 to /"
                        + address.prefixLength() + " for " + (address.isIpv6() ? "IPv6" : "IPv4"));
            }
            throw error(number, problem + "write it like " + example);
        }

        private static IpPrefix prefixOrNull(String text) {
            try {
                return IpPrefix.parse(text);
            } catch (JtunException e) {
                return null;
            }
        }

        /**
         * A DNS entry as wg-quick takes it: a server address, or else a search domain, which must
         * then look like one. Anything else went wrong in the file (two lines run together, as in
         * "DNS = 10.0.0.53 PrivateKey = ...", which fuzzing found) and must not reach resolvconf,
         * whose files everyone can read.
         */
        private String dnsEntry(int number, String entry) {
            if (DNS_SERVER.matcher(entry).matches() || isDomainName(entry)) {
                return entry;
            }
            throw error(number, "DNS '" + entry + "' is neither a server address nor a search domain: write e.g. "
                    + "DNS = 10.0.0.53, fd00::53, example.internal");
        }

        /** Labels of letters (any script), digits, '-' and '_', joined by dots; a final dot is allowed. */
        private static boolean isDomainName(String text) {
            String name = text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
            for (String label : name.split("\\.", -1)) {
                if (label.isEmpty() || !label.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '-' || c == '_')) {
                    return false;
                }
            }
            return true;
        }

        private void address(int number, String entry) {
            IpPrefix address = prefix(number, ConfigKey.ADDRESS, entry, "10.0.0.1/24 or fd00::1/64");
            Integer first = addressLines.putIfAbsent(address, number);
            if (first != null) {
                throw error(number, "Address " + address + " is listed twice (first at line " + first
                        + "): remove one");
            }
            addresses.add(address);
        }

        private void allowedIp(int number, String entry) {
            IpPrefix network = prefix(number, ConfigKey.ALLOWED_IPS, entry,
                    entry.chars().anyMatch(Character::isWhitespace)
                            ? "10.0.0.2/32, 10.0.0.3/32"
                            : "10.0.0.2/32 or fd00::2/128").network();
            int[] owner = routed.putIfAbsent(network, new int[] {number, peer.line});
            if (owner != null) {
                throw error(number, owner[1] == peer.line
                        ? "AllowedIPs " + network + " is already listed for this peer at line " + owner[0]
                                + ": remove one"
                        : "AllowedIPs " + network + " is already routed to the peer at line " + owner[1]
                                + ": each range can belong to only one peer; remove one");
            }
            peer.allowedIps.add(network);
        }
    }

    /** The candidate nearest to {@code text} (ignoring letter case) if within 2 edits, else null. */
    static String closest(String text, List<String> candidates) {
        String best = null;
        int bestDistance = 3;
        for (String candidate : candidates) {
            int distance = editDistance(text.toLowerCase(Locale.ROOT), candidate.toLowerCase(Locale.ROOT));
            if (distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        return best;
    }

    /** Optimal string alignment distance: insertions, deletions, substitutions, adjacent swaps. */
    static int editDistance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }

    /** A [Peer] section being read. */
    private static final class PeerBuilder {
        final int line;
        final Map<String, Integer> lines = new LinkedHashMap<>();
        Optional<Key> publicKey = Optional.empty();
        Optional<Secret> presharedKey = Optional.empty();
        final List<IpPrefix> allowedIps = new ArrayList<>();
        Optional<EndpointSpec> endpoint = Optional.empty();
        OptionalInt persistentKeepalive = OptionalInt.empty();

        PeerBuilder(int line) {
            this.line = line;
        }

        PeerConfig build() {
            return new PeerConfig(line, publicKey, presharedKey, allowedIps, endpoint, persistentKeepalive, lines);
        }
    }
}
