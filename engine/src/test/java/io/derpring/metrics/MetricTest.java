package io.derpring.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MetricTest {
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"a", "_a", ":a", "derpring_engine_region_sent", "a:b_9", "A9"})
    void nameInThePrometheusAlphabetIsAccepted(final String name) {
        assertThat(new Metric(name, MetricType.GAUGE, "h", () -> 0).name()).isEqualTo(name);
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"", "9a", "a-b", "a.b", "a b", "a{b}", "ü"})
    void nameOutsideThePrometheusAlphabetIsRejected(final String name) {
        assertThatThrownBy(() -> new Metric(name, MetricType.GAUGE, "h", () -> 0))
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RegionMetric(name, MetricType.GAUGE, "h", id -> 0))
            .isInstanceOf(IllegalArgumentException.class);
    }
}
