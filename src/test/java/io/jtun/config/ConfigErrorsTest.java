package io.jtun.config;

import static io.jtun.config.ConfigParserTest.PRIVATE;
import static io.jtun.config.ConfigParserTest.PSK;
import static io.jtun.config.ConfigParserTest.PUBLIC_A;
import static io.jtun.config.ConfigParserTest.PUBLIC_B;
import static io.jtun.config.ConfigParserTest.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jtun.JtunException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Every message is one line: file:line: problem: fix. */
class ConfigErrorsTest {
    private static final String PLAIN = "[Interface]\nEncryption = none\n";

    // ---- syntax -------------------------------------------------------------------------------

    @Test
    void unknownKeySuggestsTheClosest() {
        assertError("[Interface]\nEncryption = none\nAdress = 10.0.0.1/24\n",
                "jp0.conf:3: unknown key 'Adress' in [Interface]: did you mean 'Address'?");
        assertError("[Interface]\nEncryption = none\n[Peer]\nAllowedIP = 10.0.0.2/32\n",
                "jp0.conf:4: unknown key 'AllowedIP' in [Peer]: did you mean 'AllowedIPs'?");
        assertError("[Interface]\nEncryption = none\nlistneport = 1\n",
                "jp0.conf:3: unknown key 'listneport' in [Interface]: did you mean 'ListenPort'?");
        assertError("[Interface]\nEncryption = none\n[Peer]\nListnPort = 1\n",
                "jp0.conf:4: unknown key 'ListnPort' in [Peer]: did you mean 'ListenPort'? (it belongs in [Interface])");
    }

    @Test
    void anUnknownOffloadIsNamedWithTheValidOnes() {
        assertError("[Interface]\nEncryption = none\nDisableOffload = gro, lro\n",
                "jp0.conf:3: unknown offload 'lro': use tso, gro, udp-gso, udp-gro, all or none");
    }

    @Test
    void unknownKeyWithNothingCloseListsTheKeys() {
        assertError("[Interface]\nEncryption = none\nColour = blue\n",
                "jp0.conf:3: unknown key 'Colour' in [Interface]: the keys of [Interface] are PrivateKey, ListenPort, "
                        + "FwMark, Address, DNS, MTU, Table, PreUp, PostUp, PreDown, PostDown, SaveConfig, "
                        + "Encryption, Mode, Encapsulation, DisableOffload, Hub, Compression, MacAgeTime, MacLimit, User");
        assertError(PLAIN + "[Peer]\nWeight = 3\n",
                "jp0.conf:4: unknown key 'Weight' in [Peer]: the keys of [Peer] are PublicKey, PresharedKey, "
                        + "AllowedIPs, Endpoint, PersistentKeepalive");
    }

    @Test
    void keyInTheWrongSection() {
        assertError(PLAIN + "\n[Peer]\nEndpoint = 198.18.0.2:1\n\n\n\nlistenport = 51820\n",
                "jp0.conf:9: 'ListenPort' belongs in [Interface], not [Peer]");
        assertError(PLAIN + "AllowedIPs = 10.0.0.2/32\n",
                "jp0.conf:3: 'AllowedIPs' belongs in [Peer], not [Interface]");
    }

    @Test
    void lineWithoutEquals() {
        assertError("[Interface]\nEncryption = none\n\nAddress 10.0.0.1  # comment\n",
                "jp0.conf:4: expected 'Key = Value', got 'Address 10.0.0.1'");
        assertError("[Interface]\n= 5\n", "jp0.conf:2: expected 'Key = Value', got '= 5'");
    }

    @Test
    void aKeyWhereNoKeyBelongsIsNotShownEither() {
        // Found by ConfigFuzzTest: a message quotes the text it complains about, which can hold a key.
        assertError("[Interface PrivateKey = " + PRIVATE + "\n",
                "jp0.conf:1: section header '[Interface PrivateKey = (hidden)' has no closing ']': write [Interface] or [Peer]");
        assertError("[Interface]\nPrivateKey = " + PRIVATE + "\n[Peer]\nPublicKey = PresharedKey = " + PSK + "\n",
                "jp0.conf:4: PublicKey 'PresharedKey = (hidden)' is not a valid WireGuard key: a key is 44 characters"
                        + " of base64 ending in '=', as 'wg pubkey' prints it (this one has 59)");
        JtunException e = assertThrows(JtunException.class,
                () -> ConfigParserTest.parse("[Interface]\nPrivateKey" + PRIVATE + "\n"));
        assertFalse(e.getMessage().contains(PRIVATE.substring(0, 20)), e.getMessage());
    }

    @Test
    void aDnsEntryIsAServerOrASearchDomain() {
        assertError("[Interface]\nEncryption = none\nDNS = 10.0.0.53 PrivateKey = " + PRIVATE + "\n",
                "jp0.conf:3: DNS '=' is neither a server address nor a search domain: write e.g. "
                        + "DNS = 10.0.0.53, fd00::53, example.internal");
        assertError("[Interface]\nEncryption = none\nDNS = example.internal, a/b\n",
                "jp0.conf:3: DNS 'a/b' is neither a server address nor a search domain: write e.g. "
                        + "DNS = 10.0.0.53, fd00::53, example.internal");
    }

    @Test
    void lineWithoutEqualsDoesNotShowASecret() {
        JtunException e = assertThrows(JtunException.class,
                () -> ConfigParserTest.parse("[Interface]\nPrivateKey: " + PRIVATE + "\n"));
        assertFalse(e.getMessage().contains(PRIVATE.substring(0, 20)), e.getMessage());
        assertError("[Interface]\nPrivateKey: " + PRIVATE + "\n",
                "jp0.conf:2: expected 'Key = Value', got 'PrivateKey (value not shown)'");
        assertError("[Interface]\nListenPort: 5 = 6\n", "jp0.conf:2: expected 'Key = Value', got 'ListenPort: 5 = 6'");
        assertError("[Interface]\nprivatekey " + PRIVATE + "\n",
                "jp0.conf:2: expected 'Key = Value', got 'privatekey (value not shown)'");
    }

    @Test
    void keyBeforeAnySection() {
        assertError("# header\nAddress = 10.0.0.1/24\n[Interface]\n",
                "jp0.conf:2: 'Address' comes before any section: put [Interface] above it");
        assertError("endpoint = 198.18.0.2:1\n",
                "jp0.conf:1: 'Endpoint' comes before any section: put [Peer] above it");
        assertError("Foo = 1\n",
                "jp0.conf:1: 'Foo' comes before any section: settings go under [Interface] or [Peer]");
    }

    @Test
    void badSectionHeaders() {
        assertError(PLAIN + "[Peers]\n", "jp0.conf:3: unknown section '[Peers]': did you mean [Peer]?");
        assertError("[Interfaces]\n", "jp0.conf:1: unknown section '[Interfaces]': did you mean [Interface]?");
        assertError("[Device]\n", "jp0.conf:1: unknown section '[Device]': the sections are [Interface] and [Peer]");
        assertError("[Interface\n",
                "jp0.conf:1: section header '[Interface' has no closing ']': write [Interface] or [Peer]");
        assertError("[Interface] Address = 10.0.0.1/24\n", "jp0.conf:1: unexpected 'Address = 10.0.0.1/24' after "
                + "[Interface]: put each setting on its own line, as Key = Value");
    }

    @Test
    void emptyValues() {
        assertError(PLAIN + "ListenPort =\n",
                "jp0.conf:3: 'ListenPort' has no value: write e.g. ListenPort = 51820, or remove the line");
        assertError(PLAIN + "Mode = # tap\n", "jp0.conf:3: 'Mode' has no value: write e.g. Mode = tun, or remove the line");
        assertError(PLAIN + "PostUp =\n",
                "jp0.conf:3: 'PostUp' has no value: write e.g. PostUp = <shell command>, or remove the line");
        assertError("[Interface]\nPrivateKey =\n", "jp0.conf:2: 'PrivateKey' has no value: write e.g. "
                + "PrivateKey = <output of 'wg genkey'>, or remove the line");
    }

    @Test
    void repeatedScalarKeys() {
        assertError(PLAIN + "ListenPort = 1\nlistenport = 2\n",
                "jp0.conf:4: 'ListenPort' is set twice in this section (first at line 3): keep only one");
        assertError(PLAIN + "[Peer]\nEndpoint = 198.18.0.2:1\nEndpoint = 198.18.0.3:1\n",
                "jp0.conf:5: 'Endpoint' is set twice in this section (first at line 4): keep only one");
        assertError("[Interface]\nEncryption = none\n[Interface]\nEncryption = none\n",
                "jp0.conf:4: 'Encryption' is set twice in this section (first at line 2): keep only one");
    }

    @Test
    void badEnumValuesListTheChoices() {
        assertError("[Interface]\nEncryption = aes\n",
                "jp0.conf:2: Encryption 'aes' is not valid: use wireguard (the default) or none (no encryption)");
        assertError(PLAIN + "Mode = l2\n",
                "jp0.conf:3: Mode 'l2' is not valid: use tun (IP packets, the default) or tap (Ethernet frames)");
        assertError(PLAIN + "Encapsulation = gre\n",
                "jp0.conf:3: Encapsulation 'gre' is not valid: use udp (the default) or ipip (IP-in-IP)");
        assertError(PLAIN + "SaveConfig = yes\n", "jp0.conf:3: SaveConfig 'yes' is not valid: use true or false");
    }

    @Test
    void outOfRangeAndNonNumbers() {
        assertError(PLAIN + "ListenPort = 65536\n", "jp0.conf:3: ListenPort 65536 is out of range: "
                + "use a port from 0 to 65535 (0, or no ListenPort, picks a free port)");
        assertError(PLAIN + "ListenPort = -1\n", "jp0.conf:3: ListenPort '-1' is not a number: "
                + "use a port from 0 to 65535 (0, or no ListenPort, picks a free port)");
        assertError(PLAIN + "ListenPort = 0x10\n", "jp0.conf:3: ListenPort '0x10' is not a number: "
                + "use a port from 0 to 65535 (0, or no ListenPort, picks a free port)");
        assertError(PLAIN + "ListenPort = 99999999999999999999999\n", "jp0.conf:3: ListenPort 99999999999999999999999 "
                + "is out of range: use a port from 0 to 65535 (0, or no ListenPort, picks a free port)");
        assertError(PLAIN + "MTU = 575\n",
                "jp0.conf:3: MTU 575 is out of range: use 576 to 65535 (at least 1280 with an IPv6 Address)");
        assertError(PLAIN + "MTU = 65536\n",
                "jp0.conf:3: MTU 65536 is out of range: use 576 to 65535 (at least 1280 with an IPv6 Address)");
        assertError(PLAIN + "MTU = auto\n",
                "jp0.conf:3: MTU 'auto' is not a number: use 576 to 65535 (at least 1280 with an IPv6 Address)");
        assertError(PLAIN + "FwMark = 4294967296\n", "jp0.conf:3: FwMark 4294967296 is out of range: "
                + "use a number from 0 to 4294967295, hex like 0xca6c, or off");
        assertError(PLAIN + "FwMark = 0x100000000\n", "jp0.conf:3: FwMark 0x100000000 is out of range: "
                + "use a number from 0 to 4294967295, hex like 0xca6c, or off");
        assertError(PLAIN + "FwMark = 0xg\n", "jp0.conf:3: FwMark '0xg' is not a number: "
                + "use a number from 0 to 4294967295, hex like 0xca6c, or off");
        assertError(PLAIN + "[Peer]\nPersistentKeepalive = 65536\n", "jp0.conf:4: PersistentKeepalive 65536 is out "
                + "of range: use seconds from 1 to 65535 (25 suits most NATs), or off");
        assertError(PLAIN + "[Peer]\nPersistentKeepalive = never\n", "jp0.conf:4: PersistentKeepalive 'never' is not "
                + "a number: use seconds from 1 to 65535 (25 suits most NATs), or off");
    }

    @Test
    void badAddressesAndPrefixes() {
        assertError(PLAIN + "[Peer]\nAllowedIPs = 10.0.0.2/32, 10.0.0.300/32\n", "jp0.conf:4: AllowedIPs "
                + "'10.0.0.300/32' is not a valid address/prefix: write it like 10.0.0.2/32 or fd00::2/128");
        assertError(PLAIN + "[Peer]\nAllowedIPs = 10.0.0.1/33\n",
                "jp0.conf:4: AllowedIPs '10.0.0.1/33' has an invalid prefix length: use /0 to /32 for IPv4");
        assertError(PLAIN + "[Peer]\nAllowedIPs = fd00::/129\n",
                "jp0.conf:4: AllowedIPs 'fd00::/129' has an invalid prefix length: use /0 to /128 for IPv6");
        assertError(PLAIN + "[Peer]\nAllowedIPs = 10.0.0.2/32 10.0.0.3/32\n", "jp0.conf:4: AllowedIPs "
                + "'10.0.0.2/32 10.0.0.3/32' is not a valid address/prefix: separate entries with commas, as in "
                + "10.0.0.2/32, 10.0.0.3/32");
        assertError(PLAIN + "Address = vpn.example.com/24\n", "jp0.conf:3: Address 'vpn.example.com/24' is not a "
                + "valid address/prefix: write it like 10.0.0.1/24 or fd00::1/64");
        assertError(PLAIN + "Address = 10.0.0.1/24\nAddress = 10.0.0.1/24\n",
                "jp0.conf:4: Address 10.0.0.1/24 is listed twice (first at line 3): remove one");
    }

    @Test
    void badKeysNameTheKeyButNeverShowASecret() {
        assertError("[Interface]\nPrivateKey = not-a-key\n", "jp0.conf:2: PrivateKey is not a valid WireGuard key: "
                + "a key is 44 characters of base64 ending in '=', as 'wg genkey' prints it (this one has 9)");
        String almost = PRIVATE.substring(0, 42) + "B="; // 44 characters, but the unused bits are not zero
        assertError("[Interface]\nPrivateKey = " + almost + "\n", "jp0.conf:2: PrivateKey is not a valid "
                + "WireGuard key: a key is 44 characters of base64 ending in '=', as 'wg genkey' prints it");
        assertError("[Interface]\nPrivateKey = " + PRIVATE + "\n[Peer]\nPresharedKey = abc=\n", "jp0.conf:4: "
                + "PresharedKey is not a valid WireGuard key: a key is 44 characters of base64 ending in '=', "
                + "as 'wg genpsk' prints it (this one has 4)");
        assertError("[Interface]\nPrivateKey = " + PRIVATE + "\n[Peer]\nPublicKey = abc=\n", "jp0.conf:4: "
                + "PublicKey 'abc=' is not a valid WireGuard key: a key is 44 characters of base64 ending in '=', "
                + "as 'wg pubkey' prints it (this one has 4)");
    }

    @Test
    void badEndpoints() {
        assertError(PLAIN + "[Peer]\nEndpoint = 198.18.0.2\n", "jp0.conf:4: Endpoint '198.18.0.2' has no port, "
                + "which Encapsulation = udp (the default) needs: write host:port, e.g. 198.18.0.2:51820");
        assertError(PLAIN + "[Peer]\nEndpoint = 198.18.0.2:70000\n", "jp0.conf:4: Endpoint '198.18.0.2:70000' has "
                + "port 70000, which is out of range: use a port from 1 to 65535");
        assertError(PLAIN + "[Peer]\nEndpoint = :51820\n",
                "jp0.conf:4: Endpoint ':51820' has no host: write host:port, e.g. 198.18.0.2:51820");
        assertError(PLAIN + "[Peer]\nEndpoint = fd00::2:51820\n", "jp0.conf:4: Endpoint 'fd00::2:51820' looks like "
                + "an IPv6 address without brackets: put the address in brackets, as in [fd00::2]:51820");
    }

    // ---- whole file ---------------------------------------------------------------------------

    @Test
    void emptyFileOrNoInterfaceSection() {
        assertError("", "jp0.conf: the file has no settings: write an [Interface] section with e.g. "
                + "Address = 10.0.0.1/24 (see README)");
        assertError("# only\n\n  # comments\n", "jp0.conf: the file has no settings: write an [Interface] section "
                + "with e.g. Address = 10.0.0.1/24 (see README)");
        assertError("[Peer]\nEndpoint = 198.18.0.2:1\n",
                "jp0.conf: no [Interface] section: add one, with at least Address = 10.0.0.1/24 or the like");
    }

    // ---- duplicate AllowedIPs -----------------------------------------------------------------

    @Test
    void sameAllowedIpsInTwoPeers() {
        assertError("""
                [Interface]
                Encryption = none

                [Peer]
                Endpoint = 198.18.0.2:51820
                AllowedIPs = 10.0.0.2/32

                [Peer]
                Endpoint = 198.18.0.3:51820
                AllowedIPs = 10.0.0.3/32
                AllowedIPs = 10.0.0.2/32
                """, "jp0.conf:11: AllowedIPs 10.0.0.2/32 is already routed to the peer at line 4: "
                        + "each range can belong to only one peer; remove one");
    }

    @Test
    void sameNetworkAfterNormalisationInTwoPeers() {
        assertError("""
                [Interface]
                Encryption = none
                [Peer]
                Endpoint = 198.18.0.2:51820
                AllowedIPs = 10.0.0.0/24
                [Peer]
                Endpoint = 198.18.0.3:51820
                AllowedIPs = 10.0.0.77/24
                """, "jp0.conf:8: AllowedIPs 10.0.0.0/24 is already routed to the peer at line 3: "
                        + "each range can belong to only one peer; remove one");
    }

    @Test
    void sameAllowedIpsTwiceInOnePeer() {
        assertError("""
                [Interface]
                Encryption = none
                [Peer]
                AllowedIPs = fd00::2/128
                AllowedIPs = 10.0.0.1/32, FD00:0::2
                """, "jp0.conf:5: AllowedIPs fd00::2/128 is already listed for this peer at line 4: remove one");
        assertError(PLAIN + "[Peer]\nAllowedIPs = 10.0.0.2/32, 10.0.0.2\n",
                "jp0.conf:4: AllowedIPs 10.0.0.2/32 is already listed for this peer at line 4: remove one");
    }

    // ---- semantics ----------------------------------------------------------------------------

    @Test
    void layer2SettingsNeedTap() {
        assertError("[Interface]\nEncryption = none\nHub = true\n", "jp0.conf:3: Hub only applies to Mode = tap "
                + "(jtun's layer-2 switch): remove it, or set Mode = tap");
        assertError("[Interface]\nEncryption = none\nMacLimit = 10\n", "jp0.conf:3: MacLimit only applies to "
                + "Mode = tap (jtun's layer-2 switch): remove it, or set Mode = tap");
        assertError("[Interface]\nEncryption = none\nMode = tap\n[Peer]\nEndpoint = 198.18.0.2:1\n"
                + "AllowedIPs = 10.0.0.2/32\n", "jp0.conf:6: AllowedIPs has no effect with Mode = tap: frames are "
                + "switched by MAC address, and each peer may send any; remove AllowedIPs, or set Mode = tun");
        assertError("[Interface]\nEncryption = none\nMode = tap\nCompression = lz4\n", "jp0.conf:4: Compression "
                + "needs Encryption = wireguard: only jtun's encrypted layer-2 message has a flag for compressed "
                + "frames (plain tunnels carry frames unchanged); remove Compression, or use Encryption = wireguard");
        assertError("[Interface]\nMode = tap\nCompression = zstd\n", "jp0.conf:3: Compression 'zstd' is not "
                + "valid: use lz4 or none (the default)");
        assertError("[Interface]\nMode = tap\nMacAgeTime = 0\n", "jp0.conf:3: MacAgeTime 0 is out of range: use "
                + "seconds from 1 to 1000000 (300, a Linux bridge's default, suits most networks)");
    }

    @Test
    void ipipNeedsTunAndNoEncryption() {
        assertError("[Interface]\nEncryption = none\nMode = tap\nEncapsulation = ipip\n", "jp0.conf:4: "
                + "Encapsulation = ipip needs Mode = tun, because IP-in-IP carries IP packets, not Ethernet frames: "
                + "set Mode = tun, or Encapsulation = udp");
        assertError("[Interface]\nPrivateKey = " + PRIVATE + "\nEncapsulation = ipip\n", "jp0.conf:3: "
                + "Encapsulation = ipip needs Encryption = none, because IP-in-IP packets are not encrypted: "
                + "set Encryption = none, or Encapsulation = udp");
        assertError("[Interface]\nEncryption = none\nListenPort = 51820\nEncapsulation = ipip\n", "jp0.conf:3: "
                + "ListenPort has no effect with Encapsulation = ipip (IP-in-IP has no ports): remove it, "
                + "or set Encapsulation = udp");
    }

    @Test
    void keysHaveNoEffectWithoutEncryption() {
        assertError("[Interface]\nEncryption = none\nPrivateKey = " + PRIVATE + "\n", "jp0.conf:3: PrivateKey has "
                + "no effect with Encryption = none: remove it, or set Encryption = wireguard");
        assertError(PLAIN + "[Peer]\nPublicKey = " + PUBLIC_A + "\n", "jp0.conf:4: PublicKey has no effect with "
                + "Encryption = none: remove it, or set Encryption = wireguard");
        assertError(PLAIN + "[Peer]\nPresharedKey = " + PSK + "\n", "jp0.conf:4: PresharedKey has no effect with "
                + "Encryption = none: remove it, or set Encryption = wireguard");
    }

    @Test
    void wireguardNeedsKeys() {
        assertError("\n[Interface]\nAddress = 10.0.0.1/24\n", "jp0.conf:2: [Interface] has no PrivateKey, which "
                + "Encryption = wireguard (the default) needs: add PrivateKey = <output of 'wg genkey'>, or set "
                + "Encryption = none for an unencrypted tunnel");
        assertError("[Interface]\nPrivateKey = " + PRIVATE + "\n[Peer]\nPublicKey = " + PUBLIC_A
                + "\n[Peer]\nAllowedIPs = 10.0.0.3/32\n", "jp0.conf:5: [Peer] has no PublicKey, which "
                        + "Encryption = wireguard (the default) needs: add PublicKey = <the peer's 'wg pubkey' "
                        + "output>, or set Encryption = none in [Interface]");
        assertError("[Interface]\nPrivateKey = " + PRIVATE + "\n[Peer]\nPublicKey = " + PUBLIC_B
                + "\n[Peer]\nAllowedIPs = 10.0.0.3/32\nPublicKey = " + PUBLIC_B + "\n", "jp0.conf:7: PublicKey is "
                        + "already used by the peer at line 3: each peer has its own key; merge the two [Peer] "
                        + "sections or correct the key");
    }

    @Test
    void mtuBelowIpv6Minimum() {
        assertError("[Interface]\nEncryption = none\nAddress = 10.0.0.1/24\nAddress = fd00:77::1/64\nMTU = 1279\n",
                "jp0.conf:5: MTU 1279 is too small for the IPv6 Address fd00:77::1/64, as IPv6 needs at "
                        + "least 1280: raise MTU to 1280 or more, or remove the IPv6 Address");
    }

    @Test
    void severalUnencryptedPeersEachNeedAnEndpoint() {
        assertError("""
                [Interface]
                Encryption = none
                [Peer]
                Endpoint = 198.18.0.2:51820
                [Peer]
                AllowedIPs = 10.0.0.3/32
                """, "jp0.conf:5: [Peer] has no Endpoint: with Encryption = none a peer is recognised by its "
                        + "endpoint, so with several peers each needs Endpoint = host:port");
        assertError("""
                [Interface]
                Encryption = none
                Encapsulation = ipip
                [Peer]
                [Peer]
                Endpoint = 198.18.0.2
                """, "jp0.conf:4: [Peer] has no Endpoint: with Encryption = none a peer is recognised by its "
                        + "endpoint, so with several peers each needs Endpoint = host");
    }

    @Test
    void unencryptedPeersNeedDistinctEndpoints() {
        assertError("""
                [Interface]
                Encryption = none
                [Peer]
                Endpoint = [fd00::2]:51820
                [Peer]
                Endpoint = [FD00:0:0::2]:51820
                """, "jp0.conf:6: Endpoint [fd00::2]:51820 is already used by the peer at line 3: with "
                        + "Encryption = none a peer is recognised by its endpoint, so each peer needs a different one");
        assertError("""
                [Interface]
                Encryption = none
                [Peer]
                Endpoint = Peer.Example.com:1
                [Peer]
                Endpoint = peer.example.COM.:1
                """, "jp0.conf:6: Endpoint peer.example.COM.:1 is already used by the peer at line 3: with "
                        + "Encryption = none a peer is recognised by its endpoint, so each peer needs a different one");
        assertError("""
                [Interface]
                Encryption = none
                Encapsulation = ipip
                [Peer]
                Endpoint = 198.18.0.2:1
                [Peer]
                Endpoint = 198.18.0.2:2
                """, "jp0.conf:7: Endpoint 198.18.0.2 is already used by the peer at line 4: with "
                        + "Encryption = none a peer is recognised by its endpoint, so each peer needs a different one");
    }

    @Test
    void messagesAreOneLine() {
        JtunException e = assertThrows(JtunException.class, () -> ConfigParserTest.parse("[Interface]\nX = 1\n"));
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void userIsOneAccountAndRefusedWithTheDownHooks() {
        String wg = "[Interface]\nPrivateKey = " + PRIVATE + "\n";
        assertEquals(Optional.of("nobody"), ConfigParserTest.parse(wg + "User = nobody\n").user());
        assertEquals(Optional.of("65534"), ConfigParserTest.parse(wg + "User = 65534\n").user());
        assertError(wg + "User = nobody nogroup\n",
                "jp0.conf:3: User 'nobody nogroup' is not a user name or id: write one account, e.g. User = nobody");
        assertError(wg + "PostDown = iptables -D x\nUser = nobody\n", "jp0.conf:4: User cannot go with PostDown"
                + " (line 3): the hook runs when the interface goes down, and with User the daemon no longer has"
                + " root then: remove one of the two");
        // What jtun down can undo as root is fine: DNS, a default route's rules; the up hooks run before the drop.
        ConfigParserTest.parse(wg + "User = nobody\nDNS = 10.0.0.53\nPostUp = true\n[Peer]\nPublicKey = " + PUBLIC_A
                + "\nAllowedIPs = 0.0.0.0/0\n");
    }
}
