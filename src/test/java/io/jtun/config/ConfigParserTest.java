package io.jtun.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtun.ExitCode;
import io.jtun.JtunException;
import io.jtun.net.IpPrefix;
import io.jtun.tun.TunMode;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class ConfigParserTest {
    static final Path FILE = Path.of("jp0.conf");
    static final String PRIVATE = key(1);
    static final String PUBLIC_A = key(2);
    static final String PUBLIC_B = key(3);
    static final String PSK = key(4);

    /** A valid key: 32 bytes of {@code fill}, in base64. */
    static String key(int fill) {
        byte[] bytes = new byte[32];
        Arrays.fill(bytes, (byte) fill);
        return Base64.getEncoder().encodeToString(bytes);
    }

    static InterfaceConfig parse(String text) {
        return ConfigParser.parse(text, FILE, "jp0");
    }

    /** Parsing fails with USAGE and exactly this message. */
    static void assertError(String text, String message) {
        JtunException e = assertThrows(JtunException.class, () -> parse(text));
        assertEquals(ExitCode.USAGE, e.exitCode());
        assertEquals(message, e.getMessage());
    }

    static IpPrefix ip(String text) {
        return IpPrefix.parse(text);
    }

    // ---- valid configurations -----------------------------------------------------------------

    @Test
    void everyKeyLandsInTheRecords() {
        InterfaceConfig c = parse("""
                [Interface]
                PrivateKey = %s
                ListenPort = 51820
                FwMark = 0xca6c
                Address = 10.0.0.1/24, fd00:77::1/64
                DNS = 10.0.0.53, example.internal
                MTU = 1420
                Table = 1234
                PreUp = echo pre-up
                PostUp = iptables -A FORWARD -i %%i -j ACCEPT
                PreDown = echo pre-down
                PostDown = iptables -D FORWARD -i %%i -j ACCEPT
                SaveConfig = false
                Encryption = wireguard
                Mode = tun
                Encapsulation = udp

                [Peer]
                PublicKey = %s
                PresharedKey = %s
                AllowedIPs = 10.0.0.2/32, fd00:77::2/128
                Endpoint = 198.18.0.2:51820
                PersistentKeepalive = 25

                [Peer]
                PublicKey = %s
                AllowedIPs = 10.0.1.0/24
                Endpoint = [fd00::3]:51821
                """.formatted(PRIVATE, PUBLIC_A, PSK, PUBLIC_B));

        assertEquals(FILE, c.source());
        assertEquals("jp0", c.name());
        assertEquals(List.of(ip("10.0.0.1/24"), ip("fd00:77::1/64")), c.addresses());
        assertEquals(OptionalInt.of(51820), c.listenPort());
        assertEquals(OptionalInt.of(0xca6c), c.fwMark());
        assertEquals(List.of("10.0.0.53", "example.internal"), c.dns());
        assertEquals(OptionalInt.of(1420), c.mtu());
        assertEquals(Optional.of("1234"), c.table());
        assertEquals(List.of("echo pre-up"), c.hook(Hook.PRE_UP));
        assertEquals(List.of("iptables -A FORWARD -i %i -j ACCEPT"), c.hook(Hook.POST_UP));
        assertEquals(List.of("echo pre-down"), c.hook(Hook.PRE_DOWN));
        assertEquals(List.of("iptables -D FORWARD -i %i -j ACCEPT"), c.hook(Hook.POST_DOWN));
        assertFalse(c.saveConfig());
        assertEquals(Encryption.WIREGUARD, c.encryption());
        assertEquals(TunMode.TUN, c.mode());
        assertEquals(Encapsulation.UDP, c.encapsulation());
        assertEquals(PRIVATE, c.privateKey().orElseThrow().base64());
        assertEquals(1, c.line());
        assertEquals(Map.ofEntries(Map.entry("PrivateKey", 2), Map.entry("ListenPort", 3), Map.entry("FwMark", 4),
                Map.entry("Address", 5), Map.entry("DNS", 6), Map.entry("MTU", 7), Map.entry("Table", 8),
                Map.entry("PreUp", 9), Map.entry("PostUp", 10), Map.entry("PreDown", 11),
                Map.entry("PostDown", 12), Map.entry("SaveConfig", 13), Map.entry("Encryption", 14),
                Map.entry("Mode", 15), Map.entry("Encapsulation", 16)), c.lines());
        assertEquals(3, c.line("ListenPort"));
        assertEquals(3, c.line("listenport"));
        assertEquals("jp0.conf:7", c.where("MTU"));

        assertEquals(2, c.peers().size());
        PeerConfig a = c.peers().get(0);
        assertEquals(18, a.line());
        assertEquals(PUBLIC_A, a.publicKey().orElseThrow().base64());
        assertEquals(PSK, a.presharedKey().orElseThrow().base64());
        assertEquals(List.of(ip("10.0.0.2/32"), ip("fd00:77::2/128")), a.allowedIps());
        assertEquals(Optional.of(new EndpointSpec("198.18.0.2", 51820)), a.endpoint());
        assertEquals(OptionalInt.of(25), a.persistentKeepalive());
        assertEquals(Map.of("PublicKey", 19, "PresharedKey", 20, "AllowedIPs", 21, "Endpoint", 22,
                "PersistentKeepalive", 23), a.lines());
        PeerConfig b = c.peers().get(1);
        assertEquals(25, b.line());
        assertEquals(Optional.of(new EndpointSpec("fd00::3", 51821)), b.endpoint());
        assertEquals(OptionalInt.empty(), b.persistentKeepalive());
        assertTrue(b.presharedKey().isEmpty());
        assertEquals(25, b.line("PresharedKey"), "unset key: the [Peer] header's line");
    }

    @Test
    void theBriefsPlainExampleParsesWithDefaults() {
        InterfaceConfig c = parse("""
                # comment
                [Interface]
                Address = 10.0.0.1/24, fd00:77::1/64
                ListenPort = 51820
                MTU = 1420
                Encryption = none        # jtun: none | wireguard
                Mode = tun               # jtun: tun | tap
                Encapsulation = udp      # jtun: udp | ipip

                [Peer]
                Endpoint = 198.18.0.2:51820      # host:port
                AllowedIPs = 10.0.0.2/32, fd00:77::2/128
                """);
        assertEquals(Encryption.NONE, c.encryption());
        assertEquals(2, c.line());
        assertEquals(List.of(ip("10.0.0.1/24"), ip("fd00:77::1/64")), c.addresses());
        assertTrue(c.privateKey().isEmpty());
        assertTrue(c.hooks().isEmpty());
        assertEquals(List.of(), c.hook(Hook.POST_UP));
        assertEquals(Optional.of(new EndpointSpec("198.18.0.2", 51820)), c.peers().getFirst().endpoint());
    }

    @Test
    void defaultsWhenKeysAreAbsent() {
        InterfaceConfig c = parse("[Interface]\nPrivateKey = " + PRIVATE + "\n");
        assertEquals(List.of(), c.addresses());
        assertEquals(OptionalInt.empty(), c.listenPort());
        assertEquals(OptionalInt.empty(), c.mtu());
        assertEquals(OptionalInt.empty(), c.fwMark());
        assertEquals(Encryption.WIREGUARD, c.encryption());
        assertEquals(TunMode.TUN, c.mode());
        assertEquals(Encapsulation.UDP, c.encapsulation());
        assertEquals(Optional.empty(), c.table());
        assertFalse(c.saveConfig());
        assertEquals(java.util.Set.of(), c.disabledOffloads());
        assertEquals(List.of(), c.peers());
        assertEquals(1, c.line("MTU"), "unset key: the [Interface] header's line");
    }

    @Test
    void disableOffloadListsAccumulateAndAllMeansEveryOne() {
        InterfaceConfig some = parse("[Interface]\nEncryption = none\nDisableOffload = GRO udp-gso\n"
                + "DisableOffload = tso\n");
        assertEquals(java.util.EnumSet.of(DataPathOffload.TSO, DataPathOffload.GRO, DataPathOffload.UDP_GSO),
                some.disabledOffloads());
        InterfaceConfig all = parse("[Interface]\nEncryption = none\nDisableOffload = all\n");
        assertEquals(java.util.EnumSet.allOf(DataPathOffload.class), all.disabledOffloads());
        assertEquals("tso,gro,udp-gso,udp-gro", DataPathOffload.format(all.disabledOffloads()));
        assertEquals(java.util.Set.of(), parse("[Interface]\nEncryption = none\nDisableOffload = none\n")
                .disabledOffloads());
    }

    @Test
    void commentsBlankLinesAndWhitespace() {
        InterfaceConfig c = parse("""
                \t# a comment
                   [Interface]   # trailing comment

                \tAddress=10.0.0.1/24#no space before the comment
                  ListenPort   =   4242\t
                   Encryption =none
                [Peer]#comment
                AllowedIPs =  10.0.0.2/32 ,10.0.0.3/32 ,  # trailing comma and a comment
                """);
        assertEquals(List.of(ip("10.0.0.1/24")), c.addresses());
        assertEquals(OptionalInt.of(4242), c.listenPort());
        assertEquals(List.of(ip("10.0.0.2/32"), ip("10.0.0.3/32")), c.peers().getFirst().allowedIps());
        assertEquals(2, c.line());
        assertEquals(4, c.line("Address"));
    }

    @Test
    void windowsLineEndingsAndByteOrderMark() {
        InterfaceConfig c = parse("\uFEFF[Interface]\r\nEncryption = none\r\nMTU = 1400\r\n");
        assertEquals(OptionalInt.of(1400), c.mtu());
        assertEquals(3, c.line("MTU"));
    }

    @Test
    void keysSectionsAndEnumValuesIgnoreCase() {
        InterfaceConfig c = parse("""
                [INTERFACE]
                address = 10.0.0.1/24
                LISTENPORT = 1
                encryption = NONE
                MoDe = TUN
                savecONFIG = TRUE
                postup = a
                [peer]
                allowedips = 10.0.0.2/32
                ENDPOINT = Peer.Example.COM:9
                persistentKEEPALIVE = Off
                """);
        assertEquals(List.of(ip("10.0.0.1/24")), c.addresses());
        assertEquals(TunMode.TUN, c.mode());
        assertEquals(Encryption.NONE, c.encryption());
        assertTrue(c.saveConfig());
        assertEquals(List.of("a"), c.hook(Hook.POST_UP));
        assertEquals(Map.of("Address", 2, "ListenPort", 3, "Encryption", 4, "Mode", 5, "SaveConfig", 6,
                "PostUp", 7), c.lines(), "lines are keyed by the canonical spelling");
        PeerConfig peer = c.peers().getFirst();
        assertEquals(Optional.of(new EndpointSpec("Peer.Example.COM", 9)), peer.endpoint());
        assertEquals(OptionalInt.empty(), peer.persistentKeepalive());
        assertEquals(Map.of("AllowedIPs", 9, "Endpoint", 10, "PersistentKeepalive", 11), peer.lines());
    }

    @Test
    void layer2Settings() {
        InterfaceConfig c = parse("""
                [Interface]
                PrivateKey = %s
                Mode = tap
                hub = TRUE
                Compression = LZ4
                MacAgeTime = 60
                MacLimit = 100
                [Peer]
                PublicKey = %s
                Endpoint = 198.18.0.2:51820
                """.formatted(PRIVATE, PUBLIC_A));
        assertEquals(new Layer2(true, Compression.LZ4, 60, 100), c.layer2());
        assertEquals(Layer2.DEFAULTS, parse("[Interface]\nEncryption = none\nMode = tap\n").layer2());
        assertEquals(Layer2.DEFAULTS, parse("[Interface]\nEncryption = none\n").layer2());
    }

    @Test
    void listsAccumulateAndHooksKeepTheirOrder() {
        InterfaceConfig c = parse("""
                [Interface]
                Encryption = none
                Address = 10.0.0.1/24
                PostUp = first
                Address = fd00::1/64, 10.9.0.1/16
                DNS = 1.1.1.1 8.8.8.8
                PostUp = second
                DNS = search.example
                Address =
                PostUp = third; with = signs
                [Peer]
                AllowedIPs = 10.0.0.2/32
                AllowedIPs = 10.1.0.0/16, fd00::2/128
                AllowedIPs =
                """);
        assertEquals(List.of(ip("10.0.0.1/24"), ip("fd00::1/64"), ip("10.9.0.1/16")), c.addresses());
        assertEquals(List.of("1.1.1.1", "8.8.8.8", "search.example"), c.dns());
        assertEquals(List.of("first", "second", "third; with = signs"), c.hook(Hook.POST_UP));
        assertEquals(3, c.line("Address"), "a repeated key: its first line");
        assertEquals(4, c.line("PostUp"));
        assertEquals(List.of(ip("10.0.0.2/32"), ip("10.1.0.0/16"), ip("fd00::2/128")),
                c.peers().getFirst().allowedIps());
    }

    @Test
    void allowedIpsAreNormalisedToTheirNetworkButAddressesKeepHostBits() {
        InterfaceConfig c = parse("""
                [Interface]
                Encryption = none
                Address = 10.0.0.5/24
                [Peer]
                AllowedIPs = 10.0.0.5/24, fd00:77::1234/64, 192.168.7.9, 0.0.0.0/0
                """);
        assertEquals(List.of(ip("10.0.0.5/24")), c.addresses());
        assertEquals(List.of(ip("10.0.0.0/24"), ip("fd00:77::/64"), ip("192.168.7.9/32"), ip("0.0.0.0/0")),
                c.peers().getFirst().allowedIps());
    }

    @Test
    void overlappingButDifferentAllowedIpsAreFine() {
        InterfaceConfig c = parse("""
                [Interface]
                Encryption = none
                [Peer]
                Endpoint = 198.18.0.2:1
                AllowedIPs = 10.0.0.0/24
                [Peer]
                Endpoint = 198.18.0.3:1
                AllowedIPs = 10.0.0.2/32, 10.0.0.0/16
                """);
        assertEquals(2, c.peers().size());
    }

    @Test
    void numbersAndSwitches() {
        InterfaceConfig c = parse("""
                [Interface]
                Encryption = none
                ListenPort = 0
                FwMark = 4294967295
                MTU = 65535
                [Peer]
                PersistentKeepalive = 0
                """);
        assertEquals(OptionalInt.empty(), c.listenPort(), "ListenPort 0 means any port");
        assertEquals(4294967295L, Integer.toUnsignedLong(c.fwMark().getAsInt()));
        assertEquals(OptionalInt.of(65535), c.mtu());
        assertEquals(OptionalInt.empty(), c.peers().getFirst().persistentKeepalive());
        assertEquals(3, c.line("ListenPort"), "a key that normalises to 'unset' still has its line");

        assertEquals(OptionalInt.empty(), parse("[Interface]\nEncryption=none\nFwMark = off\n").fwMark());
        assertEquals(OptionalInt.empty(), parse("[Interface]\nEncryption=none\nFwMark = 0x0\n").fwMark());
        assertEquals(OptionalInt.of(0xffffffff), parse("[Interface]\nEncryption=none\nFwMark = 0xFFFFFFFF\n").fwMark());
        assertEquals(OptionalInt.of(51820), parse("[Interface]\nEncryption=none\nFwMark = 51820\n").fwMark());
        assertEquals(OptionalInt.of(576), parse("[Interface]\nEncryption=none\nMTU = 576\n").mtu());
        assertEquals(OptionalInt.of(1280),
                parse("[Interface]\nEncryption=none\nAddress = fd00::1/64\nMTU = 1280\n").mtu());
        assertEquals(OptionalInt.of(65535), parse("""
                [Interface]
                Encryption=none
                [Peer]
                PersistentKeepalive = 65535
                """).peers().getFirst().persistentKeepalive());
    }

    @Test
    void repeatedInterfaceSectionsMergeAsInWg() {
        InterfaceConfig c = parse("""
                [Interface]
                Encryption = none
                [Peer]
                AllowedIPs = 10.0.0.2/32
                [Interface]
                ListenPort = 7
                """);
        assertEquals(OptionalInt.of(7), c.listenPort());
        assertEquals(1, c.line());
        assertEquals(1, c.peers().size());
    }

    @Test
    void peerBeforeInterfaceAndPeerWithoutAllowedIps() {
        InterfaceConfig c = parse("""
                [Peer]
                Endpoint = 198.18.0.2
                [Interface]
                Encryption = none
                Encapsulation = ipip
                """);
        assertEquals(3, c.line());
        assertEquals(List.of(), c.peers().getFirst().allowedIps());
        assertEquals(Optional.of(new EndpointSpec("198.18.0.2", 0)), c.peers().getFirst().endpoint());
    }

    @Test
    void ipipTakesEndpointsWithOrWithoutPort() {
        InterfaceConfig c = parse("""
                [Interface]
                Encryption = none
                Encapsulation = ipip
                [Peer]
                Endpoint = 198.18.0.2
                AllowedIPs = 10.0.0.2/32
                [Peer]
                Endpoint = 198.18.0.3:51820
                AllowedIPs = 10.0.0.3/32
                """);
        assertEquals(Encapsulation.IPIP, c.encapsulation());
        assertEquals(2, c.peers().size());
    }

    @Test
    void oneEndpointlessPeerIsFineWithoutEncryption() {
        InterfaceConfig c = parse("""
                [Interface]
                Encryption = none
                [Peer]
                AllowedIPs = 10.0.0.2/32
                """);
        assertTrue(c.peers().getFirst().endpoint().isEmpty());
    }

    @Test
    void wireguardAllowsSharedEndpointsAndEndpointlessPeers() {
        InterfaceConfig c = parse("""
                [Interface]
                PrivateKey = %s
                [Peer]
                PublicKey = %s
                Endpoint = 198.18.0.2:51820
                [Peer]
                PublicKey = %s
                Endpoint = 198.18.0.2:51820
                [Peer]
                PublicKey = %s
                """.formatted(PRIVATE, PUBLIC_A, PUBLIC_B, key(9)));
        assertEquals(3, c.peers().size());
    }

    @Test
    void toStringNeverShowsSecretKeys() {
        InterfaceConfig c = parse("""
                [Interface]
                PrivateKey = %s
                [Peer]
                PublicKey = %s
                PresharedKey = %s
                """.formatted(PRIVATE, PUBLIC_A, PSK));
        String text = c.toString();
        assertFalse(text.contains(PRIVATE), text);
        assertFalse(text.contains(PRIVATE.substring(0, 20)), text);
        assertFalse(text.contains(PSK), text);
        assertFalse(text.contains(PSK.substring(0, 20)), text);
        assertTrue(text.contains("privateKey=(hidden)"), text);
        assertTrue(text.contains("presharedKey=(hidden)"), text);
        assertTrue(text.contains(PUBLIC_A), "public keys are not secret: " + text);
        assertFalse(c.peers().getFirst().toString().contains(PSK));
        assertEquals("(hidden)", c.privateKey().orElseThrow().toString());
        assertFalse(String.valueOf(c.privateKey()).contains(PRIVATE));
    }

    @Test
    void recordsAreImmutable() {
        InterfaceConfig c = parse("[Interface]\nEncryption = none\nAddress = 10.0.0.1/24\nPostUp = x\n[Peer]\n");
        assertThrows(UnsupportedOperationException.class, () -> c.addresses().clear());
        assertThrows(UnsupportedOperationException.class, () -> c.peers().clear());
        assertThrows(UnsupportedOperationException.class, () -> c.lines().clear());
        assertThrows(UnsupportedOperationException.class, () -> c.hooks().clear());
        assertThrows(UnsupportedOperationException.class, () -> c.hook(Hook.POST_UP).clear());
        assertThrows(UnsupportedOperationException.class, () -> c.peers().getFirst().allowedIps().clear());
    }

    @Test
    void checksTheInterfaceNameItIsGiven() {
        JtunException e = assertThrows(JtunException.class,
                () -> ConfigParser.parse("[Interface]\nEncryption = none\n", FILE, "much-too-long-name"));
        assertEquals(ExitCode.USAGE, e.exitCode());
        assertEquals("'much-too-long-name' is not a valid interface name: use 1 to 15 characters from letters, "
                + "digits and _ = + . -", e.getMessage());
    }
}
