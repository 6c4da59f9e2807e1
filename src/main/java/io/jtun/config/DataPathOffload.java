package io.jtun.config;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * The data-path offloads jtun uses, each of which can be switched off (some kernels have had
 * bugs in them, and comparing with one off is how such a bug is found). All are on by default.
 */
public enum DataPathOffload {
    /** Read 64 KB TCP super-packets from the device (TUN TSO) and cut them into segments ourselves. */
    TSO("tso"),
    /** Merge received TCP segments of one flow into one super-packet per device write (TUN GRO). */
    GRO("gro"),
    /** Send runs of same-sized datagrams to one peer with one UDP_SEGMENT (GSO) send. */
    UDP_GSO("udp-gso"),
    /** Let the kernel hand us runs of datagrams from one peer as one receive (UDP_GRO). */
    UDP_GRO("udp-gro");

    private final String configName;

    DataPathOffload(String configName) {
        this.configName = configName;
    }

    /** How the offload is named in configuration files, options and the environment. */
    public String configName() {
        return configName;
    }

    /**
     * A list such as {@code "gro, udp-gso"} (commas or spaces), or {@code "all"} / {@code
     * "none"}; any letter case.
     *
     * @throws IllegalArgumentException naming the unknown entry and the valid names
     */
    public static EnumSet<DataPathOffload> parseList(String text) {
        EnumSet<DataPathOffload> result = EnumSet.noneOf(DataPathOffload.class);
        for (String entry : text.split("[,\\s]+")) {
            String name = entry.toLowerCase(Locale.ROOT);
            if (name.isEmpty() || name.equals("none")) {
                continue;
            }
            if (name.equals("all")) {
                result.addAll(EnumSet.allOf(DataPathOffload.class));
                continue;
            }
            DataPathOffload found = null;
            for (DataPathOffload offload : values()) {
                if (offload.configName.equals(name)) {
                    found = offload;
                }
            }
            if (found == null) {
                throw new IllegalArgumentException("unknown offload '" + entry + "': use " + names() + ", all or none");
            }
            result.add(found);
        }
        return result;
    }

    /** The set as a list {@link #parseList} reads back ("none" when empty). */
    public static String format(Set<DataPathOffload> offloads) {
        if (offloads.isEmpty()) {
            return "none";
        }
        StringBuilder text = new StringBuilder();
        for (DataPathOffload offload : offloads) {
            text.append(text.isEmpty() ? "" : ",").append(offload.configName);
        }
        return text.toString();
    }

    private static String names() {
        StringBuilder text = new StringBuilder();
        for (DataPathOffload offload : values()) {
            text.append(offload.configName).append(", ");
        }
        return text.substring(0, text.length() - 2);
    }
}
