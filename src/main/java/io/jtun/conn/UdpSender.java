package io.jtun.conn;

import io.jtun.sys.Errno;
import io.jtun.sys.Libc;
import io.jtun.sys.SysException;
import java.lang.foreign.MemorySegment;

/**
 * The sending half of {@link UdpTransport}: turns slots into messages and sends them with
 * sendmmsg, with UDP segmentation (GSO) when it is on.
 *
 * <h2>Runs</h2>
 * With segmentation, consecutive slots to the same sockaddr whose lengths equal the first one's
 * (the last may be shorter, and then ends the run) form a run of up to {@link #MAX_SEGMENTS}
 * slots and {@link UdpTransport#MAX_PAYLOAD} bytes in all, sent as ONE message: one iovec per slot
 * (the payloads are not copied) and a UDP_SEGMENT control message with the first length, so the
 * kernel cuts it back into the very datagrams the slots hold. Runs of one slot, and every slot
 * when segmentation is off, go as plain messages, exactly as without this class.
 *
 * <h2>When the kernel refuses a run</h2>
 * The run is sent again one datagram per message, so nothing is lost to segmentation, and
 * {@link TransportCounters#gsoFallbacks()} counts it. What happens next depends on why:
 * <ul>
 * <li>EIO (IPsec applies to the route, or before Linux 6.11 its device cannot checksum) and
 *     ENOPROTOOPT (no UDP_SEGMENT in this kernel) hold for every later run too: segmentation is
 *     turned off for good ({@link TransportCounters#gsoDisabled()}), as wireguard-go does on EIO.
 * <li>EINVAL also comes from the destination itself (port 0, a link-local address without scope)
 *     and, before Linux 6.14, from a segment larger than the route's MTU. The first datagram of
 *     the run decides: if it then goes through alone, segmentation was the obstacle and is turned
 *     off for good; if it fails alone too, the destination was, and segmentation stays on.
 * <li>EMSGSIZE (since Linux 6.14: a segment larger than the route's MTU, which a single datagram
 *     may still pass as IP fragments) concerns that peer's path only: segmentation stays on.
 * </ul>
 * Any other error of a run counts every slot of it as failed, as if each had failed alone.
 *
 * <p>The flag lives here and only the sending thread changes it; others may read it (status).
 */
final class UdpSender {
    /**
     * The most segments the kernel takes in one message. UDP_MAX_SEGMENTS was 64 from
     * UDP_SEGMENT's start (Linux 4.18); recent kernels raised it to 128. 64 is accepted everywhere.
     */
    static final int MAX_SEGMENTS = 64;
    /** Marks "no run is on probation" (see EINVAL above). */
    private static final int NO_PROBE = -1;

    /**
     * The sendmmsg call, as {@link Libc#sendmmsg} with no flags: messages taken, or -errno. A seam
     * so tests can play a kernel that refuses segmentation, which no current kernel does on
     * loopback (since Linux 6.11 not even for a device without checksum offload).
     */
    @FunctionalInterface
    interface SendCall {
        SendCall LIBC = (fd, vector, count) -> Libc.sendmmsg(fd, vector, count, 0);

        int sendmmsg(int fd, MemorySegment vector, int count);
    }

    private final int fd;
    private final int family;
    private final TransportCounters counters;
    private final SendCall call;
    private volatile boolean segmentation;

    UdpSender(int fd, int family, TransportCounters counters, boolean segmentation, SendCall call) {
        this.fd = fd;
        this.family = family;
        this.counters = counters;
        this.segmentation = segmentation;
        this.call = call;
    }

    /** Whether runs are sent as segmented messages now. */
    boolean segmentation() {
        return segmentation;
    }

    /** {@link Transport#send(PacketBatch, int)}. */
    int send(PacketBatch batch, int first) {
        int count = batch.count();
        if (first < 0 || first > count) {
            throw new IndexOutOfBoundsException("first slot " + first + " is outside 0.." + count);
        }
        MessageVector vector = batch.vector();
        // Every address is checked before anything is sent, so a bad slot sends nothing.
        for (int i = first; i < count; i++) {
            if (batch.addressLength(i) == 0) {
                throw new IllegalArgumentException("slot " + i + " has no destination address");
            }
            vector.setSlotPayload(i, batch.nativePayloadOf(i), batch.length(i));
        }
        return transmit(batch, first, count) - first;
    }

    /**
     * Sends slots first..count-1.
     *
     * @return the slot reached: count, or the first slot of the message the full socket stopped
     */
    private int transmit(PacketBatch batch, int first, int count) {
        MessageVector vector = batch.vector();
        int slot = first;
        // Slots below plainUntil go one per message: the kernel refused them as a run.
        int plainUntil = first;
        int probe = NO_PROBE;
        plan:
        while (slot < count) {
            int end = plan(batch, slot, count, segmentation ? plainUntil : count);
            int entry = slot;
            while (entry < end) {
                int n = call.sendmmsg(fd, vector.from(entry), Math.min(end - entry, BatchCalls.MAX_MESSAGES_PER_CALL));
                if (n > 0) {
                    boolean probed = false;
                    for (int k = 0; k < n; k++) {
                        int slots = vector.slots(entry + k);
                        probed |= slot == probe;
                        counters.countSent(slots);
                        if (slots > 1) {
                            counters.countGsoSend();
                        }
                        slot += slots;
                    }
                    entry += n;
                    if (probed && segmentation) {
                        // Refused (EINVAL) as a run, accepted alone: segmentation was the obstacle.
                        // The runs planned after it would only be refused too: plan the rest anew.
                        disableSegmentation();
                        continue plan;
                    }
                    continue;
                }
                int errno = -n;
                if (n == 0 || errno == Errno.EAGAIN) {
                    // Only whole messages were sent: slot is the first of the one that was not.
                    return slot;
                }
                if (SocketErrors.isFatal(errno)) {
                    throw new SysException("sendmmsg", errno);
                }
                int slots = vector.slots(entry);
                if (slots > 1 && isRefusal(errno)) {
                    counters.countGsoFallback();
                    if (errno == Errno.EIO || errno == Errno.ENOPROTOOPT) {
                        disableSegmentation();
                    } else {
                        plainUntil = slot + slots;
                        probe = errno == Errno.EINVAL ? slot : NO_PROBE;
                    }
                    continue plan;
                }
                // sendmmsg reports a message's error only when it is first in the call: skip just it.
                counters.countSendFailures(errno, slots);
                slot += slots;
                entry++;
            }
        }
        return slot;
    }

    /** The errors with which the kernel may refuse a segmented message it would take as datagrams. */
    private static boolean isRefusal(int errno) {
        return errno == Errno.EIO || errno == Errno.ENOPROTOOPT || errno == Errno.EINVAL || errno == Errno.EMSGSIZE;
    }

    private void disableSegmentation() {
        if (segmentation) {
            segmentation = false;
            counters.countGsoDisabled();
        }
    }

    /**
     * Fills entries slot.. with one message per run of slots slot..count-1; runs are formed only
     * from {@code groupFrom} on (count: none).
     *
     * @return the entry after the last message
     */
    private int plan(PacketBatch batch, int slot, int count, int groupFrom) {
        MessageVector vector = batch.vector();
        int entry = slot;
        int i = slot;
        while (i < count) {
            int slots = i >= groupFrom ? runLength(batch, i, count) : 1;
            long name;
            int nameLength;
            if (family == Libc.AF_INET6 && batch.addressFamily(i) == Libc.AF_INET) {
                // The dual-stack socket reaches IPv4 peers through ::ffff:a.b.c.d.
                Sockaddr.writeMapped(batch.addresses(), batch.addressOffset(i), vector.mappedNames(),
                        vector.mappedNameOffset(entry));
                name = vector.mappedNameAddress(entry);
                nameLength = Sockaddr.IN6_SIZE;
            } else {
                name = batch.nativeAddressOf(i);
                nameLength = batch.addressLength(i);
            }
            vector.sendRun(entry, name, nameLength, i, slots, slots > 1 ? batch.length(i) : 0);
            i += slots;
            entry++;
        }
        return entry;
    }

    /** How many slots from {@code i} form one run (1 when they cannot be grouped). */
    static int runLength(PacketBatch batch, int i, int count) {
        int size = batch.length(i);
        if (size == 0) {
            // A segment size of 0 means "no segmentation": empty datagrams always go alone.
            return 1;
        }
        int limit = Math.min(count - i, MAX_SEGMENTS);
        int n = 1;
        int total = size;
        while (n < limit) {
            int j = i + n;
            int length = batch.length(j);
            if (length == 0 || length > size || total + length > UdpTransport.MAX_PAYLOAD || !batch.sameAddress(i, j)) {
                break;
            }
            n++;
            total += length;
            if (length < size) {
                // Only the last segment may be short: the kernel cuts at every multiple of size.
                break;
            }
        }
        return n;
    }
}
