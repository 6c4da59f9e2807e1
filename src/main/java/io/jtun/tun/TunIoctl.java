package io.jtun.tun;

import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

/**
 * The TUN driver's ioctl numbers and flags (linux/if_tun.h) and struct ifreq
 * (linux/if.h). The request numbers are the generic-ABI _IOW/_IOR encodings used by x86_64 and
 * aarch64.
 */
final class TunIoctl {
    static final long TUNSETIFF = 0x400454caL;
    static final long TUNSETPERSIST = 0x400454cbL;
    static final long TUNSETOWNER = 0x400454ccL;
    static final long TUNSETGROUP = 0x400454ceL;
    static final long TUNGETFEATURES = 0x800454cfL;
    static final long TUNSETOFFLOAD = 0x400454d0L;
    static final long TUNGETIFF = 0x800454d2L;
    static final long TUNSETVNETHDRSZ = 0x400454d8L;

    static final short IFF_TUN = 0x0001;
    static final short IFF_TAP = 0x0002;
    static final short IFF_NAPI = 0x0010;
    static final short IFF_MULTI_QUEUE = 0x0100;
    static final short IFF_NO_PI = 0x1000;
    static final short IFF_VNET_HDR = 0x4000;

    /** IFNAMSIZ: 16 bytes including the terminating NUL, so names hold at most 15. */
    static final int IFNAMSIZ = 16;

    /** struct ifreq is 40 bytes on 64-bit Linux: the name, then a 24-byte union. */
    static final StructLayout IFREQ = MemoryLayout.structLayout(
            MemoryLayout.sequenceLayout(IFNAMSIZ, java.lang.foreign.ValueLayout.JAVA_BYTE).withName("ifr_name"),
            JAVA_SHORT.withName("ifr_flags"),
            MemoryLayout.paddingLayout(22));

    static final long IFR_FLAGS_OFFSET = IFNAMSIZ;

    private TunIoctl() {
    }
}
