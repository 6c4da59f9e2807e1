package io.jtun.device;

import io.jtun.config.Compression;
import io.jtun.config.DataPathOffload;
import io.jtun.conn.SocketEndpoint;
import io.jtun.conn.TransportCounters;
import io.jtun.net.IpPrefix;
import io.jtun.device.l2.MacAddress;
import io.jtun.device.l2.MacTable;
import io.jtun.device.wg.WireGuard;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Locale;
import java.util.function.ToLongFunction;
import java.util.stream.Collectors;

/** What {@code jtun show} prints for one interface, in the spirit of {@code wg show}. */
public final class StatusReport {
    private static final double KIB = 1024;

    private StatusReport() {
    }

    public static String of(Tunnel tunnel) {
        StringBuilder out = new StringBuilder();
        out.append("interface: ").append(tunnel.name()).append('\n');
        WireGuard wireGuard = tunnel.wireGuard();
        if (wireGuard != null && wireGuard.publicKey() != null) {
            out.append("  public key: ").append(wireGuard.publicKey()).append('\n');
            out.append("  private key: (hidden)\n");
        }
        out.append("  mode: ").append(tunnel.config().mode().name().toLowerCase(Locale.ROOT)).append(" over ")
                .append(tunnel.config().encapsulation().name().toLowerCase(Locale.ROOT)).append(", encryption: ")
                .append(tunnel.config().encryption().name().toLowerCase(Locale.ROOT)).append('\n');
        if (tunnel.listenPort() != 0) {
            out.append("  listening port: ").append(tunnel.listenPort()).append('\n');
        }
        out.append("  mtu: ").append(tunnel.mtu()).append('\n');
        out.append("  offloads: ").append(DataPathOffload.format(tunnel.offloads()));
        TransportCounters transport = tunnel.transport().counters();
        if (transport.gsoSends() + transport.groReceives() > 0) {
            out.append(" (").append(transport.gsoSends()).append(" segmented sends, ").append(transport.groReceives())
                    .append(" coalesced receives)");
        }
        out.append('\n');
        if (!tunnel.config().addresses().isEmpty()) {
            out.append("  address: ").append(join(tunnel.config().addresses())).append('\n');
        }
        Map<Peer, List<String>> macs = Map.of();
        FrameSwitch frameSwitch = tunnel.frameSwitch();
        if (frameSwitch != null) {
            macs = macsByPort(frameSwitch);
            appendSwitch(out, frameSwitch, tunnel.config().layer2().compression() != Compression.NONE, macs);
        }
        appendDrops(out, tunnel::drops);
        if (wireGuard != null) {
            appendHandshakeLoad(out, wireGuard);
        }
        TransportCounters underlay = tunnel.transport().counters();
        // What reached the socket, to hold the drops against (datagrams of a coalesced train count one by one).
        out.append("  underlay datagrams: ").append(underlay.received()).append(" received, ").append(underlay.sent())
                .append(" sent\n");
        if (underlay.sendErrors() + underlay.receiveDrops() > 0) {
            out.append("  underlay: ").append(underlay).append('\n');
        }
        Map<Peer, List<IpPrefix>> allowedIps = tunnel.peerTable().allowedIpsByPeer();
        for (Peer peer : tunnel.peers()) {
            out.append('\n');
            out.append("peer: ").append(peer.label()).append('\n');
            SocketEndpoint endpoint = peer.endpoint();
            out.append("  endpoint: ").append(endpoint == null ? "(none yet: learned from its first packet)"
                    : endpoint.toString()).append('\n');
            if (frameSwitch == null) {
                List<IpPrefix> allowed = allowedIps.getOrDefault(peer, List.of());
                out.append("  allowed ips: ").append(allowed.isEmpty() ? "(none)" : join(allowed))
                        .append('\n');
            } else if (macs.containsKey(peer)) {
                out.append("  mac addresses: ").append(String.join(", ", macs.get(peer))).append('\n');
            }
            if (wireGuard != null) {
                OptionalLong handshake = wireGuard.lastHandshakeNanos(peer);
                if (handshake.isPresent()) {
                    long seconds = (wireGuard.clock().nanoTime() - handshake.getAsLong()) / 1_000_000_000L;
                    out.append("  latest handshake: ").append(ago(seconds)).append('\n');
                }
            }
            TrafficCounters c = peer.counters();
            out.append("  transfer: ").append(size(c.rxBytes())).append(" received (").append(c.rxPackets())
                    .append(" packets), ").append(size(c.txBytes())).append(" sent (").append(c.txPackets())
                    .append(" packets)\n");
            appendDrops(out, c::drops);
            if (wireGuard != null && wireGuard.persistentKeepalive(peer) > 0) {
                out.append("  persistent keepalive: every ").append(ago(wireGuard.persistentKeepalive(peer)).replace(" ago", ""))
                        .append('\n');
            }
        }
        return out.toString();
    }

    /** The learned MAC addresses by port, each list sorted (the table lists them in order). */
    private static Map<Peer, List<String>> macsByPort(FrameSwitch frameSwitch) {
        Map<Peer, List<String>> byPort = new IdentityHashMap<>();
        for (MacTable.Entry<Peer> entry : frameSwitch.table().entries(System.nanoTime())) {
            byPort.computeIfAbsent(entry.port(), p -> new ArrayList<>()).add(MacAddress.format(entry.mac()));
        }
        return byPort;
    }

    private static void appendSwitch(StringBuilder out, FrameSwitch frameSwitch, boolean compressing,
            Map<Peer, List<String>> macs) {
        int total = macs.values().stream().mapToInt(List::size).sum();
        List<String> local = macs.getOrDefault(FrameSwitch.LOCAL, List.of());
        out.append("  switch: ").append(total).append(" mac addresses (").append(local.size()).append(" local), ")
                .append(frameSwitch.table().moves()).append(" moves, ").append(frameSwitch.table().limited())
                .append(" over limit").append(frameSwitch.hub() ? ", hub" : "").append('\n');
        if (!local.isEmpty()) {
            out.append("  local mac addresses: ").append(String.join(", ", local)).append('\n');
        }
        if (compressing || frameSwitch.decompressedFrames() > 0) {
            out.append("  compression: ").append(compressing ? "lz4" : "none").append(" (sent: ")
                    .append(frameSwitch.compressedFrames()).append(" frames compressed, ")
                    .append(frameSwitch.uncompressedFrames()).append(" as is, ")
                    .append(size(frameSwitch.bytesBeforeCompression())).append(" in ")
                    .append(size(frameSwitch.bytesAfterCompression())).append("; received: ")
                    .append(frameSwitch.decompressedFrames()).append(" frames compressed)\n");
        }
    }

    /**
     * Once the interface has been under handshake load: the cookie replies it sent and how full
     * the handshake queue got (rate-limited and overflowing messages are among the drops).
     */
    private static void appendHandshakeLoad(StringBuilder out, WireGuard wireGuard) {
        if (!wireGuard.handshakeLoadSeen()) {
            return;
        }
        out.append("  handshake load: ").append(wireGuard.cookieRepliesSent())
                .append(" cookie replies sent, queue peak ").append(wireGuard.handshakeQueuePeak()).append(" of ")
                .append(wireGuard.handshakeQueueCapacity()).append('\n');
    }

    /** wg's style: "1 minute, 5 seconds ago". */
    static String ago(long seconds) {
        if (seconds <= 0) {
            return "Now";
        }
        StringBuilder text = new StringBuilder();
        long[] units = {86_400, 3_600, 60, 1};
        String[] names = {"day", "hour", "minute", "second"};
        long left = seconds;
        for (int i = 0; i < units.length; i++) {
            long n = left / units[i];
            left %= units[i];
            if (n > 0) {
                text.append(text.isEmpty() ? "" : ", ").append(n).append(' ').append(names[i]).append(n == 1 ? "" : "s");
            }
        }
        return text.append(" ago").toString();
    }

    private static void appendDrops(StringBuilder out, ToLongFunction<DropReason> counts) {
        StringBuilder drops = new StringBuilder();
        for (DropReason reason : DropReason.values()) {
            long n = counts.applyAsLong(reason);
            if (n > 0) {
                drops.append(drops.isEmpty() ? "" : ", ").append(n).append(' ').append(reason.label());
            }
        }
        if (!drops.isEmpty()) {
            out.append("  dropped: ").append(drops).append('\n');
        }
    }

    private static String join(List<IpPrefix> prefixes) {
        return prefixes.stream().map(IpPrefix::toString).collect(Collectors.joining(", "));
    }

    /** wg's style: "1.23 MiB". */
    static String size(long bytes) {
        if (bytes < KIB) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double value = bytes;
        int unit = -1;
        while (value >= KIB && unit < units.length - 1) {
            value /= KIB;
            unit++;
        }
        return String.format(Locale.ROOT, "%.2f %s", value, units[unit]);
    }
}
