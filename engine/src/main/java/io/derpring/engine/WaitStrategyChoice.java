package io.derpring.engine;

/** How an idle stage thread waits for the next slot. */
public enum WaitStrategyChoice {
    /**
     * Spin briefly, yield, then park 100 ns at a time. Producers never signal, but an idle stage thread still
     * wakes every few tens of microseconds: measured at 25% of a core while idle (see the package notes).
     */
    SLEEPING,
    /** Spin then yield: lower latency, a core stays busy while idle. For machines with cores to spare. */
    YIELDING,
    /** Spin forever: lowest latency, one core per stage thread is gone. Only with pinned, dedicated cores. */
    BUSY_SPIN,
    /**
     * Default. Spin 10 µs, yield 100 µs, then sleep on a lock: 0% of a core measured while idle, and a consumer that
     * has just caught up does not fall asleep between two frames (a plain blocking wait made the producer pay a futex
     * wake for nearly every frame: 3.3 M vs up to 8 M frames/s, perf-results/). A producer checks one atomic flag per
     * publish and takes the lock only to wake a consumer that really went to sleep.
     */
    BLOCKING
}
