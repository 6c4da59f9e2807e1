package io.jtun.bench;

import io.jtun.noise.ConsumedInitiation;
import io.jtun.noise.CookieChecker;
import io.jtun.noise.CookieGenerator;
import io.jtun.noise.NoiseEngine;
import io.jtun.noise.PeerHandshake;
import io.jtun.noise.PeerLookup;
import io.jtun.noise.SessionKeys;
import io.jtun.noise.StaticIdentity;
import io.jtun.noise.X25519;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import javax.crypto.KeyAgreement;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The handshake between two {@link NoiseEngine}s, A the initiator and B the responder, each
 * with the other configured as a peer (no preshared key).
 *
 * <ul>
 *   <li>{@code handshake}: createInitiation (A), consumeInitiation (B), createResponse (B),
 *       consumeResponse (A), deriveKeys on both sides: one complete handshake per operation,
 *       eight X25519 operations among it (two ephemeral public keys and six shared secrets; the
 *       static-static secret is computed once per peer, beforehand).
 *   <li>{@code handshakeWithMacs}: the same plus what the wire adds: MAC1/MAC2 on both messages
 *       ({@link CookieGenerator#addMacs}) and the receivers' {@link CookieChecker#checkMac1}.
 *   <li>{@code x25519}: one {@link X25519#sharedSecret} (as jtun computes it: key objects built
 *       from raw bytes per call).
 *   <li>{@code x25519JdkOnly}: the JDK's {@link KeyAgreement} with the key objects prepared, to
 *       separate jtun's conversions from the curve arithmetic.
 * </ul>
 *
 * Time is simulated: every handshake happens one second after the previous one, on both the
 * wall clock (the initiation's timestamp must grow) and the monotonic one (the responder's flood
 * protection refuses initiations less than 20 ms apart).
 *
 * <p>An operation takes about a millisecond, so the iterations are longer than elsewhere.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 2)
@State(Scope.Thread)
public class HandshakeBench {
    private static final long SECOND = 1_000_000_000L;

    private NoiseEngine initiator;
    private NoiseEngine responder;
    /** A's state for peer B, and B's for peer A. */
    private PeerHandshake aSeesB;
    private PeerHandshake bSeesA;
    private PeerLookup responderLookup;
    private CookieGenerator macsToB;
    private CookieGenerator macsToA;
    private CookieChecker checkerOfA;
    private CookieChecker checkerOfB;
    private long monotonicNanos;
    private long wallNanos;
    private int nextIndex;

    private byte[] x25519Private;
    private byte[] x25519Public;
    private KeyAgreement agreement;
    private PrivateKey jdkPrivate;
    private PublicKey jdkPublic;

    @Setup(Level.Trial)
    public void setUp() throws GeneralSecurityException {
        SecureRandom random = new SecureRandom();
        StaticIdentity a = new StaticIdentity(X25519.generatePrivateKey(random));
        StaticIdentity b = new StaticIdentity(X25519.generatePrivateKey(random));
        initiator = new NoiseEngine(a);
        responder = new NoiseEngine(b);
        aSeesB = new PeerHandshake(a, b.publicKey(), null);
        bSeesA = new PeerHandshake(b, a.publicKey(), null);
        byte[] aPublic = a.publicKey();
        responderLookup = key -> Arrays.equals(key, aPublic) ? bSeesA : null;
        macsToB = new CookieGenerator(b.publicKey());
        macsToA = new CookieGenerator(a.publicKey());
        checkerOfA = new CookieChecker(a);
        checkerOfB = new CookieChecker(b);
        monotonicNanos = System.nanoTime();
        wallNanos = System.currentTimeMillis() * 1_000_000L;

        x25519Private = X25519.generatePrivateKey(random);
        x25519Public = X25519.publicKey(X25519.generatePrivateKey(random));
        KeyFactory factory = KeyFactory.getInstance("XDH");
        jdkPrivate = factory.generatePrivate(new XECPrivateKeySpec(NamedParameterSpec.X25519, x25519Private));
        byte[] u = new byte[X25519.KEY_SIZE];
        for (int i = 0; i < u.length; i++) {
            u[i] = x25519Public[u.length - 1 - i];
        }
        u[0] &= 0x7f;
        jdkPublic = factory.generatePublic(new XECPublicKeySpec(NamedParameterSpec.X25519, new BigInteger(1, u)));
        agreement = KeyAgreement.getInstance("X25519");

        if (!Arrays.equals(x25519JdkOnly(), x25519())) {
            throw new IllegalStateException("the X25519 variants disagree");
        }
        for (boolean macs : new boolean[] {false, true}) {
            SessionKeys[] keys = runHandshake(macs);
            if (!Arrays.equals(keys[0].sendKey(), keys[1].receiveKey())
                    || !Arrays.equals(keys[0].receiveKey(), keys[1].sendKey())) {
                throw new IllegalStateException("the two sides derived different keys");
            }
        }
    }

    @Benchmark
    public void handshake(Blackhole bh) {
        SessionKeys[] keys = runHandshake(false);
        bh.consume(keys[0]);
        bh.consume(keys[1]);
    }

    @Benchmark
    public void handshakeWithMacs(Blackhole bh) {
        SessionKeys[] keys = runHandshake(true);
        bh.consume(keys[0]);
        bh.consume(keys[1]);
    }

    /** One complete handshake; returns the initiator's and the responder's keys. */
    private SessionKeys[] runHandshake(boolean macs) {
        monotonicNanos += SECOND;
        wallNanos += SECOND;
        byte[] initiation = initiator.createInitiation(aSeesB, ++nextIndex, wallNanos);
        if (macs) {
            macsToB.addMacs(initiation, monotonicNanos);
            if (!checkerOfB.checkMac1(initiation)) {
                throw new IllegalStateException("MAC1 of the initiation refused");
            }
        }
        ConsumedInitiation consumed = responder.consumeInitiation(initiation, responderLookup, monotonicNanos);
        if (consumed == null) {
            throw new IllegalStateException("initiation refused");
        }
        byte[] response = responder.createResponse(consumed.peer(), ++nextIndex);
        if (response == null) {
            throw new IllegalStateException("no response");
        }
        if (macs) {
            macsToA.addMacs(response, monotonicNanos);
            if (!checkerOfA.checkMac1(response)) {
                throw new IllegalStateException("MAC1 of the response refused");
            }
        }
        if (!initiator.consumeResponse(aSeesB, response)) {
            throw new IllegalStateException("response refused");
        }
        SessionKeys responderKeys = responder.deriveKeys(bSeesA, monotonicNanos);
        SessionKeys initiatorKeys = initiator.deriveKeys(aSeesB, monotonicNanos);
        if (responderKeys == null || initiatorKeys == null) {
            throw new IllegalStateException("no keys");
        }
        return new SessionKeys[] {initiatorKeys, responderKeys};
    }

    @Benchmark
    public byte[] x25519() {
        return X25519.sharedSecret(x25519Private, x25519Public);
    }

    @Benchmark
    public byte[] x25519JdkOnly() throws GeneralSecurityException {
        agreement.init(jdkPrivate);
        agreement.doPhase(jdkPublic, true);
        return agreement.generateSecret();
    }
}
