package io.jtun.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class InetFormatTest {

    @ParameterizedTest
    @CsvSource({
            "fd00:3:0:0:0:0:0:11, fd00:3::11",
            "fe80:0:0:0:0:0:0:1, fe80::1",
            "ff02:0:0:0:0:0:0:2, ff02::2",
            "0:0:0:0:0:0:0:0, ::",
            "0:0:0:0:0:0:0:1, ::1",
            "1:0:0:0:0:0:0:0, 1::",
            "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",       // equal runs: the first is compressed
            "2001:0:0:1:0:0:0:1, 2001:0:0:1::1",             // the longer run wins
            "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",    // a single zero group stays
            "2001:DB8:00AB:0:0:0:0:FFFF, 2001:db8:ab::ffff", // lowercase, no leading zeros
            "0:0:0:0:0:ffff:c000:0201, ::ffff:192.0.2.1",    // IPv4-mapped, RFC 5952 section 5
            "0:0:0:0:1:ffff:c000:0201, ::1:ffff:c000:201",   // not mapped
            "1:2:3:4:5:6:7:8, 1:2:3:4:5:6:7:8",
            "1:0:0:2:0:0:0:0, 1:0:0:2::",
    })
    void ipv6Canonical(String full, String canonical) {
        assertEquals(canonical, InetFormat.ipv6(groups(full), 0));
    }

    @Test
    void ipv6AtOffset() {
        byte[] b = PacketBuilder.concat(new byte[3], PacketBuilder.ip("fd00::2"));
        assertEquals("fd00::2", InetFormat.ipv6(b, 3));
    }

    @Test
    void ipv4() {
        assertEquals("192.168.3.11", InetFormat.ipv4(PacketBuilder.bytes(192, 168, 3, 11), 0));
        assertEquals("0.0.0.0", InetFormat.ipv4(new byte[4], 0));
        assertEquals("255.255.255.255", InetFormat.ipv4(PacketBuilder.bytes(7, 255, 255, 255, 255), 1));
    }

    @Test
    void mac() {
        assertEquals("02:6a:74:75:6e:01", InetFormat.mac(PacketBuilder.bytes(0, 2, 0x6a, 0x74, 0x75, 0x6e, 1), 1));
        assertEquals("ff:ff:ff:ff:ff:ff", InetFormat.mac(PacketBuilder.bytes(255, 255, 255, 255, 255, 255), 0));
    }

    private static byte[] groups(String full) {
        String[] parts = full.split(":");
        byte[] b = new byte[16];
        for (int i = 0; i < 8; i++) {
            Bytes.put16(b, i * 2, Integer.parseInt(parts[i], 16));
        }
        return b;
    }
}
