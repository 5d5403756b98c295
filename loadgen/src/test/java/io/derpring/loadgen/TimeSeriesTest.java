package io.derpring.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The series is bounded at {@link TimeSeries#MAX_SAMPLES}: thinned, never truncated. */
class TimeSeriesTest {
    private static TimeSeries filled(final int ticks) {
        final TimeSeries s = new TimeSeries();
        for (int i = 0; i < ticks; i++) {
            s.add(i, "measure", i, 1, 2, 3);
        }
        return s;
    }

    @Test
    void belowTheCapEverySecondIsKept() {
        final TimeSeries s = filled(TimeSeries.MAX_SAMPLES - 1);
        assertThat(s.size()).isEqualTo(TimeSeries.MAX_SAMPLES - 1);
        assertThat(s.toJsonMap().get("sample_every_s")).isEqualTo(1);
    }

    @Test
    void atTheCapEverySecondIsKept() {
        final TimeSeries s = filled(TimeSeries.MAX_SAMPLES);
        assertThat(s.size()).isEqualTo(TimeSeries.MAX_SAMPLES);
        assertThat(s.toJsonMap().get("sample_every_s")).isEqualTo(1);
    }

    @Test
    void aboveTheCapEveryOtherSecondIsKeptFromTheStart() {
        final TimeSeries s = filled(TimeSeries.MAX_SAMPLES + 1);
        assertThat(s.size()).isEqualTo(TimeSeries.MAX_SAMPLES / 2 + 1);
        assertThat(s.toJsonMap().get("sample_every_s")).isEqualTo(2);
        final List<?> t = (List<?>) s.toJsonMap().get("t_s");
        assertThat(t.get(0)).isEqualTo(0.0);
        assertThat(t.get(1)).isEqualTo(2.0);
        assertThat(t.get(t.size() - 1)).isEqualTo((double) TimeSeries.MAX_SAMPLES);
    }

    @Test
    void aLongRunStaysBoundedAndCoversItsEnd() {
        final int ticks = 10 * TimeSeries.MAX_SAMPLES;
        final TimeSeries s = filled(ticks);
        assertThat(s.size()).isLessThanOrEqualTo(TimeSeries.MAX_SAMPLES);
        final List<?> t = (List<?>) s.toJsonMap().get("t_s");
        assertThat((Double) t.get(t.size() - 1)).isGreaterThan(ticks - 1 - 2.0 * (Integer) s.toJsonMap()
            .get("sample_every_s"));
    }

    @Test
    void everyArrayHasOneElementPerSample() {
        final TimeSeries s = filled(5);
        for (final String k : List.of("t_s", "phase", "pps", "p50_us", "p99_us", "p999_us")) {
            assertThat((List<?>) s.toJsonMap().get(k)).as(k).hasSize(5);
        }
    }
}
