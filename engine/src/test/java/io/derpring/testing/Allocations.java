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

    /** Runs {@code task} {@code iterations} times after as many warm-up runs and returns the bytes it allocated. */
    public static long measure(final int iterations, final Runnable task) {
        for (int i = 0; i < iterations; i++) {
            task.run();
        }
        final long before = allocatedByThisThread();
        for (int i = 0; i < iterations; i++) {
            task.run();
        }
        return allocatedByThisThread() - before;
    }
}
