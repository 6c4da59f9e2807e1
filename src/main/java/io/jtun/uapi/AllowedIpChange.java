package io.jtun.uapi;

import io.jtun.net.IpPrefix;
import java.util.Objects;

/**
 * One {@code allowed_ip} line of a set request: {@code allowed_ip=10.0.0.0/24} adds the prefix
 * to the peer (taking it from whichever peer held it), {@code allowed_ip=-10.0.0.0/24} removes it
 * from the peer if the peer holds it (and does nothing otherwise), as wireguard-go does.
 *
 * @param prefix the prefix with its host bits cleared ({@link IpPrefix#network()}), since
 *     wireguard-go's table keeps only the network part; an IPv4-mapped IPv6 prefix stays IPv6
 * @param remove true for the {@code -} form
 */
public record AllowedIpChange(IpPrefix prefix, boolean remove) {

    public AllowedIpChange {
        Objects.requireNonNull(prefix, "prefix");
        prefix = prefix.network();
    }

    /** {@code allowed_ip=PREFIX}. */
    public static AllowedIpChange adding(IpPrefix prefix) {
        return new AllowedIpChange(prefix, false);
    }

    /** {@code allowed_ip=-PREFIX}. */
    public static AllowedIpChange removing(IpPrefix prefix) {
        return new AllowedIpChange(prefix, true);
    }

    /** The value of the line: the prefix, preceded by '-' for a removal. */
    @Override
    public String toString() {
        return (remove ? "-" : "") + prefix;
    }
}
