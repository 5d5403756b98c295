package io.derpring.internal.metrics;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * One long per descriptor of an enum, in an {@link AtomicLongArray}: increments are a single atomic add with no
 * allocation, safe from any thread. Each counter is padded to its own cache line so that producer-side and
 * consumer-side counters don't false-share.
 */
public final class Counters<E extends Enum<E> & CounterDescriptor> {
    private static final int STRIDE = 8; // longs per 64-byte cache line

    private final E[] descriptors;
    private final List<E> descriptorList;
    private final AtomicLongArray values;

    public Counters(final Class<E> type) {
        this.descriptors = type.getEnumConstants();
        this.descriptorList = List.of(descriptors);
        this.values = new AtomicLongArray((descriptors.length + 1) * STRIDE);
    }

    public void increment(final E counter) {
        values.getAndIncrement(index(counter));
    }

    public void add(final E counter, final long delta) {
        values.getAndAdd(index(counter), delta);
    }

    /**
     * Single-writer increment: a plain read and a release store, no atomic read-modify-write. Only for a counter
     * that exactly one thread ever writes (e.g. a relay shard's per-packet counters on its own event loop); mixing
     * it with {@link #increment} on the same counter from another thread would lose counts.
     */
    public void incrementOwned(final E counter) {
        final int i = index(counter);
        values.setRelease(i, values.getPlain(i) + 1);
    }

    /** Single-writer add; see {@link #incrementOwned}. */
    public void addOwned(final E counter, final long delta) {
        final int i = index(counter);
        values.setRelease(i, values.getPlain(i) + delta);
    }

    /**
     * Raises the counter to {@code value} if it is higher (a high-water mark). Lock-free; retries only while another
     * thread raises it concurrently.
     */
    public void max(final E counter, final long value) {
        final int i = index(counter);
        long current = values.get(i);
        while (value > current && !values.compareAndSet(i, current, value)) {
            current = values.get(i);
        }
    }

    public long get(final E counter) {
        return values.get(index(counter));
    }

    /** Every descriptor of the enum, in declaration order (what exporters iterate). */
    public List<E> descriptors() {
        return descriptorList;
    }

    /** A point-in-time copy, label-ordered as the enum; allocates (for scrapes and tests, not the hot path). */
    public Map<E, Long> snapshot() {
        final Map<E, Long> copy = new LinkedHashMap<>();
        for (final E d : descriptors) {
            copy.put(d, get(d));
        }
        return copy;
    }

    private static int index(final Enum<?> counter) {
        return (counter.ordinal() + 1) * STRIDE;
    }
}
