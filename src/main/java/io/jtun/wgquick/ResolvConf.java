package io.jtun.wgquick;

import java.nio.file.Path;
import java.util.List;

/**
 * The system's resolvconf, through which wg-quick (and so jtun) hands the interface's DNS
 * servers to whatever manages /etc/resolv.conf: Debian's resolvconf, openresolv, or
 * systemd-resolved's resolvconf compatibility.
 */
public interface ResolvConf {

    /** True when a resolvconf program is installed. */
    boolean available();

    /**
     * Registers the interface's name servers and search domains: {@code nameserver X} lines and one
     * {@code search} line on the standard input of {@code resolvconf -a IFACE -m 0 -x}.
     */
    void set(String ifname, List<String> nameservers, List<String> searchDomains);

    /** Withdraws what {@link #set} registered: {@code resolvconf -d IFACE -f}. */
    void unset(String ifname);

    /** The {@code resolvconf} found on PATH (or in /usr/sbin, /sbin), if any. */
    static ResolvConf system() {
        return SystemResolvConf.find(System.getenv("PATH"), Path.of(SystemResolvConf.INTERFACE_ORDER));
    }

    /** The text {@link #set} pipes into resolvconf. */
    static String records(List<String> nameservers, List<String> searchDomains) {
        StringBuilder text = new StringBuilder();
        for (String server : nameservers) {
            text.append("nameserver ").append(server).append('\n');
        }
        if (!searchDomains.isEmpty()) {
            text.append("search ").append(String.join(" ", searchDomains)).append('\n');
        }
        return text.toString();
    }
}
