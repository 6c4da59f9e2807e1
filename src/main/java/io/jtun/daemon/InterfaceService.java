package io.jtun.daemon;

import io.jtun.ExitCode;
import io.jtun.JtunException;
import io.jtun.config.ConfigKey;
import io.jtun.config.ConfigParser;
import io.jtun.config.InterfaceConfig;
import io.jtun.device.StatusReport;
import io.jtun.device.Tunnel;
import io.jtun.log.Log;
import io.jtun.metrics.MetricsServer;
import io.jtun.netlink.Rtnetlink;
import io.jtun.sys.Privileges;
import io.jtun.sys.UserAccount;
import io.jtun.uapi.UapiServer;
import io.jtun.wgquick.HookRunner;
import io.jtun.wgquick.WgQuick;
import io.jtun.wgquick.WgQuickState;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

/**
 * One interface run as a service in this process: the tunnel, its control socket, the wg tool's
 * UAPI socket (for WireGuard interfaces) and its pid file, until a signal, {@code jtun down},
 * the device's removal or a failure stops it. Cleanup runs in every case.
 *
 * <p>Two kinds: from a configuration file ({@code jtun up}: the link is configured as wg-quick
 * would, and SIGHUP or {@code jtun syncconf} re-reads the file), or bare ({@code jtun IFACE}, as
 * {@code wireguard-go IFACE}: a WireGuard device with nothing configured, which the wg tool and
 * wg-quick then set up).
 */
public final class InterfaceService {
    /** wireguard-go's MTU for a new device; wg-quick sets its own afterwards. */
    private static final int USERSPACE_DEFAULT_MTU = 1420;

    /** The control command that carries a configuration file's text, base64-encoded, to apply. */
    public static final String RELOAD_TEXT = "reload-text ";

    private final InterfaceConfig config;
    private UserAccount user;
    private final Path configFile;
    private volatile Tunnel tunnel;
    private InetSocketAddress metricsAddress;
    private String version = "unknown";
    private volatile UapiBridge uapi;

    private InterfaceService(InterfaceConfig config, Path configFile) {
        this.config = config;
        this.configFile = configFile;
    }

    /** {@code jtun up FILE}. */
    /**
     * Drops root for {@code account} once the interface is set up (User = / --user). Every
     * privileged step is behind it by then; later changes that need root fail, saying why.
     */
    public InterfaceService runningAs(UserAccount account) {
        this.user = account;
        return this;
    }

    public static InterfaceService fromFile(InterfaceConfig config, Path file) {
        return new InterfaceService(config, file);
    }

    /** {@code jtun IFACE}, like {@code wireguard-go IFACE}. */
    public static InterfaceService bare(String iface) {
        return new InterfaceService(InterfaceConfig.blank(iface), null);
    }

    /** Serves Prometheus metrics on {@code address} while the interface runs (opt-in). */
    public InterfaceService withMetrics(InetSocketAddress address, String jtunVersion) {
        this.metricsAddress = address;
        this.version = jtunVersion;
        return this;
    }

    /**
     * Brings the interface up, calls {@code ready} once it carries traffic (or, bare, once the
     * wg tool can configure it), then blocks until stopped. Exceptions from bringing it up
     * propagate (nothing is left behind).
     */
    public void run(Runnable ready) throws InterruptedException {
        RuntimeDir.create();
        Path pidFile = RuntimeDir.pidFile(config.name());
        try (ControlServer control = ControlServer.listen(RuntimeDir.socket(config.name()), config.name(),
                this::handle)) {
            // Holding the control socket proves no daemon of this interface runs here: a record
            // of rules is a killed predecessor's, which must go before this one adds its own.
            try {
                List<String> leftovers = DeadDaemonCleanup.undoRecorded(config.name());
                if (!leftovers.isEmpty()) {
                    Log.warning(config.name() + ": the previous daemon of " + config.name() + " was killed without"
                            + " cleaning up; removed what it left: " + String.join("; ", leftovers));
                }
            } catch (JtunException e) {
                Log.warning(config.name() + ": cleaning up after the previous daemon: " + e.getMessage());
            }
            try {
                tunnel = Tunnel.open(config);
            } finally {
                config.destroySecrets(); // the device holds its own copies from here on
            }
            UapiServer uapiServer = null;
            MetricsServer metrics = null;
            WgQuickState linkState = null;
            WgQuick wgQuick = WgQuick.system(message -> Log.info(config.name() + ": " + message));
            try {
                if (configFile != null && config.saveConfig()) {
                    Log.warning(config.name() + ": " + configFile + ":" + config.line(ConfigKey.SAVE_CONFIG)
                            + ": SaveConfig is not supported: jtun never rewrites the file, so changes made"
                            + " with wg set are lost at jtun down; save them with wg showconf");
                }
                if (configFile != null) {
                    // What wg-quick does around the device: hooks, addresses, MTU, DNS, routes,
                    // and policy routing for a default route.
                    try (Rtnetlink netlink = Rtnetlink.open()) {
                        linkState = wgQuick.up(config, tunnel.name(), netlink, HookRunner.bash(), tunnel::setFwMark);
                    }
                    DeadDaemonCleanup.record(config.name(), linkState);
                } else {
                    try (Rtnetlink netlink = Rtnetlink.open()) {
                        netlink.setMtu(tunnel.name(), USERSPACE_DEFAULT_MTU);
                    }
                }
                if (tunnel.wireGuard() != null) {
                    uapi = new UapiBridge(tunnel);
                    uapiServer = serveUapi();
                }
                if (metricsAddress != null) {
                    metrics = MetricsServer.start(metricsAddress, new TunnelMetrics(tunnel), version);
                    Log.info(tunnel.name() + ": metrics at " + metrics.url());
                }
                writePid(pidFile);
                if (user != null) {
                    Privileges.dropTo(user);
                    Log.info(tunnel.name() + ": set up; running as user " + user + " from now on");
                }
                Log.info(tunnel.name() + ": up, " + tunnel.config().mode().name().toLowerCase() + " over "
                        + tunnel.config().encapsulation().name().toLowerCase()
                        + (tunnel.listenPort() != 0 ? ", listening on UDP port " + tunnel.listenPort() : "")
                        + ", " + tunnel.peers().size() + " peer(s), mtu " + tunnel.mtu());
                ready.run();
                tunnel.awaitStop();
                if (tunnel.failure() != null) {
                    Log.error(tunnel.name() + ": stopped after a failure: " + tunnel.failure());
                }
            } finally {
                if (linkState != null && Privileges.droppedTo() != null) {
                    // Without root nothing can be undone here. Removing the device takes its
                    // addresses and routes; the rules and DNS recorded before the drop are
                    // undone by jtun down (root) once this process has gone, or by the next up.
                    Log.info(config.name() + ": addresses and routes go with the device; jtun down removes the rest");
                } else if (linkState != null) {
                    try (Rtnetlink netlink = Rtnetlink.open()) {
                        wgQuick.down(config, linkState, netlink, HookRunner.bash());
                        DeadDaemonCleanup.forget(config.name());
                    } catch (RuntimeException e) {
                        Log.error(config.name() + ": undoing the link setup: " + e.getMessage());
                    }
                }
                if (metrics != null) {
                    metrics.close();
                }
                if (uapiServer != null) {
                    uapiServer.close();
                }
                tunnel.close();
                deleteQuietly(pidFile);
                Log.info(config.name() + ": down");
            }
        }
        if (tunnel.failure() == null) {
            // A clean stop leaves nothing behind; after a failure the log stays for the operator.
            RuntimeDir.removeLeftovers(config.name());
        }
    }

    /**
     * The wg tool's socket. /var/run/wireguard is shared by all network namespaces, so an
     * interface of the same name in another namespace may hold it: a bare device cannot work
     * without it, but an interface from a configuration file runs on, managed by jtun's own
     * commands.
     */
    private UapiServer serveUapi() {
        try {
            return UapiServer.listen(UapiServer.defaultSocket(tunnel.name()), uapi, this::stop);
        } catch (JtunException e) {
            if (configFile == null) {
                throw e;
            }
            Log.warning(tunnel.name() + ": the wg tool cannot manage this interface: " + e.getMessage());
            return null;
        }
    }

    /** Stops the interface; safe from signal handlers. */
    public void stop() {
        Tunnel running = tunnel;
        if (running != null) {
            running.stop();
        }
    }

    /**
     * Re-reads the configuration file and applies what changed, as {@code wg syncconf} does:
     * peers that stay keep their sessions. Safe from signal handlers (SIGHUP).
     */
    public String reload() {
        return reload(null);
    }

    /** {@link #reload()} with the file's text read by the caller, or null to read the file here. */
    private String reload(String text) {
        Tunnel running = tunnel;
        if (configFile == null || running == null) {
            return "nothing to reload: " + config.name() + " was not started from a configuration file";
        }
        InterfaceConfig fresh = null;
        try {
            fresh = text == null ? ConfigParser.parse(configFile)
                    : ConfigParser.parse(text, configFile, config.name());
            String summary = ConfigSync.apply(running, uapi, fresh);
            Log.info(config.name() + ": reloaded " + configFile + ": " + summary);
            return summary;
        } catch (JtunException e) {
            JtunException reported = e;
            if (text == null && Privileges.droppedTo() != null && e.exitCode() == ExitCode.NO_PERMISSION) {
                reported = new JtunException(e.exitCode(), "cannot read " + configFile + " as user "
                        + Privileges.droppedTo().name() + " (User =): run jtun syncconf " + config.name()
                        + ", which reads it as root and hands it over", e);
            }
            Log.error(config.name() + ": reload of " + configFile + " failed, nothing changed: "
                    + reported.getMessage());
            throw reported;
        } finally {
            if (fresh != null) {
                fresh.destroySecrets(); // applied (copied) or refused
            }
        }
    }

    private String handle(String command) {
        Tunnel running = tunnel;
        return switch (command) {
            case "show" -> running == null ? "starting\n" : StatusReport.of(running);
            case "stop" -> {
                Log.info(config.name() + ": stop requested through the control socket");
                stop();
                yield "stopping\n";
            }
            case "reload" -> "ok " + reload() + "\n";
            case "" -> "";
            case "source" -> configFile == null ? "error not started from a file\n" : "ok " + configFile + "\n";
            default -> command.startsWith(RELOAD_TEXT) ? "ok " + reload(decode(command)) + "\n"
                    : "error unknown command '" + command + "'\n";
        };
    }

    /**
     * The file's text as {@code jtun syncconf} read it: a daemon that dropped root (User =) can
     * no longer read a file only root may read, which is how a file with a private key should be.
     */
    private static String decode(String command) {
        try {
            return new String(Base64.getDecoder().decode(command.substring(RELOAD_TEXT.length())), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new JtunException(ExitCode.USAGE, "reload-text carries base64: " + e.getMessage());
        }
    }

    private static void writePid(Path pidFile) {
        try {
            Files.writeString(pidFile, ProcessHandle.current().pid() + "\n");
        } catch (IOException e) {
            // Only a convenience for operators; the control socket is what jtun itself uses.
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // left behind; harmless, overwritten by the next start
        }
    }
}
