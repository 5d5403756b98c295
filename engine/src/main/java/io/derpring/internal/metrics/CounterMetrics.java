package io.derpring.internal.metrics;

import java.util.List;
import java.util.Locale;

import io.derpring.metrics.Metric;

/** Turns every descriptor of a {@link Counters} into an exported {@link Metric} that reads its slot live. */
public final class CounterMetrics {
    private CounterMetrics() {
    }

    /**
     * Adds one metric per descriptor, named {@code prefix + lower-case enum name}, with the descriptor's label as
     * help and its {@link CounterDescriptor#type()}.
     */
    public static <E extends Enum<E> & CounterDescriptor> void addAll(final List<Metric> out, final String prefix,
                                                                      final Counters<E> counters) {
        for (final E d : counters.descriptors()) {
            out.add(new Metric(prefix + d.name().toLowerCase(Locale.ROOT), d.type(), d.label(), () -> counters.get(d)));
        }
    }
}
