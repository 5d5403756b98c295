package io.derpring.internal.region;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;

import io.derpring.region.RegionState;
import io.derpring.region.RegionStatus;
import org.junit.jupiter.api.Test;

/**
 * SPEC §5.11 received-frame health stamps (Go {@code frameReceiveRecordRate}): a frame of any type received from a
 * region is recorded in {@link RegionStatus#lastFrameReceivedNs()}, at most once per 5 s per region. Fake clock.
 */
class HealthStampTest {
    private static final long RATE_NS = RegionStatus.FRAME_RECEIVE_RECORD_RATE.toNanos();

    private final RegionHarness h = new RegionHarness();

    private long stamps() {
        return h.conductor.counters().get(RegionCounter.FRAME_STAMPS);
    }

    @Test
    void theRecordRateIsFiveSeconds() {
        assertThat(RegionStatus.FRAME_RECEIVE_RECORD_RATE).hasSeconds(5);
    }

    @Test
    void noFrameNoStamp() {
        h.conductor.updateDerpMap(RegionHarness.map(1));
        h.work();
        assertThat(h.status(900).lastFrameReceivedNs()).isZero();
        assertThat(stamps()).isZero();
    }

    @Test
    void serverInfoIsTheFirstStamp() {
        final long connectedAt = h.nowNs;
        h.connectHome(2);
        assertThat(h.status(900).lastFrameReceivedNs()).isEqualTo(connectedAt);
        assertThat(stamps()).isEqualTo(1);
    }

    @Test
    void framesEverySecondAreStampedOncePerFiveSeconds() {
        final long start = h.nowNs;
        final RegionHarness.FakeLink home = h.connectHome(2);
        for (int s = 1; s <= 20; s++) {
            h.advanceMillis(1_000);
            home.lastFrameNs = h.nowNs;
            h.work();
        }
        assertThat(stamps()).as("ServerInfo, then 5, 10, 15 and 20 s").isEqualTo(5);
        assertThat(h.status(900).lastFrameReceivedNs()).isEqualTo(start + TimeUnit.SECONDS.toNanos(20));
    }

    @Test
    void aFrameJustUnderTheRateAfterTheLastStampIsNotStamped() {
        final long start = h.nowNs;
        final RegionHarness.FakeLink home = h.connectHome(2);
        h.nowNs = start + RATE_NS - 1;
        home.lastFrameNs = h.nowNs;
        h.work();
        assertThat(stamps()).isEqualTo(1);
        assertThat(h.status(900).lastFrameReceivedNs()).isEqualTo(start);
    }

    @Test
    void aFrameExactlyTheRateAfterTheLastStampIsStamped() {
        final long start = h.nowNs;
        final RegionHarness.FakeLink home = h.connectHome(2);
        h.nowNs = start + RATE_NS;
        home.lastFrameNs = h.nowNs;
        h.work();
        assertThat(stamps()).isEqualTo(2);
        assertThat(h.status(900).lastFrameReceivedNs()).isEqualTo(start + RATE_NS);
    }

    @Test
    void noNewFrameNoNewStampHoweverLongTheWait() {
        final RegionHarness.FakeLink home = h.connectHome(2);
        home.lastFrameNs = h.nowNs;
        h.advanceMillis(60_000);
        h.work();
        assertThat(stamps()).isEqualTo(1);
    }

    @Test
    void eachRegionHasItsOwnStamp() {
        final RegionHarness.FakeLink home = h.connectHome(2);
        h.conductor.selectHome(901);
        h.work();
        final RegionHarness.FakeLink other = h.dialer.last(901);
        other.connect();
        h.work();
        assertThat(stamps()).as("two ServerInfos within 5 s, one per region").isEqualTo(2);
        assertThat(home).isNotSameAs(other);
    }

    @Test
    void theStampOutlivesTheConnection() {
        final long connectedAt = h.nowNs;
        final RegionHarness.FakeLink home = h.connectHome(2);
        home.fail("reset");
        h.work();
        assertThat(h.status(900).state()).isEqualTo(RegionState.BACKOFF);
        assertThat(h.status(900).lastFrameReceivedNs()).isEqualTo(connectedAt);
    }
}
