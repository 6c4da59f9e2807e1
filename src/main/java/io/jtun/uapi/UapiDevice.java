package io.jtun.uapi;

/**
 * What a WireGuard device offers to {@link UapiServer}: its state for {@code get=1}, and changes
 * for {@code set=1}. The server has already checked the syntax of a request ({@link
 * UapiProtocol#parseSet}); the device checks what only it can know and applies the change.
 *
 * <p>The server calls {@link #get()} and {@link #set} from its connection threads, never two
 * {@code set}s at once and never a {@code get} during a {@code set} (wireguard-go's IPC lock),
 * but the device must still guard its state against its own data-path threads.
 *
 * <p>Keys cross this interface as copies: the server destroys the Secrets of a {@link
 * DeviceState} once it has written them, and those of a {@link SetRequest} once it is applied,
 * so a device keeps copies of its own ({@link io.jtun.config.Secret#copy()}).
 */
public interface UapiDevice {

    /**
     * The device as {@code wg show} should see it. {@link DeviceState#listenPort()} is the port
     * actually bound (so a configured 0 shows the port the kernel chose), or 0 when not bound.
     */
    DeviceState get();

    /**
     * Applies a request as wireguard-go applies the same lines, in this order:
     * <ol>
     * <li>{@link SetRequest#privateKey()} if not null; the all-zero key removes the private key
     * (see {@link SetRequest#removesPrivateKey()}). Peers whose public key equals the new public
     * key are removed, as a device cannot be its own peer.
     * <li>{@link SetRequest#listenPort()}: rebind; failure → {@code UapiException(EADDRINUSE)}.
     * <li>{@link SetRequest#fwMark()} (0 = none): failure → {@code UapiException(EADDRINUSE)}
     * (wireguard-go reports every bind failure so).
     * <li>{@link SetRequest#replacePeers()}: remove every peer.
     * <li>each {@link PeerChange} in list order, as its documentation describes (the same key
     * may appear more than once; each is applied in turn).
     * </ol>
     * On a failure the device throws at once; what it already applied stays applied, as with
     * wireguard-go (which applies line by line). A RuntimeException is reported to the client
     * as errno 55 (ENOANO), wireguard-go's "other UAPI error".
     *
     * @throws UapiException with a positive errno: EINVAL for a request the device cannot
     *     accept (e.g. a peer it cannot create), EADDRINUSE when the port cannot be bound, EIO
     *     for failures of the device itself
     */
    void set(SetRequest request) throws UapiException;
}
