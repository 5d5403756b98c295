package io.derpring.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import io.derpring.region.RegionState;
import io.derpring.region.RegionStatus;
import org.junit.jupiter.api.Test;

/** The status view without an engine: states fed in, the text and the bounded timeline checked. */
class RegionStatusViewTest {
    private RegionState second = RegionState.DORMANT;

    private List<RegionStatus> status() {
        return List.of(new RegionStatus(1, RegionState.CONNECTED, true, "n1", null, null, 1, 0),
            new RegionStatus(2, second, false, "n2", null, null, 0, 0));
    }

    private RegionStatusView view() {
        return new RegionStatusView(this::status, null, 0);
    }

    /** Flips region 2 between DORMANT and CONNECTED once per sample: every sample is a change. */
    private void changes(final RegionStatusView v, final int n) {
        for (int i = 0; i < n; i++) {
            second = second == RegionState.DORMANT ? RegionState.CONNECTED : RegionState.DORMANT;
            v.sample(i);
        }
    }

    @Test
    void aSampleReadsEveryRegionWithTheHomeMarked() {
        assertThat(view().sample(0)).isEqualTo("1 CONNECTED home  2 DORMANT");
    }

    @Test
    void onlyChangesGoIntoTheTimeline() {
        final RegionStatusView v = view();
        v.sample(1_000_000_000L);
        v.sample(2_000_000_000L);
        second = RegionState.CONNECTING;
        v.sample(3_000_000_000L);
        final List<Map<String, Object>> t = v.timeline();
        assertThat(t).hasSize(2);
        assertThat(t.get(0).get("t_s")).isEqualTo(1.0);
        assertThat(t.get(1).get("states")).isEqualTo(Map.of("1", "CONNECTED home", "2", "CONNECTING"));
    }

    @Test
    void theTimelineKeepsAtMostItsLimitAndCountsTheRest() {
        final RegionStatusView below = view();
        changes(below, RegionStatusView.MAX_TIMELINE - 1);
        assertThat(below.timeline()).hasSize(RegionStatusView.MAX_TIMELINE - 1);
        assertThat(below.timelineDropped()).isZero();
        final RegionStatusView at = view();
        changes(at, RegionStatusView.MAX_TIMELINE);
        assertThat(at.timeline()).hasSize(RegionStatusView.MAX_TIMELINE);
        assertThat(at.timelineDropped()).isZero();
        final RegionStatusView above = view();
        changes(above, RegionStatusView.MAX_TIMELINE + 3);
        assertThat(above.timeline()).hasSize(RegionStatusView.MAX_TIMELINE);
        assertThat(above.timelineDropped()).isEqualTo(3);
    }
}
