package io.derpring.internal.region;

import io.derpring.region.RegionState;

import static org.assertj.core.api.Assertions.assertThat;

import io.derpring.derpmap.DerpMap;
import org.junit.jupiter.api.Test;

/**
 * The engine addresses regions by int, and a DERP map refuses any larger id when it is parsed or built
 * ({@code DerpMapValidationTest}): the largest id a map can carry runs like any other.
 */
class RegionIdLimitTest {
    private final RegionHarness h = new RegionHarness();

    private static DerpMap mapWithRegion(final int id) {
        return DerpMap.builder().region(id, "x", r -> r.node("n", "127.0.0.1", 3340)).build();
    }

    @Test
    void theLargestIntRegionIdIsAccepted() {
        h.conductor.updateDerpMap(mapWithRegion(Integer.MAX_VALUE));
        h.work();
        assertThat(h.status(Integer.MAX_VALUE).state()).isEqualTo(RegionState.DORMANT);
    }

    @Test
    void theLargestIntRegionIdConnectsAsHome() {
        h.conductor.updateDerpMap(mapWithRegion(Integer.MAX_VALUE));
        h.conductor.selectHome(Integer.MAX_VALUE);
        h.work();
        h.dialer.last(Integer.MAX_VALUE).connect();
        h.work();
        assertThat(h.status(Integer.MAX_VALUE).state()).isEqualTo(RegionState.CONNECTED);
    }
}
