package io.jtun.config;

/** How jtun protects the packets it carries between peers ({@code Encryption = ...}). */
public enum Encryption {
    /** Plain encapsulation: packets travel unencrypted and unauthenticated. */
    NONE("none"),
    /** The WireGuard protocol; the default, so existing wg-quick configurations keep their meaning. */
    WIREGUARD("wireguard");

    private final String configName;

    Encryption(String configName) {
        this.configName = configName;
    }

    /** The value as written in a configuration file. */
    public String configName() {
        return configName;
    }

    @Override
    public String toString() {
        return configName;
    }
}
