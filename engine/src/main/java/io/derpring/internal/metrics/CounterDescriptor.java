package io.derpring.internal.metrics;

/** A counted event: a stable id for exporters and a label for humans. Implemented by enums. */
public interface CounterDescriptor {
    /** Stable, unique within its enum; exporters key on it. */
    int id();

    /** What the count means, e.g. "frames dropped: ring had no free slot". */
    String label();

    /** Slot index in a {@link Counters} built from the same enum. */
    int ordinal();
}
