package io.jtun.daemon;

import io.jtun.ExitCode;
import io.jtun.JtunException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Sends one command to a running interface's control socket and returns the answer. */
public final class ControlClient {
    private ControlClient() {
    }

    public static String send(String iface, String command) {
        Path path = RuntimeDir.socket(iface);
        if (!Files.exists(path)) {
            throw new JtunException(ExitCode.NOT_FOUND, iface + " is not up (no " + path + "): start it with jtun up "
                    + iface);
        }
        try {
            return request(path, command);
        } catch (IOException e) {
            throw new JtunException(ExitCode.NOT_FOUND, iface + " is not running (" + path + " does not answer: "
                    + e.getMessage() + "; its daemon was killed): jtun down " + iface + " removes what it left, jtun up"
                    + " starts it again");
        }
    }

    /** True when a daemon of {@code iface} answers on its control socket. */
    public static boolean answers(String iface) {
        return isAlive(RuntimeDir.socket(iface));
    }

    static boolean isAlive(Path path) {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(path));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String request(Path path, String command) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(path));
            ByteBuffer out = ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.UTF_8));
            while (out.hasRemaining()) {
                channel.write(out);
            }
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            ByteBuffer in = ByteBuffer.allocate(8192);
            while (channel.read(in) > 0) {
                answer.write(in.array(), 0, in.position());
                in.clear();
            }
            return answer.toString(StandardCharsets.UTF_8);
        }
    }
}
