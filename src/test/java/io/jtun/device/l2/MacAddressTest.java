package io.jtun.device.l2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MacAddressTest {
    private static MemorySegment bytes(int... values) {
        MemorySegment segment = Arena.ofAuto().allocate(values.length);
        for (int i = 0; i < values.length; i++) {
            segment.set(ValueLayout.JAVA_BYTE, i, (byte) values[i]);
        }
        return segment;
    }

    @Test
    void readsTheFirstWireByteIntoTheHighBits() {
        MemorySegment data = bytes(0x02, 0x00, 0x00, 0x00, 0x00, 0x01);
        assertEquals(0x0200_0000_0001L, MacAddress.read(data, 0));
    }

    @Test
    void readsAtAnUnalignedOffsetWithoutSignExtension() {
        MemorySegment data = bytes(0x99, 0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x99);
        assertEquals(0xfedc_ba98_7654L, MacAddress.read(data, 1));
        assertEquals(MacAddress.BROADCAST, MacAddress.read(bytes(0xff, 0xff, 0xff, 0xff, 0xff, 0xff), 0));
    }

    @Test
    void readsTheAddressesOfAnEthernetHeader() {
        MemorySegment frame = bytes(
                0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                0x02, 0x6a, 0x74, 0x75, 0x6e, 0x01,
                0x08, 0x06);
        assertEquals(EthernetFrame.HEADER, frame.byteSize());
        assertTrue(MacAddress.isBroadcast(MacAddress.read(frame, EthernetFrame.DESTINATION)));
        assertEquals("02:6a:74:75:6e:01", MacAddress.format(MacAddress.read(frame, EthernetFrame.SOURCE)));
        assertEquals(EthernetFrame.HEADER - Short.BYTES, EthernetFrame.ETHER_TYPE);
    }

    @Test
    void groupBitIsTheLowBitOfTheFirstByte() {
        assertTrue(MacAddress.isMulticast(MacAddress.parse("01:00:5e:00:00:fb")));
        assertTrue(MacAddress.isMulticast(MacAddress.parse("33:33:00:00:00:01")));
        assertTrue(MacAddress.isMulticast(MacAddress.BROADCAST));
        assertFalse(MacAddress.isMulticast(MacAddress.parse("02:00:00:00:00:01")));
        assertFalse(MacAddress.isMulticast(MacAddress.parse("00:00:00:00:00:01")), "the I/G bit is in the first byte");
    }

    @Test
    void broadcastIsOnlyAllOnes() {
        assertTrue(MacAddress.isBroadcast(MacAddress.parse("ff:ff:ff:ff:ff:ff")));
        assertFalse(MacAddress.isBroadcast(MacAddress.parse("ff:ff:ff:ff:ff:fe")));
        assertFalse(MacAddress.isBroadcast(MacAddress.parse("01:00:5e:00:00:01")));
    }

    @Test
    void formatsLowerCaseWithLeadingZeros() {
        assertEquals("02:00:00:00:00:01", MacAddress.format(0x0200_0000_0001L));
        assertEquals("ab:cd:ef:01:23:45", MacAddress.format(0xabcd_ef01_2345L));
        assertEquals("00:00:00:00:00:00", MacAddress.format(0));
    }

    @Test
    void parseAcceptsEitherCaseAndRoundTrips() {
        assertEquals(0xabcd_ef01_2345L, MacAddress.parse("AB:cd:Ef:01:23:45"));
        for (long mac : new long[] {0, 1, 0x0200_0000_0001L, MacAddress.BROADCAST, 0x8000_0000_0000L}) {
            assertEquals(mac, MacAddress.parse(MacAddress.format(mac)));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", "02:00:00:00:00", "02:00:00:00:00:01:", "02-00-00-00-00-01", "02:00:00:00:00:0g",
        "002:00:00:00:00:1", " 2:00:00:00:00:01", "0200.0000.0001xx", "\uff10\uff12:00:00:00:00:01"})
    void parseRejectsMalformedText(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MacAddress.parse(text));
        assertTrue(e.getMessage().contains("\"" + text + "\""), e.getMessage());
    }
}
