package io.jtun.daemon;

import io.jtun.ExitCode;
import io.jtun.JtunException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * The running interface's control socket: a client sends one command line ({@code show},
 * {@code stop}), the server answers with text and closes. Requests are rare and small, so each
 * is served on its own virtual thread with plain blocking JDK channels.
 */
public final class ControlServer implements AutoCloseable {
    /** Commands are short, but a reload carries a whole configuration file (10,000 peers: ~2 MB). */
    private static final int MAX_REQUEST = 16 << 20;
    private static final int FIRST_READ = 4096;

    private final Path path;
    private final ServerSocketChannel server;
    private final Thread acceptor;

    private ControlServer(Path path, ServerSocketChannel server, Function<String, String> handler) {
        this.path = path;
        this.server = server;
        this.acceptor = Thread.ofVirtual().name("control-" + path.getFileName()).start(() -> acceptLoop(handler));
    }

    /**
     * Listens on {@code path}. A socket file nobody answers on is left over from a killed daemon
     * and is replaced; one that answers means the interface is already up.
     */
    public static ControlServer listen(Path path, String iface, Function<String, String> handler) {
        if (Files.exists(path)) {
            if (ControlClient.isAlive(path)) {
                throw new JtunException(ExitCode.BUSY, iface + " is already up (control socket " + path
                        + "): take it down first with jtun down " + iface);
            }
            try {
                Files.deleteIfExists(path);
            } catch (IOException e) {
                throw new JtunException(ExitCode.NO_PERMISSION, "cannot remove stale " + path + ": " + e.getMessage());
            }
        }
        try {
            ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(path));
            Files.setPosixFilePermissions(path, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            return new ControlServer(path, server, handler);
        } catch (IOException e) {
            throw new JtunException(ExitCode.FAILURE, "cannot listen on " + path + ": " + e.getMessage());
        }
    }

    private void acceptLoop(Function<String, String> handler) {
        while (server.isOpen()) {
            try {
                SocketChannel client = server.accept();
                Thread.ofVirtual().start(() -> serve(client, handler));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private static void serve(SocketChannel client, Function<String, String> handler) {
        try (client) {
            ByteBuffer request = ByteBuffer.allocate(FIRST_READ);
            while (client.read(request) > 0) {
                if (request.get(request.position() - 1) == '\n') {
                    break;
                }
                if (!request.hasRemaining()) {
                    if (request.capacity() == MAX_REQUEST) {
                        break; // cut off: the handler refuses what it cannot parse
                    }
                    request = ByteBuffer.allocate(Math.min(MAX_REQUEST, request.capacity() * 4)).put(request.flip());
                }
            }
            String command = new String(request.array(), 0, request.position(), StandardCharsets.UTF_8).trim();
            String answer;
            try {
                answer = handler.apply(command);
            } catch (RuntimeException e) {
                answer = "error " + e.getMessage() + "\n";
            }
            ByteBuffer response = ByteBuffer.wrap(answer.getBytes(StandardCharsets.UTF_8));
            while (response.hasRemaining()) {
                client.write(response);
            }
        } catch (IOException e) {
            // the client went away; nothing to do
        }
    }

    @Override
    public void close() {
        try {
            server.close();
            Files.deleteIfExists(path);
        } catch (IOException e) {
            // best effort: a stale socket is detected and replaced on the next start
        }
        acceptor.interrupt();
    }
}
