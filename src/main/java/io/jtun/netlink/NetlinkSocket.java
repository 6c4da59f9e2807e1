package io.jtun.netlink;

import static io.jtun.netlink.NetlinkConstants.MSG_PEEK;
import static io.jtun.netlink.NetlinkConstants.MSG_TRUNC;
import static io.jtun.netlink.NetlinkConstants.NETLINK_CAP_ACK;
import static io.jtun.netlink.NetlinkConstants.NETLINK_EXT_ACK;
import static io.jtun.netlink.NetlinkConstants.NETLINK_ROUTE;
import static io.jtun.netlink.NetlinkConstants.SOL_NETLINK;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import io.jtun.ExitCode;
import io.jtun.JtunException;
import io.jtun.sys.Libc;
import io.jtun.sys.SysException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * A NETLINK_ROUTE socket that sends one request at a time and collects its {@link NetlinkReply}.
 *
 * <p>Calls are serialized, so one instance may be shared; recv blocks, which is fine because the
 * kernel answers rtnetlink requests at once.
 */
final class NetlinkSocket implements AutoCloseable {
    /** Room for a full dump datagram; bigger ones (rare) are measured with MSG_PEEK first. */
    private static final int RECEIVE_BUFFER_SIZE = 64 * 1024;
    /** struct sockaddr_nl { sa_family_t family; u16 pad; u32 pid; u32 groups; } */
    private static final int SOCKADDR_NL_SIZE = 12;
    /** A dump the kernel marks inconsistent (NLM_F_DUMP_INTR) is retried this many times. */
    private static final int DUMP_ATTEMPTS = 5;

    private final int fd;
    private final Arena arena;
    private final MemorySegment kernelAddress;
    private MemorySegment receiveBuffer;
    private int sequence;
    private boolean closed;

    private NetlinkSocket(int fd, Arena arena) {
        this.fd = fd;
        this.arena = arena;
        this.kernelAddress = sockaddrNl(arena);
        this.receiveBuffer = arena.allocate(RECEIVE_BUFFER_SIZE, 8);
        // Not 0, so that a reply to an unsequenced message can never be taken for ours.
        this.sequence = (int) (System.nanoTime() & 0x3fffffff) + 1;
    }

    static NetlinkSocket open() {
        int fd = Libc.socket(Libc.AF_NETLINK, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, NETLINK_ROUTE);
        Arena arena = Arena.ofShared();
        try {
            // Port id 0: the kernel assigns a unique one.
            Libc.bind(fd, sockaddrNl(arena), SOCKADDR_NL_SIZE);
            enableOptional(fd, NETLINK_EXT_ACK); // kernel's error text in acks (4.12+)
            enableOptional(fd, NETLINK_CAP_ACK); // acks need not echo our request back
            return new NetlinkSocket(fd, arena);
        } catch (RuntimeException e) {
            arena.close();
            Libc.close(fd);
            throw e;
        }
    }

    private static void enableOptional(int fd, int option) {
        try {
            Libc.setsockopt(fd, SOL_NETLINK, option, 1);
        } catch (SysException e) {
            // Older kernels: plain acks carry everything we need.
        }
    }

    private static MemorySegment sockaddrNl(Arena arena) {
        MemorySegment address = arena.allocate(SOCKADDR_NL_SIZE, 4);
        address.set(JAVA_SHORT_UNALIGNED, 0, (short) Libc.AF_NETLINK);
        return address;
    }

    /** Sends a request that ends in an ack; returns the messages before it (e.g. a GETLINK answer). */
    synchronized List<NetlinkMessage> execute(NetlinkMessageBuilder request) {
        return transact(request, false).messages();
    }

    /** Sends a dump request; returns every message up to NLMSG_DONE. */
    synchronized List<NetlinkMessage> dump(NetlinkMessageBuilder request) {
        for (int attempt = 1; ; attempt++) {
            NetlinkReply reply = transact(request, true);
            if (!reply.interrupted()) {
                return reply.messages();
            }
            if (attempt == DUMP_ATTEMPTS) {
                throw new JtunException(ExitCode.FAILURE, NetlinkConstants.messageTypeName(request.type())
                        + " dump kept changing while it was read (" + DUMP_ATTEMPTS
                        + " attempts): the network configuration is being modified heavily; try again");
            }
        }
    }

    private NetlinkReply transact(NetlinkMessageBuilder request, boolean dump) {
        if (closed) {
            throw new IllegalStateException("netlink socket is closed");
        }
        int seq = nextSequence();
        MemorySegment message = request.build(seq);
        Libc.sendto(fd, message, message.byteSize(), 0, kernelAddress, SOCKADDR_NL_SIZE);
        NetlinkReply reply = new NetlinkReply(request.type(), seq, dump);
        while (true) {
            for (NetlinkMessage received : receive()) {
                if (reply.offer(received)) {
                    return reply;
                }
            }
        }
    }

    private int nextSequence() {
        sequence = sequence == Integer.MAX_VALUE ? 1 : sequence + 1;
        return sequence;
    }

    private List<NetlinkMessage> receive() {
        long size = Libc.recv(fd, receiveBuffer, receiveBuffer.byteSize(), MSG_PEEK | MSG_TRUNC);
        if (size > receiveBuffer.byteSize()) {
            receiveBuffer = arena.allocate(size, 8);
        }
        long length = Libc.recv(fd, receiveBuffer, receiveBuffer.byteSize(), 0);
        return NetlinkMessage.parseAll(receiveBuffer.asSlice(0, length));
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            try {
                Libc.close(fd);
            } finally {
                arena.close();
            }
        }
    }
}
