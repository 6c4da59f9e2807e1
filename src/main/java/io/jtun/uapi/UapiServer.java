package io.jtun.uapi;

import io.jtun.ExitCode;
import io.jtun.JtunException;
import io.jtun.sys.Errno;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Serves WireGuard's configuration protocol ({@link UapiProtocol}) for one device on a unix
 * stream socket, normally {@code /var/run/wireguard/IFACE.sock}, where {@code wg} looks for
 * userspace interfaces: with it, {@code wg show/showconf/set/setconf/addconf/syncconf IFACE}
 * work on jtun as on wireguard-go.
 *
 * <p>As wireguard-go: the directory is created with mode 0755, the socket with 0700
 * (wireguard-go binds under umask 077; here the socket is bound in a private directory,
 * restricted, and then linked into place, so it is never reachable with wider permissions); a
 * socket nobody answers on is a stale one and is replaced, one that answers is refused. Each
 * connection is served on its own virtual thread and may carry any number of operations;
 * {@code get}s run concurrently, a {@code set} runs alone (wireguard-go's IPC lock). An
 * unknown operation line closes the connection without an answer, as in wireguard-go.
 *
 * <p>Where wireguard-go is looser, this server is stricter: a set request is read to its blank
 * line and checked whole before the device sees it (wireguard-go applies each line as it reads
 * it, so a bad line leaves the lines before it applied, and a client that dies mid-request
 * leaves half a request applied; here a request cut short by end of stream is dropped); lines
 * are limited to {@link #MAX_LINE_BYTES} (Go's scanner limit; beyond it the answer is EIO, as
 * there) and a request to {@link #MAX_REQUEST_BYTES} (answer EMSGSIZE); after either the
 * connection is closed, since the rest of the request cannot be told from a next operation.
 */
public final class UapiServer implements AutoCloseable {
    /** Where wg looks for userspace interfaces' sockets. */
    public static final Path SOCKET_DIRECTORY = Path.of("/var/run/wireguard");
    /** The longest line accepted, without its "\n": Go's bufio.MaxScanTokenSize. */
    public static final int MAX_LINE_BYTES = 64 * 1024;
    /**
     * The largest set request accepted: about 50,000 peers as {@code wg setconf} writes them
     * (public and preshared key, endpoint, keepalive, a few allowed IPs: some 300 bytes each).
     */
    public static final int MAX_REQUEST_BYTES = 16 * 1024 * 1024;

    private static final Logger LOG = Logger.getLogger(UapiServer.class.getName());
    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;

    private final Path path;
    private final Object fileKey;
    private final ServerSocketChannel server;
    private final UapiDevice device;
    private final ReadWriteLock ipcLock = new ReentrantReadWriteLock();
    private final Set<SocketChannel> connections = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final WatchService watcher;

    private UapiServer(Path path, Object fileKey, ServerSocketChannel server, UapiDevice device, WatchService watcher,
            Runnable onSocketRemoved) {
        this.path = path;
        this.fileKey = fileKey;
        this.server = server;
        this.device = device;
        this.watcher = watcher;
        Thread.ofVirtual().name("uapi-" + path.getFileName()).start(this::acceptLoop);
        if (watcher != null) {
            Thread.ofVirtual().name("uapi-watch-" + path.getFileName()).start(() -> watch(onSocketRemoved));
        }
    }

    /**
     * The socket wg looks for: {@code /var/run/wireguard/IFACE.sock}.
     *
     * @throws JtunException USAGE if the name could not be a file name (empty, "/", NUL, "."
     *     or ".."); wg itself refuses names with '/'
     */
    public static Path defaultSocket(String iface) {
        if (iface == null || iface.isEmpty() || iface.indexOf('/') >= 0 || iface.indexOf('\0') >= 0
                || iface.equals(".") || iface.equals("..")) {
            throw new JtunException(ExitCode.USAGE, "invalid interface name '" + iface
                    + "' for a UAPI socket: it must be a plain file name, e.g. wg0");
        }
        return SOCKET_DIRECTORY.resolve(iface + ".sock");
    }

    /** {@link #listen(Path, UapiDevice, Runnable)} without watching the socket file. */
    public static UapiServer listen(Path socketPath, UapiDevice device) {
        return listen(socketPath, device, null);
    }

    /**
     * Creates the socket and serves {@code device} on it until {@link #close()}.
     *
     * @param onSocketRemoved if not null, run once (on a virtual thread) when the socket file
     *     is deleted or replaced by someone else: the xplatform rules say a userspace
     *     implementation then shuts down, as wireguard-go does
     * @throws JtunException BUSY if a live process answers on the socket or the path is taken
     *     by something that is not a socket, NO_PERMISSION if the directory or socket cannot be
     *     created for lack of rights, FAILURE otherwise
     */
    public static UapiServer listen(Path socketPath, UapiDevice device, Runnable onSocketRemoved) {
        Objects.requireNonNull(device, "device");
        Path path = socketPath.toAbsolutePath();
        Path directory = path.getParent();
        try {
            if (!Files.isDirectory(directory)) {
                Files.createDirectories(directory,
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
            }
        } catch (IOException e) {
            throw failure("cannot create the UAPI socket directory " + directory, e);
        }
        removeStale(path);
        ServerSocketChannel server = null;
        WatchService watcher = null;
        boolean linked = false;
        try {
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            bindInPlace(server, path);
            linked = true;
            Object fileKey = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
            if (onSocketRemoved != null) {
                watcher = directory.getFileSystem().newWatchService();
                directory.register(watcher, StandardWatchEventKinds.ENTRY_DELETE, StandardWatchEventKinds.ENTRY_CREATE);
            }
            return new UapiServer(path, fileKey, server, device, watcher, onSocketRemoved);
        } catch (IOException | RuntimeException e) {
            closeQuietly(server);
            closeQuietly(watcher);
            if (linked) {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException ignored) {
                    // best effort: a stale socket is replaced on the next start
                }
            }
            if (e instanceof JtunException jtun) {
                throw jtun;
            }
            throw failure("cannot listen on the UAPI socket " + path, e);
        }
    }

    /**
     * Deletes the interface's UAPI socket if nobody answers on it any more (its daemon exited
     * without the right to remove it); leaves anything else alone.
     */
    public static void removeStaleSocket(String iface) {
        try {
            removeStale(defaultSocket(iface));
        } catch (JtunException e) {
            // in use or not a socket: not ours to remove
        }
    }

    /** Refuses a path that answers or is not a socket; deletes a socket nobody answers on. */
    private static void removeStale(Path path) {
        int mode;
        try {
            mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return;
        } catch (IOException e) {
            throw failure("cannot inspect " + path, e);
        }
        if ((mode & S_IFMT) != S_IFSOCK) {
            throw new JtunException(ExitCode.BUSY, path + " exists and is not a socket: remove it if it is not in use");
        }
        if (answers(path)) {
            throw new JtunException(ExitCode.BUSY, path + " is in use: another process (jtun or wireguard-go) serves"
                    + " this interface; stop it first");
        }
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw failure("cannot remove the stale UAPI socket " + path, e);
        }
    }

    private static boolean answers(Path path) {
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(path));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Binds in a fresh 0700 directory next to {@code path}, sets the socket's mode to 0700 and
     * hard-links it to {@code path}: the socket never appears with the umask's mode, and an
     * existing file is never silently replaced (link fails if the name was taken meanwhile).
     */
    private static void bindInPlace(ServerSocketChannel server, Path path) throws IOException {
        Path privateDir = Files.createTempDirectory(path.getParent(), ".jtun-uapi-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path temporary = privateDir.resolve("s");
        try {
            server.bind(UnixDomainSocketAddress.of(temporary));
            Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rwx------"));
            try {
                Files.createLink(path, temporary);
            } catch (FileAlreadyExistsException e) {
                throw new JtunException(ExitCode.BUSY, path + " appeared while jtun was creating it: another process"
                        + " is starting on this interface");
            } catch (UnsupportedOperationException | IOException e) {
                // A file system without hard links: move instead (not atomic against a racer).
                Files.move(temporary, path);
            }
        } finally {
            Files.deleteIfExists(temporary);
            Files.deleteIfExists(privateDir);
        }
    }

    private static JtunException failure(String what, Exception e) {
        if (e instanceof AccessDeniedException) {
            return new JtunException(ExitCode.NO_PERMISSION, what + ": permission denied; run as root", e);
        }
        return new JtunException(ExitCode.FAILURE, what + ": " + e, e);
    }

    /** The socket's path. */
    public Path socketPath() {
        return path;
    }

    // ---- serving -------------------------------------------------------------------------------

    private void acceptLoop() {
        while (!closed.get()) {
            SocketChannel client;
            try {
                client = server.accept();
            } catch (IOException e) {
                if (!closed.get()) {
                    LOG.log(Level.WARNING, "UAPI socket " + path + " failed; no more wg requests are served", e);
                }
                return;
            }
            connections.add(client);
            if (closed.get()) {
                connections.remove(client);
                closeQuietly(client);
                return;
            }
            Thread.ofVirtual().name("uapi-conn").start(() -> serve(client));
        }
    }

    private void serve(SocketChannel channel) {
        Connection connection = new Connection(channel);
        try (channel) {
            while (serveOperation(connection)) {
                // next operation on the same connection
            }
        } catch (ClosedChannelException e) {
            // closed by close() or the client
        } catch (IOException e) {
            LOG.log(Level.FINE, "UAPI connection ended", e);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "UAPI connection failed", e);
        } finally {
            connections.remove(channel);
        }
    }

    /** Reads and answers one operation; false when the connection is to be closed. */
    private boolean serveOperation(Connection connection) throws IOException {
        String operation;
        try {
            operation = connection.readLine();
        } catch (LineTooLongException e) {
            LOG.fine("UAPI operation line too long; closing the connection");
            return false;
        }
        if (operation == null) {
            return false;
        }
        switch (operation) {
            case "get=1" -> {
                int next = connection.readByte();
                if (next < 0) {
                    return false;
                }
                if (next != '\n') {
                    LOG.info("UAPI get=1 not followed by a blank line");
                    connection.write(UapiProtocol.errnoResponse(Errno.EINVAL));
                    return true;
                }
                connection.write(get());
                return true;
            }
            case "set=1" -> {
                return serveSet(connection);
            }
            default -> {
                LOG.info("invalid UAPI operation " + UapiProtocol.quote(operation) + "; closing the connection");
                return false;
            }
        }
    }

    private String get() {
        ipcLock.readLock().lock();
        try {
            DeviceState state = device.get();
            try {
                return UapiProtocol.formatGet(state);
            } finally {
                state.destroySecrets(); // the copies made for this report; the text is a string
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "the device failed to report its state to UAPI get", e);
            return UapiProtocol.errnoResponse(UapiProtocol.ENOANO);
        } finally {
            ipcLock.readLock().unlock();
        }
    }

    private boolean serveSet(Connection connection) throws IOException {
        UapiProtocol.SetParser parser = new UapiProtocol.SetParser();
        UapiException invalid = null;
        long total = 0;
        while (true) {
            String line;
            try {
                line = connection.readLine();
            } catch (LineTooLongException e) {
                LOG.info("UAPI set request has a line over " + MAX_LINE_BYTES + " bytes; closing the connection");
                connection.write(UapiProtocol.errnoResponse(Errno.EIO));
                return false;
            }
            if (line == null) {
                LOG.info("UAPI set request cut short by end of stream; nothing applied");
                return false;
            }
            line = UapiProtocol.stripCr(line);
            if (line.isEmpty()) {
                break;
            }
            total += line.length() + 1;
            if (total > MAX_REQUEST_BYTES) {
                LOG.info("UAPI set request over " + MAX_REQUEST_BYTES + " bytes; closing the connection");
                connection.write(UapiProtocol.errnoResponse(Errno.EMSGSIZE));
                return false;
            }
            if (invalid == null) {
                try {
                    parser.line(line);
                } catch (UapiException e) {
                    invalid = e; // read on to the blank line, then answer
                }
            }
        }
        if (invalid != null) {
            LOG.info("UAPI set request refused: " + invalid.getMessage());
            connection.write(UapiProtocol.errnoResponse(invalid.errno()));
            return true;
        }
        connection.write(UapiProtocol.errnoResponse(apply(parser.finish())));
        return true;
    }

    private int apply(SetRequest request) {
        ipcLock.writeLock().lock();
        try {
            device.set(request);
            return 0;
        } catch (UapiException e) {
            LOG.info("UAPI set request failed: " + e.getMessage());
            return e.errno();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "the device failed to apply a UAPI set request", e);
            return UapiProtocol.ENOANO;
        } finally {
            ipcLock.writeLock().unlock();
            request.destroySecrets(); // the device copied what it keeps
        }
    }

    private static final class LineTooLongException extends Exception {
        private static final long serialVersionUID = 1L;

        LineTooLongException() {
            super(null, null, false, false);
        }
    }

    /** Buffered line reading and whole writes on one blocking channel. */
    private static final class Connection {
        private final SocketChannel channel;
        private final ByteBuffer in = ByteBuffer.allocate(8192).flip();

        Connection(SocketChannel channel) {
            this.channel = channel;
        }

        /** The next byte, or -1 at end of stream. */
        int readByte() throws IOException {
            return fill() ? in.get() & 0xff : -1;
        }

        /**
         * The next line without its "\n", bytes as ISO-8859-1 characters (the protocol is ASCII;
         * anything else fails validation later); null at end of stream, even after a partial line.
         */
        String readLine() throws IOException, LineTooLongException {
            StringBuilder line = new StringBuilder();
            while (fill()) {
                while (in.hasRemaining()) {
                    byte b = in.get();
                    if (b == '\n') {
                        return line.toString();
                    }
                    if (line.length() >= MAX_LINE_BYTES) {
                        throw new LineTooLongException();
                    }
                    line.append((char) (b & 0xff));
                }
            }
            return null;
        }

        /** Makes a byte available; false at end of stream. */
        private boolean fill() throws IOException {
            while (!in.hasRemaining()) {
                in.clear();
                int n = channel.read(in);
                in.flip();
                if (n < 0) {
                    return false;
                }
            }
            return true;
        }

        void write(String text) throws IOException {
            ByteBuffer out = ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1));
            while (out.hasRemaining()) {
                channel.write(out);
            }
        }
    }

    // ---- the socket file -----------------------------------------------------------------------

    private boolean socketIsOurs() {
        try {
            return fileKey != null && fileKey.equals(
                    Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey());
        } catch (IOException e) {
            return false;
        }
    }

    private void watch(Runnable onSocketRemoved) {
        try {
            while (!closed.get() && socketIsOurs()) {
                WatchKey key = watcher.take();
                key.pollEvents(); // whatever happened (to any file, or overflow): check ours again
                if (!key.reset() && socketIsOurs()) {
                    return; // the directory can no longer be watched, but the socket is still there
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            return;
        }
        if (!closed.get()) {
            LOG.info("UAPI socket " + path + " was removed");
            try {
                onSocketRemoved.run();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "the UAPI socket removal handler failed", e);
            }
        }
    }

    private static void closeQuietly(java.io.Closeable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (IOException e) {
            // nothing more to release
        }
    }

    /**
     * Stops serving: closes the socket and every open connection, and removes the socket file
     * unless someone else has put a file of their own at its path since.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        closeQuietly(server);
        for (SocketChannel connection : connections) {
            closeQuietly(connection);
        }
        closeQuietly(watcher);
        if (socketIsOurs()) {
            try {
                Files.deleteIfExists(path);
            } catch (IOException e) {
                LOG.log(Level.FINE, "cannot remove " + path, e);
            }
        }
    }
}
