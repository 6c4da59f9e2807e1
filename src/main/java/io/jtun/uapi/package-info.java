/**
 * WireGuard's cross-platform userspace API ("xplatform" UAPI), served as wireguard-go serves
 * it, so the standard {@code wg} tool ({@code show}, {@code showconf}, {@code set},
 * {@code setconf}, {@code addconf}, {@code syncconf}) manages a jtun interface.
 *
 * <p>{@link io.jtun.uapi.UapiServer} listens on {@code /var/run/wireguard/IFACE.sock}
 * (directory 0755, socket 0700, as wireguard-go) and hands each operation to a
 * {@link io.jtun.uapi.UapiDevice}. {@link io.jtun.uapi.UapiProtocol} is the protocol without I/O:
 * it parses {@code set=1} bodies into {@link io.jtun.uapi.SetRequest}s (with
 * {@link io.jtun.uapi.PeerChange}s and {@link io.jtun.uapi.AllowedIpChange}s), rejecting what
 * wireguard-go rejects with the same errno, and formats a {@link io.jtun.uapi.DeviceState}
 * (with {@link io.jtun.uapi.PeerState}s) as the {@code get=1} answer, field for field as
 * wireguard-go writes it. Errors travel as {@link io.jtun.uapi.UapiException}s with a positive
 * errno and are written negated ({@code errno=-22}), which is what {@code wg} expects.
 *
 * <p>No network interface is needed for {@code wg} to find the device: it checks for a live
 * socket of that name in /var/run/wireguard before it asks the kernel.
 */
package io.jtun.uapi;
