package io.jtun.it;

import io.jtun.noise.CookieGenerator;
import io.jtun.noise.Messages;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * An attacker who owns its address and so can answer cookies (python's stdlib has no
 * XChaCha20), run by {@link FloodIT} inside the attacker's namespace on the test's JDK and
 * classpath. It sends handshake initiations with a valid MAC1 from one socket until the victim,
 * under load, answers with a cookie reply; then it sends initiations carrying a valid MAC2, at
 * a steady rate. Past the MACs they are garbage, so each one the victim lets through costs it a
 * Diffie-Hellman and then fails: the per-source rate limit must let through only 20 a second
 * (after a burst of 5).
 *
 * <p>argv: bind address, victim address, victim port, victim public key (base64), messages to
 * send with the cookie, their rate per second, seconds to wait for a cookie. Prints one line:
 * "cookie after MS ms (TRIES tries), sent N with a valid MAC2 in MS ms", or exits 2 if no cookie
 * came.
 */
public final class CookieAnsweringFlood {
    private static final int TRY_MILLIS = 100;

    private CookieAnsweringFlood() {
    }

    public static void main(String[] args) throws Exception {
        InetAddress bind = InetAddress.getByName(args[0]);
        InetSocketAddress victim = new InetSocketAddress(InetAddress.getByName(args[1]), Integer.parseInt(args[2]));
        CookieGenerator cookies = new CookieGenerator(Base64.getDecoder().decode(args[3]));
        int count = Integer.parseInt(args[4]);
        int perSecond = Integer.parseInt(args[5]);
        long waitNanos = TimeUnit.SECONDS.toNanos(Long.parseLong(args[6]));
        SecureRandom random = new SecureRandom();
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(bind, 0))) {
            socket.setSoTimeout(TRY_MILLIS);
            long start = System.nanoTime();
            int tries = 0;
            byte[] reply = new byte[Messages.COOKIE_REPLY_SIZE + 1];
            while (!cookies.hasValidCookie(System.nanoTime())) {
                if (System.nanoTime() - start > waitNanos) {
                    System.out.println("no cookie after " + tries + " tries");
                    System.exit(2);
                }
                socket.send(initiation(cookies, random, victim));
                tries++;
                long tryEnd = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TRY_MILLIS);
                while (System.nanoTime() < tryEnd && !cookies.hasValidCookie(System.nanoTime())) {
                    DatagramPacket in = new DatagramPacket(reply, reply.length);
                    try {
                        socket.receive(in);
                    } catch (SocketTimeoutException e) {
                        break;
                    }
                    if (in.getLength() == Messages.COOKIE_REPLY_SIZE) {
                        cookies.consumeReply(reply, 0, in.getLength(), System.nanoTime());
                    }
                }
            }
            long cookieMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            long sendStart = System.nanoTime();
            long interval = TimeUnit.SECONDS.toNanos(1) / perSecond;
            for (int i = 0; i < count; i++) {
                long due = sendStart + i * interval;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                socket.send(initiation(cookies, random, victim));
            }
            System.out.println("cookie after " + cookieMillis + " ms (" + tries + " tries), sent " + count
                    + " with a valid MAC2 in " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sendStart) + " ms");
        }
    }

    /** An initiation that is garbage apart from its type and MACs (MAC2 once a cookie is held). */
    private static DatagramPacket initiation(CookieGenerator cookies, SecureRandom random, InetSocketAddress to) {
        byte[] message = new byte[Messages.INITIATION_SIZE];
        random.nextBytes(message);
        Messages.putIndex(message, 0, Messages.TYPE_INITIATION);
        cookies.addMacs(message, System.nanoTime());
        return new DatagramPacket(message, message.length, to);
    }
}
