package io.jtun.conn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtun.sys.Libc;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class SocketEndpointTest {
    private static final HexFormat HEX = HexFormat.of();

    private static SocketEndpoint endpoint(String host, int port) throws Exception {
        return SocketEndpoint.of(new InetSocketAddress(InetAddress.getByName(host), port));
    }

    private static String hex(MemorySegment s) {
        return HEX.formatHex(s.toArray(ValueLayout.JAVA_BYTE));
    }

    @Test
    void encodesIpv4AsSockaddrIn() throws Exception {
        SocketEndpoint e = endpoint("198.18.0.2", 51820);
        // family 2 (host order), port 51820 = 0xca6c (network order), address, 8 zero bytes
        assertEquals("0200ca6cc6120002" + "0000000000000000", hex(e.sockaddr()));
        assertEquals(Libc.AF_INET, e.family());
        assertTrue(e.isIpv4());
        assertEquals("198.18.0.2:51820", e.toString());
    }

    @Test
    void encodesIpv6AsSockaddrIn6() throws Exception {
        SocketEndpoint e = endpoint("fd00::2", 51820);
        assertEquals("0a00ca6c" + "00000000" + "fd000000000000000000000000000002" + "00000000", hex(e.sockaddr()));
        assertEquals(Libc.AF_INET6, e.family());
        assertEquals("[fd00::2]:51820", e.toString());
    }

    @Test
    void keepsTheScopeOfLinkLocalAddresses() throws Exception {
        byte[] fe80 = InetAddress.getByName("fe80::1").getAddress();
        SocketEndpoint e = SocketEndpoint.of(new InetSocketAddress(Inet6Address.getByAddress(null, fe80, 3), 7));
        assertEquals(3, e.scopeId());
        assertEquals("[fe80::1%3]:7", e.toString());
        assertEquals("03000000", hex(e.sockaddr().asSlice(24, 4)));
        SocketEndpoint unscoped = endpoint("fe80::1", 7);
        assertNotEquals(unscoped, e);
        assertEquals(e, SocketEndpoint.fromSockaddr(e.sockaddr(), 28));
    }

    @Test
    void roundTripsThroughTheSockaddr() throws Exception {
        for (String text : new String[] {"198.18.0.2", "127.0.0.1", "0.0.0.0", "fd00::2", "::1", "::",
            "fd00:1:2:3:4:5:6:7"}) {
            SocketEndpoint e = endpoint(text, 443);
            SocketEndpoint back = SocketEndpoint.fromSockaddr(e.sockaddr(), (int) e.sockaddr().byteSize());
            assertEquals(e, back, text);
            assertEquals(e.hashCode(), back.hashCode(), text);
            assertEquals(e.toString(), back.toString());
            assertEquals(new InetSocketAddress(InetAddress.getByName(text), 443), back.toInetSocketAddress());
        }
    }

    @Test
    void normalizesV4MappedAddressesToIpv4() throws Exception {
        SocketEndpoint v4 = endpoint("198.18.0.2", 51820);
        MemorySegment mapped = v4.encodeFor(Libc.AF_INET6);
        assertEquals("0a00ca6c" + "00000000" + "00000000000000000000ffffc6120002" + "00000000", hex(mapped));

        SocketEndpoint decoded = SocketEndpoint.fromSockaddr(mapped, 28);
        assertEquals(v4, decoded);
        assertTrue(decoded.isIpv4());
        assertEquals("198.18.0.2:51820", decoded.toString());
        assertTrue(decoded.toInetSocketAddress().getAddress() instanceof Inet4Address);

        // Even when handed an explicit Inet6Address holding the mapped form.
        byte[] mappedBytes = mapped.asSlice(8, 16).toArray(ValueLayout.JAVA_BYTE);
        SocketEndpoint viaInet6 = SocketEndpoint.of(new InetSocketAddress(
                Inet6Address.getByAddress(null, mappedBytes, 0), 51820));
        assertEquals(v4, viaInet6);
        assertEquals("198.18.0.2:51820", viaInet6.toString());
    }

    @Test
    void encodesForTheSocketFamily() throws Exception {
        SocketEndpoint v4 = endpoint("198.18.0.2", 1);
        SocketEndpoint v6 = endpoint("fd00::2", 1);
        assertSame(v4.sockaddr(), v4.encodeFor(Libc.AF_INET));
        assertEquals(28, v4.encodeFor(Libc.AF_INET6).byteSize());
        assertSame(v6.sockaddr(), v6.encodeFor(Libc.AF_INET6));
        assertThrows(IllegalArgumentException.class, () -> v6.encodeFor(Libc.AF_INET));
        assertThrows(IllegalArgumentException.class, () -> v4.encodeFor(Libc.AF_UNIX));
    }

    @Test
    void comparesByContent() throws Exception {
        assertEquals(endpoint("198.18.0.2", 5), endpoint("198.18.0.2", 5));
        assertNotEquals(endpoint("198.18.0.2", 5), endpoint("198.18.0.2", 6));
        assertNotEquals(endpoint("198.18.0.2", 5), endpoint("198.18.0.3", 5));
        assertNotEquals(endpoint("::1", 5), endpoint("127.0.0.1", 5));
        assertFalse(endpoint("::1", 5).equals("[::1]:5"));
    }

    @Test
    void encodingsAreReadOnlyCopies() throws Exception {
        SocketEndpoint e = endpoint("198.18.0.2", 5);
        assertTrue(e.sockaddr().isReadOnly());
        byte[] bytes = e.addressBytes();
        bytes[0] = 1;
        assertArrayEquals(new byte[] {(byte) 198, 18, 0, 2}, e.addressBytes());
    }

    @Test
    void rejectsWhatIsNotAnEndpoint() {
        assertThrows(IllegalArgumentException.class,
                () -> SocketEndpoint.of(InetSocketAddress.createUnresolved("example.org", 1)));
        MemorySegment unix = MemorySegment.ofArray(new byte[] {1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
        assertThrows(IllegalArgumentException.class, () -> SocketEndpoint.fromSockaddr(unix, 16));
        MemorySegment shortV6 = MemorySegment.ofArray(new byte[28]);
        shortV6.set(ValueLayout.JAVA_BYTE, 0, (byte) Libc.AF_INET6);
        assertThrows(IllegalArgumentException.class, () -> SocketEndpoint.fromSockaddr(shortV6, 16));
        assertThrows(IllegalArgumentException.class, () -> SocketEndpoint.fromSockaddr(shortV6, 40));
    }
}
