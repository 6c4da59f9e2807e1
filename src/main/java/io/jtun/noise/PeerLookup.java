package io.jtun.noise;

/** Finds the handshake state of a configured peer by its static public key. */
@FunctionalInterface
public interface PeerLookup {
    /**
     * The peer whose static public key is {@code remoteStatic} (32 bytes; the array is the
     * caller's to keep), or null when no such peer is configured.
     */
    PeerHandshake find(byte[] remoteStatic);
}
