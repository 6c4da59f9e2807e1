package io.jtun.uapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtun.ExitCode;
import io.jtun.JtunException;
import io.jtun.config.Key;
import io.jtun.net.IpPrefix;
import io.jtun.noise.Keys;
import io.jtun.sys.Errno;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class UapiServerTest {
    @TempDir
    Path dir;

    Path socket;
    FakeUapiDevice device;
    UapiServer server;
    final Key peerKey = Keys.pubkey(Keys.genkey());

    @BeforeEach
    void start() {
        socket = dir.resolve("wgtest.sock");
        device = new FakeUapiDevice();
        device.privateKey = Keys.genkey();
        device.listenPort = 51820;
        FakeUapiDevice.Peer peer = device.addPeer(peerKey);
        peer.allowedIps.add(IpPrefix.parse("10.0.0.2/32"));
        server = UapiServer.listen(socket, device);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** A test client that splits the byte stream into answers (each ends with an empty line). */
    static final class Client implements AutoCloseable {
        final SocketChannel channel;
        private final StringBuilder pending = new StringBuilder();

        Client(Path socket) throws IOException {
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            channel.connect(UnixDomainSocketAddress.of(socket));
        }

        void send(String text) throws IOException {
            ByteBuffer out = ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1));
            while (out.hasRemaining()) {
                channel.write(out);
            }
        }

        /** The next answer through its empty line; null if the server closed first. */
        String answer() throws IOException {
            ByteBuffer in = ByteBuffer.allocate(4096);
            while (true) {
                int end = pending.indexOf("\n\n");
                if (end >= 0) {
                    String answer = pending.substring(0, end + 2);
                    pending.delete(0, end + 2);
                    return answer;
                }
                in.clear();
                if (channel.read(in) < 0) {
                    assertEquals("", pending.toString(), "a partial answer before the close");
                    return null;
                }
                pending.append(new String(in.array(), 0, in.position(), StandardCharsets.ISO_8859_1));
            }
        }

        /** True if the server closed the connection (end of stream or reset) with nothing more. */
        boolean closedByServer() {
            try {
                return answer() == null;
            } catch (IOException e) {
                return pending.isEmpty(); // reset: the server closed with our bytes unread
            }
        }

        String exchange(String request) throws IOException {
            send(request);
            return answer();
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    @Test
    void servesGetAndSetOnOneConnection() throws Exception {
        try (Client client = new Client(socket)) {
            assertEquals(UapiProtocol.formatGet(device.get()), client.exchange("get=1\n\n"));
            assertEquals("errno=0\n\n", client.exchange("set=1\nlisten_port=5\nfwmark=7\n\n"));
            assertEquals(5, device.listenPort);
            assertEquals(7, device.fwMark);
            String state = client.exchange("get=1\n\n");
            assertTrue(state.contains("\nlisten_port=5\nfwmark=7\n"), state);
            assertTrue(state.contains("\nallowed_ip=10.0.0.2/32\nerrno=0\n\n"), state);
        }
    }

    @Test
    void answersPipelinedOperationsInOrder() throws Exception {
        try (Client client = new Client(socket)) {
            client.send("get=1\n\nset=1\nlisten_port=6\n\nget=1\n\nset=1\n\n");
            assertTrue(client.answer().contains("listen_port=51820\n"));
            assertEquals("errno=0\n\n", client.answer());
            assertTrue(client.answer().contains("listen_port=6\n"));
            assertEquals("errno=0\n\n", client.answer());
            assertTrue(device.lastRequest().isEmpty());
        }
    }

    @Test
    void getMustBeFollowedByABlankLine() throws Exception {
        try (Client client = new Client(socket)) {
            // As wireguard-go: the byte after get=1\n is consumed, EINVAL, and the next operation follows.
            assertEquals("errno=-22\n\n", client.exchange("get=1\nx"));
            assertTrue(client.exchange("get=1\n\n").endsWith("errno=0\n\n"));
        }
    }

    @Test
    void unknownOperationsCloseTheConnectionSilently() throws Exception {
        for (String operation : List.of("hello\n", "get=2\n\n", "get=1\r\n\r\n", "set=1 \n\n", "\n", "GET=1\n\n")) {
            try (Client client = new Client(socket)) {
                client.send(operation);
                assertTrue(client.closedByServer(), operation);
            }
        }
        assertTrue(device.requests.isEmpty());
    }

    @Test
    void badSetRequestsChangeNothingAndTheConnectionGoesOn() throws Exception {
        try (Client client = new Client(socket)) {
            assertEquals("errno=-22\n\n", client.exchange("set=1\nlisten_port=1\nlisten_port=x\npublic_key="
                    + "11".repeat(32) + "\n\n"));
            assertEquals("errno=-71\n\n", client.exchange("set=1\nlisten_port\n\n"));
            assertEquals("errno=-22\n\n", client.exchange("set=1\npublic_key=" + "11".repeat(32) + "\nfwmark=1\n\n"));
            assertTrue(device.requests.isEmpty(), "the device never saw them");
            assertEquals(51820, device.listenPort);
            assertTrue(client.exchange("get=1\n\n").endsWith("errno=0\n\n"));
        }
    }

    @Test
    void aSetCutShortIsNotApplied() throws Exception {
        try (Client client = new Client(socket)) {
            client.send("set=1\nlisten_port=9\n");
            client.channel.shutdownOutput();
            assertTrue(client.closedByServer());
        }
        assertTrue(device.requests.isEmpty());
        assertEquals(51820, device.listenPort);
    }

    @Test
    void crLfLinesAreAccepted() throws Exception {
        try (Client client = new Client(socket)) {
            client.send("set=1\r\nlisten_port=11\r\n\r\n");
            assertTrue(client.closedByServer(), "the operation line must be exactly set=1, as in wireguard-go");
        }
        assertTrue(device.requests.isEmpty());
        // Body lines and the blank line may end in \r\n: Go's line scanner drops the \r.
        try (Client client = new Client(socket)) {
            assertEquals("errno=0\n\n", client.exchange("set=1\nlisten_port=11\r\n\r\n"));
        }
        assertEquals(11, device.listenPort);
    }

    @Test
    void overlongLinesAreAnIoError() throws Exception {
        try (Client client = new Client(socket)) {
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    client.send("set=1\nlisten_port=" + "1".repeat(UapiServer.MAX_LINE_BYTES + 10) + "\n\n");
                } catch (IOException e) {
                    // the server stopped reading
                }
            });
            assertEquals("errno=-5\n\n", client.answer());
            assertTrue(client.closedByServer());
            writer.join();
        }
        assertTrue(device.requests.isEmpty());
    }

    @Test
    void oversizedRequestsAreRefused() throws Exception {
        try (Client client = new Client(socket)) {
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    client.send("set=1\n");
                    String chunk = "listen_port=1\n".repeat(10_000);
                    for (int sent = 0; sent <= UapiServer.MAX_REQUEST_BYTES; sent += chunk.length()) {
                        client.send(chunk);
                    }
                    client.send("\n");
                } catch (IOException e) {
                    // the server stopped reading
                }
            });
            assertEquals("errno=-" + Errno.EMSGSIZE + "\n\n", client.answer());
            writer.join();
        }
        assertTrue(device.requests.isEmpty());
    }

    @Test
    void deviceErrorsReachTheClientNegated() throws Exception {
        device.busyPort = 1;
        try (Client client = new Client(socket)) {
            assertEquals("errno=-98\n\n", client.exchange("set=1\nlisten_port=1\n\n"));
            device.bug = new IllegalStateException("a bug");
            assertEquals("errno=-55\n\n", client.exchange("set=1\nlisten_port=2\n\n"));
            device.bug = null;
            assertEquals("errno=0\n\n", client.exchange("set=1\nlisten_port=2\n\n"));
        }
    }

    @Test
    void socketIsPrivateAndDirectoryIsCreated() throws Exception {
        Path nested = dir.resolve("run/wireguard/wgx.sock");
        try (UapiServer other = UapiServer.listen(nested, device)) {
            int mode = (Integer) Files.getAttribute(nested, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            assertEquals(0140700, mode, Integer.toOctalString(mode)); // srwx------ as wireguard-go's umask 077
            Set<PosixFilePermission> directory = Files.getPosixFilePermissions(nested.getParent());
            // 0755 as wireguard-go's MkdirAll, less what the umask takes away
            assertTrue(directory.containsAll(PosixFilePermissions.fromString("rwx------")), directory.toString());
            assertFalse(directory.contains(PosixFilePermission.GROUP_WRITE) || directory.contains(
                    PosixFilePermission.OTHERS_WRITE), directory.toString());
            try (Stream<Path> files = Files.list(nested.getParent())) {
                assertEquals(List.of(nested), files.toList(), "no temporary files left");
            }
            try (Client client = new Client(nested)) {
                assertTrue(client.exchange("get=1\n\n").endsWith("errno=0\n\n"));
            }
            assertEquals(nested, other.socketPath());
        }
        assertFalse(Files.exists(nested, LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void aStaleSocketIsReplaced() throws Exception {
        Path stale = dir.resolve("stale.sock");
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(stale));
        }
        assertTrue(Files.exists(stale), "the JDK leaves the file behind, as a killed process would");
        try (UapiServer replacing = UapiServer.listen(stale, device); Client client = new Client(stale)) {
            assertEquals(stale, replacing.socketPath());
            assertTrue(client.exchange("get=1\n\n").endsWith("errno=0\n\n"));
        }
    }

    @Test
    void aLiveSocketIsRefused() throws Exception {
        JtunException e = assertThrows(JtunException.class, () -> UapiServer.listen(socket, new FakeUapiDevice()));
        assertEquals(ExitCode.BUSY, e.exitCode());
        try (Client client = new Client(socket)) {
            assertTrue(client.exchange("get=1\n\n").contains("listen_port=51820"), "the first server still serves");
        }
    }

    @Test
    void somethingElseAtThePathIsRefused() throws Exception {
        Path file = Files.writeString(dir.resolve("file.sock"), "mine");
        assertEquals(ExitCode.BUSY, assertThrows(JtunException.class, () -> UapiServer.listen(file, device)).exitCode());
        assertEquals("mine", Files.readString(file));
    }

    @Test
    void closeRemovesTheSocketAndEndsConnections() throws Exception {
        try (Client client = new Client(socket)) {
            assertTrue(client.exchange("get=1\n\n").endsWith("errno=0\n\n"));
            server.close();
            assertTrue(client.closedByServer());
        }
        assertFalse(Files.exists(socket, LinkOption.NOFOLLOW_LINKS));
        server.close(); // twice is fine
    }

    @Test
    void closeSparesSomeoneElsesFile() throws Exception {
        Files.delete(socket);
        Files.writeString(socket, "replacement");
        server.close();
        assertEquals("replacement", Files.readString(socket));
    }

    @Test
    void reportsTheRemovalOfItsSocket() throws Exception {
        Path watched = dir.resolve("watched.sock");
        CountDownLatch removed = new CountDownLatch(1);
        try (UapiServer watching = UapiServer.listen(watched, device, removed::countDown)) {
            assertEquals(watched, watching.socketPath());
            assertFalse(removed.await(200, TimeUnit.MILLISECONDS));
            Files.writeString(dir.resolve("unrelated"), "x");
            assertFalse(removed.await(200, TimeUnit.MILLISECONDS), "other files do not count");
            Files.delete(watched);
            assertTrue(removed.await(10, TimeUnit.SECONDS));
        }
        CountDownLatch notOnClose = new CountDownLatch(1);
        UapiServer.listen(watched, device, notOnClose::countDown).close();
        assertFalse(notOnClose.await(300, TimeUnit.MILLISECONDS), "close() is not a removal");
    }

    @Test
    void servesManyClientsAtOnce() throws Exception {
        AtomicInteger failures = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            int port = 1000 + i;
            threads.add(Thread.ofVirtual().start(() -> {
                try (Client client = new Client(socket)) {
                    for (int round = 0; round < 20; round++) {
                        if (!client.exchange("set=1\nlisten_port=" + port + "\n\n").equals("errno=0\n\n")
                                || !client.exchange("get=1\n\n").endsWith("errno=0\n\n")) {
                            failures.incrementAndGet();
                        }
                    }
                } catch (IOException e) {
                    failures.incrementAndGet();
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertEquals(0, failures.get());
        assertEquals(32 * 20, device.requests.size());
    }

    @Test
    void defaultSocketIsWhereWgLooks() {
        assertEquals(Path.of("/var/run/wireguard/wg0.sock"), UapiServer.defaultSocket("wg0"));
        for (String bad : List.of("", "a/b", "..", ".", "a\0b")) {
            assertEquals(ExitCode.USAGE, assertThrows(JtunException.class, () -> UapiServer.defaultSocket(bad))
                    .exitCode(), bad);
        }
        assertThrows(JtunException.class, () -> UapiServer.defaultSocket(null));
    }
}
