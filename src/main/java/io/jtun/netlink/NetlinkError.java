package io.jtun.netlink;

import io.jtun.ExitCode;
import io.jtun.JtunException;
import io.jtun.sys.Errno;
import io.jtun.sys.Libc;
import java.util.Optional;

/**
 * The kernel refused a netlink request. {@link Rtnetlink} turns the ones it understands into
 * messages about the interface; the text of this one is the fallback and still names the request,
 * the errno and the kernel's own explanation.
 */
final class NetlinkError extends JtunException {
    private static final long serialVersionUID = 1L;

    private final int errno;
    private final String kernelMessage;

    NetlinkError(int requestType, NetlinkAck ack) {
        super(Errno.exitCode(ack.errno()), NetlinkConstants.messageTypeName(requestType) + " failed: "
                + describe(ack.errno(), ack.kernelMessage()));
        this.errno = ack.errno();
        this.kernelMessage = ack.kernelMessage().orElse(null);
    }

    int errno() {
        return errno;
    }

    Optional<String> kernelMessage() {
        return Optional.ofNullable(kernelMessage);
    }

    /** "EINVAL (Invalid argument; kernel: MTU greater than device maximum)". */
    static String describe(int errno, Optional<String> kernelMessage) {
        return Errno.name(errno) + " (" + Libc.strerror(errno) + kernelMessage.map(m -> "; kernel: " + m).orElse("")
                + ")";
    }

    String describe() {
        return describe(errno, kernelMessage());
    }
}
