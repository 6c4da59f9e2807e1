package io.jtun.daemon;

import io.jtun.ExitCode;
import io.jtun.JtunException;
import io.jtun.config.ConfigKey;
import io.jtun.config.EndpointSpec;
import io.jtun.config.InterfaceConfig;
import io.jtun.config.Key;
import io.jtun.config.PeerConfig;
import io.jtun.config.Secret;
import io.jtun.device.EndpointResolver;
import io.jtun.device.Peer;
import io.jtun.device.Tunnel;
import io.jtun.net.IpPrefix;
import io.jtun.netlink.Rtnetlink;
import io.jtun.tun.TunMode;
import io.jtun.uapi.AllowedIpChange;
import io.jtun.uapi.PeerChange;
import io.jtun.uapi.SetRequest;
import io.jtun.uapi.UapiException;
import io.jtun.wgquick.InterfaceRoutes;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Applies a changed configuration file to a running interface, as {@code wg syncconf} does: the
 * differences become one set request, so peers that stay keep their sessions (and any traffic
 * through them), peers gone from the file are removed, new ones are added; routes for new
 * AllowedIPs are added as {@code jtun up} added the first ones.
 */
final class ConfigSync {
    /** The main routing table's number. */
    private static final int RT_TABLE_MAIN = 254;
    private ConfigSync() {
    }

    /** Returns a one-line summary of what changed. */
    static String apply(Tunnel tunnel, UapiBridge uapi, InterfaceConfig fresh) {
        if (uapi == null) {
            throw new JtunException(ExitCode.USAGE, "plain (Encryption = none) interfaces cannot be reloaded yet: run"
                    + " jtun down " + tunnel.name() + " and jtun up again");
        }
        if (fresh.encryption() != tunnel.config().encryption() || fresh.mode() != tunnel.config().mode()
                || fresh.encapsulation() != tunnel.config().encapsulation()) {
            throw new JtunException(ExitCode.USAGE, fresh.source() + ": Encryption, Mode and Encapsulation cannot"
                    + " change on a running interface: run jtun down " + tunnel.name() + " and jtun up again");
        }
        if (!fresh.layer2().equals(tunnel.config().layer2())) {
            throw new JtunException(ExitCode.USAGE, fresh.source() + ": Hub, Compression, MacAgeTime and MacLimit"
                    + " cannot change on a running interface: run jtun down " + tunnel.name() + " and jtun up again");
        }
        Set<Key> wanted = new HashSet<>();
        List<PeerChange> changes = new ArrayList<>();
        for (PeerConfig peer : fresh.peers()) {
            Key key = peer.publicKey().orElseThrow();
            wanted.add(key);
            List<AllowedIpChange> allowed = peer.allowedIps().stream().map(AllowedIpChange::adding).toList();
            String endpoint = peer.endpoint().map(spec -> literal(spec, fresh.source() + ":" + peer.line(ConfigKey.ENDPOINT)))
                    .orElse(null);
            changes.add(new PeerChange(key, false, false, peer.presharedKey().orElse(Secret.of(new byte[32])), endpoint,
                    OptionalInt.of(peer.persistentKeepalive().orElse(0)), true, allowed));
        }
        int removed = 0;
        int kept = 0;
        for (Peer peer : tunnel.peers()) {
            Key key = tunnel.wireGuard().publicKeyOf(peer);
            if (!wanted.contains(key)) {
                changes.add(PeerChange.removal(key));
                removed++;
            } else {
                kept++;
            }
        }
        SetRequest request = new SetRequest(fresh.privateKey().orElse(Secret.of(new byte[32])), fresh.listenPort(),
                OptionalInt.of(fresh.fwMark().orElse(0)), false, changes);
        try {
            uapi.set(request);
        } catch (UapiException e) {
            throw new JtunException(ExitCode.FAILURE, "applying " + fresh.source() + " failed: " + e.getMessage());
        }
        addRoutes(tunnel, fresh);
        return (fresh.peers().size() - kept) + " peer(s) added, " + removed + " removed, " + kept + " kept";
    }

    private static void addRoutes(Tunnel tunnel, InterfaceConfig fresh) {
        if (fresh.mode() != TunMode.TUN) {
            return;
        }
        try (Rtnetlink netlink = Rtnetlink.open()) {
            // The routes are read once: asking the kernel per range would be quadratic with
            // thousands of peers. As jtun up does, a range a route via the interface already
            // covers gets none.
            InterfaceRoutes present = new InterfaceRoutes(tunnel.name(), netlink);
            for (PeerConfig peer : fresh.peers()) {
                for (IpPrefix range : peer.allowedIps()) {
                    IpPrefix network = range.network();
                    if (!present.covers(RT_TABLE_MAIN, network)) {
                        netlink.addRoute(tunnel.name(), network);
                        present.added(RT_TABLE_MAIN, network);
                    }
                }
            }
        }
    }

    /** "198.18.0.2:51820" or "[fd00::2]:51820", the host resolved if it is a name. */
    private static String literal(EndpointSpec spec, String where) {
        InetSocketAddress resolved = EndpointResolver.resolve(spec, where, false);
        String host = resolved.getAddress().getHostAddress();
        return (resolved.getAddress() instanceof Inet6Address ? "[" + host + "]" : host) + ":" + resolved.getPort();
    }
}
