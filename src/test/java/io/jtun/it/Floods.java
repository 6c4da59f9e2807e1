package io.jtun.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@link FloodIT} throws at jtun and how it reads the damage: python3 senders (stdlib only),
 * a jtun daemon's CPU time and resident memory from /proc, and the counters of {@code jtun show}.
 */
final class Floods {
    /**
     * argv: target address, port, count, receiver index (8 hex digits as on the wire, or "-"),
     * seconds at most. Sends {@code count} datagrams from four source ports, in a fixed mix:
     * 30% random bytes of random length 0..2000; 10% each of initiations (148 bytes), responses
     * (92) and cookie replies (64) of the right type and length but garbage inside; 10% each of
     * transport (type 4) and frame (type 5) messages to random receiver indices; 10% transport
     * messages to the real receiver index (a live session) with a plausible counter and garbage
     * ciphertext; 10% of types 1..5 with lengths no such message has. Prints how many it sent,
     * how fast, and per kind.
     */
    static final String RANDOM_DATAGRAMS = """
            import os, random, socket, struct, sys, time
            target, index = sys.argv[1], sys.argv[4]
            port, count, limit = int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[5])
            real = bytes.fromhex(index) if index != "-" else None
            rnd = random.Random(1)
            socks = []
            for p in range(4):
                s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 20)
                socks.append(s)
            le = lambda n: struct.pack("<I", n)
            def make(i):
                k = i % 10
                if k <= 2:
                    return "random", os.urandom(rnd.randint(0, 2000))
                if k == 3:
                    return "initiation", le(1) + os.urandom(144)
                if k == 4:
                    return "response", le(2) + os.urandom(88)
                if k == 5:
                    return "cookie", le(3) + os.urandom(60)
                if k == 6:
                    return "transport", le(4) + os.urandom(rnd.randint(28, 1500))
                if k == 7 and real:
                    counter = struct.pack("<Q", rnd.randint(1 << 20, 1 << 21))
                    return "session", le(4) + real + counter + os.urandom(rnd.randint(16, 1500))
                if k == 8:
                    return "wronglength", le(rnd.randint(1, 5)) + os.urandom(rnd.choice([0, 1, 27, 100, 147, 149, 200]))
                return "frame", le(5) + os.urandom(rnd.randint(28, 1500))
            kinds, sent, start = {}, 0, time.monotonic()
            for i in range(count):
                kind, data = make(i)
                kinds[kind] = kinds.get(kind, 0) + 1
                socks[i & 3].sendto(data, (target, port))
                sent += 1
                if i & 1023 == 0 and time.monotonic() - start > limit:
                    break
            elapsed = time.monotonic() - start
            print("sent %d in %.2f s (%.0f/s): %s" % (sent, elapsed, sent / elapsed,
                " ".join("%s=%d" % kv for kv in sorted(kinds.items()))))
            """;

    /**
     * argv: target address, port, the target's public key (base64), seconds at most, datagrams at
     * most, first two bytes of the source addresses ("198.19"), number of sources, stop file.
     * Handshake initiations with a valid MAC1 (garbage otherwise, 64 variants) from one socket,
     * each from the next of the source addresses in turn (IP_PKTINFO; the namespace has a local
     * route for them), as fast as python goes, until the time, the count or the stop file. Prints
     * one line: "sent N in S s (R/s), E errors, stopped by WHAT".
     */
    static final String INITIATION_FLOOD = """
            import base64, hashlib, os, socket, struct, sys, time
            target, prefix, stop = sys.argv[1], sys.argv[6], sys.argv[8]
            port, most, nsrc = int(sys.argv[2]), int(sys.argv[5]), int(sys.argv[7])
            key, limit = base64.b64decode(sys.argv[3]), float(sys.argv[4])
            mac1key = hashlib.blake2s(b"mac1----" + key).digest()
            msgs = []
            for i in range(64):
                body = struct.pack("<II", 1, int.from_bytes(os.urandom(4), "little")) + os.urandom(108)
                msgs.append(body + hashlib.blake2s(body, key=mac1key, digest_size=16).digest() + bytes(16))
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.bind(("0.0.0.0", 40000))
            IP_PKTINFO = 8
            sources = [[(socket.IPPROTO_IP, IP_PKTINFO, struct.pack("=I4s4s", 0,
                socket.inet_aton("%s.%d.%d" % (prefix, 1 + i // 250, 1 + i % 250)), bytes(4)))] for i in range(nsrc)]
            dst, n, errors, start, why = (target, port), 0, 0, time.monotonic(), "count"
            sendmsg = s.sendmsg
            while n < most:
                for k in range(1000):
                    try:
                        sendmsg([msgs[n & 63]], sources[n % nsrc], 0, dst)
                    except OSError:
                        errors += 1
                    n += 1
                elapsed = time.monotonic() - start
                if elapsed > limit:
                    why = "time"
                    break
                if n % 10000 == 0 and os.path.exists(stop):
                    why = "stop file"
                    break
            elapsed = time.monotonic() - start
            print("sent %d in %.2f s (%.0f/s), %d errors, stopped by %s" % (n, elapsed, n / elapsed, errors, why),
                flush=True)
            """;

    /**
     * argv: device, port. Prints the receiver index (8 hex digits, as on the wire) of the first
     * WireGuard transport message it sees going out of {@code device} to UDP port {@code port}.
     */
    static final String SNIFF_RECEIVER_INDEX = """
            import socket, sys
            dev, port = sys.argv[1], int(sys.argv[2])
            s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
            s.bind((dev, 0))
            s.settimeout(20)
            while True:
                f = s.recv(65535)
                if f[12:14] != b"\\x08\\x00" or f[23] != 17:
                    continue
                udp = f[14 + (f[14] & 15) * 4:]
                if int.from_bytes(udp[2:4], "big") == port and udp[8] == 4 and len(udp) >= 40:
                    print(udp[12:16].hex(), flush=True)
                    break
            """;

    /**
     * argv: TUN device, tunnel address of the peer (IPv4), our tunnel address, the same two in
     * IPv6, count per kind. Writes packets into the device through a packet socket, so that jtun
     * reads them as if the kernel had routed them there: broken IPv4 and IPv6 headers of every
     * sort ({@code count} each), then {@code count} sound UDP packets to the peer. Prints the kinds
     * the kernel refused to send at all, then "broken N sound M".
     */
    static final String BROKEN_PACKETS = """
            import os, socket, struct, sys, time
            dev, dst, src, dst6, src6 = sys.argv[1:6]
            count = int(sys.argv[6])
            v4s = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(0x0800))
            v6s = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(0x86DD))
            def v4(total=None, ihl=5, version=4, payload=b"x" * 80):
                tl = 20 + len(payload) if total is None else total
                return struct.pack("!BBHHHBBH4s4s", version << 4 | ihl, 0, tl, 1, 0, 64, 17, 0,
                    socket.inet_aton(src), socket.inet_aton(dst)) + payload
            def v6(payload_length=None, payload=b"y" * 80):
                pl = len(payload) if payload_length is None else payload_length
                return struct.pack("!IHBB16s16s", 6 << 28, pl, 17, 64, socket.inet_pton(socket.AF_INET6, src6),
                    socket.inet_pton(socket.AF_INET6, dst6)) + payload
            V4, V6 = (v4s, 0x0800), (v6s, 0x86DD)
            broken = {
                "v4-cut-in-header": (V4, v4()[:10]),
                "v4-total-past-end": (V4, v4(total=1000)),
                "v4-total-inside-header": (V4, v4(total=10)),
                "v4-header-length-3": (V4, v4(ihl=3)),
                "v4-header-past-total": (V4, v4(ihl=15, total=40)),
                "version-7": (V4, v4(version=7)),
                "one-byte": (V4, b"\\x45"),
                "garbage": (V4, b"\\x00" + os.urandom(99)),
                "v6-cut-in-header": (V6, v6()[:30]),
                "v6-payload-past-end": (V6, v6(payload_length=1000)),
                "empty": (V4, b""),
            }
            def paced(i):
                if i % 10 == 9:
                    time.sleep(0.005)  # the device's queue holds 500: let jtun keep up
            sent = 0
            for name, ((sock, proto), packet) in broken.items():
                try:
                    for i in range(count):
                        sock.sendto(packet, (dev, proto))
                        sent += 1
                        paced(i)
                except OSError as e:
                    print("refused %s: %s" % (name, e.strerror))
            for i in range(count):
                v4s.sendto(v4(payload=struct.pack("!HHHH", 40000, 9, 88, 0) + b"z" * 80), (dev, 0x0800))
                paced(i)
            print("broken %d sound %d" % (sent, count), flush=True)
            """;

    /**
     * argv: TUN device, peer's tunnel address, ours. TCP super-packets written into the device
     * with a virtio-net header (what a TSO sender hands the device), as a local program with a
     * packet socket can: a sound one of 20000 bytes in 1000-byte segments, one cut into 1-byte
     * segments (3000 of them), one whose TCP header claims 60 bytes, one whose IP total length
     * lies, one claiming to be UDP (USO) though it is TCP. Prints each kind and whether the
     * kernel took it.
     */
    static final String SUPER_PACKETS = """
            import os, socket, struct, sys
            dev, dst, src = sys.argv[1], sys.argv[2], sys.argv[3]
            s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0800))
            s.setsockopt(263, 15, 1)  # SOL_PACKET, PACKET_VNET_HDR
            def tcp4(payload, doff=5, total=None):
                tcp = struct.pack("!HHIIBBHHH", 40000, 9, 1000, 0, doff << 4, 0x18, 65535, 0, 0) + bytes(doff * 4 - 20)
                tl = 20 + len(tcp) + len(payload) if total is None else total
                return struct.pack("!BBHHHBBH4s4s", 0x45, 0, tl, 1, 0x4000, 64, 6, 0,
                    socket.inet_aton(src), socket.inet_aton(dst)) + tcp + payload
            def vnet(gso_type, hdr_len, gso_size):
                return struct.pack("<BBHHHH", 1, gso_type, hdr_len, gso_size, 20, 16)  # NEEDS_CSUM at the TCP checksum
            for name, packet in [
                ("sound", vnet(1, 40, 1000) + tcp4(os.urandom(20000))),
                ("segments-of-1", vnet(1, 40, 1) + tcp4(os.urandom(3000))),
                ("tcp-header-60", vnet(1, 80, 1000) + tcp4(os.urandom(5000), doff=15)),
                ("total-length-lies", vnet(1, 40, 1000) + tcp4(os.urandom(5000), total=100)),
                ("udp-claimed", vnet(5, 28, 100) + tcp4(os.urandom(3000))),
            ]:
                try:
                    s.sendto(packet, (dev, 0x0800))
                    print(name, "taken", flush=True)
                except OSError as e:
                    print(name, "refused:", e.strerror, flush=True)
            """;

    private static final Pattern DROP = Pattern.compile("(\\d+) ([a-z][a-z ]*[a-z])");

    private Floods() {
    }

    /** The pid of jtun's daemon for {@code iface} in {@code host}, from its pid file. */
    static long daemonPid(Netns host, String iface) {
        try {
            return Long.parseLong(Files.readString(Path.of("/run/jtun/netns", host.name(), iface + ".pid")).strip());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether the process is still there (and no zombie). */
    static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /** Resident memory in KiB (VmRSS). */
    static long rssKib(long pid) {
        return Long.parseLong(procStatus(pid, "VmRSS:").replace("kB", "").strip());
    }

    /** Kernel and user CPU time so far, in clock ticks (1/100 s on Linux). */
    static long cpuTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
            // The command name is in parentheses and may contain spaces: count fields after it.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime (fields 14, 15)
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String procStatus(long pid, String key) {
        try {
            return Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status")).stream()
                    .filter(l -> l.startsWith(key)).findFirst().orElseThrow().substring(key.length());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Bytes the kernel took from jtun through {@code device} (its RX count), from {@code ip -s}. */
    static long deviceRxBytes(Netns host, String device) {
        Matcher m = Pattern.compile("\"rx\":\\{\"bytes\":(\\d+)").matcher(
                host.exec("ip", "-j", "-s", "link", "show", "dev", device).check().stdout());
        if (!m.find()) {
            throw new AssertionError("no RX bytes for " + device);
        }
        return Long.parseLong(m.group(1));
    }

    /** The namespace's kernel UDP counters (/proc/net/snmp), e.g. "InDatagrams", "RcvbufErrors". */
    static Map<String, Long> udpCounters(Netns host) {
        String[] lines = host.exec("cat", "/proc/net/snmp").check().stdout().lines()
                .filter(l -> l.startsWith("Udp:")).toArray(String[]::new);
        String[] names = lines[0].split("\\s+");
        String[] values = lines[1].split("\\s+");
        Map<String, Long> out = new LinkedHashMap<>();
        for (int i = 1; i < names.length; i++) {
            out.put(names[i], Long.parseLong(values[i]));
        }
        return out;
    }

    /** What {@code jtun show IFACE} says, with its counters picked out. */
    record Show(String text) {
        static Show of(Netns host, String iface) {
            Result show = host.jtun("show", iface);
            return new Show(show.check().stdout());
        }

        /** Every "dropped:" line added up, interface and peers, by reason. */
        Map<String, Long> drops() {
            Map<String, Long> out = new LinkedHashMap<>();
            text.lines().filter(l -> l.strip().startsWith("dropped:")).forEach(l -> {
                Matcher m = DROP.matcher(l.substring(l.indexOf(':') + 1));
                while (m.find()) {
                    out.merge(m.group(2), Long.parseLong(m.group(1)), Long::sum);
                }
            });
            return out;
        }

        long drops(String reason) {
            return drops().getOrDefault(reason, 0L);
        }

        long totalDrops() {
            return drops().values().stream().mapToLong(Long::longValue).sum();
        }

        long datagramsReceived() {
            return number("underlay datagrams: (\\d+) received");
        }

        long cookieReplies() {
            return number("handshake load: (\\d+) cookie replies sent");
        }

        long queuePeak() {
            return number("queue peak (\\d+) of");
        }

        long queueCapacity() {
            return number("queue peak \\d+ of (\\d+)");
        }

        /** Packets received from all peers (the "transfer:" lines). */
        long packetsReceived() {
            Matcher m = Pattern.compile("transfer: .* received \\((\\d+) packets\\)").matcher(text);
            long sum = 0;
            while (m.find()) {
                sum += Long.parseLong(m.group(1));
            }
            return sum;
        }

        /** The first number the pattern's group catches; 0 when the line is absent. */
        private long number(String regex) {
            Matcher m = Pattern.compile(regex).matcher(text);
            return m.find() ? Long.parseLong(m.group(1)) : 0;
        }
    }

    /** {@code after - before} for every key of either. */
    static Map<String, Long> delta(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Long> out = new LinkedHashMap<>();
        after.forEach((k, v) -> out.put(k, v - before.getOrDefault(k, 0L)));
        before.forEach((k, v) -> out.putIfAbsent(k, -v));
        out.values().removeIf(v -> v == 0);
        return out;
    }
}
