package io.jtun.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Every key a configuration file may hold: all that wg-quick and wg know, plus jtun's own
 * (Encryption, Mode, Encapsulation, and the layer-2 switch's Hub, Compression, MacAgeTime,
 * MacLimit). Keys match case-insensitively, as in wg; {@link #keyName()}
 * is the canonical spelling used in messages and in {@link InterfaceConfig#lines()}.
 */
public enum ConfigKey {
    PRIVATE_KEY("PrivateKey", Section.INTERFACE, Kind.SCALAR, "PrivateKey = <output of 'wg genkey'>"),
    LISTEN_PORT("ListenPort", Section.INTERFACE, Kind.SCALAR, "ListenPort = 51820"),
    FW_MARK("FwMark", Section.INTERFACE, Kind.SCALAR, "FwMark = 0xca6c"),
    ADDRESS("Address", Section.INTERFACE, Kind.LIST, "Address = 10.0.0.1/24"),
    DNS("DNS", Section.INTERFACE, Kind.LIST, "DNS = 10.0.0.53"),
    MTU("MTU", Section.INTERFACE, Kind.SCALAR, "MTU = 1420"),
    TABLE("Table", Section.INTERFACE, Kind.SCALAR, "Table = off"),
    PRE_UP("PreUp", Section.INTERFACE, Kind.HOOK, "PreUp = <shell command>"),
    POST_UP("PostUp", Section.INTERFACE, Kind.HOOK, "PostUp = <shell command>"),
    PRE_DOWN("PreDown", Section.INTERFACE, Kind.HOOK, "PreDown = <shell command>"),
    POST_DOWN("PostDown", Section.INTERFACE, Kind.HOOK, "PostDown = <shell command>"),
    SAVE_CONFIG("SaveConfig", Section.INTERFACE, Kind.SCALAR, "SaveConfig = false"),
    ENCRYPTION("Encryption", Section.INTERFACE, Kind.SCALAR, "Encryption = wireguard"),
    MODE("Mode", Section.INTERFACE, Kind.SCALAR, "Mode = tun"),
    ENCAPSULATION("Encapsulation", Section.INTERFACE, Kind.SCALAR, "Encapsulation = udp"),
    DISABLE_OFFLOAD("DisableOffload", Section.INTERFACE, Kind.LIST, "DisableOffload = gro, udp-gso"),
    HUB("Hub", Section.INTERFACE, Kind.SCALAR, "Hub = true"),
    COMPRESSION("Compression", Section.INTERFACE, Kind.SCALAR, "Compression = lz4"),
    MAC_AGE_TIME("MacAgeTime", Section.INTERFACE, Kind.SCALAR, "MacAgeTime = 300"),
    MAC_LIMIT("MacLimit", Section.INTERFACE, Kind.SCALAR, "MacLimit = 1024"),
    USER("User", Section.INTERFACE, Kind.SCALAR, "User = nobody"),

    PUBLIC_KEY("PublicKey", Section.PEER, Kind.SCALAR, "PublicKey = <the peer's 'wg pubkey' output>"),
    PRESHARED_KEY("PresharedKey", Section.PEER, Kind.SCALAR, "PresharedKey = <output of 'wg genpsk'>"),
    ALLOWED_IPS("AllowedIPs", Section.PEER, Kind.LIST, "AllowedIPs = 10.0.0.2/32"),
    ENDPOINT("Endpoint", Section.PEER, Kind.SCALAR, "Endpoint = 198.18.0.2:51820"),
    PERSISTENT_KEEPALIVE("PersistentKeepalive", Section.PEER, Kind.SCALAR, "PersistentKeepalive = 25");

    /** The two sections of a configuration file. */
    public enum Section {
        INTERFACE("Interface"),
        PEER("Peer");

        private final String sectionName;

        Section(String sectionName) {
            this.sectionName = sectionName;
        }

        /** "Interface" or "Peer". */
        public String sectionName() {
            return sectionName;
        }

        /** "[Interface]" or "[Peer]". */
        public String header() {
            return "[" + sectionName + "]";
        }

        /** The keys this section takes, in documentation order. */
        public List<ConfigKey> keys() {
            List<ConfigKey> keys = new ArrayList<>();
            for (ConfigKey key : ConfigKey.values()) {
                if (key.section == this) {
                    keys.add(key);
                }
            }
            return List.copyOf(keys);
        }
    }

    /** How repetition is treated. */
    enum Kind {
        /** Set at most once per section. */
        SCALAR,
        /** Comma-separated entries; repeated lines accumulate (wg-quick). */
        LIST,
        /** A shell command; repeated lines accumulate in order. */
        HOOK
    }

    private final String keyName;
    private final Section section;
    private final Kind kind;
    private final String example;

    ConfigKey(String keyName, Section section, Kind kind, String example) {
        this.keyName = keyName;
        this.section = section;
        this.kind = kind;
        this.example = example;
    }

    /** The canonical spelling, e.g. "AllowedIPs". */
    public String keyName() {
        return keyName;
    }

    /** The section the key belongs in. */
    public Section section() {
        return section;
    }

    Kind kind() {
        return kind;
    }

    /** A line that sets the key, for messages: "ListenPort = 51820". */
    String example() {
        return example;
    }

    /** The key spelled {@code text} in any letter case, or null. */
    public static ConfigKey find(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        for (ConfigKey key : values()) {
            if (key.keyName.toLowerCase(Locale.ROOT).equals(lower)) {
                return key;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return keyName;
    }
}
