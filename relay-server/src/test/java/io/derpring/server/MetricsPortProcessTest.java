package io.derpring.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.derpring.internal.metrics.PrometheusTextParser;

/** The metrics port serves the process families after the relay's, so a scraper can read the relay's CPU. */
@Timeout(60)
class MetricsPortProcessTest {
    @Test
    void metricsPortServesProcessCpuAndMemoryAfterTheRelayFamilies() throws Exception {
        try (DerpRelayServer server = DerpRelayServer.builder().threads(1).build().start()) {
            final String response = HttpEndpointsTest.exchange(server.metricsAddress(),
                "GET /metrics HTTP/1.1\r\nHost: derp.test\r\nConnection: close\r\n\r\n");
            final String body = response.substring(response.indexOf("\r\n\r\n") + 4);
            final PrometheusTextParser page = PrometheusTextParser.parse(body);

            assertThat(page.types).containsEntry("process_cpu_seconds_total", "counter")
                .containsEntry("derp_connections", "gauge");
            assertThat(page.values.get("process_cpu_seconds_total")).isPositive();
            assertThat(page.samples.get("jvm_memory_used_bytes{area=\"heap\"}")).isPositive();
            assertThat(body.indexOf("derp_connections")).isLessThan(body.indexOf("process_cpu_seconds_total"));
        }
    }
}
