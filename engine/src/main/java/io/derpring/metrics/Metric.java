package io.derpring.metrics;

import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * One engine-wide metric: a Prometheus-style name (a counter's exposition adds {@code _total}), its type, a help
 * text, and its current value, read live from the engine's counters without allocating.
 */
public final class Metric {
    private final String name;
    private final MetricType type;
    private final String help;
    private final LongSupplier reader;

    /**
     * @param name   {@code [a-zA-Z_:][a-zA-Z0-9_:]*}, without a {@code _total} suffix
     * @param reader returns the current value; called from any thread, must not block or allocate
     * @throws IllegalArgumentException if the name is not a valid Prometheus metric name
     */
    public Metric(final String name, final MetricType type, final String help, final LongSupplier reader) {
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

    /** The current value. */
    public long value() {
        return reader.getAsLong();
    }

    @Override
    public String toString() {
        return name + ' ' + type + ' ' + value();
    }
}
