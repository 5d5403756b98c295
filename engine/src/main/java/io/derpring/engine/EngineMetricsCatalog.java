package io.derpring.engine;

import java.util.ArrayList;
import java.util.List;

import io.derpring.internal.metrics.CounterMetrics;
import io.derpring.internal.metrics.Counters;
import io.derpring.internal.region.RegionCounter;
import io.derpring.internal.region.RegionGauges;
import io.derpring.internal.ring.InboundCounter;
import io.derpring.internal.ring.InboundRing;
import io.derpring.metrics.EngineMetrics;
import io.derpring.metrics.Metric;
import io.derpring.metrics.MetricType;

/**
 * What one engine exports, named {@code derpring_engine_<group>_<counter>} as the relay names its own
 * {@code derp_<counter>}: the inbound ring ({@code inbound}), the outbound router and region lifecycle
 * ({@code region}), the transport's connections ({@code client}, when its {@link DialerFactory} counts them), and
 * gauges of ring occupancy and per-region queue depths.
 */
final class EngineMetricsCatalog {
    static final String PREFIX = "derpring_engine_";

    private EngineMetricsCatalog() {
    }

    static EngineMetrics of(final InboundRing ring, final Counters<InboundCounter> inbound,
                            final Counters<RegionCounter> region, final Counters<?> client,
                            final RegionGauges regions) {
        final List<Metric> all = new ArrayList<>();
        final String in = PREFIX + "inbound_";
        all.add(new Metric(in + "frames_published", MetricType.COUNTER,
            "frames published into ring slots (the ring's cursor)", ring::framesPublished));
        CounterMetrics.addAll(all, in, inbound);
        all.add(new Metric(in + "ring_slots", MetricType.GAUGE, "slots in the inbound ring",
            () -> ring.config().ringSize()));
        all.add(new Metric(in + "ring_slots_in_use", MetricType.GAUGE,
            "ring slots claimed and not yet released by the last stage", ring::slotsInUse));
        all.add(new Metric(in + "paused_connections", MetricType.GAUGE,
            "connections paused now because the ring was full (backpressure policy)", ring::pausedConnections));
        CounterMetrics.addAll(all, PREFIX + "region_", region);
        if (client != null) {
            CounterMetrics.addAll(all, PREFIX + "client_", client);
        }
        return new EngineMetrics(all, regions.metrics(), regions::regionIds);
    }
}
