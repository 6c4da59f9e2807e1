package io.jtun.wgquick;

import io.jtun.config.EndpointSpec;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/** Turns a peer's Endpoint into the address packets go to, for the automatic MTU. */
@FunctionalInterface
public interface EndpointResolver {

    /** The endpoint's address; empty when its host name does not resolve (the endpoint is then skipped). */
    Optional<InetAddress> resolve(EndpointSpec endpoint);

    /**
     * IP addresses as they are; host names through the system resolver, first answer, as wg does
     * when it sets the endpoint.
     */
    static EndpointResolver system() {
        return endpoint -> {
            try {
                return Optional.of(InetAddress.getByName(endpoint.host()));
            } catch (UnknownHostException e) {
                return Optional.empty();
            }
        };
    }
}
