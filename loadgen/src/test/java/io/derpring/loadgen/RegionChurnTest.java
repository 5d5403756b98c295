package io.derpring.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The churn thread against recording fakes: what each event does, what it records, and its bound. */
@Timeout(30)
class RegionChurnTest {
    private static final int REGIONS = 3;
    private static final int NODES = 4;

    /** Records every call; homes start at region 1. */
    private static final class Recorder implements RegionChurn.Regions {
        final List<String> calls = new ArrayList<>();
        final int[] homes = {1, 1, 1, 1};

        @Override
        public void removeRegion(final int regionId) {
            calls.add("remove " + regionId);
        }

        @Override
        public void restoreRegions() {
            calls.add("restore");
        }

        @Override
        public void changeNodes(final int regionId) {
            calls.add("nodes " + regionId);
        }

        @Override
        public void moveHome(final int node, final int regionId) {
            calls.add("home " + node + " " + regionId);
            homes[node] = regionId;
        }

        @Override
        public int homeOf(final int node) {
            return homes[node];
        }
    }

    private final Recorder regions = new Recorder();
    private final List<Integer> restarts = new ArrayList<>();

    private RegionChurn churn(final long periodNs, final long runNs) {
        final PairState[] pairs = TrafficSenderTest.pairs(2);
        final LoadRun run = new LoadRun(pairs, new LatencyRecorder(), new AtomicLong(),
            RelayDrops.embedded(List.of()), TrafficSenderTest.SIZE);
        final long now = System.nanoTime();
        run.begin(new TrafficSenderTest.CheckingClients(2), now, now, now + runNs);
        return new RegionChurn(new RegionChurnSchedule(RegionChurnSchedule.DEFAULT_SEED, REGIONS, NODES), regions,
            restarts::add, run, RelayDrops.embedded(List.of()), null, REGIONS, periodNs, now, now, now + runNs);
    }

    @Test
    void eachEventDoesWhatItsKindSaysAndIsRecordedWithItsLosses() {
        final long periodNs = TimeUnit.MILLISECONDS.toNanos(1);
        final RegionChurn c = churn(periodNs, periodNs * 4 + periodNs / 2); // four events: one round
        c.run();
        c.finish();
        final List<Map<String, Object>> events = c.events();
        assertThat(events).hasSize(4);
        assertThat(c.countsByKind()).allSatisfy((kind, n) -> assertThat(n).as(kind).isOne());
        for (final Map<String, Object> e : events) {
            assertThat(e).containsKeys("t_s", "kind", "region", "applied_ms", "client_drops", "relay_drops",
                "connections_lost");
            final int region = (Integer) e.get("region");
            switch ((String) e.get("kind")) {
                case "relay-restart" -> assertThat(restarts).contains(region);
                case "region-remove-readd" -> assertThat(regions.calls).containsSubsequence("remove " + region,
                    "restore");
                case "node-list-change" -> assertThat(regions.calls).contains("nodes " + region);
                case "home-move" -> {
                    assertThat(region).as("the next region after the old home").isEqualTo(
                        (Integer) e.get("from_region") % REGIONS + 1);
                    assertThat(regions.calls).anyMatch(call -> call.startsWith("home ") && call.endsWith(" " + region));
                }
                default -> throw new AssertionError("unknown kind " + e.get("kind"));
            }
        }
    }

    @Test
    void aLongRunRecordsAtMostTheLimitOfEvents() {
        final RegionChurn c = churn(1, TimeUnit.SECONDS.toNanos(20));
        c.run();
        assertThat(c.events()).hasSize(RegionChurn.MAX_EVENTS);
    }

    @Test
    void stoppedBeforeItsFirstEventItAppliesNone() {
        final RegionChurn c = churn(TimeUnit.SECONDS.toNanos(10), TimeUnit.SECONDS.toNanos(20));
        c.stop();
        c.run();
        assertThat(c.events()).isEmpty();
        assertThat(regions.calls).isEmpty();
        assertThat(restarts).isEmpty();
    }
}
