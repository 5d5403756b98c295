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
}
