/**
 * WireGuard's cryptography, sans I/O: the Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s handshake
 * ({@link io.jtun.noise.NoiseEngine}), MAC1/MAC2 and cookies ({@link
 * io.jtun.noise.CookieGenerator}, {@link io.jtun.noise.CookieChecker}), transport messages
 * ({@link io.jtun.noise.TransportMessage}) with their replay window, and the primitives under
 * them: BLAKE2s and its HMAC/HKDF, X25519, ChaCha20-Poly1305, XChaCha20-Poly1305, TAI64N.
 *
 * <p>No sockets, threads or clock reads: the device passes messages and times in. Two clocks
 * appear: wall-clock nanoseconds since 1970 (only for the TAI64N timestamp of initiations) and
 * monotonic nanoseconds (System.nanoTime: cookie ages, flood protection, session age).
 */
package io.jtun.noise;
