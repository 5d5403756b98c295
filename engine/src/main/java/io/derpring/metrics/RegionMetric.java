package io.derpring.metrics;

import java.util.Objects;

/**
 * A metric kept per region of the DERP map (for example the depth of one region's outbound queue), read live for a
 * region id without allocating. Exported with a {@code region} label.
 */
public final class RegionMetric {
    /** {@link #value} of a region that is not in the engine's current DERP map. */
    public static final long ABSENT = -1;

    /** Reads a region's current value. */
    @FunctionalInterface
    public interface Reader {
        /** The value for {@code regionId}, or {@link #ABSENT}; any thread, must not block or allocate. */
        long value(int regionId);
    }

    private final String name;
    private final MetricType type;
    private final String help;
    private final Reader reader;

    /**
     * @param name {@code [a-zA-Z_:][a-zA-Z0-9_:]*}, without a {@code _total} suffix
     * @throws IllegalArgumentException if the name is not a valid Prometheus metric name
     */
    public RegionMetric(final String name, final MetricType type, final String help, final Reader reader) {
        this.name = MetricNames.requireValid(name);
        this.type = Objects.requireNonNull(type, "type");
        this.help = Objects.requireNonNull(help, "help");
        this.reader = Objects.requireNonNull(reader, "reader");
    }

    public String name() {
        return name;
    }

    public MetricType type() {
        return type;
    }

    public String help() {
        return help;
    }

    /** The region's current value, or {@link #ABSENT} if the region is not in the current DERP map. */
    public long value(final int regionId) {
        return reader.value(regionId);
    }

    @Override
    public String toString() {
        return name + ' ' + type;
    }
}
