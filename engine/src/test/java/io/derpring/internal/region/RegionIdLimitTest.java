package io.derpring.internal.region;

import io.derpring.region.RegionState;
import io.derpring.region.RegionStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.derpring.derpmap.DerpMap;
import io.derpring.derpmap.DerpMapParser;
import io.derpring.runtime.InvalidConfigException;
import org.junit.jupiter.api.Test;

/**
 * A DERP map may carry region ids up to 2^53 - 1, the engine addresses regions by int: a map with a larger id is
 * refused whole, at the call, before anything changes.
 */
class RegionIdLimitTest {
    private final RegionHarness h = new RegionHarness();

    private static DerpMap mapWithRegion(final long id) {
        return DerpMapParser.parse("{\"Regions\":{\"" + id + "\":{\"RegionID\":" + id + ",\"RegionCode\":\"x\","
            + "\"Nodes\":[{\"Name\":\"n\",\"RegionID\":" + id + ",\"HostName\":\"derp.example.test\","
            + "\"IPv4\":\"127.0.0.1\",\"DERPPort\":3340}]}}}");
    }

    @Test
    void theLargestIntRegionIdIsAccepted() {
        h.conductor.updateDerpMap(mapWithRegion(Integer.MAX_VALUE));
        h.work();
        assertThat(h.status(Integer.MAX_VALUE).state()).isEqualTo(RegionState.DORMANT);
    }

    @Test
    void aRegionIdAboveTheIntRangeIsRefusedAndChangesNothing() {
        h.conductor.updateDerpMap(RegionHarness.map(1));
        h.work();
        assertThatThrownBy(() -> h.conductor.updateDerpMap(mapWithRegion(Integer.MAX_VALUE + 1L)))
            .isInstanceOf(InvalidConfigException.class)
            .hasMessageContaining(Long.toString(Integer.MAX_VALUE + 1L));
        h.work();
        assertThat(h.conductor.status()).extracting(RegionStatus::regionId).containsExactly(900);
    }
}
