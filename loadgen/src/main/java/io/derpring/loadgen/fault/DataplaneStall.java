package io.derpring.loadgen.fault;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A slow dataplane on demand: while a stall is on, every receiver's dataplane parks inside its packet callback, so
 * its inbound ring fills and its connection pauses reading (ring backpressure, SPEC §5.6). One volatile read per
 * packet when off.
 */
public final class DataplaneStall {
    /** Longest single park: a stall that ends early (the run stops) is noticed within this. */
    static final long PARK_SLICE_NS = TimeUnit.MILLISECONDS.toNanos(10);

    private volatile long untilNs;
    private volatile boolean on;

    /** Stalls from now for {@code ns}. */
    public void stallFor(final long ns) {
        untilNs = System.nanoTime() + ns;
        on = true;
    }

    /** Ends any stall now. */
    public void end() {
        on = false;
    }

    /** The dataplane's hook: returns at once unless a stall is on, else when it ends. */
    public void pauseIfStalled() {
        while (on) {
            final long leftNs = untilNs - System.nanoTime();
            if (leftNs <= 0) {
                on = false;
                return;
            }
            LockSupport.parkNanos(Math.min(leftNs, PARK_SLICE_NS));
        }
    }
}
