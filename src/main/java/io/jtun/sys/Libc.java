package io.jtun.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * Thin, typed downcalls into the C library; the only class in jtun that builds method handles.
 *
 * <p>Every call that can fail captures {@code errno} in the same native call (reading it later
 * would race with the JVM's own libc use) and turns {@code -1} into a {@link SysException}.
 * Calls that may block in the kernel ({@code read}, {@code poll}, ...) are plain downcalls:
 * they pin a virtual thread, so callers run them on platform threads.
 */
public final class Libc {
    // open(2) flags
    public static final int O_RDONLY = 0;
    public static final int O_RDWR = 2;
    public static final int O_NONBLOCK = 0x800;
    public static final int O_CLOEXEC = 0x80000;

    // fcntl(2)
    private static final int F_GETFL = 3;
    private static final int F_SETFL = 4;

    // poll(2)
    public static final short POLLIN = 0x1;
    public static final short POLLOUT = 0x4;
    public static final short POLLERR = 0x8;
    public static final short POLLHUP = 0x10;
    public static final short POLLNVAL = 0x20;

    // socket(2)
    public static final int AF_UNIX = 1;
    public static final int AF_INET = 2;
    public static final int AF_INET6 = 10;
    public static final int AF_NETLINK = 16;
    public static final int SOCK_STREAM = 1;
    public static final int SOCK_DGRAM = 2;
    public static final int SOCK_RAW = 3;
    public static final int SOCK_CLOEXEC = O_CLOEXEC;
    public static final int SOL_SOCKET = 1;
    public static final int SO_RCVBUF = 8;
    public static final int SO_MARK = 36;
    public static final int SO_SNDBUF = 7;

    /** struct pollfd { int fd; short events; short revents; } */
    public static final StructLayout POLLFD = MemoryLayout.structLayout(
            JAVA_INT.withName("fd"),
            JAVA_SHORT.withName("events"),
            JAVA_SHORT.withName("revents"));

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LOOKUP = LINKER.defaultLookup();
    private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

    /** One errno capture area per thread, so concurrent calls never see each other's errno. */
    private static final ThreadLocal<MemorySegment> CAPTURE =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(CAPTURE_LAYOUT));

    private static final MethodHandle OPEN = failing("open",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), Linker.Option.firstVariadicArg(2));
    private static final MethodHandle CLOSE = failing("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    // The buffer is passed as a raw address (a long is passed exactly like a pointer), so the
    // data path can read into or write from the middle of a slot without making a slice.
    private static final MethodHandle READ = failing("read",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle WRITE = failing("write",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle IOCTL_PTR = failing("ioctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS), Linker.Option.firstVariadicArg(2));
    private static final MethodHandle IOCTL_LONG = failing("ioctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG), Linker.Option.firstVariadicArg(2));
    private static final MethodHandle FCNTL = failing("fcntl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), Linker.Option.firstVariadicArg(2));
    private static final MethodHandle POLL = failing("poll",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle PIPE2 = failing("pipe2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle SOCKET = failing("socket",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle BIND = failing("bind",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle SENDTO = failing("sendto",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle RECV = failing("recv",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle SETSOCKOPT = failing("setsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle IF_NAMETOINDEX = failing("if_nametoindex",
            FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle GETSOCKNAME = failing("getsockname",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle RECVMMSG = failing("recvmmsg",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle SENDMMSG = failing("sendmmsg",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    private static final MethodHandle GETEUID = plain("geteuid", FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle GETUID = plain("getuid", FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle SIGNAL = plain("signal", FunctionDescriptor.of(ADDRESS, JAVA_INT, ADDRESS));
    private static final MethodHandle GETGID = plain("getgid", FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle GETPWNAM = failing("getpwnam", FunctionDescriptor.of(ADDRESS, ADDRESS));
    private static final MethodHandle GETPWUID = failing("getpwuid", FunctionDescriptor.of(ADDRESS, JAVA_INT));
    private static final MethodHandle GETGROUPLIST = plain("getgrouplist",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS));
    // glibc's wrappers change the ids of every thread of the process (not only the caller's, as
    // the raw system calls would), which is what a privilege drop needs.
    private static final MethodHandle SETGROUPS = failing("setgroups", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS));
    private static final MethodHandle SETGID = failing("setgid", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle SETUID = failing("setuid", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle STRERROR = plain("strerror", FunctionDescriptor.of(ADDRESS, JAVA_INT));
    private static final MethodHandle MMAP = failing("mmap",
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
    private static final MethodHandle MUNMAP = plain("munmap", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
    private static final int PROT_READ_WRITE = 0x3;
    private static final int MAP_PRIVATE_ANONYMOUS = 0x22;

    private Libc() {
    }

    private static MethodHandle failing(String name, FunctionDescriptor descriptor, Linker.Option... extra) {
        Linker.Option[] options = new Linker.Option[extra.length + 1];
        options[0] = CAPTURE_ERRNO;
        System.arraycopy(extra, 0, options, 1, extra.length);
        // With errno capture the handle takes the capture segment as its first argument.
        return LINKER.downcallHandle(symbol(name), descriptor, options);
    }

    private static MethodHandle plain(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(symbol(name), descriptor);
    }

    private static MemorySegment symbol(String name) {
        return LOOKUP.find(name).orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
    }

    private static MemorySegment capture() {
        return CAPTURE.get();
    }

    /** errno of the last failing call made through this class on the current thread. */
    private static int lastErrno(MemorySegment capture) {
        return (int) ERRNO.get(capture, 0L);
    }

    private static int check(String call, int result, MemorySegment capture) {
        if (result == -1) {
            throw new SysException(call, lastErrno(capture));
        }
        return result;
    }

    private static long check(String call, long result, MemorySegment capture) {
        if (result == -1) {
            throw new SysException(call, lastErrno(capture));
        }
        return result;
    }

    /** Wraps a Throwable escaping invokeExact, which for these handles can only be an Error. */
    private static RuntimeException unexpected(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t);
    }

    public static int open(String path, int flags) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cPath = arena.allocateFrom(path);
            MemorySegment capture = capture();
            int fd = (int) OPEN.invokeExact(capture, cPath, flags, 0);
            return check("open(" + path + ")", fd, capture);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /**
     * {@code size} bytes of zeroed memory that takes no physical memory until it is written:
     * anonymous private pages, mapped on first touch. Big packet buffers sized for the worst case
     * (64 KB per slot) then cost only what traffic actually uses, where {@link Arena#allocate}
     * would zero, and so commit, all of it up front. Unmapped when {@code arena} closes.
     */
    public static MemorySegment allocateLazily(Arena arena, long size) {
        MemorySegment mapped;
        try {
            MemorySegment capture = capture();
            mapped = (MemorySegment) MMAP.invokeExact(capture, MemorySegment.NULL, size, PROT_READ_WRITE,
                    MAP_PRIVATE_ANONYMOUS, -1, 0L);
            if (mapped.address() == -1L) {
                throw new SysException("mmap", (int) ERRNO.get(capture, 0L));
            }
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
        return mapped.reinterpret(size, arena, segment -> munmap(segment, size));
    }

    private static void munmap(MemorySegment segment, long size) {
        try {
            int ignored = (int) MUNMAP.invokeExact(segment, size);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static void close(int fd) {
        try {
            MemorySegment capture = capture();
            check("close", (int) CLOSE.invokeExact(capture, fd), capture);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /**
     * read(2) into {@code buf}. Returns the byte count, or -1 when the descriptor is non-blocking
     * and has nothing to read (EAGAIN); EINTR is retried.
     */
    public static long read(int fd, MemorySegment buf, long length) {
        return read(fd, buf, 0, length);
    }

    /** read(2) into {@code buf[offset..offset+length)} of a native segment; as {@link #read(int, MemorySegment, long)}. */
    public static long read(int fd, MemorySegment buf, long offset, long length) {
        return transfer(READ, "read", fd, nativeAddress(buf, offset, length), length);
    }

    /**
     * write(2) from {@code buf}. Returns the byte count, or -1 when a non-blocking descriptor
     * cannot take it now (EAGAIN); EINTR is retried.
     */
    public static long write(int fd, MemorySegment buf, long length) {
        return write(fd, buf, 0, length);
    }

    /** write(2) from {@code buf[offset..offset+length)} of a native segment; as {@link #write(int, MemorySegment, long)}. */
    public static long write(int fd, MemorySegment buf, long offset, long length) {
        return transfer(WRITE, "write", fd, nativeAddress(buf, offset, length), length);
    }

    /**
     * The address of {@code buf[offset]} after the checks a segment argument would get: native,
     * alive, and the range inside it.
     */
    private static long nativeAddress(MemorySegment buf, long offset, long length) {
        if (!buf.isNative() || !buf.scope().isAlive()) {
            throw new IllegalArgumentException("I/O needs a live native buffer");
        }
        java.util.Objects.checkFromIndexSize(offset, length, buf.byteSize());
        return buf.address() + offset;
    }

    private static long transfer(MethodHandle call, String name, int fd, long address, long length) {
        try {
            MemorySegment capture = capture();
            while (true) {
                long n = (long) call.invokeExact(capture, fd, address, length);
                if (n >= 0) {
                    return n;
                }
                int errno = lastErrno(capture);
                if (errno == Errno.EAGAIN) {
                    return -1;
                }
                if (errno != Errno.EINTR) {
                    throw new SysException(name, errno);
                }
            }
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** ioctl(2) whose argument is a pointer to {@code arg}. */
    public static int ioctl(int fd, long request, MemorySegment arg, String what) {
        try {
            MemorySegment capture = capture();
            return check(what, (int) IOCTL_PTR.invokeExact(capture, fd, request, arg), capture);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** ioctl(2) whose argument is passed by value (TUNSETPERSIST, TUNSETOWNER, TUNSETOFFLOAD). */
    public static int ioctl(int fd, long request, long value, String what) {
        try {
            MemorySegment capture = capture();
            return check(what, (int) IOCTL_LONG.invokeExact(capture, fd, request, value), capture);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static void setNonBlocking(int fd, boolean nonBlocking) {
        try {
            MemorySegment capture = capture();
            int flags = check("fcntl(F_GETFL)", (int) FCNTL.invokeExact(capture, fd, F_GETFL, 0), capture);
            int wanted = nonBlocking ? flags | O_NONBLOCK : flags & ~O_NONBLOCK;
            if (wanted != flags) {
                check("fcntl(F_SETFL)", (int) FCNTL.invokeExact(capture, fd, F_SETFL, wanted), capture);
            }
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /**
     * poll(2) over {@code count} {@link #POLLFD} entries. Returns how many have events; 0 on
     * timeout or when a signal interrupted the wait (the caller loops and re-checks its state).
     */
    public static int poll(MemorySegment fds, int count, int timeoutMillis) {
        try {
            MemorySegment capture = capture();
            int n = (int) POLL.invokeExact(capture, fds, (long) count, timeoutMillis);
            if (n == -1 && lastErrno(capture) == Errno.EINTR) {
                return 0;
            }
            return check("poll", n, capture);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** pipe2(2): returns {read end, write end}. */
    public static int[] pipe(int flags) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment fds = arena.allocate(JAVA_INT, 2);
            MemorySegment capture = capture();
            check("pipe2", (int) PIPE2.invokeExact(capture, fds, flags), capture);
            return new int[] {fds.getAtIndex(JAVA_INT, 0), fds.getAtIndex(JAVA_INT, 1)};
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int socket(int domain, int type, int protocol) {
        try {
            MemorySegment capture = capture();
            return check("socket", (int) SOCKET.invokeExact(capture, domain, type, protocol), capture);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static void bind(int fd, MemorySegment address, int addressLength) {
        try {
            MemorySegment capture = capture();
            check("bind", (int) BIND.invokeExact(capture, fd, address, addressLength), capture);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static long sendto(int fd, MemorySegment buf, long length, int flags, MemorySegment address,
            int addressLength) {
        try {
            MemorySegment capture = capture();
            while (true) {
                long n = (long) SENDTO.invokeExact(capture, fd, buf, length, flags, address, addressLength);
                if (n != -1 || lastErrno(capture) != Errno.EINTR) {
                    return check("sendto", n, capture);
                }
            }
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** recv(2); EINTR is retried. */
    public static long recv(int fd, MemorySegment buf, long length, int flags) {
        try {
            MemorySegment capture = capture();
            while (true) {
                long n = (long) RECV.invokeExact(capture, fd, buf, length, flags);
                if (n != -1 || lastErrno(capture) != Errno.EINTR) {
                    return check("recv", n, capture);
                }
            }
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static void setsockopt(int fd, int level, int option, int value) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment v = arena.allocateFrom(JAVA_INT, value);
            MemorySegment capture = capture();
            check("setsockopt", (int) SETSOCKOPT.invokeExact(capture, fd, level, option, v, (int) JAVA_INT.byteSize()),
                    capture);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /**
     * getsockname(2) into {@code address}, whose size is the room offered (128 bytes holds any
     * sockaddr). Returns the length of the address the kernel wrote.
     */
    public static int getsockname(int fd, MemorySegment address) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment length = arena.allocateFrom(JAVA_INT, (int) address.byteSize());
            MemorySegment capture = capture();
            check("getsockname", (int) GETSOCKNAME.invokeExact(capture, fd, address, length), capture);
            return length.get(JAVA_INT, 0);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /**
     * recvmmsg(2) of up to {@code count} {@code struct mmsghdr} at the start of {@code vector},
     * without a timeout. Returns how many messages arrived, or {@code -errno} when none did:
     * EAGAIN on a non-blocking socket, or an error queued on the socket by an earlier datagram.
     * EINTR is retried.
     *
     * <p>Unlike the calls above this one never throws: the batched data path decides per errno
     * whether a failure belongs to one datagram or to the socket, and an exception per failing
     * datagram would allocate on that path.
     */
    public static int recvmmsg(int fd, MemorySegment vector, int count, int flags) {
        try {
            MemorySegment capture = capture();
            while (true) {
                int n = (int) RECVMMSG.invokeExact(capture, fd, vector, count, flags, MemorySegment.NULL);
                if (n >= 0) {
                    return n;
                }
                int errno = lastErrno(capture);
                if (errno != Errno.EINTR) {
                    return -errno;
                }
            }
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /**
     * sendmmsg(2) of up to {@code count} {@code struct mmsghdr} at the start of {@code vector}.
     * Returns how many messages the kernel took, or {@code -errno} when it took none: the first
     * message failed (EAGAIN, or an error of that datagram such as EMSGSIZE). EINTR is retried.
     * Like {@link #recvmmsg} it never throws, for the same reason.
     */
    public static int sendmmsg(int fd, MemorySegment vector, int count, int flags) {
        try {
            MemorySegment capture = capture();
            while (true) {
                int n = (int) SENDMMSG.invokeExact(capture, fd, vector, count, flags);
                if (n >= 0) {
                    return n;
                }
                int errno = lastErrno(capture);
                if (errno != Errno.EINTR) {
                    return -errno;
                }
            }
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** The interface index of {@code name}, or 0 when no interface has that name. */
    public static int ifNameToIndex(String name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cName = arena.allocateFrom(name);
            MemorySegment capture = capture();
            return (int) IF_NAMETOINDEX.invokeExact(capture, cName);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int geteuid() {
        try {
            return (int) GETEUID.invokeExact();
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /**
     * Sets {@code signal}'s disposition back to the default (SIG_DFL). A process started under
     * nohup inherits SIGHUP as ignored, and the JVM does not let a handler replace an ignored
     * SIGHUP, so without this a daemon started from such a shell would never reload on SIGHUP.
     */
    public static void restoreDefaultDisposition(int signal) {
        try {
            MemorySegment unusedPrevious = (MemorySegment) SIGNAL.invokeExact(signal, MemorySegment.NULL);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int getuid() {
        try {
            return (int) GETUID.invokeExact();
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int getgid() {
        try {
            return (int) GETGID.invokeExact();
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** The parts of a passwd entry jtun uses. */
    public record Passwd(String name, int uid, int gid) {
    }

    /** The passwd entry of a user name (getpwnam(3), through NSS), or null when there is no such user. */
    public static Passwd passwdByName(String name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment capture = capture();
            MemorySegment entry = (MemorySegment) GETPWNAM.invokeExact(capture, arena.allocateFrom(name));
            return passwd(entry, "getpwnam", capture);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@link #passwdByName} for a numeric user id. */
    public static Passwd passwdByUid(int uid) {
        try {
            MemorySegment capture = capture();
            MemorySegment entry = (MemorySegment) GETPWUID.invokeExact(capture, uid);
            return passwd(entry, "getpwuid", capture);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    // struct passwd on 64-bit Linux: char *pw_name, char *pw_passwd, uid_t pw_uid, gid_t pw_gid, ...
    private static final long PW_UID = 16;
    private static final long PW_GID = 20;

    private static Passwd passwd(MemorySegment entry, String call, MemorySegment capture) {
        if (entry.address() == 0) {
            int errno = lastErrno(capture);
            // "Not found" is NULL with errno 0 (or one of these, depending on the NSS module).
            if (errno == 0 || errno == Errno.ENOENT || errno == Errno.ESRCH || errno == Errno.EBADF
                    || errno == Errno.EPERM) {
                return null;
            }
            throw new SysException(call, errno);
        }
        MemorySegment pw = entry.reinterpret(PW_GID + Integer.BYTES);
        String name = pw.get(ADDRESS, 0).reinterpret(Long.MAX_VALUE).getString(0);
        return new Passwd(name, pw.get(JAVA_INT, PW_UID), pw.get(JAVA_INT, PW_GID));
    }

    /** getgrouplist(3): the groups {@code user} belongs to, {@code gid} included. */
    public static int[] groupList(String user, int gid) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cUser = arena.allocateFrom(user);
            MemorySegment count = arena.allocate(JAVA_INT);
            int room = 64;
            while (true) {
                MemorySegment groups = arena.allocate(JAVA_INT, room);
                count.set(JAVA_INT, 0, room);
                int result = (int) GETGROUPLIST.invokeExact(cUser, gid, groups, count);
                int found = count.get(JAVA_INT, 0);
                if (result != -1) {
                    return groups.asSlice(0, (long) found * Integer.BYTES).toArray(JAVA_INT);
                }
                room = Math.max(room * 2, found); // too small: it told us how many there are
            }
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static void setgroups(int[] groups) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment list = arena.allocateFrom(JAVA_INT, groups);
            MemorySegment capture = capture();
            check("setgroups", (int) SETGROUPS.invokeExact(capture, (long) groups.length, list), capture);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static void setgid(int gid) {
        try {
            MemorySegment capture = capture();
            check("setgid", (int) SETGID.invokeExact(capture, gid), capture);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static void setuid(int uid) {
        try {
            MemorySegment capture = capture();
            check("setuid", (int) SETUID.invokeExact(capture, uid), capture);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** The C library's text for an errno value ("No such file or directory"). */
    public static synchronized String strerror(int errno) {
        try {
            MemorySegment text = (MemorySegment) STRERROR.invokeExact(errno);
            return text.reinterpret(Integer.MAX_VALUE).getString(0);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }
}
