package io.jtun.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtun.ExitCode;
import io.jtun.JtunException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IpPrefixTest {

    @ParameterizedTest
    @CsvSource({
        "192.168.3.11/24, 192.168.3.11/24",
        "192.168.3.11, 192.168.3.11/32",
        "0.0.0.0/0, 0.0.0.0/0",
        "255.255.255.255/32, 255.255.255.255/32",
        "' 10.0.0.1/8 ', 10.0.0.1/8",
        "10.0.0.1/08, 10.0.0.1/8",
        "fd00:3::11/64, fd00:3::11/64",
        "FD00:0003:0000:0000:0000:0000:0000:0011/64, fd00:3::11/64",
        "fd00::1, fd00::1/128",
        "::/0, ::/0",
        "::, ::/128",
        "::1, ::1/128",
        "1::, 1::/128",
        "2001:db8:0:0:1:0:0:1/64, 2001:db8::1:0:0:1/64",
        "2001:db8:0:0:0:0:2:1, 2001:db8::2:1/128",
        "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1/128",
        "2001:0:0:1:0:0:0:1, 2001:0:0:1::1/128",
        "1:0:0:2:0:0:3:4, 1::2:0:0:3:4/128",
        "::ffff:192.0.2.1/128, ::ffff:192.0.2.1/128",
        "::ffff:c000:201, ::ffff:192.0.2.1/128",
        "64:ff9b::192.0.2.33/96, 64:ff9b::c000:221/96",
        "1:2:3:4:5:6:1.2.3.4, 1:2:3:4:5:6:102:304/128",
        "1:2:3:4:5:6:7::, 1:2:3:4:5:6:7:0/128",
        "::2:3:4:5:6:7:8, 0:2:3:4:5:6:7:8/128",
    })
    void parsesAndPrintsCanonically(String text, String canonical) {
        assertEquals(canonical, IpPrefix.parse(text).toString());
        assertEquals(IpPrefix.parse(canonical), IpPrefix.parse(text));
    }

    @Test
    void bytesAndFamily() {
        IpPrefix v4 = IpPrefix.parse("192.168.3.11/24");
        assertArrayEquals(new byte[] {(byte) 192, (byte) 168, 3, 11}, v4.address());
        assertEquals(24, v4.prefixLength());
        assertFalse(v4.isIpv6());
        IpPrefix v6 = IpPrefix.parse("fd00:3::11/64");
        assertTrue(v6.isIpv6());
        byte[] expected = new byte[16];
        expected[0] = (byte) 0xfd;
        expected[3] = 3;
        expected[15] = 0x11;
        assertArrayEquals(expected, v6.address());
        assertEquals("fd00:3::11", v6.addressText());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", " ", "/24", "1.2.3.4/", "1.2.3.4//24", "1.2.3.4/-1", "1.2.3.4/+24", "1.2.3.4/ 24", "1.2.3.4/2 4",
        "1.2.3.4/1000", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.-4", "01.2.3.4", "1..3.4", "1.2.3.4.",
        "0x1.2.3.4", "1.2.3.4x", "localhost", "example.com", "example.com/24", "host-1/24",
        ":", ":::", "1::2::3", "12345::", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8::",
        "::1:2:3:4:5:6:7:8", ":1::", "1::2:", "g::1", "fe80::1%eth0", "[::1]", "::ffff:1.2.3",
        "::1.2.3.4:5", "1.2.3.4::", "1:2:3:4:5:6:7:1.2.3.4", "\uff11.2.3.4", "\u0663::1",
    })
    void rejectsWhatIsNotAPrefix(String text) {
        JtunException e = assertThrows(JtunException.class, () -> IpPrefix.parse(text));
        assertEquals(ExitCode.USAGE, e.exitCode());
        assertEquals("'" + text + "' is not an IP address with prefix length, e.g. 192.168.3.11/24 or fd00::1/64",
                e.getMessage());
    }

    @Test
    void prefixLengthIsRangeChecked() {
        JtunException v4 = assertThrows(JtunException.class, () -> IpPrefix.parse("1.2.3.4/33"));
        assertEquals(ExitCode.USAGE, v4.exitCode());
        assertEquals("prefix length 33 in '1.2.3.4/33' is out of range: IPv4 allows 0-32", v4.getMessage());
        JtunException v6 = assertThrows(JtunException.class, () -> IpPrefix.parse("::1/129"));
        assertEquals("prefix length 129 in '::1/129' is out of range: IPv6 allows 0-128", v6.getMessage());
        assertEquals(32, IpPrefix.parse("1.2.3.4/32").prefixLength());
        assertEquals(128, IpPrefix.parse("::1/128").prefixLength());
    }

    @Test
    void equalityIsByContent() {
        IpPrefix a = new IpPrefix(new byte[] {10, 0, 0, 1}, 8);
        IpPrefix b = IpPrefix.parse("10.0.0.1/8");
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(a, IpPrefix.parse("10.0.0.1/16"));
        assertNotEquals(a, IpPrefix.parse("10.0.0.2/8"));
        assertNotEquals(IpPrefix.parse("::a00:1/8"), a);
        assertTrue(a.sameAddress(IpPrefix.parse("10.0.0.1/16")));
    }

    @Test
    void isImmutable() {
        byte[] bytes = {10, 0, 0, 1};
        IpPrefix prefix = new IpPrefix(bytes, 8);
        bytes[0] = 11;
        prefix.address()[1] = 99;
        assertEquals("10.0.0.1/8", prefix.toString());
    }

    @Test
    void networkClearsHostBits() {
        assertEquals("192.168.3.0/24", IpPrefix.parse("192.168.3.11/24").network().toString());
        assertEquals("10.64.0.0/10", IpPrefix.parse("10.127.255.255/10").network().toString());
        assertEquals("0.0.0.0/0", IpPrefix.parse("8.8.8.8/0").network().toString());
        assertEquals("1.2.3.4/32", IpPrefix.parse("1.2.3.4").network().toString());
        assertEquals("fd00:3::/64", IpPrefix.parse("fd00:3::11/64").network().toString());
        assertEquals("fd00:ff80::/25", IpPrefix.parse("fd00:ffff::1/25").network().toString());
    }

    @Test
    void constructorRejectsImpossibleValues() {
        assertThrows(IllegalArgumentException.class, () -> new IpPrefix(new byte[5], 8));
        assertThrows(IllegalArgumentException.class, () -> new IpPrefix(new byte[4], 33));
        assertThrows(IllegalArgumentException.class, () -> new IpPrefix(new byte[16], -1));
        assertThrows(NullPointerException.class, () -> new IpPrefix(null, 0));
    }
}
