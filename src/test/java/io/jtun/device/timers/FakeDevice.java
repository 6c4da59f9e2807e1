package io.jtun.device.timers;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Plays the device around a {@link PeerTimers} in virtual time: a clock the test advances, and
 * the reactions a real device has to each action (sending an initiation or a keepalive reports
 * the packet through the events, like any other packet). Records what it did, with when.
 */
final class FakeDevice {
    static final long MS = 1_000_000L;
    static final long S = 1_000 * MS;

    final PeerTimers timers;
    long now;
    final List<Long> initiations = new ArrayList<>();
    final List<Long> keepalives = new ArrayList<>();
    final List<Long> retransmits = new ArrayList<>();
    final List<Long> giveUps = new ArrayList<>();
    final List<Long> zeroKeys = new ArrayList<>();
    final List<Long> newHandshakes = new ArrayList<>();

    FakeDevice(PeerTimers timers, long start) {
        this.timers = timers;
        this.now = start;
    }

    /** Traffic wants a handshake (no session, or an old one): a new, non-retry initiation. */
    boolean initiate(boolean isRetry) {
        if (!timers.beginInitiation(now, isRetry)) {
            return false;
        }
        timers.onAnyAuthenticatedPacketTraversal(now);
        timers.onAnyAuthenticatedPacketSent(now);
        timers.onHandshakeInitiated(now);
        initiations.add(now);
        return true;
    }

    void sendKeepalive() {
        timers.onAnyAuthenticatedPacketTraversal(now);
        timers.onAnyAuthenticatedPacketSent(now);
        keepalives.add(now);
    }

    void sendData() {
        timers.onAnyAuthenticatedPacketTraversal(now);
        timers.onAnyAuthenticatedPacketSent(now);
        timers.onDataSent(now);
    }

    void receiveData() {
        timers.onAnyAuthenticatedPacketTraversal(now);
        timers.onAnyAuthenticatedPacketReceived(now);
        timers.onDataReceived(now);
    }

    void react(Set<TimerAction> actions) {
        for (TimerAction action : actions) {
            switch (action) {
                case ZERO_KEYS -> zeroKeys.add(now);
                case GIVE_UP -> giveUps.add(now);
                case RETRANSMIT_HANDSHAKE -> {
                    retransmits.add(now);
                    initiate(true);
                }
                case INITIATE_HANDSHAKE -> {
                    newHandshakes.add(now);
                    initiate(false);
                }
                case SEND_KEEPALIVE -> sendKeepalive();
            }
        }
    }

    /** Sleeps from deadline to deadline, as a device's timer thread would, until {@code end}. */
    void runUntil(long end) {
        while (true) {
            long wait = timers.nanosUntilNextDeadline(now);
            if (wait == Long.MAX_VALUE || end - now < wait) {
                now = end;
                return;
            }
            now += wait;
            react(timers.due(now));
        }
    }

    /** Polls every {@code step}, as a coarse timer thread would, until {@code end}. */
    void pollUntil(long end, long step) {
        while (end - now > 0) {
            now += Math.min(step, end - now);
            react(timers.due(now));
        }
    }

    void advance(long nanos) {
        runUntil(now + nanos);
    }
}
