package io.jtun.device.timers;

import static io.jtun.device.timers.FakeDevice.MS;
import static io.jtun.device.timers.FakeDevice.S;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PeerTimersTest {
    /** An arbitrary clock origin: nanoTime has none, and may be negative. */
    private static final long T0 = -7_777 * S;

    private static PeerTimers timers(long seed) {
        return new PeerTimers(new SplittableRandom(seed));
    }

    private static long deadline(PeerTimers timers, TimerKind kind) {
        OptionalLong at = timers.deadline(kind);
        assertTrue(at.isPresent(), kind + " should be armed");
        return at.getAsLong();
    }

    private static void assertInRange(long low, long value, long highExclusive, String what) {
        assertTrue(value - low >= 0 && value - highExclusive < 0,
                what + ": " + value + " not in [" + low + ", " + highExclusive + ")");
    }

    @Test
    void constantsMatchTheWhitepaper() {
        assertEquals(120 * S, TimerConstants.REKEY_AFTER_TIME);
        assertEquals(180 * S, TimerConstants.REJECT_AFTER_TIME);
        assertEquals(90 * S, TimerConstants.REKEY_ATTEMPT_TIME);
        assertEquals(5 * S, TimerConstants.REKEY_TIMEOUT);
        assertEquals(10 * S, TimerConstants.KEEPALIVE_TIMEOUT);
        assertEquals(334 * MS, TimerConstants.REKEY_TIMEOUT_JITTER_MAX);
        assertEquals(18, TimerConstants.MAX_TIMER_HANDSHAKES);
        assertEquals("1152921504606846976", Long.toUnsignedString(TimerConstants.REKEY_AFTER_MESSAGES));
        assertEquals("18446744073709543423", Long.toUnsignedString(TimerConstants.REJECT_AFTER_MESSAGES));
    }

    // (1) ------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 42, 1234})
    void unansweredHandshakeIsRetriedEveryFiveSecondsThenAbandoned(long seed) {
        FakeDevice device = new FakeDevice(timers(seed), T0);
        assertTrue(device.initiate(false));
        device.runUntil(T0 + 200 * S);

        // The first initiation and 19 retries (attempts 0..18 are each followed by a retry):
        // WireGuard's "did not complete after MAX_TIMER_HANDSHAKES + 2 attempts".
        assertEquals(TimerConstants.MAX_TIMER_HANDSHAKES + 2, device.initiations.size());
        assertEquals(TimerConstants.MAX_TIMER_HANDSHAKES + 1, device.retransmits.size());
        assertEquals(device.retransmits, device.initiations.subList(1, device.initiations.size()));
        List<Long> fires = new ArrayList<>(device.retransmits);
        fires.add(device.giveUps.getFirst());
        for (int i = 0; i < fires.size(); i++) {
            long previous = device.initiations.get(i);
            assertInRange(previous + 5_000 * MS, fires.get(i), previous + 5_334 * MS, "retry " + i);
        }
        assertEquals(1, device.giveUps.size());
        long giveUp = device.giveUps.getFirst();
        assertInRange(T0 + 100 * S, giveUp, T0 + 100 * S + 20 * 334 * MS, "give up");
        assertEquals(TimerConstants.MAX_TIMER_HANDSHAKES + 1, device.timers.handshakeAttempts());

        // After giving up only the key erasure is armed, 540 s later.
        PeerTimers.Snapshot state = device.timers.snapshot();
        assertEquals(Map.of(TimerKind.ZERO_KEY_MATERIAL, giveUp + 540 * S), state.deadlines());
        device.runUntil(giveUp + 540 * S - 1);
        assertEquals(List.of(), device.zeroKeys);
        device.runUntil(giveUp + 1_000 * S);
        assertEquals(List.of(giveUp + 540 * S), device.zeroKeys);
        assertEquals(20, device.initiations.size());
        assertEquals(Long.MAX_VALUE, device.timers.nextDeadline());
    }

    @Test
    void theSameHoldsWhenPolledEveryHundredMilliseconds() {
        FakeDevice device = new FakeDevice(timers(9), T0);
        device.initiate(false);
        device.pollUntil(T0 + 200 * S, 100 * MS);
        assertEquals(20, device.initiations.size());
        assertEquals(1, device.giveUps.size());
        // Each fire is seen at most one poll late, so retries are 5.0 to 5.434 s apart.
        for (int i = 1; i < device.initiations.size(); i++) {
            long gap = device.initiations.get(i) - device.initiations.get(i - 1);
            assertInRange(5_000 * MS, gap, 5_434 * MS, "gap " + i);
        }
    }

    @Test
    void givingUpKeepsAnAlreadyArmedKeyErasureAndDropsThePassiveKeepalive() {
        FakeDevice device = new FakeDevice(timers(5), T0);
        device.timers.onSessionDerived(T0);
        device.initiate(false);
        device.runUntil(T0 + 99 * S);
        device.timers.onDataReceived(device.now);
        assertTrue(device.timers.deadline(TimerKind.SEND_KEEPALIVE).isPresent());
        device.runUntil(T0 + 108 * S);
        assertEquals(1, device.giveUps.size());
        assertEquals(OptionalLong.empty(), device.timers.deadline(TimerKind.SEND_KEEPALIVE));
        assertEquals(OptionalLong.of(T0 + 540 * S), device.timers.deadline(TimerKind.ZERO_KEY_MATERIAL));
        assertEquals(List.of(), device.keepalives);
    }

    @Test
    void queuedTrafficRestartsTheAttemptWindowSoAHandshakeIsNotAbandonedWhileWanted() {
        FakeDevice device = new FakeDevice(timers(11), T0);
        device.initiate(false);
        // Every 30 s a packet is queued without a session: it asks for a new handshake, which is
        // usually rate-limited (a retry went out less than 5 s ago) but restarts the count.
        for (int i = 1; i <= 10; i++) {
            device.runUntil(T0 + i * 30 * S);
            device.initiate(false);
            assertEquals(0, device.timers.handshakeAttempts());
        }
        assertEquals(List.of(), device.giveUps);
        // Then silence: abandoned about 100 s after the last request.
        device.runUntil(T0 + 300 * S + 120 * S);
        assertEquals(1, device.giveUps.size());
        assertInRange(T0 + 395 * S, device.giveUps.getFirst(), T0 + 415 * S, "give up");
    }

    // (2) ------------------------------------------------------------------------------------

    @Test
    void completedHandshakeStopsRetransmissionsAndResetsAttempts() {
        FakeDevice device = new FakeDevice(timers(3), T0);
        assertEquals(OptionalLong.empty(), device.timers.lastHandshakeNanos());
        device.initiate(false);
        device.runUntil(T0 + 12 * S);
        assertEquals(2, device.timers.handshakeAttempts());
        assertEquals(3, device.initiations.size());

        device.timers.onHandshakeComplete(device.now);
        assertEquals(0, device.timers.handshakeAttempts());
        assertEquals(OptionalLong.of(T0 + 12 * S), device.timers.lastHandshakeNanos());
        assertEquals(OptionalLong.empty(), device.timers.deadline(TimerKind.RETRANSMIT_HANDSHAKE));

        device.runUntil(T0 + 600 * S);
        assertEquals(3, device.initiations.size());
        assertEquals(List.of(), device.giveUps);
    }

    // (3) ------------------------------------------------------------------------------------

    @Test
    void passiveKeepaliveTenSecondsAfterReceivingDataWhenWeSentNothing() {
        FakeDevice device = new FakeDevice(timers(1), T0);
        device.receiveData();
        assertEquals(T0 + 10 * S, deadline(device.timers, TimerKind.SEND_KEEPALIVE));
        assertEquals(Set.of(), device.timers.due(T0 + 10 * S - 1));
        device.runUntil(T0 + 60 * S);
        assertEquals(List.of(T0 + 10 * S), device.keepalives);
    }

    @Test
    void noPassiveKeepaliveWhenWeSentSomethingMeanwhile() {
        FakeDevice device = new FakeDevice(timers(1), T0);
        device.receiveData();
        device.advance(3 * S);
        device.sendData(); // answered: the data packet serves as the keepalive
        assertEquals(OptionalLong.empty(), device.timers.deadline(TimerKind.SEND_KEEPALIVE));
        device.advance(8 * S);
        assertEquals(List.of(), device.keepalives);

        // A handshake or a keepalive sent counts as well.
        device.receiveData();
        device.advance(1 * S);
        device.initiate(false);
        device.timers.onHandshakeComplete(device.now);
        device.advance(30 * S);
        assertEquals(List.of(), device.keepalives);
    }

    @Test
    void dataReceivedWhileAKeepaliveIsPendingAsksForAnother() {
        PeerTimers timers = timers(1);
        timers.onDataReceived(T0);
        timers.onDataReceived(T0 + 4 * S); // already armed: the deadline stays, another is needed
        assertEquals(T0 + 10 * S, deadline(timers, TimerKind.SEND_KEEPALIVE));
        assertTrue(timers.snapshot().needAnotherKeepalive());

        assertEquals(EnumSet.of(TimerAction.SEND_KEEPALIVE), timers.due(T0 + 10 * S));
        assertFalse(timers.snapshot().needAnotherKeepalive());
        assertEquals(T0 + 20 * S, deadline(timers, TimerKind.SEND_KEEPALIVE));
        // Fires once more, then not again.
        assertEquals(EnumSet.of(TimerAction.SEND_KEEPALIVE), timers.due(T0 + 20 * S));
        assertEquals(OptionalLong.empty(), timers.deadline(TimerKind.SEND_KEEPALIVE));
        assertEquals(Set.of(), timers.due(T0 + 100 * S));
    }

    @Test
    void theReArmedKeepaliveIsCancelledByAnyPacketSentBeforeIt() {
        FakeDevice device = new FakeDevice(timers(1), T0);
        device.receiveData();
        device.advance(4 * S);
        device.receiveData();
        device.advance(6 * S); // fires, re-arms for T0 + 20 s, and the device sends the keepalive,
        assertEquals(List.of(T0 + 10 * S), device.keepalives); // which is itself a packet sent
        assertEquals(OptionalLong.empty(), device.timers.deadline(TimerKind.SEND_KEEPALIVE));
        device.advance(60 * S);
        assertEquals(List.of(T0 + 10 * S), device.keepalives);
    }

    // (4) ------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void newHandshakeFifteenSecondsAfterSendingDataWithNoReply(long seed) {
        FakeDevice device = new FakeDevice(timers(seed), T0);
        device.sendData();
        long at = deadline(device.timers, TimerKind.NEW_HANDSHAKE);
        assertInRange(T0 + 15_000 * MS, at, T0 + 15_334 * MS, "new handshake");
        device.advance(5 * S);
        device.sendData(); // already armed: unchanged
        assertEquals(at, deadline(device.timers, TimerKind.NEW_HANDSHAKE));
        device.runUntil(at - 1);
        assertEquals(List.of(), device.newHandshakes);
        device.runUntil(at);
        assertEquals(List.of(at), device.newHandshakes);
        assertEquals(List.of(at), device.initiations);
        assertTrue(device.timers.deadline(TimerKind.RETRANSMIT_HANDSHAKE).isPresent());
    }

    @Test
    void noNewHandshakeWhenTheReplyCame() {
        FakeDevice device = new FakeDevice(timers(2), T0);
        device.sendData();
        device.advance(7 * S);
        device.receiveData();
        assertEquals(OptionalLong.empty(), device.timers.deadline(TimerKind.NEW_HANDSHAKE));
        device.advance(60 * S);
        assertEquals(List.of(), device.newHandshakes);
        assertEquals(List.of(), device.initiations);
        assertEquals(List.of(T0 + 17 * S), device.keepalives); // the passive one for that reply
    }

    // (5) ------------------------------------------------------------------------------------

    @Test
    void rekeyOnSendAfterTwoMinutesAsInitiatorOnly() {
        long c = T0;
        SessionInfo initiator = SessionInfo.of(c, true, 5);
        SessionInfo responder = SessionInfo.of(c, false, 5);
        assertTrue(PeerTimers.shouldInitiateOnSend(null, c));
        assertFalse(PeerTimers.shouldInitiateOnSend(initiator, c));
        assertFalse(PeerTimers.shouldInitiateOnSend(initiator, c + 120 * S - 1));
        assertTrue(PeerTimers.shouldInitiateOnSend(initiator, c + 120 * S));
        assertFalse(PeerTimers.shouldInitiateOnSend(responder, c + 120 * S));
        assertFalse(PeerTimers.shouldInitiateOnSend(responder, c + 180 * S - 1));
        assertTrue(PeerTimers.shouldInitiateOnSend(responder, c + 180 * S)); // expired
    }

    @Test
    void rejectAfterThreeMinutes() {
        SessionInfo s = SessionInfo.of(T0, false, 0);
        assertTrue(PeerTimers.canSend(s, T0));
        assertTrue(PeerTimers.canSend(s, T0 + 180 * S - 1));
        assertFalse(PeerTimers.canSend(s, T0 + 180 * S));
        assertTrue(PeerTimers.canReceive(s, T0 + 180 * S - 1));
        assertFalse(PeerTimers.canReceive(s, T0 + 180 * S));
        assertFalse(PeerTimers.canSend(null, T0));
        assertFalse(PeerTimers.canReceive(null, T0));
    }

    @Test
    void messageCountLimitsAreUnsigned() {
        long rekey = 1L << 60;
        long reject = Long.parseUnsignedLong("18446744073709543423"); // 2^64 - 2^13 - 1
        assertFalse(PeerTimers.shouldInitiateOnSend(SessionInfo.of(T0, false, rekey - 1), T0));
        assertTrue(PeerTimers.shouldInitiateOnSend(SessionInfo.of(T0, false, rekey), T0));
        assertTrue(PeerTimers.shouldInitiateOnSend(SessionInfo.of(T0, true, rekey), T0));

        // Past 2^63 the counter is negative as a long but still usable.
        for (long counter : new long[] {Long.MAX_VALUE, Long.MIN_VALUE, reject - 1}) {
            SessionInfo s = SessionInfo.of(T0, false, counter);
            assertTrue(PeerTimers.canSend(s, T0), Long.toUnsignedString(counter));
            assertTrue(PeerTimers.shouldInitiateOnSend(s, T0), Long.toUnsignedString(counter));
            assertTrue(PeerTimers.receiveCounterAllowed(counter));
        }
        for (long counter : new long[] {reject, reject + 1, -1L}) {
            SessionInfo s = SessionInfo.of(T0, false, counter);
            assertFalse(PeerTimers.canSend(s, T0), Long.toUnsignedString(counter));
            assertTrue(PeerTimers.shouldInitiateOnSend(s, T0));
            assertTrue(PeerTimers.canReceive(s, T0)); // receiving is limited by age only
            assertFalse(PeerTimers.receiveCounterAllowed(counter));
        }
        assertTrue(PeerTimers.receiveCounterAllowed(0));
    }

    @Test
    void sessionAgeAcrossTheClockWrap() {
        long c = Long.MAX_VALUE - 60 * S;
        SessionInfo s = SessionInfo.of(c, true, 0);
        long at130 = c + 130 * S; // wrapped: negative
        assertTrue(at130 < 0);
        assertTrue(PeerTimers.canSend(s, at130));
        assertTrue(PeerTimers.shouldInitiateOnSend(s, at130));
        assertFalse(PeerTimers.shouldInitiateOnSend(s, c + 119 * S));
        assertFalse(PeerTimers.canReceive(s, c + 180 * S));
    }

    // (6) ------------------------------------------------------------------------------------

    @Test
    void lastMinuteHandshakeOnReceiveAt165SecondsExactlyOnce() {
        PeerTimers timers = timers(1);
        SessionInfo mine = SessionInfo.of(T0, true, 0);
        SessionInfo theirs = SessionInfo.of(T0, false, 0);
        assertFalse(timers.shouldInitiateOnReceive(mine, T0 + 165 * S - 1));
        assertFalse(timers.shouldInitiateOnReceive(theirs, T0 + 170 * S));
        assertFalse(timers.shouldInitiateOnReceive(null, T0 + 170 * S));
        assertTrue(timers.shouldInitiateOnReceive(mine, T0 + 165 * S));
        assertFalse(timers.shouldInitiateOnReceive(mine, T0 + 165 * S));
        assertFalse(timers.shouldInitiateOnReceive(mine, T0 + 179 * S));
        assertTrue(timers.snapshot().sentLastMinuteHandshake());

        // A completed handshake re-enables it, for the next session.
        timers.onHandshakeComplete(T0 + 170 * S);
        SessionInfo next = SessionInfo.of(T0 + 170 * S, true, 0);
        assertFalse(timers.shouldInitiateOnReceive(next, T0 + 200 * S));
        assertTrue(timers.shouldInitiateOnReceive(next, T0 + 335 * S));
        assertFalse(timers.shouldInitiateOnReceive(next, T0 + 336 * S));
    }

    // (7) ------------------------------------------------------------------------------------

    @Test
    void persistentKeepaliveEveryIntervalOfSilence() {
        FakeDevice device = new FakeDevice(timers(1), T0);
        assertTrue(device.timers.setPersistentKeepaliveInterval(25)); // off to on: send one now
        device.sendKeepalive();
        device.runUntil(T0 + 100 * S);
        assertEquals(List.of(T0, T0 + 25 * S, T0 + 50 * S, T0 + 75 * S, T0 + 100 * S), device.keepalives);

        // Traffic either way restarts the interval.
        device.advance(20 * S);
        device.receiveData(); // T0 + 120 s; also arms the passive keepalive for T0 + 130 s
        device.advance(40 * S);
        assertEquals(List.of(T0 + 130 * S, T0 + 155 * S), device.keepalives.subList(5, 7));
    }

    @Test
    void persistentKeepaliveDisabledByZero() {
        FakeDevice device = new FakeDevice(timers(1), T0);
        assertFalse(device.timers.setPersistentKeepaliveInterval(0));
        device.sendKeepalive();
        device.advance(300 * S);
        assertEquals(List.of(T0), device.keepalives);

        assertTrue(device.timers.setPersistentKeepaliveInterval(10));
        assertFalse(device.timers.setPersistentKeepaliveInterval(15)); // on to on: no extra keepalive
        device.sendKeepalive(); // T0 + 300 s, then every 15 s
        device.advance(31 * S);
        assertEquals(List.of(T0, T0 + 300 * S, T0 + 315 * S, T0 + 330 * S), device.keepalives);
        assertFalse(device.timers.setPersistentKeepaliveInterval(0));
        assertEquals(OptionalLong.empty(), device.timers.deadline(TimerKind.PERSISTENT_KEEPALIVE));
        assertEquals(0, device.timers.persistentKeepaliveInterval());
        device.advance(300 * S);
        assertEquals(4, device.keepalives.size());

        assertThrows(IllegalArgumentException.class, () -> device.timers.setPersistentKeepaliveInterval(-1));
        assertThrows(IllegalArgumentException.class, () -> device.timers.setPersistentKeepaliveInterval(65536));
        assertFalse(device.timers.setPersistentKeepaliveInterval(0));
        assertTrue(device.timers.setPersistentKeepaliveInterval(65535));
    }

    // (8) ------------------------------------------------------------------------------------

    @Test
    void keysAreErased540SecondsAfterTheLastSession() {
        FakeDevice device = new FakeDevice(timers(1), T0);
        device.timers.onSessionDerived(T0);
        device.advance(100 * S);
        device.timers.onSessionDerived(device.now); // moves it
        assertEquals(T0 + 640 * S, deadline(device.timers, TimerKind.ZERO_KEY_MATERIAL));
        device.runUntil(T0 + 640 * S - 1);
        assertEquals(List.of(), device.zeroKeys);
        device.runUntil(T0 + 2_000 * S);
        assertEquals(List.of(T0 + 640 * S), device.zeroKeys);
        assertEquals(OptionalLong.empty(), device.timers.deadline(TimerKind.ZERO_KEY_MATERIAL));
    }

    // (9) ------------------------------------------------------------------------------------

    @Test
    void initiationsAreRateLimitedToOnePerRekeyTimeout() {
        PeerTimers timers = timers(1);
        assertTrue(timers.initiationAllowed(T0));
        assertTrue(timers.initiationAllowed(T0)); // a query changes nothing
        assertTrue(timers.beginInitiation(T0, false));
        assertFalse(timers.initiationAllowed(T0));
        assertFalse(timers.beginInitiation(T0 + 1 * S, false));
        assertFalse(timers.beginInitiation(T0 + 5 * S - 1, true));
        assertTrue(timers.initiationAllowed(T0 + 5 * S));
        assertTrue(timers.beginInitiation(T0 + 5 * S, false));

        // onHandshakeInitiated records the time as well.
        timers.onHandshakeInitiated(T0 + 7 * S);
        assertFalse(timers.initiationAllowed(T0 + 12 * S - 1));
        assertTrue(timers.initiationAllowed(T0 + 12 * S));
        assertEquals(OptionalLong.of(T0 + 7 * S), timers.snapshot().lastInitiationNanos());
    }

    @Test
    void ofManyThreadsAskingAtOnceOnlyOneMayInitiate() throws Exception {
        PeerTimers timers = timers(1);
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int round = 0; round < 200; round++) {
                long now = T0 + round * 5 * S;
                CountDownLatch start = new CountDownLatch(1);
                AtomicInteger winners = new AtomicInteger();
                List<Future<?>> done = new ArrayList<>();
                for (int i = 0; i < threads; i++) {
                    done.add(pool.submit(() -> {
                        start.await();
                        if (timers.beginInitiation(now, false)) {
                            winners.incrementAndGet();
                        }
                        timers.onDataSent(now);
                        timers.onAnyAuthenticatedPacketReceived(now);
                        return null;
                    }));
                }
                start.countDown();
                for (Future<?> f : done) {
                    f.get();
                }
                assertEquals(1, winners.get(), "round " + round);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    // (10) -----------------------------------------------------------------------------------

    @Test
    void nextDeadlineIsTheEarliestArmedOneAndNothingIsDueBeforeIt() {
        PeerTimers timers = timers(1);
        assertEquals(Long.MAX_VALUE, timers.nextDeadline());
        assertEquals(Long.MAX_VALUE, timers.nanosUntilNextDeadline(T0));
        Set<TimerAction> none = timers.due(T0);
        assertSame(Collections.emptySet(), none);

        timers.onSessionDerived(T0);             // T0 + 540 s
        timers.setPersistentKeepaliveInterval(25);
        timers.onAnyAuthenticatedPacketTraversal(T0); // T0 + 25 s
        timers.onDataReceived(T0 + 1 * S);      // T0 + 11 s
        timers.onDataSent(T0);                   // T0 + 15 s + jitter
        assertEquals(T0 + 11 * S, timers.nextDeadline());
        assertEquals(11 * S, timers.nanosUntilNextDeadline(T0));
        assertEquals(0, timers.nanosUntilNextDeadline(T0 + 12 * S));

        PeerTimers.Snapshot before = timers.snapshot();
        assertSame(Collections.emptySet(), timers.due(T0 + 11 * S - 1));
        assertEquals(before, timers.snapshot());

        Set<TimerAction> out = EnumSet.noneOf(TimerAction.class);
        assertFalse(timers.due(T0 + 11 * S - 1, out));
        assertEquals(Set.of(), out);
        assertTrue(timers.due(T0 + 11 * S, out));
        assertEquals(EnumSet.of(TimerAction.SEND_KEEPALIVE), out);
        assertInRange(T0 + 15 * S, timers.nextDeadline(), T0 + 15_334 * MS, "next");

        // A late poll fires everything that is due, once.
        assertEquals(EnumSet.of(TimerAction.INITIATE_HANDSHAKE, TimerAction.SEND_KEEPALIVE), timers.due(T0 + 30 * S));
        assertEquals(T0 + 540 * S, timers.nextDeadline());
        assertEquals(EnumSet.of(TimerAction.ZERO_KEYS), timers.due(T0 + 1_000 * S));
        assertEquals(Long.MAX_VALUE, timers.nextDeadline());
    }

    @Test
    void deadlinesPastLongMaxValueWrapSafely() {
        long now = Long.MAX_VALUE - 12 * S;
        PeerTimers timers = timers(1);
        timers.onDataReceived(now);  // Long.MAX_VALUE - 2 s
        timers.onDataSent(now);      // wraps to about Long.MIN_VALUE + 3 s
        timers.onSessionDerived(now);
        assertTrue(deadline(timers, TimerKind.NEW_HANDSHAKE) < 0);
        assertEquals(Long.MAX_VALUE - 2 * S, timers.nextDeadline());
        assertEquals(10 * S, timers.nanosUntilNextDeadline(now));
        assertEquals(Set.of(), timers.due(Long.MAX_VALUE - 2 * S - 1));
        assertEquals(EnumSet.of(TimerAction.SEND_KEEPALIVE), timers.due(Long.MAX_VALUE - 2 * S));

        long next = timers.nextDeadline();
        assertTrue(next < 0, "the wrapped new-handshake deadline");
        assertEquals(Set.of(), timers.due(Long.MAX_VALUE));
        assertEquals(Set.of(), timers.due(next - 1));
        assertEquals(EnumSet.of(TimerAction.INITIATE_HANDSHAKE), timers.due(next));
        assertEquals(now + 540 * S, timers.nextDeadline());
        assertEquals(Set.of(), timers.due(now + 540 * S - 1));
        assertEquals(EnumSet.of(TimerAction.ZERO_KEYS), timers.due(now + 540 * S));
    }

    @Test
    void aFullSimulationAcrossTheWrap() {
        FakeDevice device = new FakeDevice(timers(77), Long.MAX_VALUE - 50 * S);
        long start = device.now;
        device.initiate(false);
        device.runUntil(start + 200 * S);
        assertEquals(20, device.initiations.size());
        assertEquals(1, device.giveUps.size());
        assertInRange(start + 100 * S, device.giveUps.getFirst(), start + 107 * S, "give up");
    }

    // stop/start ----------------------------------------------------------------------------

    @Test
    void stopDisarmsEverythingAndIgnoresEventsUntilStarted() {
        FakeDevice device = new FakeDevice(timers(1), T0);
        device.timers.setPersistentKeepaliveInterval(25);
        device.timers.onSessionDerived(T0);
        device.initiate(false);
        device.receiveData();
        device.sendData();
        device.advance(6 * S);
        assertEquals(1, device.timers.handshakeAttempts());

        device.timers.stop();
        assertEquals(Map.of(), device.timers.snapshot().deadlines());
        assertFalse(device.timers.snapshot().running());
        device.receiveData();
        device.sendData();
        device.timers.onHandshakeInitiated(device.now);
        device.timers.onSessionDerived(device.now);
        assertEquals(Long.MAX_VALUE, device.timers.nextDeadline());
        int sent = device.initiations.size();
        device.advance(1_000 * S);
        assertEquals(sent, device.initiations.size());
        assertEquals(List.of(), device.zeroKeys);

        device.timers.start();
        assertEquals(0, device.timers.handshakeAttempts());
        device.receiveData();
        assertEquals(device.now + 10 * S, deadline(device.timers, TimerKind.SEND_KEEPALIVE));
    }
}
