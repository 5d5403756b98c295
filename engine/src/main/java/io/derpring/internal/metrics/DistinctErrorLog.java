package io.derpring.internal.metrics;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;

/**
 * Logs each distinct unexpected error once and counts the repeats, so an error storm on the packet path can't fill a
 * disk (the idea of Agrona's {@code DistinctErrorLog}, kept on the heap: errors are not the hot path). Distinct =
 * same exception class thrown from the same place. At most {@link #MAX_DISTINCT} kinds are remembered.
 */
public final class DistinctErrorLog {
    public static final int MAX_DISTINCT = 64;

    private final Logger log;
    private final ConcurrentHashMap<String, AtomicLong> seen = new ConcurrentHashMap<>();
    private final AtomicLong total = new AtomicLong();

    public DistinctErrorLog(final Logger log) {
        this.log = log;
    }

    public void record(final String where, final Throwable error) {
        total.incrementAndGet();
        final StackTraceElement[] trace = error.getStackTrace();
        final String kind = error.getClass().getName() + '@' + (trace.length > 0 ? trace[0] : "?");
        final AtomicLong count = seen.get(kind);
        if (count != null) {
            count.incrementAndGet();
            return;
        }
        if (seen.size() < MAX_DISTINCT && seen.putIfAbsent(kind, new AtomicLong(1)) == null) {
            log.error("{}: first occurrence of {} (repeats are counted, not logged)", where, kind, error);
        }
    }

    public long total() {
        return total.get();
    }

    public int distinct() {
        return seen.size();
    }
}
