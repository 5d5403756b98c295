package io.derpring.internal.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.derpring.internal.frame.FrameType;
import io.derpring.internal.relay.RelayTestbed.Peer;
import org.junit.jupiter.api.Test;

/**
 * SPEC §3.6 (Go {@code time.Ticker}): KeepAlive keeps its phase when the timer runs a little late, and a timer that
 * was away for several periods sends one KeepAlive, not one per missed period.
 */
class KeepAliveScheduleTest {
    private static final long PERIOD = 1_000_000_000L;

    private final RelayTestbed bed = new RelayTestbed(1, RelayTestbed.config().keepAliveIntervalNs(PERIOD)
        .keepAliveJitterNs(0));
    private final Peer a = bed.connect(0);

    private int keepAlivesAfterTimer() {
        bed.timers();
        bed.pass();
        return a.sink.framesOfType(FrameType.KEEP_ALIVE).size();
    }

    @Test
    void aLateTimerKeepsTheKeepAlivePhase() {
        bed.advanceNs(PERIOD + PERIOD / 2);
        assertThat(keepAlivesAfterTimer()).isEqualTo(1);
        bed.advanceNs(PERIOD / 2); // two periods from the start: the next one is due on its original beat
        assertThat(keepAlivesAfterTimer()).isEqualTo(2);
    }

    @Test
    void aTimerLateByExactlyOnePeriodSendsOneKeepAlive() {
        bed.advanceNs(2 * PERIOD);
        assertThat(keepAlivesAfterTimer()).isEqualTo(1);
        assertThat(keepAlivesAfterTimer()).as("the same instant again").isEqualTo(1);
        bed.advanceNs(PERIOD - 1);
        assertThat(keepAlivesAfterTimer()).isEqualTo(1);
        bed.advanceNs(1);
        assertThat(keepAlivesAfterTimer()).isEqualTo(2);
    }

    @Test
    void aTimerAwayForManyPeriodsSendsOneKeepAliveThenResumesTheBeat() {
        bed.advanceNs(10 * PERIOD + PERIOD / 4);
        assertThat(keepAlivesAfterTimer()).isEqualTo(1);
        assertThat(keepAlivesAfterTimer()).isEqualTo(1);
        bed.advanceNs(PERIOD / 2);
        assertThat(keepAlivesAfterTimer()).isEqualTo(1);
        bed.advanceNs(PERIOD / 2);
        assertThat(keepAlivesAfterTimer()).isEqualTo(2);
    }
}
