package io.derpring.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import io.derpring.derpmap.DerpMap;
import io.derpring.derpmap.DerpMapParser;
import io.derpring.engine.DerpEngine;
import io.derpring.internal.engine.DerpEngineConfig;
import io.derpring.engine.DialerFactory;
import io.derpring.engine.SendResult;
import io.derpring.internal.region.DerpLink;
import io.derpring.keys.DiscoPrivateKey;
import io.derpring.keys.NodeKey;
import io.derpring.keys.NodePrivateKey;
import io.derpring.metrics.EngineMetrics;
import io.derpring.metrics.Metric;
import io.derpring.metrics.MetricType;
import io.derpring.netmap.Netmap;
import io.derpring.region.RegionState;
import io.derpring.region.RegionStatus;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A real engine (its regions' connections faked: every packet is taken) bound to a {@link SimpleMeterRegistry}. */
@Timeout(60)
class DerpEngineMetricsTest {
    private static final DerpMap TWO_REGIONS = map(900, 901);
    private static final int HOME = 900;

    private final NodePrivateKey peer = NodePrivateKey.generate();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private DerpEngine engine;

    @BeforeEach
    void start() {
        engine = new DerpEngine(DerpEngineConfig.defaults(), NodePrivateKey.generate(), DiscoPrivateKey.generate(),
            (from, region, buffer, offset, length) -> { }, takesEverything(), null).start();
        final Netmap.Builder netmap = Netmap.builder();
        netmap.addPeer(peer.publicKey(), DiscoPrivateKey.generate().publicKey(), HOME);
        engine.updateNetmap(netmap.build());
        engine.updateDerpMap(TWO_REGIONS);
        engine.setHomeRegion(HOME);
        awaitTrue(() -> connected(HOME));
    }

    @AfterEach
    void close() {
        engine.close();
        registry.close();
    }

    @Test
    void counterDrivenByTheEngineShowsInTheRegistry() {
        new DerpEngineMetrics(engine.metrics()).bindTo(registry);

        send(5);

        assertThat(registry.get("derpring.engine.region.sent").functionCounter().count()).isEqualTo(5.0);
    }

    @Test
    void everyEngineWideMetricIsBoundWithItsValue() {
        send(3);
        new DerpEngineMetrics(engine.metrics()).bindTo(registry);

        for (final Metric m : engine.metrics().engineWide()) {
            final String name = DerpEngineMetrics.meterName(m.name());
            final double read = m.type() == MetricType.COUNTER
                ? registry.get(name).functionCounter().count()
                : registry.get(name).gauge().value();
            if (m.name().equals(EngineMetrics.REGION_DUTY_CYCLES)) {
                // Counted every conductor cycle, idle or not: it moves on between the two reads.
                assertThat((double) m.value()).as(name).isGreaterThanOrEqualTo(read);
                continue;
            }
            assertThat(read).as(name).isEqualTo((double) m.value());
        }
    }

    @Test
    void countersAreFunctionCountersAndGaugesAreGauges() {
        new DerpEngineMetrics(engine.metrics()).bindTo(registry);

        assertThat(registry.get("derpring.engine.inbound.delivered.to.dataplane").meter())
            .isInstanceOf(FunctionCounter.class);
        assertThat(registry.get("derpring.engine.inbound.ring.high.water").meter()).isInstanceOf(Gauge.class);
    }

    @Test
    void helpBecomesTheMetersDescription() {
        new DerpEngineMetrics(engine.metrics()).bindTo(registry);

        assertThat(registry.get("derpring.engine.region.sent").meter().getId().getDescription())
            .isEqualTo("packets handed to a connected region's connection");
    }

    @Test
    void perRegionGaugesAreTaggedWithTheRegionId() {
        new DerpEngineMetrics(engine.metrics()).bindTo(registry);

        assertThat(registry.get("derpring.engine.region.connected").tag("region", "900").gauge().value())
            .isEqualTo(1.0);
        assertThat(registry.get("derpring.engine.region.connected").tag("region", "901").gauge().value())
            .isEqualTo(0.0);
    }

    @Test
    void regionThatLeftTheMapReadsNaN() {
        new DerpEngineMetrics(engine.metrics()).bindTo(registry);

        engine.updateDerpMap(map(900));
        awaitTrue(() -> engine.metrics().regionIds().length == 1);

        assertThat(registry.get("derpring.engine.region.connected").tag("region", "901").gauge().value()).isNaN();
    }

    @Test
    void bindingAgainAfterAMapAddsRegionsBindsTheNewRegions() {
        final DerpEngineMetrics binder = new DerpEngineMetrics(engine.metrics());
        binder.bindTo(registry);
        final int before = registry.getMeters().size();

        engine.updateDerpMap(map(900, 901, 902));
        awaitTrue(() -> engine.metrics().regionIds().length == 3);
        binder.bindTo(registry);

        assertThat(registry.getMeters()).hasSize(before + engine.metrics().perRegion().size());
        assertThat(registry.get("derpring.engine.region.pending.packets").tag("region", "902").gauge().value())
            .isZero();
    }

    @Test
    void extraTagsAreOnEveryMeter() {
        new DerpEngineMetrics(engine.metrics(), Tags.of("engine", "a")).bindTo(registry);

        assertThat(registry.getMeters()).isNotEmpty()
            .allMatch(meter -> "a".equals(meter.getId().getTag("engine")));
    }

    @Test
    void readingEveryMeterAllocatesNothing() {
        new DerpEngineMetrics(engine.metrics()).bindTo(registry);
        final List<Meter> meters = registry.getMeters();
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long fewest = Long.MAX_VALUE;
        for (int round = 0; round < 3; round++) { // fewest of three: a JIT compilation inside one round is not ours
            readAll(meters);
            final long before = threads.getCurrentThreadAllocatedBytes();
            readAll(meters);
            fewest = Math.min(fewest, threads.getCurrentThreadAllocatedBytes() - before);
        }
        assertThat(fewest).as("bytes allocated reading %d meters 1,000 times", meters.size()).isLessThan(1024);
    }

    private static double readAll(final List<Meter> meters) {
        double sum = 0;
        for (int i = 0; i < 1_000; i++) {
            for (int m = 0; m < meters.size(); m++) {
                final Meter meter = meters.get(m);
                sum += meter instanceof FunctionCounter c ? c.count() : ((Gauge) meter).value();
            }
        }
        return sum;
    }

    private void send(final int packets) {
        final UnsafeBuffer packet = new UnsafeBuffer(new byte[64]);
        for (int i = 0; i < packets; i++) {
            engine.send(peer.publicKey(), packet, 0, packet.capacity());
        }
    }

    private static DerpMap map(final int... regionIds) {
        final StringBuilder json = new StringBuilder("{\"Regions\":{");
        for (int i = 0; i < regionIds.length; i++) {
            final int id = regionIds[i];
            json.append(i == 0 ? "" : ",").append('"').append(id).append("\":{\"RegionID\":").append(id)
                .append(",\"RegionCode\":\"r").append(id).append("\",\"Nodes\":[{\"Name\":\"").append(id)
                .append("a\",\"RegionID\":").append(id).append(",\"HostName\":\"relay").append(id)
                .append(".example.test\"}]}");
        }
        return DerpMapParser.parse(json.append("}}").toString());
    }

    /** Regions connect at once; their connections take every packet and write nothing. */
    private static DialerFactory takesEverything() {
        return (ring, self) -> (region, node, ideal, listener) -> {
            listener.onConnected();
            return new DerpLink() {
                @Override
                public SendResult send(final NodeKey destination, final DirectBuffer buffer, final int offset,
                                       final int length) {
                    return SendResult.ACCEPTED;
                }

                @Override
                public SendResult sendDisco(final NodeKey destination, final DirectBuffer buffer, final int offset,
                                            final int length) {
                    return SendResult.ACCEPTED;
                }

                @Override
                public void notePreferred(final boolean home) {
                }

                @Override
                public long lastReceiveNs() {
                    return System.nanoTime();
                }

                @Override
                public void close() {
                }
            };
        };
    }

    private boolean connected(final int regionId) {
        for (final RegionStatus s : engine.status()) {
            if (s.regionId() == regionId) {
                return s.state() == RegionState.CONNECTED;
            }
        }
        return false;
    }

    private static void awaitTrue(final BooleanSupplier condition) {
        final long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("condition not met in time");
            }
            LockSupport.parkNanos(1_000_000);
        }
    }
}
