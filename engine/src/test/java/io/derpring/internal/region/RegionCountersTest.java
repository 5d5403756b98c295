package io.derpring.internal.region;

import io.derpring.region.RegionState;

import static io.derpring.internal.region.RegionHarness.packet;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;

import io.derpring.derpmap.DerpNode;
import io.derpring.derpmap.DerpRegion;
import io.derpring.internal.metrics.Counters;
import org.junit.jupiter.api.Test;

/** What the conductor counts and reports as work, one rule per test (SPEC §5.1–§5.3, §5.8). */
class RegionCountersTest {
    private static final long IDLE_MS = TimeUnit.NANOSECONDS.toMillis(RegionSettings.defaults().idleTimeoutNs());
    private final RegionHarness h = new RegionHarness();

    private long count(final RegionCounter c) {
        return h.conductor.counters().get(c);
    }

    @Test
    void trafficWakingADormantRegionIsCountedButDialingTheHomeIsNot() {
        h.connectHome(3);
        assertThat(count(RegionCounter.WAKES)).isZero();
        h.router.send(h.peerHomedOn901, packet(10, 1), 0, 10);
        h.work();
        assertThat(count(RegionCounter.WAKES)).isEqualTo(1);
    }

    @Test
    void connectsAndFailuresAreCounted() {
        final RegionHarness.FakeLink home = h.connectHome(3);
        assertThat(count(RegionCounter.CONNECTS)).isEqualTo(1);
        home.fail("reset");
        h.work();
        assertThat(count(RegionCounter.CONNECT_FAILURES)).isEqualTo(1);
    }

    @Test
    void discoFramesFlushedOnConnectAreCountedAsSent() {
        h.connectHome(3);
        h.router.sendDisco(h.peerWithoutHome, 901, packet(70, 1), 0, 70);
        h.router.sendDisco(h.peerWithoutHome, 901, packet(70, 2), 0, 70);
        h.work();
        h.dialer.last(901).connect();
        h.work();
        assertThat(count(RegionCounter.DISCO_SENT)).isEqualTo(2);
    }

    @Test
    void everyDutyCycleIsCountedIdleOrNotButIsNotReportedAsWork() {
        h.connectHome(3);
        final long before = count(RegionCounter.DUTY_CYCLES);
        assertThat(h.work()).isZero();
        h.work();
        assertThat(count(RegionCounter.DUTY_CYCLES)).isEqualTo(before + 2);
    }

    @Test
    void aClosedConductorEvaluatesNoRegionSoCountsNoDutyCycle() {
        h.connectHome(3);
        h.conductor.onClose();
        final long before = count(RegionCounter.DUTY_CYCLES);
        h.work();
        assertThat(count(RegionCounter.DUTY_CYCLES)).isEqualTo(before);
    }

    @Test
    void anIdleConductorReportsNoWork() {
        h.connectHome(3);
        assertThat(h.work()).isZero();
    }

    @Test
    void aWakeAndAFlushAreReportedAsWork() {
        h.connectHome(3);
        h.router.send(h.peerHomedOn901, packet(10, 1), 0, 10);
        assertThat(h.work()).as("the dial").isPositive();
        h.dialer.last(901).connect();
        h.work();
        h.conductor.updateDerpMap(RegionHarness.map(3)); // unchanged map: a command, no flush
        assertThat(h.work()).isEqualTo(1);
    }

    @Test
    void anIdleCloseIsReportedAsWork() {
        h.connectHome(3);
        h.router.send(h.peerHomedOn901, packet(10, 1), 0, 10);
        h.work();
        h.dialer.last(901).connect();
        h.work();
        h.advanceMillis(IDLE_MS);
        assertThat(h.work()).isEqualTo(1);
        assertThat(count(RegionCounter.IDLE_CLOSES)).isEqualTo(1);
    }

    @Test
    void theRetryHappensExactlyWhenTheBackoffEnds() {
        final RegionHarness.FakeLink home = h.connectHome(3);
        home.fail("reset");
        h.work();
        // jitter 0.5 gives the base schedule: 1² x 10 ms after the first failure
        h.nowNs += TimeUnit.MILLISECONDS.toNanos(10) - 1;
        assertThat(h.work()).isZero();
        assertThat(h.dialer.to(900)).hasSize(1);
        h.nowNs += 1;
        assertThat(h.work()).isEqualTo(1);
        assertThat(h.dialer.to(900)).hasSize(2);
    }

    @Test
    void anUnreachableRegionDropsBothItsQueuesCounted() {
        h.connectHome(3);
        h.router.send(h.peerHomedOn901, packet(10, 1), 0, 10);
        h.router.send(h.peerHomedOn901, packet(10, 2), 0, 10);
        h.router.sendDisco(h.peerWithoutHome, 901, packet(70, 3), 0, 70);
        h.work();
        h.dialer.last(901).fail("unreachable");
        h.work();
        h.advanceMillis(10 * IDLE_MS);
        h.work();
        assertThat(count(RegionCounter.DROPPED_UNREACHABLE)).isEqualTo(3);
        assertThat(h.work()).as("given up: it stays dormant until new traffic").isZero();
        assertThat(h.dialer.to(901)).hasSize(1);
    }

    @Test
    void aRemovedRegionDropsBothItsQueuesCountedAndCountsItsClose() {
        h.connectHome(3);
        h.router.send(h.peerHomedOn901, packet(10, 1), 0, 10);
        h.router.sendDisco(h.peerWithoutHome, 901, packet(70, 2), 0, 70);
        h.work(); // 901 is connecting
        h.conductor.updateDerpMap(RegionHarness.map(1));
        h.work();
        assertThat(count(RegionCounter.DROPPED_REGION_GONE)).isEqualTo(2);
        assertThat(count(RegionCounter.MAP_CLOSES)).as("901 was connecting; 902 was never dialed").isEqualTo(1);
    }

    @Test
    void aDormantRegionRemovedFromTheMapIsNotCountedAsAMapClose() {
        h.connectHome(3);
        h.conductor.updateDerpMap(RegionHarness.map(1)); // 901 and 902 never dialed
        h.work();
        assertThat(count(RegionCounter.MAP_CLOSES)).isZero();
    }

    @Test
    void aChangedActiveRegionIsCountedAsAMapCloseAndReconnectsAtOnce() {
        h.connectHome(3);
        h.conductor.updateDerpMap(RegionHarness.mapWithChangedRegion(3, 900));
        h.work();
        assertThat(count(RegionCounter.MAP_CLOSES)).isEqualTo(1);
        assertThat(h.dialer.to(900)).hasSize(2);
    }

    @Test
    void aChangedRegionStartsOverWithoutPastFailures() {
        final RegionHarness.FakeLink home = h.connectHome(3);
        home.fail("reset");
        h.work();
        assertThat(h.status(900).consecutiveFailures()).isEqualTo(1);
        h.conductor.updateDerpMap(RegionHarness.mapWithChangedRegion(3, 900));
        h.work();
        assertThat(h.status(900).consecutiveFailures()).isZero();
    }

    @Test
    void aFailedNodeIsFollowedByTheNextNodeOfTheRegionWithTheFirstAsIdeal() {
        final RegionHarness.FakeLink first = h.connectHome(3);
        assertThat(first.node).isEqualTo("900a");
        assertThat(first.idealNode).isNull();
        first.fail("reset");
        h.work();
        h.advanceMillis(1_000);
        h.work();
        assertThat(h.dialer.last(900).node).isEqualTo("900b");
        assertThat(h.dialer.last(900).idealNode).isEqualTo("900a");
        h.dialer.last(900).fail("reset");
        h.work();
        h.advanceMillis(1_000);
        h.work();
        assertThat(h.dialer.last(900).node).as("round robin").isEqualTo("900a");
        assertThat(h.dialer.last(900).idealNode).isNull();
    }

    @Test
    void aDialerThatThrowsIsAFailedAttempt() {
        final RegionConductor conductor = new RegionConductor(RegionSettings.defaults(),
            (DerpRegion region, DerpNode node, String ideal, LinkListener listener) -> {
                throw new IllegalStateException("no route to host");
            }, h.listener, h.routes, () -> h.nowNs, () -> 0.5, new Counters<>(RegionCounter.class));
        conductor.updateDerpMap(RegionHarness.map(1));
        conductor.selectHome(900);
        conductor.doWork();
        assertThat(conductor.status().get(0).state()).isEqualTo(RegionState.BACKOFF);
        assertThat(conductor.status().get(0).lastError()).contains("no route to host");
        assertThat(conductor.counters().get(RegionCounter.CONNECT_FAILURES)).isEqualTo(1);
    }

    @Test
    void aLateCloseOfALinkClosedOnPurposeDoesNotTouchTheNextConnection() {
        h.connectHome(3);
        h.router.send(h.peerHomedOn901, packet(10, 1), 0, 10);
        h.work();
        final RegionHarness.FakeLink old = h.dialer.last(901);
        old.connect();
        h.work();
        h.advanceMillis(IDLE_MS); // idle close, on purpose
        h.work();
        h.router.send(h.peerHomedOn901, packet(10, 2), 0, 10);
        h.work();
        final RegionHarness.FakeLink next = h.dialer.last(901);
        assertThat(next).isNotSameAs(old);
        old.listener.onClosed(null); // the old link finally reports its end
        h.work();
        next.connect();
        h.work();
        assertThat(h.status(901).state()).isEqualTo(RegionState.CONNECTED);
        assertThat(next.sent).hasSize(1);
    }
}
