package io.jtun.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Raw Ethernet for layer-2 tests: frames sent through a packet socket (python3, so any source
 * MAC address and ethertype), frames captured by tcpdump into a pcap file and read back, and the
 * MAC address of a device.
 */
final class EthernetFrames {
    static final String BROADCAST = "ff:ff:ff:ff:ff:ff";

    /**
     * argv: device, destination MAC, source MAC ("-": the device's own), ethertype (hex),
     * payload (hex), count. One frame every 50 ms; no padding added (a TAP device and a veth take
     * short frames), so a test's payload of 46 bytes or more comes back exactly.
     */
    private static final String SEND = """
            import socket, sys, time
            device, destination, source, ethertype, payload, count = sys.argv[1:7]
            if source == "-":
                source = open("/sys/class/net/%s/address" % device).read().strip()
            mac = lambda text: bytes.fromhex(text.replace(":", ""))
            frame = mac(destination) + mac(source) + int(ethertype, 16).to_bytes(2, "big") + bytes.fromhex(payload)
            s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
            s.bind((device, 0))
            for i in range(int(count)):
                if i:
                    time.sleep(0.05)
                s.send(frame)
            """;

    private static final Pattern ADDRESS = Pattern.compile("\"address\":\"([0-9a-f:]{17})\"");

    private EthernetFrames() {
    }

    /** One captured frame: addresses in lower-case colon notation. */
    record Frame(String destination, String source, int etherType, byte[] payload) {
        @Override
        public String toString() {
            return source + " > " + destination + " ethertype 0x" + Integer.toHexString(etherType) + " payload "
                    + HexFormat.of().formatHex(payload);
        }
    }

    /** The MAC address of {@code device} in {@code host}, from {@code ip -j link}. */
    static String mac(Netns host, String device) {
        Result link = host.exec("ip", "-j", "link", "show", "dev", device).check();
        Matcher m = ADDRESS.matcher(link.stdout());
        if (!m.find()) {
            throw new AssertionError("no MAC address for " + device + ": " + link);
        }
        return m.group(1);
    }

    /** Sends {@code count} identical frames out of {@code device}; {@code source} null means the device's own MAC. */
    static void send(Netns host, String device, String destination, String source, int etherType, byte[] payload,
            int count) {
        host.exec("python3", "-c", SEND, device, destination, source == null ? "-" : source,
                Integer.toHexString(etherType), HexFormat.of().formatHex(payload), String.valueOf(count)).check();
    }

    static void send(Netns host, String device, String destination, int etherType, byte[] payload) {
        send(host, device, destination, null, etherType, payload, 1);
    }

    /** A unique payload of {@code length} bytes (at least 46, so no padding is ever added): a tag, then random bytes. */
    static byte[] payload(String tag, int length) {
        byte[] payload = new byte[length];
        new java.security.SecureRandom().nextBytes(payload);
        byte[] text = tag.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        System.arraycopy(text, 0, payload, 0, Math.min(text.length, length));
        return payload;
    }

    /**
     * tcpdump capturing the frames of one ethertype that a device receives (direction in only,
     * so what the host sends itself is not counted), into a pcap file read while it runs.
     */
    static final class Capture {
        private final Daemon tcpdump;
        private final Path file;
        private final String where;

        private Capture(Daemon tcpdump, Path file, String where) {
            this.tcpdump = tcpdump;
            this.file = file;
            this.where = where;
        }

        static Capture start(Netns host, String device, int etherType, Path file) throws InterruptedException {
            Daemon tcpdump = host.start("tcpdump", "-n", "--immediate-mode", "-U", "-Q", "in", "-i", device, "-w",
                    file.toString(), "ether proto 0x" + Integer.toHexString(etherType));
            tcpdump.awaitLine(l -> l.contains("listening on " + device), Duration.ofSeconds(20));
            return new Capture(tcpdump, file, host.name() + "/" + device);
        }

        /** The frames so far (a record still being written is left for the next call). */
        List<Frame> frames() {
            try {
                return Files.exists(file) ? parse(Files.readAllBytes(file)) : List.of();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /**
         * Waits (bounded) until at least {@code count} frames arrived, then {@code settle} longer
         * for any that should not come (duplicates, loops), stops tcpdump and returns all of them.
         * Fewer than {@code count} by the deadline is returned as it is: the caller asserts.
         */
        List<Frame> await(int count, Duration timeout, Duration settle) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (frames().size() < count && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            Thread.sleep(settle.toMillis());
            return stop();
        }

        /** Stops tcpdump (so everything it captured is written) and returns the frames. */
        List<Frame> stop() throws InterruptedException {
            if (tcpdump.process().isAlive()) {
                tcpdump.stop(Duration.ofSeconds(10));
            }
            return frames();
        }

        @Override
        public String toString() {
            return "capture on " + where + ": " + frames() + "\n" + tcpdump.dump();
        }
    }

    /** The Ethernet frames of a pcap file (any byte order, microsecond or nanosecond timestamps). */
    static List<Frame> parse(byte[] pcap) {
        List<Frame> frames = new ArrayList<>();
        if (pcap.length < 24) {
            return frames;
        }
        ByteBuffer in = ByteBuffer.wrap(pcap).order(ByteOrder.LITTLE_ENDIAN);
        int magic = in.getInt(0);
        if (magic != 0xa1b2c3d4 && magic != 0xa1b23c4d) {
            in.order(ByteOrder.BIG_ENDIAN);
        }
        if (in.getInt(20) != 1) {
            throw new AssertionError("not an Ethernet capture: link type " + in.getInt(20));
        }
        in.position(24);
        while (in.remaining() >= 16) {
            in.getInt();
            in.getInt();
            int captured = in.getInt();
            in.getInt();
            if (in.remaining() < captured) {
                break;
            }
            byte[] frame = new byte[captured];
            in.get(frame);
            if (captured >= 14) {
                frames.add(new Frame(macText(frame, 0), macText(frame, 6), (frame[12] & 0xff) << 8 | frame[13] & 0xff,
                        Arrays.copyOfRange(frame, 14, captured)));
            }
        }
        return frames;
    }

    private static String macText(byte[] frame, int offset) {
        return HexFormat.ofDelimiter(":").formatHex(frame, offset, offset + 6);
    }
}
