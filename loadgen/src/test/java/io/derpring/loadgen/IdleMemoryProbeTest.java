package io.derpring.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.derpring.runtime.InvalidConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code --idle-connections}: the relay (a child JVM) holds every connection and the per-connection keys are sane. */
class IdleMemoryProbeTest {
    static final int CONNECTIONS = 200;
    /** Far above any real per-connection cost (a few KiB): a unit or counting error lands above it. */
    static final long SANE_MAX_BYTES_PER_CONNECTION = 1024 * 1024;

    @TempDir
    Path dir;

    @Test
    @Timeout(120)
    void childRelayReportsMemoryPerIdleConnection() throws Exception {
        final Path json = dir.resolve("idle.json");
        final IdleReport r = new LoadGenerator(LoadOptions.builder().idleConnections(CONNECTIONS).jsonFile(json)
            .build()).runIdle(null);
        System.out.print(r.toText());
        assertThat(r.ok()).isTrue();
        assertThat(r.after().keys()).as("keys the relay holds").isEqualTo(CONNECTIONS);
        final JsonNode j = new ObjectMapper().readTree(json.toFile());
        assertThat(j.get("idle_connections").asInt()).isEqualTo(CONNECTIONS);
        for (final String key : List.of("idle_rss_bytes_per_conn", "idle_heap_bytes_per_conn")) {
            assertThat(j.get(key).isIntegralNumber()).as(key).isTrue();
            assertThat(j.get(key).asLong()).as(key).isPositive().isLessThan(SANE_MAX_BYTES_PER_CONNECTION);
        }
        assertThat(j.get("idle_direct_bytes_per_conn").asLong()).isNotNegative();
        assertThat(j.get("idle_rss_after_bytes").asLong()).isGreaterThan(j.get("idle_rss_before_bytes").asLong());
    }

    @Test
    @Timeout(120)
    void anOddCountIsRoundedUpToWholePairs() throws Exception {
        final IdleReport r = new LoadGenerator(LoadOptions.builder().idleConnections(3).build()).runIdle(null);
        assertThat(r.connections()).isEqualTo(4);
        assertThat(r.after().keys()).isEqualTo(4);
    }

    @Test
    void anExternalRelayNeedsItsMetrics() {
        final LoadOptions options = LoadOptions.builder().idleConnections(2)
            .relays(List.of(URI.create("http://127.0.0.1:1"))).build();
        assertThatThrownBy(() -> new LoadGenerator(options).runIdle(null)).isInstanceOf(InvalidConfigException.class)
            .hasMessageContaining("process_resident_memory_bytes");
    }

    @Test
    void trafficRunRefusesIdleOptions() {
        final LoadOptions options = LoadOptions.builder().idleConnections(2).build();
        assertThatThrownBy(() -> new LoadGenerator(options).run(null)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void idleConnectionsAtTheLimitAreAccepted() {
        assertThat(LoadOptions.builder().idleConnections(LoadOptions.MAX_IDLE_CONNECTIONS).build().idleConnections())
            .isEqualTo(LoadOptions.MAX_IDLE_CONNECTIONS);
        assertThat(LoadOptions.builder().idleConnections(LoadOptions.MAX_IDLE_CONNECTIONS - 1).build()
            .idleConnections()).isEqualTo(LoadOptions.MAX_IDLE_CONNECTIONS - 1);
    }

    @Test
    void idleConnectionsAboveTheLimitAreRefused() {
        assertThatThrownBy(() -> LoadOptions.builder().idleConnections(LoadOptions.MAX_IDLE_CONNECTIONS + 1).build())
            .isInstanceOf(InvalidConfigException.class).hasMessageContaining("idle connections");
    }

    @Test
    void perConnectionIsUnknownWhenEitherSideIs() {
        assertThat(IdleReport.perConnection(-1, 100, 10)).isEqualTo(-1);
        assertThat(IdleReport.perConnection(100, -1, 10)).isEqualTo(-1);
        assertThat(IdleReport.perConnection(100, 1100, 10)).isEqualTo(100);
    }

    @Test
    void rssIsReadFromProc() throws Exception {
        if (Files.isReadable(Path.of("/proc/self/status"))) {
            assertThat(IdleRelayProcess.rssBytes()).isPositive();
        } else {
            assertThat(IdleRelayProcess.rssBytes()).isEqualTo(-1);
        }
    }

    @Test
    void jsonKeysAreTheContract() {
        final IdleMemoryProbe.Sample s = new IdleMemoryProbe.Sample(1000, 10, 0, 0, 0);
        final IdleMemoryProbe.Sample t = new IdleMemoryProbe.Sample(3000, 30, 0, 0, 2);
        final Map<String, Object> m = new IdleReport(2, "nio", false, "17", "child process", s, t, true).toJsonMap();
        assertThat(m).containsEntry("idle_connections", 2).containsEntry("idle_rss_bytes_per_conn", 1000L)
            .containsEntry("idle_heap_bytes_per_conn", 10L).containsEntry("ok", true);
    }
}
