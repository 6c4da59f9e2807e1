package io.jtun.device.wg;

import java.util.function.Consumer;

/**
 * A peer's sessions: the one we send with ({@code current}), the one before it (still accepted
 * for packets in flight while a rekey happens), and a fresh one we answered a handshake with but
 * may not send on yet ({@code next}).
 *
 * <p>The responder of a handshake cannot know the initiator received its response until the
 * initiator sends data on the new session; until then it keeps sending on the old one. So the
 * responder's new session waits in {@code next} and becomes {@code current} on its first received
 * packet, while the initiator's becomes {@code current} at once. Nothing in flight is lost.
 */
final class Keypairs {
    private volatile Session current;
    private volatile Session previous;
    private volatile Session next;
    private final Consumer<Session> retire;

    /** @param retire called for each session that leaves the set (frees its index, zeroes its keys later) */
    Keypairs(Consumer<Session> retire) {
        this.retire = retire;
    }

    /** The session to send with, or null. Lock-free. */
    Session current() {
        return current;
    }

    Session previous() {
        return previous;
    }

    Session next() {
        return next;
    }

    /** A handshake we initiated completed: the new session is used at once. */
    synchronized void initiatorSession(Session session) {
        Session oldPrevious = previous;
        if (next != null) {
            // An unconfirmed session of ours as responder loses to the one we just initiated,
            // but it may carry the peer's packets in flight: keep it as the previous one.
            previous = next;
            next = null;
            retireIfPresent(current);
        } else {
            previous = current;
        }
        retireIfPresent(oldPrevious);
        current = session;
    }

    /** We answered a handshake: the new session waits for the initiator's first packet. */
    synchronized void responderSession(Session session) {
        retireIfPresent(next);
        next = session;
        retireIfPresent(previous);
        previous = null;
    }

    /**
     * A packet authenticated under {@code session} arrived. If that confirms {@code next}, it
     * becomes current.
     *
     * @return true if the session was just confirmed (the handshake is complete for us too)
     */
    boolean received(Session session) {
        if (next != session) {
            return false;
        }
        synchronized (this) {
            if (next != session) {
                return false;
            }
            retireIfPresent(previous);
            previous = current;
            current = next;
            next = null;
            return true;
        }
    }

    /** Drops every session (keys expired, peer removed). */
    synchronized void clear() {
        retireIfPresent(previous);
        retireIfPresent(current);
        retireIfPresent(next);
        previous = null;
        current = null;
        next = null;
    }

    private void retireIfPresent(Session session) {
        if (session != null) {
            retire.accept(session);
        }
    }
}
