package io.derpring.micrometer;

import java.util.Objects;

import io.derpring.metrics.EngineMetrics;
import io.derpring.metrics.Metric;
import io.derpring.metrics.MetricType;
import io.derpring.metrics.RegionMetric;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Binds an engine's metrics to a Micrometer registry, the same numbers as the engine's Prometheus text:
 *
 * <pre>{@code
 * new DerpEngineMetrics(engine.metrics()).bindTo(registry);   // a DerpEngine's or a NettyDerpEngine's
 * }</pre>
 *
 * <p>Each engine-wide {@link Metric} becomes a {@link FunctionCounter} (a counter) or a {@link Gauge} named with
 * dots for underscores ({@code derpring_engine_region_sent} becomes {@code derpring.engine.region.sent}, which
 * Micrometer's Prometheus registry exports as {@code derpring_engine_region_sent_total} again). Each per-region
 * {@link RegionMetric} becomes one meter per region of the engine's DERP map when {@code bindTo} runs, tagged
 * {@code region}: bind after the first DERP map, and bind again after a map that adds regions (meters already
 * registered are kept, Micrometer returns them). A region that left the map reads NaN.
 *
 * <p>Meters read the engine's counters when the registry publishes, without allocating; they hold the metrics
 * weakly, as Micrometer does by default, so a closed and dropped engine's meters read NaN rather than keep it alive.
 */
public final class DerpEngineMetrics implements MeterBinder {
    /** The tag on per-region meters, as the {@code region} label of the Prometheus text. */
    public static final String REGION_TAG = "region";

    private final EngineMetrics metrics;
    private final Tags tags;

    public DerpEngineMetrics(final EngineMetrics metrics) {
        this(metrics, Tags.empty());
    }

    /** @param tags added to every meter, e.g. to tell two engines in one process apart */
    public DerpEngineMetrics(final EngineMetrics metrics, final Iterable<Tag> tags) {
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.tags = Tags.of(tags);
    }

    @Override
    public void bindTo(final MeterRegistry registry) {
        for (final Metric m : metrics.engineWide()) {
            if (m.type() == MetricType.COUNTER) {
                FunctionCounter.builder(meterName(m.name()), m, Metric::value).description(m.help()).tags(tags)
                    .register(registry);
            } else {
                Gauge.builder(meterName(m.name()), m, Metric::value).description(m.help()).tags(tags)
                    .register(registry);
            }
        }
        for (final int regionId : metrics.regionIds()) {
            final Tags regionTags = tags.and(REGION_TAG, Integer.toString(regionId));
            for (final RegionMetric m : metrics.perRegion()) {
                if (m.type() == MetricType.COUNTER) {
                    FunctionCounter.builder(meterName(m.name()), m, r -> valueOf(r, regionId)).description(m.help())
                        .tags(regionTags).register(registry);
                } else {
                    Gauge.builder(meterName(m.name()), m, r -> valueOf(r, regionId)).description(m.help())
                        .tags(regionTags).register(registry);
                }
            }
        }
    }

    /** Micrometer's convention: lower-case words separated by dots; registries render them their own way. */
    static String meterName(final String prometheusName) {
        return prometheusName.replace('_', '.');
    }

    private static double valueOf(final RegionMetric m, final int regionId) {
        final long value = m.value(regionId);
        return value == RegionMetric.ABSENT ? Double.NaN : value;
    }
}
