package io.jtun.config;

/** How tunnel packets travel between peers ({@code Encapsulation = ...}). */
public enum Encapsulation {
    /** Inside UDP datagrams; the default. */
    UDP("udp"),
    /** IP-in-IP: the inner IP packet directly after an outer IP header (no ports, no encryption). */
    IPIP("ipip");

    private final String configName;

    Encapsulation(String configName) {
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
