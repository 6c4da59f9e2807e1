package io.jtun.monitor;

import io.jtun.net.IpPrefix;
import io.jtun.netlink.Rtnetlink;
import io.jtun.packet.EchoResponder;
import io.jtun.packet.LinkType;
import io.jtun.packet.PacketSummary;
import io.jtun.packet.PcapWriter;
import io.jtun.sys.Libc;
import io.jtun.sys.PollSet;
import io.jtun.sys.SysException;
import io.jtun.sys.WakePipe;
import io.jtun.tun.TunDevice;
import io.jtun.tun.TunMode;
import io.jtun.tun.TunQueue;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * The packet monitor: opens a device, prints a line per packet, optionally records a pcap file
 * and answers pings. One thread polls every queue plus a wake-up pipe, so {@link #stop()} (from a
 * signal handler) ends the loop promptly and the device, the capture file and the terminal are
 * left in order.
 */
public final class Monitor {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSSSSS");

    private final MonitorOptions options;
    private final PrintStream out;
    private final PrintStream status;
    private final WakePipe wakePipe = new WakePipe();
    private final ZoneId zone = ZoneId.systemDefault();
    private volatile boolean stopping;

    private long packets;
    private long bytes;
    private long replies;
    private long writeFailures;

    /**
     * @param out    receives one line per packet
     * @param status receives the readiness line and the final counts
     */
    public Monitor(MonitorOptions options, PrintStream out, PrintStream status) {
        this.options = options;
        this.out = out;
        this.status = status;
    }

    /** Asks the loop to end; safe from any thread, including signal handlers, and idempotent. */
    public void stop() {
        stopping = true;
        wakePipe.wake();
    }

    /** Opens and configures the device, then captures until {@link #stop()}. */
    public void run() {
        try (TunDevice device = TunDevice.open(options.device())) {
            configure(device);
            try (PcapWriter pcap = options.pcap() == null ? null : new PcapWriter(options.pcap(), linkType(device));
                    Arena arena = Arena.ofConfined()) {
                status.println("jtun monitor: listening on " + device.name() + " (" + device.mode()
                        + (device.queueCount() > 1 ? ", " + device.queueCount() + " queues" : "") + ")"
                        + (options.addresses().isEmpty() ? "" : " with " + options.addresses())
                        + (options.pcap() == null ? "" : ", writing " + options.pcap())
                        + (options.respond() ? ", answering pings" : "") + "; Ctrl-C to stop");
                status.flush();
                capture(device, pcap, arena);
            } finally {
                out.flush();
                status.println("jtun monitor: " + packets + " packets, " + bytes + " bytes"
                        + (options.respond() ? ", " + replies + " replies sent" : "")
                        + (writeFailures > 0 ? ", " + writeFailures + " replies not written" : "")
                        + (options.persist() ? "; " + device.name() + " kept (persistent)" : ""));
                status.flush();
            }
        } finally {
            wakePipe.close();
        }
    }

    private static LinkType linkType(TunDevice device) {
        return device.mode() == TunMode.TAP ? LinkType.ETHERNET : LinkType.RAW_IP;
    }

    private void configure(TunDevice device) {
        if (options.persist()) {
            device.setPersistent(true);
        }
        options.owner().ifPresent(device::setOwner);
        options.group().ifPresent(device::setGroup);
        try (Rtnetlink netlink = Rtnetlink.open()) {
            if (options.mtu().isPresent()) {
                netlink.setMtu(device.name(), options.mtu().getAsInt());
            }
            for (IpPrefix address : options.addresses()) {
                netlink.addAddress(device.name(), address);
            }
            // Only change the link state when needed: a user attaching to a persistent device it
            // owns may lack CAP_NET_ADMIN, and reading the state needs no privilege.
            if (!netlink.link(device.name()).up()) {
                netlink.setUp(device.name(), true);
            }
        }
    }

    private void capture(TunDevice device, PcapWriter pcap, Arena arena) {
        int queueCount = device.queueCount();
        PollSet pollSet = new PollSet(arena, queueCount + 1);
        for (int i = 0; i < queueCount; i++) {
            pollSet.set(i, device.queue(i).fd(), Libc.POLLIN);
        }
        pollSet.set(queueCount, wakePipe.fd(), Libc.POLLIN);

        MemorySegment buffer = arena.allocate(TunDevice.READ_BUFFER_SIZE);
        byte[] packet = new byte[TunDevice.READ_BUFFER_SIZE];
        int headerSize = device.vnetHeader() ? TunDevice.VNET_HEADER_SIZE : 0;
        LinkType link = linkType(device);

        while (!stopping) {
            if (pollSet.poll(-1) <= 0) {
                continue;
            }
            for (int i = 0; i < queueCount && !stopping; i++) {
                if (pollSet.ready(i)) {
                    drain(device.queue(i), queueCount > 1, buffer, packet, headerSize, link, pcap);
                }
            }
            out.flush();
        }
    }

    /** Handles every packet waiting on one queue (one poll wake-up, many reads). */
    private void drain(TunQueue queue, boolean showQueue, MemorySegment buffer, byte[] packet, int headerSize,
            LinkType link, PcapWriter pcap) {
        int read;
        while (!stopping && (read = queue.read(buffer)) > 0) {
            int length = read - headerSize;
            if (length <= 0) {
                continue;
            }
            Instant now = Instant.now();
            MemorySegment.copy(buffer, ValueLayout.JAVA_BYTE, headerSize, packet, 0, length);
            packets++;
            bytes += length;
            out.println(LocalTime.ofInstant(now, zone).format(TIME) + (showQueue ? " q" + queue.index() : "") + " "
                    + length + " bytes " + PacketSummary.describe(packet, 0, length, link));
            if (pcap != null) {
                pcap.write(now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000, packet, 0, length);
            }
            if (options.respond()) {
                respond(queue, buffer, packet, length, headerSize, link);
            }
        }
    }

    private void respond(TunQueue queue, MemorySegment buffer, byte[] packet, int length, int headerSize,
            LinkType link) {
        int replyLength = EchoResponder.reply(packet, 0, length, link);
        if (replyLength <= 0) {
            return;
        }
        // A reply carries an all-zero vnet header: no offload work for the kernel to do.
        buffer.asSlice(0, headerSize).fill((byte) 0);
        MemorySegment.copy(packet, 0, buffer, ValueLayout.JAVA_BYTE, headerSize, replyLength);
        try {
            if (queue.write(buffer, headerSize + replyLength)) {
                replies++;
                return;
            }
        } catch (SysException e) {
            // The kernel refused this one reply (e.g. the device went down); keep monitoring.
        }
        writeFailures++;
    }
}
