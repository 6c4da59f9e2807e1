package io.jtun.noise;

/**
 * A handshake initiation that authenticated and was accepted: the peer that sent it (whose
 * state is now {@link PeerHandshake.State#INITIATION_CONSUMED}) and the index it chose for
 * itself, to which the response and our data messages are addressed.
 */
public record ConsumedInitiation(PeerHandshake peer, int senderIndex) {
}
