package io.jtun.tun;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import io.jtun.ExitCode;
import io.jtun.JtunException;
import io.jtun.sys.Errno;
import io.jtun.sys.Libc;
import io.jtun.sys.SysException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A Linux TUN or TAP device opened through /dev/net/tun.
 *
 * <p>Devices are always opened with IFF_NO_PI: the 4-byte packet-information prefix carries
 * nothing the IP version nibble does not, and leaving it out keeps reads equal to packets.
 * Closing a non-persistent device removes it from the system (the kernel does so when its last
 * descriptor closes); a persistent device stays until someone turns persistence off.
 */
public final class TunDevice implements AutoCloseable {
    /** Size of struct virtio_net_hdr, the prefix of every packet on a vnet-header device. */
    public static final int VNET_HEADER_SIZE = 10;

    /**
     * A buffer this large takes any packet the kernel can hand a TUN/TAP reader: the 65535-byte
     * maximum MTU plus an Ethernet header with a VLAN tag plus the vnet header, rounded up.
     */
    public static final int READ_BUFFER_SIZE = 65536 + 64;

    private static final String CLONE_DEVICE = "/dev/net/tun";

    private final String name;
    private final TunMode mode;
    private final boolean vnetHeader;
    private final List<TunQueue> queues;
    private boolean closed;

    private TunDevice(String name, TunMode mode, boolean vnetHeader, List<TunQueue> queues) {
        this.name = name;
        this.mode = mode;
        this.vnetHeader = vnetHeader;
        this.queues = List.copyOf(queues);
    }

    /** Creates the device described by {@code options}, or attaches to it if it exists. */
    public static TunDevice open(TunOptions options) {
        String requested = InterfaceName.validate(options.nameOrTemplate());
        boolean template = InterfaceName.isTemplate(requested);
        if (options.mustExist()) {
            if (template) {
                throw new JtunException(ExitCode.USAGE,
                        "attaching needs the name of an existing device, not the template '" + requested + "'");
            }
            if (!SysfsTun.exists(requested)) {
                throw new JtunException(ExitCode.NOT_FOUND, "there is no device named " + requested
                        + " to attach to: create a persistent one first (jtun monitor --name " + requested
                        + " --persist, or ip tuntap add " + requested + " mode " + options.mode().name().toLowerCase()
                        + "), or leave out --attach to create it");
            }
        }
        if (!template) {
            SysfsTun.checkCompatible(requested, options);
        }

        short flags = (short) (options.mode().flag() | TunIoctl.IFF_NO_PI);
        if (options.queues() > 1) {
            flags |= TunIoctl.IFF_MULTI_QUEUE;
        }
        if (options.vnetHeader()) {
            flags |= TunIoctl.IFF_VNET_HDR;
        }

        List<TunQueue> opened = new ArrayList<>(options.queues());
        String actualName = requested;
        try {
            for (int i = 0; i < options.queues(); i++) {
                int fd = openCloneDevice();
                try {
                    actualName = attach(fd, actualName, flags);
                    Libc.setNonBlocking(fd, true);
                } catch (RuntimeException e) {
                    Libc.close(fd);
                    throw e;
                }
                opened.add(new TunQueue(i, fd));
            }
        } catch (RuntimeException e) {
            opened.forEach(TunQueue::close);
            throw e;
        }
        return new TunDevice(actualName, options.mode(), options.vnetHeader(), opened);
    }

    /** What the kernel's TUN driver supports. */
    public static TunFeatures features() {
        int fd = openCloneDevice();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(JAVA_INT);
            Libc.ioctl(fd, TunIoctl.TUNGETFEATURES, value, "ioctl(TUNGETFEATURES)");
            return new TunFeatures(value.get(JAVA_INT, 0));
        } finally {
            Libc.close(fd);
        }
    }

    private static int openCloneDevice() {
        try {
            return Libc.open(CLONE_DEVICE, Libc.O_RDWR | Libc.O_CLOEXEC);
        } catch (SysException e) {
            throw switch (e.errno()) {
                case Errno.ENOENT -> new JtunException(ExitCode.NOT_FOUND, CLONE_DEVICE
                        + " does not exist: load the TUN driver (modprobe tun), or in a container pass the device in"
                        + " (docker run --device /dev/net/tun)", e);
                case Errno.ENODEV, Errno.ENXIO -> new JtunException(ExitCode.NOT_FOUND, CLONE_DEVICE
                        + " exists but the TUN driver is not loaded: run modprobe tun", e);
                case Errno.EACCES, Errno.EPERM -> new JtunException(ExitCode.NO_PERMISSION, "cannot open " + CLONE_DEVICE
                        + ": permission denied; run jtun as root (sudo) or with CAP_NET_ADMIN and read/write access"
                        + " to " + CLONE_DEVICE, e);
                default -> e;
            };
        }
    }

    /** TUNSETIFF on a fresh descriptor; returns the name the kernel chose or confirmed. */
    private static String attach(int fd, String name, short flags) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ifreq = arena.allocate(TunIoctl.IFREQ);
            byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
            MemorySegment.copy(nameBytes, 0, ifreq, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, nameBytes.length);
            ifreq.set(java.lang.foreign.ValueLayout.JAVA_SHORT, TunIoctl.IFR_FLAGS_OFFSET, flags);
            try {
                Libc.ioctl(fd, TunIoctl.TUNSETIFF, ifreq, "ioctl(TUNSETIFF, " + name + ")");
            } catch (SysException e) {
                throw explainSetIff(name, e);
            }
            return ifreq.getString(0, StandardCharsets.UTF_8);
        }
    }

    private static JtunException explainSetIff(String name, SysException e) {
        return switch (e.errno()) {
            case Errno.EPERM -> new JtunException(ExitCode.NO_PERMISSION, "creating or attaching to " + name
                    + " needs CAP_NET_ADMIN (or ownership of a persistent device): run jtun as root (sudo), or grant"
                    + " the capability (setcap cap_net_admin+ep, or AmbientCapabilities=CAP_NET_ADMIN in systemd)", e);
            case Errno.EBUSY -> new JtunException(ExitCode.BUSY, name + " is in use: another process has it open"
                    + " (a single-queue device takes one reader); stop that process or choose another --name", e);
            case Errno.EINVAL -> new JtunException(ExitCode.USAGE, "the kernel refused " + name
                    + ": an interface with that name exists with a different type or queue setting;"
                    + " choose another --name or match its settings (ip -d link show " + name + ")", e);
            default -> new JtunException(e.exitCode(), "cannot create or attach to " + name + ": " + e.getMessage(), e);
        };
    }

    public String name() {
        return name;
    }

    public TunMode mode() {
        return mode;
    }

    public boolean vnetHeader() {
        return vnetHeader;
    }

    public int queueCount() {
        return queues.size();
    }

    public TunQueue queue(int index) {
        return queues.get(index);
    }

    public List<TunQueue> queues() {
        return queues;
    }

    /**
     * Makes the device outlive this process (TUNSETPERSIST), or lets it vanish on close again.
     * A persistent device can later be attached to by name, also by the owner/group set here.
     */
    public void setPersistent(boolean persistent) {
        Libc.ioctl(firstFd(), TunIoctl.TUNSETPERSIST, persistent ? 1 : 0, "ioctl(TUNSETPERSIST)");
    }

    /** Lets the given user attach to the persistent device without CAP_NET_ADMIN. */
    public void setOwner(int uid) {
        Libc.ioctl(firstFd(), TunIoctl.TUNSETOWNER, uid, "ioctl(TUNSETOWNER)");
    }

    /** Lets members of the given group attach to the persistent device without CAP_NET_ADMIN. */
    public void setGroup(int gid) {
        Libc.ioctl(firstFd(), TunIoctl.TUNSETGROUP, gid, "ioctl(TUNSETGROUP)");
    }

    /**
     * Enables kernel offloads ({@link Offload} flags). The device must have a vnet header, since
     * that is where the kernel describes the segmentation and checksum work left to us.
     */
    public void setOffload(int offloads) {
        if (!vnetHeader) {
            throw new JtunException(ExitCode.USAGE, "offloads need a device opened with a vnet header");
        }
        for (TunQueue queue : queues) {
            try {
                Libc.ioctl(queue.fd(), TunIoctl.TUNSETOFFLOAD, offloads, "ioctl(TUNSETOFFLOAD)");
            } catch (SysException e) {
                if (e.errno() == Errno.EINVAL) {
                    throw new JtunException(ExitCode.FAILURE, "this kernel does not support the offloads "
                            + Offload.describe(offloads) + " on " + name + ": turn them off", e);
                }
                throw e;
            }
        }
    }

    private int firstFd() {
        if (closed) {
            throw new IllegalStateException(name + " is closed");
        }
        return queues.get(0).fd();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (TunQueue queue : queues) {
            queue.close();
        }
    }
}
