package io.derpring.internal.metrics;

import io.derpring.metrics.MetricType;

/** A counted event: a stable id for exporters and a label for humans. Implemented by enums. */
public interface CounterDescriptor {
    /** Stable, unique within its enum; exporters key on it. */
    int id();

    /** What the count means, e.g. "frames dropped: ring had no free slot". */
    String label();

    /**
     * How exporters present it: a {@link MetricType#COUNTER} by default; a slot written with {@link Counters#max}
     * (a high-water mark) is a {@link MetricType#GAUGE}.
     */
    default MetricType type() {
        return MetricType.COUNTER;
    }

    /** Slot index in a {@link Counters} built from the same enum. */
    int ordinal();
}
