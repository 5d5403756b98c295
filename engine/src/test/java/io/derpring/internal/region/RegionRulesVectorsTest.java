package io.derpring.internal.region;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import io.derpring.engine.OutboundOverflow;
import io.derpring.engine.ReconnectSchedule;
import io.derpring.internal.route.OutboundRegionChoice;
import io.derpring.runtime.InvalidConfigException;
import io.derpring.testing.Vectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** multiderp_rules.json: backoff schedules, home transitions, region resolution, constants. */
class RegionRulesVectorsTest {
    private static final JsonNode RULES = Vectors.load("multiderp_rules.json");

    static List<Arguments> goSchedule() {
        final List<Arguments> cases = new ArrayList<>();
        for (final JsonNode step : RULES.get("backoff_go_util_backoff").get("schedule")) {
            cases.add(Arguments.of(step.get("failure").asInt(), step));
        }
        return cases;
    }

    @ParameterizedTest(name = "B48 Go backoff, failure {0}")
    @MethodSource("goSchedule")
    void goBackoffFallsInTheJitteredRange(final int failure, final JsonNode step) {
        final double lowMs = step.get("jittered_range_ms").get(0).asDouble();
        final double highMs = step.get("jittered_range_ms").get(1).asDouble();
        for (final double u : new double[] {0.0, 0.5, 0.999_999}) {
            final ReconnectBackoff backoff = new ReconnectBackoff(ReconnectSchedule.GO, () -> u);
            long delay = 0;
            for (int i = 0; i < failure; i++) {
                delay = backoff.onFailure();
            }
            final double ms = delay / 1e6;
            assertThat(ms).as("u=%s", u).isGreaterThanOrEqualTo(lowMs).isLessThan(highMs);
            if (u == 0.5) {
                assertThat(ms).isEqualTo(step.get("base_ms").asDouble());
            }
        }
    }

    @Test
    @DisplayName("B48: the delay never exceeds 7.5 s, however many failures")
    void backoffNeverExceedsSevenAndAHalfSeconds() {
        final ReconnectBackoff backoff = new ReconnectBackoff(ReconnectSchedule.GO, () -> 0.999_999_9);
        for (int i = 0; i < 100_000; i++) {
            assertThat(backoff.onFailure()).isLessThan(TimeUnit.MILLISECONDS.toNanos(7_500));
        }
    }

    @Test
    void rustHeadScheduleStartsAtZeroAndMatchesItsVector() {
        final ReconnectBackoff backoff = new ReconnectBackoff(ReconnectSchedule.RUST_HEAD, () -> 0.5);
        for (final JsonNode step : RULES.get("backoff_rust_head").get("schedule")) {
            assertThat(backoff.onFailure() / 1e6).as("n_before %s", step.get("n_before"))
                .isEqualTo(step.get("base_ms").asDouble());
        }
    }

    @Test
    void referenceScheduleIsAFlat500Milliseconds() {
        final ReconnectBackoff backoff = new ReconnectBackoff(ReconnectSchedule.FLAT_500MS, () -> 0.9);
        for (int i = 0; i < 5; i++) {
            assertThat(backoff.onFailure()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(500));
        }
    }

    @Test
    void baseDelayIsCappedAtFiveSecondsAndCannotOverflow() {
        assertThat(ReconnectBackoff.baseDelayNs(22)).isEqualTo(TimeUnit.MILLISECONDS.toNanos(4840));
        assertThat(ReconnectBackoff.baseDelayNs(23)).isEqualTo(ReconnectBackoff.MAX_BASE_DELAY_NS);
        assertThat(ReconnectBackoff.baseDelayNs(Long.MAX_VALUE)).isEqualTo(ReconnectBackoff.MAX_BASE_DELAY_NS);
    }

    static List<Arguments> homeTransitions() {
        final List<Arguments> cases = new ArrayList<>();
        for (final JsonNode c : RULES.get("home_transition")) {
            cases.add(Arguments.of(c.get("current").asInt(0) + " -> " + c.get("selected").asInt(0), c));
        }
        return cases;
    }

    @ParameterizedTest(name = "B49 home_transition {0}")
    @MethodSource("homeTransitions")
    void homeTransitionMatchesTheVector(final String name, final JsonNode c) {
        final HomeTransition t = HomeTransition.of(c.get("current").asInt(0), c.get("selected").asInt(0));
        final JsonNode expect = c.get("expect");
        assertThat(t.changed()).isEqualTo(expect.get("kind").asText().equals("Changed"));
        if (t.changed()) {
            assertThat(t.demote()).isEqualTo(expect.get("demote").asInt(0));
            assertThat(t.promote()).isEqualTo(expect.get("promote").asInt(0));
        }
    }

    static List<Arguments> resolutions() {
        final List<Arguments> cases = new ArrayList<>();
        for (final JsonNode c : RULES.get("resolve_region_for_peer").get("cases")) {
            cases.add(Arguments.of("observed=" + c.get("observed") + " home=" + c.get("home") + " live="
                + c.get("live_regions"), c));
        }
        return cases;
    }

    @ParameterizedTest(name = "B53 {0}")
    @MethodSource("resolutions")
    void regionResolutionMatchesTheVector(final String name, final JsonNode c) {
        final Set<Integer> live = new HashSet<>();
        c.get("live_regions").forEach(r -> live.add(r.asInt()));
        final int chosen = OutboundRegionChoice.choose(OutboundRegionChoice.NONE, c.get("observed").asInt(0),
            c.get("home").asInt(0), live::contains);
        assertThat(chosen).isEqualTo(c.get("expect").asInt(0));
    }

    @Test
    void aPeersNetmapHomeComesFirstButOnlyIfLive() {
        assertThat(OutboundRegionChoice.choose(905, 901, 900, r -> true)).isEqualTo(905);
        assertThat(OutboundRegionChoice.choose(905, 901, 900, r -> r != 905)).isEqualTo(OutboundRegionChoice.NONE);
    }

    @Test
    void defaultsMatchTheTimerTable() {
        final JsonNode timers = RULES.get("timers");
        final RegionSettings defaults = RegionSettings.defaults();
        assertThat(TimeUnit.NANOSECONDS.toSeconds(defaults.idleTimeoutNs()))
            .isEqualTo(timers.get("rust_head_INACTIVITY_TIMEOUT_s").asLong())
            .isEqualTo(timers.get("go_derpInactiveCleanupTime_s").asLong());
        assertThat(defaults.outboundQueueDepth()).isEqualTo(timers.get("go_derpWriteQueueDepth").asInt());
        assertThat(defaults.discoQueueDepth()).isEqualTo(timers.get("disco_queue_per_region").asInt());
        assertThat(defaults.backoff()).isEqualTo(ReconnectSchedule.GO);
    }

    @Test
    void everyRegionSettingIsValidatedAtBelowAndAbove() {
        final long min = RegionSettings.MIN_IDLE_TIMEOUT.toNanos();
        final long max = RegionSettings.MAX_IDLE_TIMEOUT.toNanos();
        assertThat(new RegionSettings(min, ReconnectSchedule.GO, 1, 1).idleTimeoutNs()).isEqualTo(min);
        assertThatThrownBy(() -> new RegionSettings(min - 1, ReconnectSchedule.GO, 1, 1))
            .isInstanceOf(InvalidConfigException.class).hasMessageContaining("idle timeout");
        assertThat(new RegionSettings(max, ReconnectSchedule.GO, 1, 1).idleTimeoutNs()).isEqualTo(max);
        assertThatThrownBy(() -> new RegionSettings(max + 1, ReconnectSchedule.GO, 1, 1))
            .isInstanceOf(InvalidConfigException.class);
        assertThatThrownBy(() -> new RegionSettings(min, ReconnectSchedule.GO, 0, 1))
            .isInstanceOf(InvalidConfigException.class).hasMessageContaining("outbound queue depth = 0");
        assertThat(new RegionSettings(min, ReconnectSchedule.GO, RegionSettings.MAX_QUEUE_DEPTH,
            RegionSettings.MAX_QUEUE_DEPTH).discoQueueDepth()).isEqualTo(4096);
        assertThatThrownBy(() -> new RegionSettings(min, ReconnectSchedule.GO, 1, 4097))
            .isInstanceOf(InvalidConfigException.class).hasMessageContaining("disco queue depth");
        assertThat(RegionSettings.defaults().outboundOverflow()).isEqualTo(OutboundOverflow.BACK_PRESSURE);
        assertThatThrownBy(() -> new RegionSettings(min, ReconnectSchedule.GO, 1, 1, null))
            .isInstanceOf(InvalidConfigException.class).hasMessageContaining("overflow");
        assertThatThrownBy(() -> new RegionSettings(min, null, 1, 1)).isInstanceOf(InvalidConfigException.class);
    }
}
