package io.derpring.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

class RegionChurnScheduleTest {
    private static final int KINDS = RegionChurnSchedule.Kind.values().length;

    private static List<RegionChurnSchedule.Event> events(final long seed, final int n) {
        final RegionChurnSchedule s = new RegionChurnSchedule(seed, 3, 8);
        final List<RegionChurnSchedule.Event> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(s.next());
        }
        return out;
    }

    @Test
    void theSameSeedGivesTheSameEvents() {
        assertThat(events(RegionChurnSchedule.DEFAULT_SEED, 40)).isEqualTo(events(RegionChurnSchedule.DEFAULT_SEED, 40));
    }

    @Test
    void anotherSeedGivesAnotherSchedule() {
        assertThat(events(1, 40)).isNotEqualTo(events(2, 40));
    }

    @Test
    void everyRoundOfFourEventsAppliesEachKindOnce() {
        final List<RegionChurnSchedule.Event> all = events(RegionChurnSchedule.DEFAULT_SEED, 10 * KINDS);
        for (int round = 0; round < 10; round++) {
            final Set<RegionChurnSchedule.Kind> kinds = EnumSet.noneOf(RegionChurnSchedule.Kind.class);
            for (final RegionChurnSchedule.Event e : all.subList(round * KINDS, (round + 1) * KINDS)) {
                kinds.add(e.kind());
            }
            assertThat(kinds).as("round %d", round).hasSize(KINDS);
        }
    }

    @Test
    void targetsAreRegionsOfTheMapAndNodesOfTheRun() {
        for (final RegionChurnSchedule.Event e : events(RegionChurnSchedule.DEFAULT_SEED, 200)) {
            if (e.kind() == RegionChurnSchedule.Kind.HOME_MOVE) {
                assertThat(e.node()).isBetween(0, 7);
            } else {
                assertThat(e.region()).isBetween(1, 3);
                assertThat(e.node()).isEqualTo(-1);
            }
        }
    }
}
