package io.derpring.internal.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.derpring.metrics.MetricType;

class PrometheusTextTest {
    private final StringBuilder out = new StringBuilder();

    @Test
    void familyIsHelpThenTypeThenSample() {
        PrometheusText.single(out, "derp_x", "what x counts", MetricType.GAUGE, 42);

        assertThat(out).hasToString("# HELP derp_x what x counts\n# TYPE derp_x gauge\nderp_x 42\n");
    }

    @Test
    void counterTypeIsWrittenAsCounter() {
        PrometheusText.header(out, "derp_x", "_total", "h", MetricType.COUNTER);
        PrometheusText.sample(out, "derp_x", "_total", 7);

        assertThat(out).hasToString("# HELP derp_x_total h\n# TYPE derp_x_total counter\nderp_x_total 7\n");
    }

    @Test
    void negativeValuesAreWrittenWithTheirSign() {
        PrometheusText.sample(out, "derp_x", -3);

        assertThat(out).hasToString("derp_x -3\n");
    }

    @Test
    void labelValueEscapesBackslashQuoteAndLineFeed() {
        PrometheusText.sample(out, "derp_x", "reason", "a\\b\"c\nd", 1);

        assertThat(out).hasToString("derp_x{reason=\"a\\\\b\\\"c\\nd\"} 1\n");
    }

    @Test
    void helpEscapesBackslashAndLineFeedButNotQuotes() {
        PrometheusText.header(out, "derp_x", "say \"hi\" \\ then\nmore", MetricType.GAUGE);

        assertThat(out.toString()).startsWith("# HELP derp_x say \"hi\" \\\\ then\\nmore\n");
    }

    @Test
    void labelValueKeepsNonAsciiAsIs() {
        PrometheusText.sample(out, "derp_x", "node", "zürich §5", 1);

        assertThat(out).hasToString("derp_x{node=\"zürich §5\"} 1\n");
    }

    @Test
    void numericLabelIsWrittenAsDecimal() {
        PrometheusText.sample(out, "derp_q", "", "region", 901, 3);

        assertThat(out).hasToString("derp_q{region=\"901\"} 3\n");
    }

    @Test
    void twoLabelsAreCommaSeparatedInOrder() {
        PrometheusText.sample(out, "derp_d", "reason", "full", "kind", "disco", 5);

        assertThat(out).hasToString("derp_d{reason=\"full\",kind=\"disco\"} 5\n");
    }

    @Test
    void escapedOutputParsesBackToOneSample() {
        PrometheusText.header(out, "derp_x", "odd \\ help\nhere", MetricType.COUNTER);
        PrometheusText.sample(out, "derp_x", "v", "\"\\\n", 9);

        final PrometheusTextParser page = PrometheusTextParser.parse(out.toString());

        assertThat(page.samples).containsExactly(Map.entry("derp_x{v=\"\\\"\\\\\\n\"}", 9L));
    }

    @Test
    void parserRejectsAnUnescapedQuoteInALabelValue() {
        assertThatThrownBy(() -> PrometheusTextParser.parse("# HELP x h\n# TYPE x gauge\nx{v=\"a\"b\"} 1\n"))
            .isInstanceOf(AssertionError.class);
    }

    @Test
    void reusedBuilderWritesWithoutAllocating() {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long fewest = Long.MAX_VALUE;
        for (int round = 0; round < 3; round++) { // fewest of three: a JIT compilation inside one round is not ours
            writeManyPages();
            final long before = threads.getCurrentThreadAllocatedBytes();
            writeManyPages();
            fewest = Math.min(fewest, threads.getCurrentThreadAllocatedBytes() - before);
        }
        assertThat(fewest).as("bytes allocated by 10,000 pages into a warm builder").isLessThan(1024);
    }

    private void writeManyPages() {
        for (int i = 0; i < 10_000; i++) {
            out.setLength(0);
            PrometheusText.single(out, "derp_x", "help \\ with\nescapes", MetricType.COUNTER, i);
            PrometheusText.sample(out, "derp_y", "reason", "quote\"d", i);
            PrometheusText.sample(out, "derp_z", "_total", "region", 900 + i, Long.MAX_VALUE);
        }
    }
}
