package io.jtun.tun;

/** What the running kernel's TUN driver supports, from TUNGETFEATURES. */
public record TunFeatures(int flags) {
    public boolean multiQueue() {
        return (flags & TunIoctl.IFF_MULTI_QUEUE) != 0;
    }

    public boolean vnetHeader() {
        return (flags & TunIoctl.IFF_VNET_HDR) != 0;
    }

    public boolean napi() {
        return (flags & TunIoctl.IFF_NAPI) != 0;
    }

    public boolean tap() {
        return (flags & TunIoctl.IFF_TAP) != 0;
    }
}
