package io.derpring.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** The drain's quiet window: a quarter of the drain timeout, never under {@link LoadGenerator#DRAIN_QUIET_NS}. */
class DrainQuietTest {
    private static final long FLOOR = LoadGenerator.DRAIN_QUIET_NS;

    @Test
    void aShortDrainKeepsTheFloor() {
        assertThat(LoadGenerator.drainQuietNs(0)).isEqualTo(FLOOR);
        assertThat(LoadGenerator.drainQuietNs(4 * FLOOR - 4)).isEqualTo(FLOOR);
    }

    @Test
    void atFourTimesTheFloorTheQuarterIsTheFloor() {
        assertThat(LoadGenerator.drainQuietNs(4 * FLOOR)).isEqualTo(FLOOR);
    }

    @Test
    void aLongerDrainWaitsAQuarterOfIt() {
        assertThat(LoadGenerator.drainQuietNs(4 * FLOOR + 4)).isEqualTo(FLOOR + 1);
        assertThat(LoadGenerator.drainQuietNs(TimeUnit.SECONDS.toNanos(2))).as("the CLI default")
            .isEqualTo(TimeUnit.MILLISECONDS.toNanos(500));
    }
}
