package io.derpring.internal.region;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;

import io.derpring.region.RegionState;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Issue 16, reconnect storm: ServerInfo used to reset the backoff, so a relay that completes the handshake and then
 * fails every connection was redialed at the first step (5–15 ms) forever. Now only a connection that lived
 * {@link RegionSettings#minStableConnectionNs()} or received a packet resets it. Fake clock and dialer; jitter is
 * fixed at ×1.0, so the delays are the base schedule.
 */
class ReconnectStormTest {
    private static final long MIN_STABLE_NS = RegionSettings.DEFAULT_MIN_STABLE_CONNECTION.toNanos();
    /** The hostile relay's run in the issue: 1,936 handshakes in 8 s from one engine. */
    private static final long WINDOW_MS = 8_000;

    private final RegionHarness h = new RegionHarness();

    /** Connects the link just dialed and fails it at once: a relay that dies right after ServerInfo. */
    private void dieAfterServerInfo(final RegionHarness.FakeLink link) {
        link.connect();
        h.work();
        link.fail("relay closed after ServerInfo");
        h.work();
    }

    @Test
    @DisplayName("a relay that dies right after every ServerInfo is redialed on the backoff curve, not every 10 ms")
    void relayDyingAfterServerInfoIsRedialedOnTheBackoffCurve() {
        h.conductor.updateDerpMap(RegionHarness.map(1));
        h.conductor.selectHome(900);
        final long startNs = h.nowNs;
        int seen = 0;
        while (h.nowNs - startNs <= TimeUnit.MILLISECONDS.toNanos(WINDOW_MS)) {
            h.work();
            while (seen < h.dialer.to(900).size()) {
                dieAfterServerInfo(h.dialer.to(900).get(seen++));
            }
            h.advanceMillis(1);
        }

        // Dial k+1 follows k failures after sum(i² · 10 ms, i = 1..k): 10, 50, 140, ... 6,500 ms (k = 12), then 8,190.
        int expected = 1;
        long atNs = 0;
        for (long k = 1; atNs + ReconnectBackoff.baseDelayNs(k) <= TimeUnit.MILLISECONDS.toNanos(WINDOW_MS); k++) {
            atNs += ReconnectBackoff.baseDelayNs(k);
            expected++;
        }
        assertThat(expected).isEqualTo(13);
        assertThat(h.dialer.to(900)).as("dials in %d ms", WINDOW_MS).hasSize(expected);
        assertThat(h.status(900).consecutiveFailures()).isEqualTo(expected);
        assertThat(h.conductor.counters().get(RegionCounter.RECONNECTS)).isEqualTo(expected - 1);
    }

    @Test
    void aConnectionLivingJustUnderTheMinimumDoesNotResetTheBackoff() {
        final RegionHarness.FakeLink first = h.connectHome(1);
        h.advanceMillis(1);
        first.fail("reset");
        h.work();
        h.advanceMillis(10);
        h.work();
        final RegionHarness.FakeLink second = h.dialer.last(900);
        second.connect();
        h.work();
        h.nowNs += MIN_STABLE_NS - 1;
        h.work();
        second.fail("reset");
        h.work();

        assertThat(h.status(900).consecutiveFailures()).isEqualTo(2);
        assertThat(h.status(900).state()).isEqualTo(RegionState.BACKOFF);
    }

    @Test
    void aConnectionLivingExactlyTheMinimumResetsTheBackoffEvenIfItFailsBeforeATick() {
        final RegionHarness.FakeLink first = h.connectHome(1);
        first.fail("reset");
        h.work();
        h.advanceMillis(10);
        h.work();
        final RegionHarness.FakeLink second = h.dialer.last(900);
        second.connect();
        h.work();
        h.nowNs += MIN_STABLE_NS;
        second.fail("reset"); // no tick in between: the close itself sees the connection's age

        h.work();

        assertThat(h.status(900).consecutiveFailures()).as("reset, then this failure").isEqualTo(1);
    }

    @Test
    void aConnectionLivingLongerThanTheMinimumShowsZeroFailuresWhileUp() {
        final RegionHarness.FakeLink first = h.connectHome(1);
        first.fail("reset");
        h.work();
        h.advanceMillis(10);
        h.work();
        h.dialer.last(900).connect();
        h.work();
        assertThat(h.status(900).consecutiveFailures()).isEqualTo(1);

        h.nowNs += MIN_STABLE_NS + 1;
        h.work();

        assertThat(h.status(900).consecutiveFailures()).isZero();
    }

    @Test
    void aConnectionThatReceivedAPacketResetsTheBackoffAtOnce() {
        final RegionHarness.FakeLink first = h.connectHome(1);
        first.fail("reset");
        h.work();
        h.advanceMillis(10);
        h.work();
        final RegionHarness.FakeLink second = h.dialer.last(900);
        second.connect();
        h.work();
        second.receivedPacket = true;
        second.fail("reset");
        h.work();

        assertThat(h.status(900).consecutiveFailures()).as("reset, then this failure").isEqualTo(1);
    }

    @Test
    void aZeroMinimumResetsAtServerInfoAsBefore() {
        final RegionHarness zero = new RegionHarness(RegionSettings.defaults().withMinStableConnection(
            java.time.Duration.ZERO));
        zero.conductor.updateDerpMap(RegionHarness.map(1));
        zero.conductor.selectHome(900);
        zero.work();
        zero.dialer.last(900).fail("refused");
        zero.work();
        zero.advanceMillis(10);
        zero.work();
        zero.dialer.last(900).connect();
        zero.work();

        assertThat(zero.status(900).consecutiveFailures()).isZero();
    }
}
