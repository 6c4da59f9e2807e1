package io.jtun.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtun.ExitCode;
import io.jtun.JtunException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EndpointSpecTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "198.18.0.2:51820        | 198.18.0.2       | 51820 | 198.18.0.2:51820",
        "' 198.18.0.2 : 1 '      | 198.18.0.2       | 1     | 198.18.0.2:1",
        "[fd00::2]:51820         | fd00::2          | 51820 | [fd00::2]:51820",
        "[FD00:0000::0002]:65535 | fd00::2          | 65535 | [fd00::2]:65535",
        "[::ffff:192.0.2.1]:7    | ::ffff:192.0.2.1 | 7     | [::ffff:192.0.2.1]:7",
        "vpn.example.com:51820   | vpn.example.com  | 51820 | vpn.example.com:51820",
        "Peer_1:9                | Peer_1           | 9     | Peer_1:9",
        "localhost:00080         | localhost        | 80    | localhost:80",
    })
    void parses(String text, String host, int port, String printed) {
        EndpointSpec endpoint = EndpointSpec.parse(text);
        assertEquals(host, endpoint.host());
        assertEquals(port, endpoint.port());
        assertEquals(printed, endpoint.toString());
        assertTrue(endpoint.hasPort());
        assertEquals(endpoint, EndpointSpec.parse(printed), "toString parses back to the same endpoint");
    }

    @Test
    void portIsOptionalOnlyWhenAsked() {
        EndpointSpec bare = EndpointSpec.parse("198.18.0.2", false);
        assertEquals(new EndpointSpec("198.18.0.2", 0), bare);
        assertFalse(bare.hasPort());
        assertEquals("198.18.0.2", bare.toString());
        assertEquals("[fd00::2]", EndpointSpec.parse("[fd00::2]", false).toString());
        assertEquals("peer.example", EndpointSpec.parse("peer.example", false).toString());
        assertEquals(new EndpointSpec("198.18.0.2", 5), EndpointSpec.parse("198.18.0.2:5", false));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "198.18.0.2           | Endpoint '198.18.0.2' has no port: write host:port, e.g. 198.18.0.2:51820",
        "198.18.0.2:          | Endpoint '198.18.0.2:' has no port: write host:port, e.g. 198.18.0.2:51820",
        "[fd00::2]            | Endpoint '[fd00::2]' has no port: write host:port, e.g. [fd00::2]:51820",
        "198.18.0.2:70000     | Endpoint '198.18.0.2:70000' has port 70000, which is out of range: use a port from 1 to 65535",
        "198.18.0.2:0         | Endpoint '198.18.0.2:0' has port 0, which is out of range: use a port from 1 to 65535",
        "198.18.0.2:9999999999| Endpoint '198.18.0.2:9999999999' has port 9999999999, which is out of range: use a port from 1 to 65535",
        "198.18.0.2:http      | Endpoint '198.18.0.2:http' has port 'http', which is not a number: use a port from 1 to 65535",
        ":51820               | Endpoint ':51820' has no host: write host:port, e.g. 198.18.0.2:51820",
        "fd00::2:51820        | Endpoint 'fd00::2:51820' looks like an IPv6 address without brackets: put the address in brackets, as in [fd00::2]:51820",
        "[fd00::2:51820       | Endpoint '[fd00::2:51820' has no closing ']': write an IPv6 endpoint like [fd00::2]:51820",
        "[198.18.0.2]:1       | Endpoint '[198.18.0.2]:1' has '198.18.0.2' in brackets, which is not an IPv6 address: brackets are only for IPv6, as in [fd00::2]:51820",
        "[]:1                 | Endpoint '[]:1' has '' in brackets, which is not an IPv6 address: brackets are only for IPv6, as in [fd00::2]:51820",
        "[fd00::2]51820       | Endpoint '[fd00::2]51820' has '51820' after ']': write it like [fd00::2]:51820",
        "10.0.0.300:1         | Endpoint '10.0.0.300:1' has '10.0.0.300', which is not an IPv4 address: write four numbers 0-255, e.g. 198.18.0.2:51820",
        "bad host:1           | Endpoint 'bad host:1' has 'bad host', which is not a valid host name: use an IP address or a DNS name such as vpn.example.com",
        "-x.example:1         | Endpoint '-x.example:1' has '-x.example', which is not a valid host name: use an IP address or a DNS name such as vpn.example.com",
        "a..b:1               | Endpoint 'a..b:1' has 'a..b', which is not a valid host name: use an IP address or a DNS name such as vpn.example.com",
    })
    void rejectsWithAMessage(String text, String message) {
        JtunException e = assertThrows(JtunException.class, () -> EndpointSpec.parse(text));
        assertEquals(ExitCode.USAGE, e.exitCode());
        assertEquals(message, e.getMessage());
    }

    @Test
    void emptyEndpoint() {
        JtunException e = assertThrows(JtunException.class, () -> EndpointSpec.parse("  "));
        assertEquals("Endpoint is empty: write host:port, e.g. 198.18.0.2:51820 or [fd00::2]:51820", e.getMessage());
    }

    @Test
    void neverResolvesNames() {
        // A name that cannot resolve parses all the same: the parser only looks at the text.
        assertEquals("no-such-host.invalid", EndpointSpec.parse("no-such-host.invalid:1").host());
    }
}
