package io.derpring.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import io.derpring.internal.metrics.PrometheusTextParser;

class EngineMetricsTest {
    private final AtomicLong sent = new AtomicLong(5);
    private int[] regions = {1, 2};

    private EngineMetrics metrics() {
        return new EngineMetrics(
            List.of(new Metric("t_sent", MetricType.COUNTER, "sent", sent::get),
                new Metric("t_depth", MetricType.GAUGE, "depth", () -> 3)),
            List.of(new RegionMetric("t_queued", MetricType.GAUGE, "queued",
                id -> id == 2 ? RegionMetric.ABSENT : id * 10L)),
            () -> regions);
    }

    @Test
    void countersAreExposedWithTotalAndGaugesWithout() {
        final PrometheusTextParser page = PrometheusTextParser.parse(metrics().prometheusText());

        assertThat(page.types).containsEntry("t_sent_total", "counter").containsEntry("t_depth", "gauge");
        assertThat(page.samples).containsEntry("t_sent_total", 5L).containsEntry("t_depth", 3L);
    }

    @Test
    void perRegionSamplesAreLabelledByRegionId() {
        regions = new int[] {1};

        assertThat(PrometheusTextParser.parse(metrics().prometheusText()).samples)
            .containsEntry("t_queued{region=\"1\"}", 10L);
    }

    @Test
    void regionThatLeftTheMapSinceItsIdWasReadHasNoSample() {
        assertThat(metrics().prometheusText()).doesNotContain("region=\"2\"");
    }

    @Test
    void valuesAreReadLiveAtEachWrite() {
        final EngineMetrics m = metrics();
        sent.set(11);

        assertThat(m.value("t_sent")).isEqualTo(11);
        assertThat(PrometheusTextParser.parse(m.prometheusText()).samples).containsEntry("t_sent_total", 11L);
    }

    @Test
    void anAppendableGetsTheSameTextAsAStringBuilder() throws IOException {
        final StringWriter w = new StringWriter();
        metrics().writePrometheus((Appendable) w);

        assertThat(w).hasToString(metrics().prometheusText());
    }

    @Test
    void perRegionValueIsAbsentForARegionNotInTheMap() {
        assertThat(metrics().value("t_queued", 2)).isEqualTo(RegionMetric.ABSENT);
    }

    @Test
    void unknownNameIsRejected() {
        assertThatThrownBy(() -> metrics().value("t_nope")).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("t_nope");
    }

    @Test
    void counterAndGaugeWhoseExposedNamesCollideAreRejected() {
        assertThatThrownBy(() -> new EngineMetrics(List.of(new Metric("t_x", MetricType.COUNTER, "a", () -> 0),
            new Metric("t_x_total", MetricType.GAUGE, "b", () -> 0)), List.of(), () -> new int[0]))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("t_x_total");
    }

    @Test
    void regionMetricNamedAsAnEngineWideOneIsRejected() {
        assertThatThrownBy(() -> new EngineMetrics(List.of(new Metric("t_x", MetricType.GAUGE, "a", () -> 0)),
            List.of(new RegionMetric("t_x", MetricType.GAUGE, "b", id -> 0)), () -> new int[0]))
            .isInstanceOf(IllegalArgumentException.class);
    }
}
