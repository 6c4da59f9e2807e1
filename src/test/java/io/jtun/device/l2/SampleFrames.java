package io.jtun.device.l2;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/** Frames for the compression tests: compressible ones as a TAP interface sees them, and random ones. */
final class SampleFrames {
    private static final int ETHERNET_HEADER = 14;
    private static final int IPV4_HEADER = 20;
    private static final int TCP_HEADER = 20;
    static final int HEADERS = ETHERNET_HEADER + IPV4_HEADER + TCP_HEADER;

    private static final byte[] HTTP_TEXT = """
            HTTP/1.1 200 OK\r
            Content-Type: application/json\r
            Cache-Control: no-cache\r
            \r
            {"id": 1041, "name": "eth0", "state": "up", "mtu": 1500, "rx_bytes": 882211, "tx_bytes": 10443}
            {"id": 1042, "name": "tap0", "state": "up", "mtu": 1420, "rx_bytes": 55019, "tx_bytes": 904401}
            """.getBytes(StandardCharsets.US_ASCII);

    private SampleFrames() {}

    /** An Ethernet frame of {@code length} bytes (at least {@link #HEADERS}): IPv4, TCP, then HTTP text. */
    static byte[] httpOverTcp(int length) {
        byte[] frame = new byte[length];
        byte[] header = {
            0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x08, 0x00, // MACs, IPv4
            0x45, 0x00, (byte) (length - ETHERNET_HEADER >>> 8), (byte) (length - ETHERNET_HEADER),
            0x1c, 0x46, 0x40, 0x00, 0x40, 0x06, (byte) 0xb1, (byte) 0xe6, // id, DF, TTL, TCP, checksum
            10, 0, 0, 1, 10, 0, 0, 2,
            0x1f, (byte) 0x90, (byte) 0xc3, 0x50, 0x12, 0x34, 0x56, 0x78, // ports 8080 > 50000, seq
            0x00, 0x00, 0x03, (byte) 0xe8, 0x50, 0x18, (byte) 0xff, (byte) 0xff, // ack, PSH|ACK, window
            0x6b, 0x21, 0x00, 0x00, // checksum, urgent pointer
        };
        System.arraycopy(header, 0, frame, 0, Math.min(header.length, length));
        for (int at = HEADERS; at < length; at += HTTP_TEXT.length) {
            System.arraycopy(HTTP_TEXT, 0, frame, at, Math.min(HTTP_TEXT.length, length - at));
        }
        return frame;
    }

    static byte[] random(int length, long seed) {
        byte[] frame = new byte[length];
        new SplittableRandom(seed).nextBytes(frame);
        return frame;
    }
}
