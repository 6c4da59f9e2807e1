package io.jtun.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.jtun.config.Compression;
import io.jtun.config.Layer2;
import io.jtun.device.l2.MacAddress;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The switch's decisions, frame by frame, for a hub and for a mesh member. */
class FrameSwitchTest {
    private static final long NOW = 1_000_000_000L;
    private static final long HOST_HERE = MacAddress.parse("02:00:00:00:00:01");
    private static final long HOST_B = MacAddress.parse("02:00:00:00:00:02");
    private static final long HOST_C = MacAddress.parse("02:00:00:00:00:03");
    private static final long BROADCAST = MacAddress.BROADCAST;
    private static final long MULTICAST = MacAddress.parse("33:33:00:00:00:01");

    private final Arena arena = Arena.ofAuto();
    private final MemorySegment frame = arena.allocate(64);
    private final Peer b = new Peer("b", null);
    private final Peer c = new Peer("c", null);
    private final PeerTable peers = new PeerTable();
    private final TrafficCounters interfaceCounters = new TrafficCounters();

    FrameSwitchTest() {
        peers.add(b, List.of());
        peers.add(c, List.of());
    }

    private FrameSwitch switchWith(boolean hub, int limit) {
        return new FrameSwitch("jt0", new Layer2(hub, Compression.NONE, 300, limit), interfaceCounters);
    }

    /** A 60-byte frame from {@code source} to {@code destination}. */
    private MemorySegment frame(long destination, long source) {
        writeMac(0, destination);
        writeMac(6, source);
        frame.set(ValueLayout.JAVA_SHORT_UNALIGNED, 12, (short) 0xb588); // 0x88b5 on the wire
        return frame;
    }

    private void writeMac(long at, long mac) {
        for (int i = 0; i < 6; i++) {
            frame.set(ValueLayout.JAVA_BYTE, at + i, (byte) (mac >>> (40 - 8 * i)));
        }
    }

    private Peer fromDevice(FrameSwitch s, long destination, long source) {
        return s.fromDevice(frame(destination, source), 0, 60, NOW);
    }

    private Peer fromPeer(FrameSwitch s, Peer from, long destination, long source) {
        return s.fromPeer(from, frame(destination, source), 0, 60, NOW);
    }

    @Test
    void unknownBroadcastAndMulticastDestinationsFloodAndLearnedOnesGoToTheirPeer() {
        FrameSwitch s = switchWith(false, 100);
        assertSame(FrameSwitch.FLOOD, fromDevice(s, HOST_B, HOST_HERE), "unknown unicast");
        assertSame(FrameSwitch.FLOOD, fromDevice(s, BROADCAST, HOST_HERE));
        assertSame(FrameSwitch.FLOOD, fromDevice(s, MULTICAST, HOST_HERE));
        assertSame(FrameSwitch.LOCAL, fromPeer(s, b, HOST_HERE, HOST_B), "learned here from the device");
        assertSame(b, fromDevice(s, HOST_B, HOST_HERE), "learned behind b");
        assertSame(b, s.table().lookup(HOST_B, NOW));
        assertSame(FrameSwitch.LOCAL, s.table().lookup(HOST_HERE, NOW));
    }

    @Test
    void aFrameForThisSideIsFiltered() {
        FrameSwitch s = switchWith(false, 100);
        fromDevice(s, BROADCAST, HOST_HERE);
        assertNull(fromDevice(s, HOST_HERE, MacAddress.parse("02:00:00:00:00:09")), "both on this side");
        assertEquals(1, interfaceCounters.drops(DropReason.SAME_SIDE));
        fromPeer(s, b, BROADCAST, HOST_B);
        assertNull(fromPeer(s, b, HOST_B, MacAddress.parse("02:00:00:00:00:0a")), "back to where it came from");
        assertEquals(1, b.counters().drops(DropReason.SAME_SIDE));
    }

    @Test
    void onlyAHubPassesFramesFromOnePeerToAnother() {
        FrameSwitch mesh = switchWith(false, 100);
        fromPeer(mesh, c, BROADCAST, HOST_C);
        assertSame(FrameSwitch.FLOOD, fromPeer(mesh, b, BROADCAST, HOST_B), "the loop floods to the device only");
        assertNull(fromPeer(mesh, b, HOST_C, HOST_B), "c hears b directly in a mesh");

        FrameSwitch hub = switchWith(true, 100);
        fromPeer(hub, c, BROADCAST, HOST_C);
        assertSame(c, fromPeer(hub, b, HOST_C, HOST_B));
        assertSame(FrameSwitch.FLOOD, fromPeer(hub, b, BROADCAST, HOST_B));
    }

    @Test
    void aMacMovingToAnotherPeerIsRelearnedAndCounted() {
        FrameSwitch s = switchWith(true, 100);
        fromPeer(s, b, BROADCAST, HOST_B);
        assertSame(b, fromDevice(s, HOST_B, HOST_HERE));
        fromPeer(s, c, BROADCAST, HOST_B);
        assertSame(c, fromDevice(s, HOST_B, HOST_HERE));
        assertEquals(1, s.table().moves());
    }

    @Test
    void groupSourceAddressesAndRuntFramesAreDropped() {
        FrameSwitch s = switchWith(true, 100);
        assertNull(fromPeer(s, b, HOST_HERE, MULTICAST));
        assertNull(s.fromPeer(b, frame(HOST_HERE, HOST_B), 0, 13, NOW));
        assertNull(s.fromDevice(frame(HOST_B, HOST_HERE), 0, 13, NOW));
        assertEquals(2, b.counters().drops(DropReason.MALFORMED));
        assertEquals(1, interfaceCounters.drops(DropReason.MALFORMED));
    }

    @Test
    void aPeerCannotLearnMoreThanTheLimitAndFramesStillFlow() {
        FrameSwitch s = switchWith(false, 2);
        for (int i = 0; i < 10; i++) {
            assertSame(FrameSwitch.FLOOD, fromPeer(s, b, BROADCAST, HOST_B + 0x100 * i));
        }
        assertEquals(2, s.table().count(b));
        assertEquals(8, s.table().limited());
    }

    @Test
    void aRemovedPeersAddressesAreForgotten() {
        FrameSwitch s = switchWith(true, 100);
        fromPeer(s, b, BROADCAST, HOST_B);
        peers.remove(b);
        assertSame(FrameSwitch.FLOOD, fromDevice(s, HOST_B, HOST_HERE));
        assertEquals(0, s.table().count(b));
    }
}
