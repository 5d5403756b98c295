package io.derpring.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RelayDropsTest {
    @Test
    void scrapeSumsEveryDropSampleAndIgnoresOtherMetrics() {
        final String text = "# HELP derp_packets_dropped_total Packets dropped, by reason and kind.\n"
            + "# TYPE derp_packets_dropped_total counter\n"
            + "derp_packets_dropped_total{reason=\"queue_head\",kind=\"other\"} 12\n"
            + "derp_packets_dropped_total{reason=\"queue_tail\",kind=\"disco\"} 3\n"
            + "derp_packets_dropped_total_extra 1000\n"
            + "derp_packets_forwarded_total 99\n";
        assertThat(RelayDrops.Scraped.sumOf(text, RelayDrops.Scraped.METRIC)).isEqualTo(15);
    }

    @Test
    void unlabelledSampleCounts() {
        assertThat(RelayDrops.Scraped.sumOf("derp_packets_dropped_total 7\n", RelayDrops.Scraped.METRIC))
            .isEqualTo(7);
    }

    @Test
    void externalRelayWithoutMetricsIsUnknown() {
        final RelayDrops none = RelayDrops.scraped(java.util.List.of());
        assertThat(none.known()).isFalse();
        assertThat(none.total()).isZero();
    }

    @Test
    void cpuSecondsKeepTheirFractionAndIgnoreLongerNames() {
        final String text = "# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.\n"
            + "# TYPE process_cpu_seconds_total counter\n"
            + "process_cpu_seconds_total 12.375\n"
            + "process_cpu_seconds_total_extra 1000\n";
        assertThat(RelayDrops.Scraped.valueSum(text, RelayDrops.Scraped.CPU_METRIC)).isEqualTo(12.375);
        assertThat(RelayDrops.Scraped.samples(text, RelayDrops.Scraped.CPU_METRIC)).isEqualTo(1);
    }

    @Test
    void cpuSecondsInExponentFormParse() {
        assertThat(RelayDrops.Scraped.valueSum("process_cpu_seconds_total 1.5E-4\n",
            RelayDrops.Scraped.CPU_METRIC)).isEqualTo(1.5e-4);
    }

    @Test
    void pageWithoutCpuHasNoSample() {
        assertThat(RelayDrops.Scraped.samples("derp_packets_dropped_total 7\n", RelayDrops.Scraped.CPU_METRIC))
            .isZero();
    }

    @Test
    void embeddedOrUnscrapedRelayCpuIsNaN() {
        assertThat(RelayDrops.scraped(java.util.List.of()).cpuSeconds()).isNaN();
        assertThat(RelayDrops.embedded(java.util.List.of()).cpuSeconds()).isNaN();
    }
}
