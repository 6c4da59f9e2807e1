package io.jtun.config;

import io.jtun.ExitCode;
import io.jtun.JtunException;
import io.jtun.net.IpPrefix;
import io.jtun.tun.TunMode;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The checks that need the whole file: settings that only make sense together. What a single
 * line can get wrong (syntax, ranges, duplicate AllowedIPs) {@link ConfigParser} reports as it
 * reads.
 */
final class ConfigValidator {
    /** The smallest MTU IPv6 allows (RFC 8200); Linux turns IPv6 off below it. */
    static final int IPV6_MIN_MTU = 1280;

    private final InterfaceConfig config;

    private ConfigValidator(InterfaceConfig config) {
        this.config = config;
    }

    /** @throws JtunException {@link ExitCode#USAGE} naming the first problem found */
    static void validate(InterfaceConfig config) {
        ConfigValidator validator = new ConfigValidator(config);
        validator.encapsulation();
        validator.keys();
        validator.mtu();
        validator.endpoints();
        validator.layer2();
        validator.user();
    }

    private JtunException error(int line, String message) {
        return new JtunException(ExitCode.USAGE, config.source() + ":" + line + ": " + message);
    }

    private void encapsulation() {
        if (config.encapsulation() != Encapsulation.IPIP) {
            return;
        }
        int line = config.line(ConfigKey.ENCAPSULATION);
        if (config.mode() != TunMode.TUN) {
            throw error(line, "Encapsulation = ipip needs Mode = tun, because IP-in-IP carries IP packets, "
                    + "not Ethernet frames: set Mode = tun, or Encapsulation = udp");
        }
        if (config.encryption() != Encryption.NONE) {
            throw error(line, "Encapsulation = ipip needs Encryption = none, because IP-in-IP packets are "
                    + "not encrypted: set Encryption = none, or Encapsulation = udp");
        }
        if (config.lines().containsKey(ConfigKey.LISTEN_PORT.keyName())) {
            throw error(config.line(ConfigKey.LISTEN_PORT), "ListenPort has no effect with Encapsulation = ipip "
                    + "(IP-in-IP has no ports): remove it, or set Encapsulation = udp");
        }
    }

    private void keys() {
        if (config.encryption() == Encryption.NONE) {
            noEffect(config.privateKey(), config.line(ConfigKey.PRIVATE_KEY), ConfigKey.PRIVATE_KEY);
            for (PeerConfig peer : config.peers()) {
                noEffect(peer.publicKey(), peer.line(ConfigKey.PUBLIC_KEY), ConfigKey.PUBLIC_KEY);
                noEffect(peer.presharedKey(), peer.line(ConfigKey.PRESHARED_KEY), ConfigKey.PRESHARED_KEY);
            }
            return;
        }
        if (config.privateKey().isEmpty()) {
            throw error(config.line(), "[Interface] has no PrivateKey, which Encryption = wireguard (the default) "
                    + "needs: add PrivateKey = <output of 'wg genkey'>, or set Encryption = none for an "
                    + "unencrypted tunnel");
        }
        Map<Key, Integer> owners = new HashMap<>();
        for (PeerConfig peer : config.peers()) {
            if (peer.publicKey().isEmpty()) {
                throw error(peer.line(), "[Peer] has no PublicKey, which Encryption = wireguard (the default) needs: "
                        + "add PublicKey = <the peer's 'wg pubkey' output>, or set Encryption = none in [Interface]");
            }
            Integer owner = owners.putIfAbsent(peer.publicKey().get(), peer.line());
            if (owner != null) {
                throw error(peer.line(ConfigKey.PUBLIC_KEY), "PublicKey is already used by the peer at line " + owner
                        + ": each peer has its own key; merge the two [Peer] sections or correct the key");
            }
        }
    }

    private void noEffect(Optional<?> setting, int line, ConfigKey key) {
        if (setting.isPresent()) {
            throw error(line, key.keyName() + " has no effect with Encryption = none: remove it, or set "
                    + "Encryption = wireguard");
        }
    }

    private void mtu() {
        if (config.mtu().isEmpty() || config.mtu().getAsInt() >= IPV6_MIN_MTU) {
            return;
        }
        for (IpPrefix address : config.addresses()) {
            if (address.isIpv6()) {
                throw error(config.line(ConfigKey.MTU), "MTU " + config.mtu().getAsInt() + " is too small for the "
                        + "IPv6 Address " + address + ", as IPv6 needs "
                        + "at least " + IPV6_MIN_MTU + ": raise MTU to " + IPV6_MIN_MTU
                        + " or more, or remove the IPv6 Address");
            }
        }
    }

    private void endpoints() {
        boolean ipip = config.encapsulation() == Encapsulation.IPIP;
        boolean plain = config.encryption() == Encryption.NONE;
        String form = ipip ? "Endpoint = host" : "Endpoint = host:port";
        Map<String, Integer> owners = new HashMap<>();
        for (PeerConfig peer : config.peers()) {
            if (peer.endpoint().isEmpty()) {
                if (plain && config.peers().size() > 1) {
                    throw error(peer.line(), "[Peer] has no Endpoint: with Encryption = none a peer is recognised "
                            + "by its endpoint, so with several peers each needs " + form);
                }
                continue;
            }
            EndpointSpec endpoint = peer.endpoint().get();
            int line = peer.line(ConfigKey.ENDPOINT);
            if (!ipip && !endpoint.hasPort()) {
                throw error(line, "Endpoint '" + endpoint + "' has no port, which Encapsulation = udp (the default) "
                        + "needs: write host:port, e.g. " + endpoint + ":51820");
            }
            if (plain) {
                Integer owner = owners.putIfAbsent(endpoint.identity(!ipip), peer.line());
                if (owner != null) {
                    throw error(line, "Endpoint " + (ipip ? endpoint.host() : endpoint) + " is already used by the "
                            + "peer at line " + owner + ": with Encryption = none a peer is recognised by its "
                            + "endpoint, so each peer needs a different one");
                }
            }
        }
    }

    /** The switch settings belong to TAP interfaces, and TAP peers are found by MAC address, not by IP. */
    private void layer2() {
        if (config.mode() != TunMode.TAP) {
            for (ConfigKey key : new ConfigKey[] {ConfigKey.HUB, ConfigKey.COMPRESSION, ConfigKey.MAC_AGE_TIME,
                    ConfigKey.MAC_LIMIT}) {
                if (config.lines().containsKey(key.keyName())) {
                    throw error(config.line(key), key.keyName() + " only applies to Mode = tap (jtun's layer-2 "
                            + "switch): remove it, or set Mode = tap");
                }
            }
            return;
        }
        for (PeerConfig peer : config.peers()) {
            if (!peer.allowedIps().isEmpty()) {
                throw error(peer.line(ConfigKey.ALLOWED_IPS), "AllowedIPs has no effect with Mode = tap: frames are "
                        + "switched by MAC address, and each peer may send any; remove AllowedIPs, or set Mode = tun");
            }
        }
        if (config.layer2().compression() != Compression.NONE && config.encryption() == Encryption.NONE) {
            throw error(config.line(ConfigKey.COMPRESSION), "Compression needs Encryption = wireguard: only jtun's "
                    + "encrypted layer-2 message has a flag for compressed frames (plain tunnels carry frames "
                    + "unchanged); remove Compression, or use Encryption = wireguard");
        }
    }

    /**
     * After dropping root the daemon cannot undo anything itself: the device's removal takes its
     * addresses and routes along, and {@code jtun down} (root) undoes the policy rules and DNS the
     * daemon recorded before the drop. The down hooks are the user's commands and would run
     * without root: refused rather than run so.
     */
    private void user() {
        if (config.user().isEmpty()) {
            return;
        }
        boolean inFile = config.lines().containsKey(ConfigKey.USER.keyName());
        String user = inFile ? "User" : "--user";
        for (Hook hook : new Hook[] {Hook.PRE_DOWN, Hook.POST_DOWN}) {
            if (config.hooks().containsKey(hook)) {
                ConfigKey key = hook.key();
                throw userError(inFile, user + " cannot go with " + key.keyName() + " (line " + config.line(key)
                        + "): the hook runs when the interface goes down, and with " + user + " the daemon no longer"
                        + " has root then: remove one of the two");
            }
        }
    }

    private JtunException userError(boolean inFile, String message) {
        return inFile ? error(config.line(ConfigKey.USER), message)
                : new JtunException(ExitCode.USAGE, config.source() + ": " + message);
    }
}
