package io.jtun.tun;

/**
 * How to open a TUN/TAP device.
 *
 * @param name        an interface name, or a template such as {@code tun%d}; null means the mode's
 *                    default template
 * @param mode        TUN (IP packets) or TAP (Ethernet frames)
 * @param queues      number of queues; more than one opens an IFF_MULTI_QUEUE device with one
 *                    file descriptor per queue, so several threads can read and write in parallel
 * @param vnetHeader  prefix every packet with a virtio-net header (needed for offloads)
 * @param mustExist   attach to an existing (persistent) device and fail if there is none,
 *                    instead of creating one
 */
public record TunOptions(String name, TunMode mode, int queues, boolean vnetHeader, boolean mustExist) {
    public static final int MAX_QUEUES = 256;

    public TunOptions {
        if (mode == null) {
            throw new IllegalArgumentException("mode is required");
        }
        if (queues < 1 || queues > MAX_QUEUES) {
            throw new IllegalArgumentException("queues must be 1.." + MAX_QUEUES + ", not " + queues);
        }
    }

    public static TunOptions tun(String name) {
        return new TunOptions(name, TunMode.TUN, 1, false, false);
    }

    public static TunOptions tap(String name) {
        return new TunOptions(name, TunMode.TAP, 1, false, false);
    }

    public String nameOrTemplate() {
        return name == null ? mode.defaultTemplate() : name;
    }

    public TunOptions withQueues(int count) {
        return new TunOptions(name, mode, count, vnetHeader, mustExist);
    }

    public TunOptions withVnetHeader(boolean enabled) {
        return new TunOptions(name, mode, queues, enabled, mustExist);
    }

    public TunOptions withMustExist(boolean required) {
        return new TunOptions(name, mode, queues, vnetHeader, required);
    }
}
