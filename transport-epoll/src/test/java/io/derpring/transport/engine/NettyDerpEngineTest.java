package io.derpring.transport.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

import io.derpring.internal.metrics.PrometheusTextParser;
import io.derpring.keys.DiscoPrivateKey;
import io.derpring.keys.NodePrivateKey;
import io.derpring.metrics.Metric;
import io.derpring.transport.Transport;
import io.derpring.transport.internal.client.ClientCounter;
import io.derpring.transport.internal.engine.NettyTransportSettings;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Building, starting and closing an engine with its own event loops (no relay: no region is dialed). */
@Timeout(60)
class NettyDerpEngineTest {

    static List<Transport> transports() {
        return Transport.available();
    }

    private static NettyDerpEngineBuilder builder(final Transport transport) {
        return NettyDerpEngine.builder()
            .transport(transport)
            .ioThreads(2)
            .keys(NodePrivateKey.generate(), DiscoPrivateKey.generate())
            .dataplane((peer, region, buffer, offset, length) -> { });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void closeStopsTheEventLoopsItCreatedAndIsIdempotent(final Transport transport) {
        final NettyDerpEngine engine = builder(transport).build().start();
        assertThat(engine.settings().transport()).isEqualTo(transport);
        engine.close();
        engine.close();
        awaitNoThreadsNamed(NettyTransportSettings.IO_THREAD_NAME);
        assertThat(engine.engine().status()).isEmpty();
    }

    @Test
    void metricsIncludeTheConnectionsCounters() {
        try (NettyDerpEngine engine = builder(Transport.detect()).build()) {
            assertThat(engine.metrics()).isSameAs(engine.engine().metrics());
            assertThat(engine.metrics().engineWide()).extracting(Metric::name)
                .contains("derpring_engine_client_connects", "derpring_engine_region_sent");
        }
    }

    @Test
    void prometheusTextIncludesTheConnectionsCounters() {
        try (NettyDerpEngine engine = builder(Transport.detect()).build()) {
            engine.clientCounters().add(ClientCounter.BYTES_SENT, 42);

            assertThat(PrometheusTextParser.parse(engine.metrics().prometheusText()).samples)
                .containsEntry("derpring_engine_client_bytes_sent_total", 42L)
                .containsEntry("derpring_engine_region_sent_total", 0L);
        }
    }

    @Test
    void everyLifecycleMetricNameOfEngineMetricsIsExported() throws Exception {
        try (NettyDerpEngine engine = builder(Transport.detect()).build()) {
            int names = 0;
            for (final java.lang.reflect.Field f : io.derpring.metrics.EngineMetrics.class.getFields()) {
                if (f.getType() == String.class && java.lang.reflect.Modifier.isStatic(f.getModifiers())
                    && !f.getName().endsWith("_PREFIX")) {
                    assertThat(engine.metrics().has((String) f.get(null))).as(f.getName()).isTrue();
                    names++;
                }
            }
            assertThat(names).isGreaterThanOrEqualTo(14);
            assertThat(engine.metrics().valuesStartingWith(io.derpring.metrics.EngineMetrics.CLIENT_CLOSES_PREFIX))
                .hasSize(io.derpring.transport.internal.client.DerpConnectionException.Failure.values().length + 2)
                .containsKeys("keepalive_timeout", "by_server", "protocol_error", "other");
        }
    }

    static void awaitNoThreadsNamed(final String prefix) {
        final long deadlineNs = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.isAlive()
            && t.getName().startsWith(prefix))) {
            if (System.nanoTime() - deadlineNs > 0) {
                throw new AssertionError("threads named " + prefix + "* still running");
            }
            LockSupport.parkNanos(1_000_000);
        }
    }
}
