package io.jtun.device;

import io.jtun.ExitCode;
import io.jtun.JtunException;
import io.jtun.config.EndpointSpec;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/** Turns a configured {@code host:port} into an address, with an error that says where it came from. */
public final class EndpointResolver {
    private EndpointResolver() {
    }

    /**
     * @param where "file:line" of the Endpoint setting, for the error message
     * @param ipv4Only true when the underlay can only carry IPv4 (IP-in-IP)
     */
    public static InetSocketAddress resolve(EndpointSpec spec, String where, boolean ipv4Only) {
        InetAddress[] candidates;
        try {
            candidates = InetAddress.getAllByName(spec.host());
        } catch (UnknownHostException e) {
            throw new JtunException(ExitCode.NOT_FOUND, where + ": cannot resolve endpoint host '" + spec.host()
                    + "': check the name and DNS, or write an IP address");
        }
        for (InetAddress candidate : candidates) {
            if (!ipv4Only || candidate.getAddress().length == 4) {
                return new InetSocketAddress(candidate, spec.port());
            }
        }
        throw new JtunException(ExitCode.USAGE, where + ": endpoint '" + spec.host()
                + "' has no IPv4 address, and IP-in-IP runs over IPv4: use an IPv4 endpoint");
    }
}
