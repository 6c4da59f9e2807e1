package io.jtun.config;

import io.jtun.net.IpPrefix;
import io.jtun.tun.TunMode;
import java.nio.file.Path;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * A parsed and validated interface configuration file (wg-quick's format plus jtun's keys). Built
 * by {@link ConfigParser}; every instance it returns has passed all of its checks.
 *
 * @param source the file, as given (messages print it as is)
 * @param name the interface name, from the file name ("jp0.conf" → "jp0")
 * @param addresses the interface's own addresses, host bits kept, in file order
 * @param listenPort the UDP port to listen on; empty when any free port will do (absent or 0)
 * @param mtu the interface MTU; empty when not set
 * @param encryption {@link Encryption#WIREGUARD} unless the file says otherwise
 * @param mode {@link TunMode#TUN} unless the file says otherwise
 * @param encapsulation {@link Encapsulation#UDP} unless the file says otherwise
 * @param privateKey the interface's WireGuard private key; prints as "(hidden)"
 * @param fwMark the firewall mark for outgoing tunnel packets as 32 unsigned bits (read it with
 *     {@link Integer#toUnsignedLong}); empty when off (absent, 0 or "off")
 * @param dns DNS servers and search domains, as written (wg-quick hands them to resolvconf)
 * @param table wg-quick's routing table setting ("off", "auto", a number or a name), as written
 * @param hooks the shell commands of PreUp, PostUp, PreDown, PostDown in file order; a hook
 *     that is not set has no entry
 * @param saveConfig wg-quick's SaveConfig
 * @param disabledOffloads the data-path offloads DisableOffload switches off (none by default)
 * @param layer2 the switch settings of a {@code Mode = tap} interface ({@link Layer2#DEFAULTS} otherwise)
 * @param user the account the daemon drops root for once the interface is set up; empty: stays root
 * @param peers the {@code [Peer]} sections in file order
 * @param lines canonical key name (e.g. "ListenPort") → the line that sets it in {@code [Interface]};
 *     for keys that may repeat (Address, DNS, the hooks), the first such line
 * @param line the line of the (first) {@code [Interface]} header
 */
public record InterfaceConfig(Path source, String name, List<IpPrefix> addresses, OptionalInt listenPort,
        OptionalInt mtu, Encryption encryption, TunMode mode, Encapsulation encapsulation, Optional<Secret> privateKey,
        OptionalInt fwMark, List<String> dns, Optional<String> table, Map<Hook, List<String>> hooks, boolean saveConfig,
        Set<DataPathOffload> disabledOffloads, Layer2 layer2, Optional<String> user, List<PeerConfig> peers,
        Map<String, Integer> lines, int line) {

    public InterfaceConfig {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(name, "name");
        addresses = List.copyOf(addresses);
        Objects.requireNonNull(listenPort, "listenPort");
        Objects.requireNonNull(mtu, "mtu");
        Objects.requireNonNull(encryption, "encryption");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(encapsulation, "encapsulation");
        Objects.requireNonNull(privateKey, "privateKey");
        Objects.requireNonNull(fwMark, "fwMark");
        dns = List.copyOf(dns);
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(table, "table");
        EnumMap<Hook, List<String>> hookCopy = new EnumMap<>(Hook.class);
        hooks.forEach((hook, commands) -> {
            if (!commands.isEmpty()) {
                hookCopy.put(hook, List.copyOf(commands));
            }
        });
        hooks = Collections.unmodifiableMap(hookCopy);
        disabledOffloads = disabledOffloads.isEmpty() ? Set.of()
                : Collections.unmodifiableSet(EnumSet.copyOf(disabledOffloads));
        Objects.requireNonNull(layer2, "layer2");
        peers = List.copyOf(peers);
        lines = Map.copyOf(lines);
    }

    /**
     * An interface with nothing configured yet, as {@code wireguard-go IFACE} starts: WireGuard,
     * TUN, UDP on any port, no key, no peers. The {@code wg} tool configures it afterwards.
     */
    public static InterfaceConfig blank(String name) {
        return new InterfaceConfig(Path.of("(" + name + ": configured through the wg tool)"), name, List.of(),
                OptionalInt.empty(), OptionalInt.empty(), Encryption.WIREGUARD, TunMode.TUN, Encapsulation.UDP,
                Optional.empty(), OptionalInt.empty(), List.of(), Optional.empty(), Map.of(), false, Set.of(), Layer2.DEFAULTS,
                Optional.empty(), List.of(), Map.of(), 0);
    }

    /** The commands of one hook in file order; empty when it is not set. */
    public List<String> hook(Hook hook) {
        return hooks.getOrDefault(hook, List.of());
    }

    /**
     * The line where {@code [Interface]} sets {@code key} (any letter case, e.g. "listenport"),
     * or the line of the {@code [Interface]} header when it does not: a message about the
     * setting, or about its absence, then points at the right place.
     */
    public int line(String key) {
        ConfigKey known = ConfigKey.find(key);
        Integer found = known == null ? null : lines.get(known.keyName());
        return found == null ? line : found;
    }

    /** The line where {@code [Interface]} sets {@code key}, or the {@code [Interface]} header's line. */
    public int line(ConfigKey key) {
        return lines.getOrDefault(key.keyName(), line);
    }

    /**
     * "file:line" for a message about an interface setting made later (e.g. when the port turns
     * out to be in use): {@code "jp0.conf:4"}.
     */
    public String where(String key) {
        return source + ":" + line(key);
    }

    /** Spelled out so the private key can never appear, whatever its type prints. */
    /**
     * This configuration with {@code user} (jtun up --user) in place of the file's User, checked
     * as the file's would be.
     */
    public InterfaceConfig withUser(String user) {
        InterfaceConfig changed = new InterfaceConfig(source, name, addresses, listenPort, mtu, encryption, mode,
                encapsulation, privateKey, fwMark, dns, table, hooks, saveConfig, disabledOffloads, layer2,
                Optional.of(user), peers, lines, line);
        ConfigValidator.validate(changed);
        return changed;
    }

    /**
     * Zeroes the private and preshared keys once they have been handed to the device, which keeps
     * its own copies: a key replaced later (reload, {@code wg set}) then survives nowhere.
     */
    public void destroySecrets() {
        privateKey.ifPresent(Secret::destroy);
        peers.forEach(peer -> peer.presharedKey().ifPresent(Secret::destroy));
    }

    @Override
    public String toString() {
        return "InterfaceConfig[source=" + source + ", name=" + name + ", addresses=" + addresses + ", listenPort="
                + listenPort + ", mtu=" + mtu + ", encryption=" + encryption + ", mode=" + mode + ", encapsulation="
                + encapsulation + ", privateKey=" + (privateKey.isPresent() ? Secret.HIDDEN : "none") + ", fwMark="
                + fwMark + ", dns=" + dns + ", table=" + table + ", hooks=" + hooks + ", saveConfig=" + saveConfig
                + ", disabledOffloads=" + disabledOffloads + ", layer2=" + layer2 + ", peers=" + peers + ", lines=" + lines + ", line=" + line + "]";
    }
}
