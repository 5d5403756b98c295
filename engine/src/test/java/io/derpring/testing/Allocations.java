package io.derpring.testing;

import java.lang.management.ManagementFactory;

/**
 * Bytes allocated by the current thread, from HotSpot's per-thread counter. Allocation guards use it to check that
 * a warmed-up hot path allocates (almost) nothing; JMH {@code -prof gc} gives the number that counts.
 */
public final class Allocations {
    private static final com.sun.management.ThreadMXBean THREADS =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private Allocations() {
    }

    public static long allocatedByThisThread() {
        return THREADS.getCurrentThreadAllocatedBytes();
    }

    /** Measured rounds: a JIT compilation landing inside one round (a transient, not the steady state) is not counted. */
    static final int ROUNDS = 3;

    /**
     * Runs {@code task} {@code iterations} times after as many warm-up runs and returns the bytes it allocated, the
     * fewest of {@link #ROUNDS} rounds. A path that allocates per call allocates in every round, so it still shows.
     */
    public static long measure(final int iterations, final Runnable task) {
        for (int i = 0; i < iterations; i++) {
            task.run();
        }
        long fewest = Long.MAX_VALUE;
        for (int round = 0; round < ROUNDS && fewest > 0; round++) {
            final long before = allocatedByThisThread();
            for (int i = 0; i < iterations; i++) {
                task.run();
            }
            fewest = Math.min(fewest, allocatedByThisThread() - before);
        }
        return fewest;
    }
}
