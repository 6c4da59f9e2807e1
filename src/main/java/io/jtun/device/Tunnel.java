package io.jtun.device;

import io.jtun.ExitCode;
import io.jtun.JtunException;
import io.jtun.config.Compression;
import io.jtun.config.ConfigKey;
import io.jtun.config.DataPathOffload;
import io.jtun.config.Encapsulation;
import io.jtun.config.Encryption;
import io.jtun.config.InterfaceConfig;
import io.jtun.config.Layer2;
import io.jtun.config.PeerConfig;
import io.jtun.conn.IpInIpTransport;
import io.jtun.conn.SocketEndpoint;
import io.jtun.conn.Transport;
import io.jtun.conn.UdpOffloads;
import io.jtun.conn.UdpTransport;
import io.jtun.device.wg.WgClock;
import io.jtun.device.wg.WireGuard;
import io.jtun.net.IpPrefix;
import io.jtun.log.Log;
import io.jtun.sys.WakePipe;
import io.jtun.tun.Offload;
import io.jtun.tun.TunDevice;
import io.jtun.tun.TunMode;
import io.jtun.tun.TunOptions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A running jtun interface: the device, the underlay transport, the peers, and the threads that
 * move packets between them ({@link OutboundLoop} per device queue, one {@link InboundLoop}).
 *
 * <p>{@link #open} returns only once the device is configured (MTU, addresses, routes, up) and
 * the threads run, so a caller may report readiness. {@link #close} stops the threads and
 * removes the device, which takes its addresses and routes with it.
 */
public final class Tunnel implements AutoCloseable {
    /** Default MTU over UDP: leaves room for an IPv6 + UDP header (and WireGuard's 32 bytes). */
    public static final int DEFAULT_MTU_UDP = 1420;
    /** Default MTU over IP-in-IP: a 20-byte outer IPv4 header inside a 1500-byte underlay. */
    public static final int DEFAULT_MTU_IPIP = 1480;
    /**
     * Default MTU of a TAP interface over WireGuard: 1500 minus IPv6, UDP and WireGuard (80) minus
     * the frame's Ethernet header (14) and jtun's frame header (4).
     */
    public static final int DEFAULT_MTU_TAP_WIREGUARD = DEFAULT_MTU_UDP - Layer2.OVERHEAD;
    /**
     * Room for any packet the device or the underlay can hand us, so nothing is ever cut, plus
     * what encapsulation adds around it (WireGuard: 16-byte header, padding, 16-byte tag).
     */
    static final int SLOT_SIZE = TunDevice.READ_BUFFER_SIZE + 64;
    private static final int BATCH_SIZE = 64;
    private static final long STOP_TIMEOUT_SECONDS = 5;
    /** Environment variable that turns every data-path offload off ("off"). */
    public static final String OFFLOAD_ENV = "JTUN_OFFLOAD";
    /** Environment variable listing offloads to turn off, as DisableOffload does ("gro,udp-gso"). */
    public static final String DISABLE_OFFLOAD_ENV = "JTUN_DISABLE_OFFLOAD";
    /** System property with the same meaning, set by the --no-offload and --disable-offload options. */
    public static final String DISABLE_OFFLOAD_PROPERTY = "jtun.disable-offload";

    private final InterfaceConfig config;
    private final TunDevice device;
    private final Underlay underlay;
    private final PeerTable peers = new PeerTable();
    private final TrafficCounters counters = new TrafficCounters();
    private final WakePipe wake = new WakePipe();
    private final Lifecycle lifecycle = new Lifecycle();
    private final List<Thread> threads = new ArrayList<>();
    private final int mtu;
    private final WireGuard wireGuard;
    /** TAP: the learning switch; null for TUN. */
    private final FrameSwitch frameSwitch;
    /** The data-path offloads in use (configured ones the kernel accepted). */
    private final Set<DataPathOffload> offloads;
    private volatile int fwMark;

    /** Running state shared with the loops; the first failure of a loop stops the tunnel. */
    final class Lifecycle {
        private volatile boolean running = true;
        private volatile String failure;
        private final CountDownLatch stopped = new CountDownLatch(1);

        boolean running() {
            return running;
        }

        void failed(String where, RuntimeException e) {
            if (running) {
                failure = where + ": " + e.getMessage();
                stop();
            }
        }

        /** The device was deleted under us (ip link del): a stop, not a failure. */
        void deviceGone() {
            stop();
        }
    }

    private Tunnel(InterfaceConfig config, TunDevice device, Transport transport, int mtu,
            EnumSet<DataPathOffload> offloads) {
        this.config = config;
        this.offloads = Collections.unmodifiableSet(EnumSet.copyOf(offloads));
        this.device = device;
        this.underlay = new Underlay(transport);
        this.mtu = mtu;
        this.fwMark = config.fwMark().orElse(0);
        boolean tap = config.mode() == TunMode.TAP;
        this.wireGuard = config.encryption() == Encryption.WIREGUARD
                ? new WireGuard(config.privateKey().orElse(null), peers, underlay, counters, mtu, SLOT_SIZE,
                        WgClock.SYSTEM, tap)
                : null;
        this.frameSwitch = tap ? new FrameSwitch(device.name(), config.layer2(), counters) : null;
    }

    /**
     * Creates the device and the underlay socket for {@code config}, adds its peers and starts
     * moving packets. Addresses, MTU, routes and the link state are left to the caller (jtun up
     * does what wg-quick does; as wg-quick's userspace implementation, wg-quick does it).
     */
    public static Tunnel open(InterfaceConfig config) {
        return open(config, offloadsDisabledOutside());
    }

    /**
     * The offloads switched off outside the configuration file: all with JTUN_OFFLOAD=off, those
     * listed in JTUN_DISABLE_OFFLOAD, and those the command line listed (the system property).
     *
     * @throws JtunException USAGE when a list names an unknown offload
     */
    public static EnumSet<DataPathOffload> offloadsDisabledOutside() {
        EnumSet<DataPathOffload> disabled = EnumSet.noneOf(DataPathOffload.class);
        if ("off".equalsIgnoreCase(System.getenv(OFFLOAD_ENV))) {
            disabled.addAll(EnumSet.allOf(DataPathOffload.class));
        }
        disabled.addAll(parseOffloads(DISABLE_OFFLOAD_ENV, System.getenv(DISABLE_OFFLOAD_ENV)));
        disabled.addAll(parseOffloads("--disable-offload", System.getProperty(DISABLE_OFFLOAD_PROPERTY)));
        return disabled;
    }

    private static EnumSet<DataPathOffload> parseOffloads(String source, String list) {
        try {
            return list == null ? EnumSet.noneOf(DataPathOffload.class) : DataPathOffload.parseList(list);
        } catch (IllegalArgumentException e) {
            throw new JtunException(ExitCode.USAGE, source + ": " + e.getMessage(), e);
        }
    }

    /**
     * @param disabled offloads to leave off on top of those the file's DisableOffload names (some
     *     kernels have had bugs in them, and users need a way out)
     */
    public static Tunnel open(InterfaceConfig config, Set<DataPathOffload> disabled) {
        int mtu = config.mtu().orElse(defaultMtu(config));
        EnumSet<DataPathOffload> offloads = EnumSet.allOf(DataPathOffload.class);
        offloads.removeAll(config.disabledOffloads());
        offloads.removeAll(disabled);
        UdpOffloads udpOffloads = new UdpOffloads(offloads.contains(DataPathOffload.UDP_GSO),
                offloads.contains(DataPathOffload.UDP_GRO));
        Transport transport = openTransport(config, udpOffloads);
        if (transport instanceof UdpTransport udp) {
            // What the kernel refused is off (reported as such by jtun show).
            if (!udp.segmentation()) {
                offloads.remove(DataPathOffload.UDP_GSO);
            }
            if (!udp.receiveCoalescing()) {
                offloads.remove(DataPathOffload.UDP_GRO);
            }
        } else {
            offloads.remove(DataPathOffload.UDP_GSO);
            offloads.remove(DataPathOffload.UDP_GRO);
        }
        // Both device offloads need the virtio-net header in front of every packet; TAP frames take neither.
        boolean vnet = config.mode() == TunMode.TUN
                && (offloads.contains(DataPathOffload.TSO) || offloads.contains(DataPathOffload.GRO));
        if (!vnet) {
            offloads.remove(DataPathOffload.TSO);
            offloads.remove(DataPathOffload.GRO);
        }
        TunDevice device;
        try {
            device = TunDevice.open(new TunOptions(config.name(), config.mode(), 1, vnet, false));
            if (offloads.contains(DataPathOffload.TSO) && !enableTso(device)) {
                offloads.remove(DataPathOffload.TSO);
            }
        } catch (RuntimeException e) {
            transport.close();
            throw e;
        }
        Tunnel tunnel = new Tunnel(config, device, transport, mtu, offloads);
        try {
            for (PeerConfig peer : config.peers()) {
                tunnel.addPeer(peer, config);
            }
            tunnel.startLoops();
            return tunnel;
        } catch (RuntimeException e) {
            tunnel.close();
            throw e;
        }
    }

    /**
     * TSO for IPv4 and IPv6 (with the checksum offload they need). A kernel that refuses them
     * leaves the device sending ordinary packets behind an all-zero vnet header: still correct.
     */
    private static boolean enableTso(TunDevice device) {
        int tso = Offload.CSUM | Offload.TSO4 | Offload.TSO6 | Offload.TSO_ECN;
        try {
            // USO (Linux 6.2+) too where the kernel has it: UDP_SEGMENT senders (QUIC) then hand
            // over super-packets as TCP ones do.
            device.setOffload(tso | Offload.USO4 | Offload.USO6);
            return true;
        } catch (JtunException withUso) {
            try {
                device.setOffload(tso);
                return true;
            } catch (JtunException e) {
                Log.warning(device.name() + ": TCP segmentation offload unavailable (" + e.getMessage() + ")");
                return false;
            }
        }
    }

    /** The MTU the interface has when the file sets none (jtun up, like wg-quick, sets it from the route). */
    public static int defaultMtu(InterfaceConfig config) {
        if (config.encapsulation() == Encapsulation.IPIP) {
            return DEFAULT_MTU_IPIP;
        }
        return config.mode() == TunMode.TAP && config.encryption() == Encryption.WIREGUARD
                ? DEFAULT_MTU_TAP_WIREGUARD : DEFAULT_MTU_UDP;
    }

    /** Adds a configured peer (endpoint resolved now, errors naming the file and line). */
    private void addPeer(PeerConfig peerConfig, InterfaceConfig config) {
        boolean ipv4Only = config.encapsulation() == Encapsulation.IPIP;
        SocketEndpoint endpoint = peerConfig.endpoint()
                .map(spec -> SocketEndpoint.of(EndpointResolver.resolve(spec,
                        config.source() + ":" + peerConfig.line(ConfigKey.ENDPOINT), ipv4Only)))
                .orElse(null);
        if (wireGuard != null) {
            Peer peer = new Peer(peerConfig.publicKey().orElseThrow().toString(), endpoint);
            wireGuard.addPeer(peer, peerConfig.publicKey().orElseThrow(), peerConfig.presharedKey().orElse(null),
                    peerConfig.persistentKeepalive().orElse(0));
            peerConfig.endpoint().filter(spec -> !isIpLiteral(spec.host()))
                    .ifPresent(spec -> wireGuard.setEndpointHost(peer, spec.host(), spec.port()));
            peers.add(peer, peerConfig.allowedIps());
        } else {
            String label = peerConfig.endpoint().map(Object::toString).orElse("peer at line " + peerConfig.line());
            peers.add(new Peer(label, endpoint), peerConfig.allowedIps());
        }
    }

    private static boolean isIpLiteral(String host) {
        try {
            IpPrefix.parse(host);
            return true;
        } catch (JtunException e) {
            return false;
        }
    }

    private static Transport openTransport(InterfaceConfig config, UdpOffloads udpOffloads) {
        if (config.encapsulation() == Encapsulation.IPIP) {
            try {
                return IpInIpTransport.open();
            } catch (JtunException e) {
                throw at(config, ConfigKey.ENCAPSULATION, e);
            }
        }
        UdpTransport udp;
        try {
            udp = UdpTransport.open(config.listenPort().orElse(0), udpOffloads);
        } catch (JtunException e) {
            throw at(config, ConfigKey.LISTEN_PORT, e);
        }
        if (config.fwMark().isPresent()) {
            try {
                udp.setFwMark(config.fwMark().getAsInt());
            } catch (JtunException e) {
                udp.close();
                throw at(config, ConfigKey.FW_MARK, e);
            }
        }
        return udp;
    }

    /** The same error, prefixed with the file and line of the setting that caused it. */
    private static JtunException at(InterfaceConfig config, ConfigKey key, JtunException e) {
        return new JtunException(e.exitCode(), config.source() + ":" + config.line(key) + ": " + e.getMessage(), e);
    }

    private void startLoops() {
        PacketCodec codec = wireGuard != null ? wireGuard : new PlainCodec(peers, counters);
        if (wireGuard != null) {
            wireGuard.start(device.name());
        }
        LoopContext context = new LoopContext(underlay, peers, codec, counters, wake, lifecycle,
                BATCH_SIZE, device.vnetHeader(), offloads.contains(DataPathOffload.GRO), frameSwitch,
                frameSwitch != null && wireGuard != null,
                frameSwitch != null && config.layer2().compression() == Compression.LZ4);
        for (int i = 0; i < device.queueCount(); i++) {
            threads.add(Thread.ofPlatform().name(device.name() + "-out-" + i).daemon()
                    .start(new OutboundLoop(device.queue(i), context)));
        }
        threads.add(Thread.ofPlatform().name(device.name() + "-in").daemon()
                .start(new InboundLoop(device.queue(0)::write, context)));
    }

    // ---- run-time configuration (wg set, syncconf) ----

    /** Moves the interface to another UDP port (0: any free one); the old socket stays open briefly. */
    public synchronized void setListenPort(int port) {
        if (!(underlay.get() instanceof UdpTransport current)) {
            throw new JtunException(ExitCode.USAGE, "IP-in-IP has no port");
        }
        if (port != 0 && port == current.localPort()) {
            return;
        }
        UdpTransport next = UdpTransport.open(port, new UdpOffloads(offloads.contains(DataPathOffload.UDP_GSO),
                offloads.contains(DataPathOffload.UDP_GRO)));
        if (fwMark != 0) {
            next.setFwMark(fwMark);
        }
        underlay.replace(next);
    }

    public synchronized void setFwMark(int mark) {
        if (mark == fwMark) {
            return; // unchanged (a reload sets every key): no privileged call, as wireguard-go
        }
        if (underlay.get() instanceof UdpTransport udp) {
            udp.setFwMark(mark);
        }
        fwMark = mark;
    }

    public int fwMark() {
        return fwMark;
    }

    /** The peer table, for run-time changes and display. */
    public PeerTable peerTable() {
        return peers;
    }

    public String name() {
        return device.name();
    }

    public InterfaceConfig config() {
        return config;
    }

    public int mtu() {
        return mtu;
    }

    /** The data-path offloads in use. */
    public Set<DataPathOffload> offloads() {
        return offloads;
    }

    /** The UDP port the interface listens on (the chosen one when ListenPort is 0), or 0 for IP-in-IP. */
    public int listenPort() {
        return underlay.get() instanceof UdpTransport udp ? udp.localPort() : 0;
    }

    public List<Peer> peers() {
        return peers.peers();
    }

    public TrafficCounters counters() {
        return counters;
    }

    /**
     * The packets the interface dropped for {@code reason} that are charged to no peer. The
     * underlay counts the datagrams it could not send (unreachable while the link is down, too big,
     * refused by a firewall) without knowing their peer: those are the interface's "send failed".
     */
    public long drops(DropReason reason) {
        long dropped = counters.drops(reason);
        return reason == DropReason.SEND_FAILED ? dropped + underlay.get().counters().sendErrors() : dropped;
    }

    public Transport transport() {
        return underlay.get();
    }

    /** TAP: the learning switch (MAC table, compression counts); null for TUN. */
    FrameSwitch frameSwitch() {
        return frameSwitch;
    }

    /** The WireGuard state, or null for a plain tunnel. */
    public WireGuard wireGuard() {
        return wireGuard;
    }

    /** Asks the loops to stop; returns at once. Safe from any thread, idempotent. */
    public void stop() {
        lifecycle.running = false;
        wake.wake();
        lifecycle.stopped.countDown();
    }

    /** Blocks until {@link #stop()} is called (by a signal, the control socket, or a failing loop). */
    public void awaitStop() throws InterruptedException {
        lifecycle.stopped.await();
    }

    /** Why the tunnel stopped on its own, or null. */
    public String failure() {
        return lifecycle.failure;
    }

    /** Stops the loops, waits for them, and removes the device (with its addresses and routes). */
    @Override
    public void close() {
        stop();
        for (Thread thread : threads) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(STOP_TIMEOUT_SECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (wireGuard != null) {
            wireGuard.close();
        }
        device.close();
        underlay.close();
        wake.close();
    }
}
