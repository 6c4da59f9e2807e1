package io.jtun.device;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.jtun.config.Compression;
import io.jtun.config.Key;
import io.jtun.config.Layer2;
import io.jtun.config.Secret;
import io.jtun.conn.PacketBatch;
import io.jtun.conn.RecordingTransport;
import io.jtun.conn.SocketEndpoint;
import io.jtun.device.l2.FrameHeader;
import io.jtun.device.offload.VirtioNetHeader;
import io.jtun.device.wg.RemotePeer;
import io.jtun.device.wg.WgClock;
import io.jtun.device.wg.WireGuard;
import io.jtun.fuzz.Deterministic;
import io.jtun.fuzz.FuzzFindings;
import io.jtun.log.Log;
import io.jtun.net.IpPrefix;
import io.jtun.noise.Messages;
import io.jtun.noise.StaticIdentity;
import io.jtun.noise.TransportMessage;
import io.jtun.sys.WakePipe;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.foreign.ValueLayout;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Fuzz target: the inbound data path of a WireGuard interface, from received datagrams to
 * device writes: {@link InboundLoop#deliverBatch} with the real {@link WireGuard} codec (type
 * dispatch, session lookup by index, replay window, decryption, padding cut by the inner IP
 * header or the frame header, handshake messages queued for the worker), then the loop's own
 * checks: the inner source address against the peer's AllowedIPs, GRO ({@code TcpCoalescer}),
 * and on a TAP interface the frame header, LZ4 decompression and the learning switch (with a hub,
 * forwarding). Only the socket and the device are left out: datagrams are put into the batch as
 * a receive would, and device writes are recorded.
 *
 * <p>Each input builds a fresh interface with two peers. The session with the first, R, comes
 * from a real handshake through the interface's handshake worker (run on this thread) or is
 * given directly; then R's datagrams arrive. Input: byte 0 is the setup (bit 0 TAP, bit 1 GRO on
 * TUN, bit 2 hub, bit 3 session by handshake, bit 4 session we initiated, bit 5 all datagrams in
 * one UDP GRO train, bit 6 LZ4), then records {@code [kind][counter][length u16]} and the bytes:
 * kind bit 0 sends the bytes raw (type, index, counter and all, as anyone on the network can),
 * else R seals them with its session key and the counter (kind bit 1: as a type-5 frame
 * message). After the batch the worker handles what it queued (raw handshake messages).
 *
 * <p>The property: nothing throws, no access leaves its buffer; the device gets only what R sealed:
 * each write is, byte for byte, the start of one sealed packet or frame (with the zeros padding
 * it), and on TUN its source address lies in R's AllowedIPs.
 */
@ExtendWith(FuzzFindings.class)
class InboundFuzzTest {
    private static final int SLOT_SIZE = Tunnel.SLOT_SIZE;
    private static final int BATCH = 8;
    private static final int MTU = 1420;
    private static final long NOW = 1_000_000_000_000L;
    private static final long EPOCH = 1_704_067_200_000_000_000L;
    private static final WgClock CLOCK = new WgClock() {
        @Override
        public long nanoTime() {
            return NOW;
        }

        @Override
        public long epochNanos() {
            return EPOCH;
        }
    };
    private static final byte[] LOCAL_KEY = Deterministic.key(0x61);
    private static final StaticIdentity REMOTE = new StaticIdentity(Deterministic.key(0x62));
    private static final Key OTHER = Key.of(new StaticIdentity(Deterministic.key(0x63)).publicKey());
    private static final SocketEndpoint REMOTE_ENDPOINT = endpoint("198.18.0.2", 51820);
    private static final SocketEndpoint OTHER_ENDPOINT = endpoint("198.18.0.3", 51820);
    private static final List<IpPrefix> REMOTE_IPS = List.of(IpPrefix.parse("10.7.0.0/24"), IpPrefix.parse("fd00:7::/64"));
    private static final List<IpPrefix> OTHER_IPS = List.of(IpPrefix.parse("10.8.0.0/24"));
    private static final byte[] SESSION_KEY = Deterministic.key(0x64);
    /** Polled only when a send blocks, which the recording underlay never does. */
    private static final WakePipe WAKE = new WakePipe();

    static {
        if (System.getenv("JAZZER_FUZZ") != null) {
            // This JVM fuzzes only this target: its thousands of handshakes a second need no log lines.
            Log.setOutput(new PrintStream(OutputStream.nullOutputStream()));
        }
    }

    /** One sealed datagram's content: what the device may receive from it. */
    private record Sealed(byte[] content, boolean frame) {
    }

    @FuzzTest
    void inbound(byte[] input) {
        if (input.length == 0) {
            return;
        }
        int setup = input[0];
        boolean tap = (setup & 1) != 0;
        boolean gro = !tap && (setup & 2) != 0;
        PeerTable peers = new PeerTable();
        TrafficCounters counters = new TrafficCounters();
        RecordingTransport transport = new RecordingTransport();
        Underlay underlay = new Underlay(transport);
        List<byte[]> written = new ArrayList<>();
        try (Arena arena = Arena.ofConfined();
                WireGuard wg = new WireGuard(Secret.of(LOCAL_KEY), peers, underlay, counters, MTU, SLOT_SIZE, CLOCK,
                        tap)) {
            Peer remote = new Peer("R", REMOTE_ENDPOINT);
            wg.addPeer(remote, Key.of(REMOTE.publicKey()), null, 0);
            peers.add(remote, tap ? List.of() : REMOTE_IPS);
            Peer other = new Peer("O", OTHER_ENDPOINT);
            wg.addPeer(other, OTHER, null, 0);
            peers.add(other, tap ? List.of() : OTHER_IPS);
            RemotePeer r = new RemotePeer(wg, remote, REMOTE, Deterministic.random(7), REMOTE_ENDPOINT, transport, arena);
            PacketBatch batch = new PacketBatch(arena, BATCH, SLOT_SIZE);
            if ((setup & 8) != 0) {
                if (!r.deliverHandshake(r.initiation(EPOCH), batch, InboundLoop.HEADROOM)) {
                    fail("the interface refused an intact handshake");
                }
            } else {
                r.giveSession(SESSION_KEY, (setup & 16) != 0, NOW);
            }
            FrameSwitch frameSwitch = tap ? new FrameSwitch("fz0", new Layer2((setup & 4) != 0,
                    (setup & 64) != 0 ? Compression.LZ4 : Compression.NONE, 300, 1024), counters) : null;
            LoopContext context = new LoopContext(underlay, peers, wg, counters, WAKE, null, BATCH, gro, gro,
                    frameSwitch, tap, tap && (setup & 64) != 0);
            InboundLoop loop = new InboundLoop((data, offset, length) -> {
                assertTrue(offset >= 0 && length >= 0 && offset + length <= data.byteSize(),
                        "device write of " + length + " at " + offset + " in " + data.byteSize());
                written.add(data.asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE));
                return true;
            }, context);
            loop.prepare(arena);
            List<Sealed> sealed = new ArrayList<>();
            int count = fill(batch, input, r, sealed, (setup & 32) != 0);
            loop.deliverBatch(batch, count, NOW);
            r.runWorker();
            for (byte[] packet : written) {
                check(packet, sealed, tap, gro);
            }
        }
    }

    /** Puts the input's datagrams into the batch as a receive would; the number of slots filled. */
    private static int fill(PacketBatch batch, byte[] input, RemotePeer r, List<Sealed> sealed, boolean train) {
        List<byte[]> datagrams = new ArrayList<>();
        int at = 1;
        while (at + 4 <= input.length && datagrams.size() < BATCH) {
            int kind = input[at];
            int counter = input[at + 1] & 0xff;
            int length = Math.min(((input[at + 2] & 0xff) << 8) | (input[at + 3] & 0xff), input.length - at - 4);
            byte[] bytes = Arrays.copyOfRange(input, at + 4, at + 4 + length);
            at += 4 + length;
            if ((kind & 1) != 0 || !r.hasSession()) {
                datagrams.add(bytes);
            } else {
                boolean frame = (kind & 2) != 0;
                sealed.add(new Sealed(bytes, frame));
                datagrams.add(r.seal(frame ? Messages.TYPE_FRAME : Messages.TYPE_TRANSPORT, counter, bytes, MTU));
            }
        }
        if (train && !datagrams.isEmpty()) {
            // One slot holding them all back to back, cut at the first one's size (UDP GRO).
            byte[] all = datagrams.stream().reduce(new byte[0], InboundFuzzTest::concat);
            put(batch, 0, Arrays.copyOf(all, Math.min(all.length, SLOT_SIZE - InboundLoop.HEADROOM)));
            batch.setSegmentSize(0, datagrams.get(0).length);
            return 1;
        }
        int slot = 0;
        for (byte[] datagram : datagrams) {
            if (datagram.length <= SLOT_SIZE - InboundLoop.HEADROOM) {
                put(batch, slot++, datagram);
            }
        }
        return slot;
    }

    private static void put(PacketBatch batch, int slot, byte[] datagram) {
        batch.setLength(slot, 0);
        batch.setOffset(slot, InboundLoop.HEADROOM);
        MemorySegment.copy(datagram, 0, batch.data(), ValueLayout.JAVA_BYTE, batch.payloadStart(slot), datagram.length);
        batch.setLength(slot, datagram.length);
        batch.setSegmentSize(slot, 0);
        batch.setAddress(slot, REMOTE_ENDPOINT);
    }

    /** A device write must be (the start of) something R sealed; on TUN, from R's addresses. */
    private static void check(byte[] packet, List<Sealed> sealed, boolean tap, boolean gro) {
        byte[] inner = packet;
        boolean merged = false;
        if (gro) {
            // Behind a virtio-net header: all zero for a packet as it came, else a GRO super-packet.
            inner = Arrays.copyOfRange(packet, VirtioNetHeader.SIZE, packet.length);
            merged = packet[1] != VirtioNetHeader.GSO_NONE;
        }
        if (!tap) {
            assertTrue(fromRemote(inner), "a packet from outside R's AllowedIPs reached the device");
        }
        if (merged) {
            return; // its payload is several packets': each was checked as it was added
        }
        for (Sealed s : sealed) {
            // What R encrypted: the content and the zeros padding it (a length field may reach into them).
            byte[] content = Arrays.copyOf(s.content, TransportMessage.paddedLength(s.content.length, MTU));
            if (tap && s.frame && content.length >= FrameHeader.SIZE) {
                if ((content[0] & FrameHeader.COMPRESSED) != 0) {
                    return; // decompressed: the codec's bounds were checked as it was written
                }
                content = Arrays.copyOfRange(content, FrameHeader.SIZE, content.length);
            }
            if (!tap && s.frame || tap && !s.frame) {
                continue;
            }
            if (inner.length <= content.length && Arrays.equals(inner, 0, inner.length, content, 0, inner.length)) {
                return;
            }
        }
        fail("the device got " + inner.length + " bytes R did not seal: " + HexFormat.of().formatHex(inner));
    }

    private static boolean fromRemote(byte[] p) {
        int version = p.length > 0 ? (p[0] & 0xf0) >>> 4 : 0;
        if (version == 4 && p.length >= 20) {
            return (p[12] & 0xff) == 10 && (p[13] & 0xff) == 7 && p[14] == 0;
        }
        if (version == 6 && p.length >= 40) {
            byte[] prefix = {(byte) 0xfd, 0, 0, 7, 0, 0, 0, 0};
            return Arrays.equals(p, 8, 16, prefix, 0, 8);
        }
        return false;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    private static SocketEndpoint endpoint(String address, int port) {
        return SocketEndpoint.of(new InetSocketAddress(address, port));
    }
}
