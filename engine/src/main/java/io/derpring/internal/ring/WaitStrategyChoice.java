package io.derpring.internal.ring;

import java.util.concurrent.TimeUnit;

import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.PhasedBackoffWaitStrategy;
import com.lmax.disruptor.SleepingWaitStrategy;
import com.lmax.disruptor.WaitStrategy;
import com.lmax.disruptor.YieldingWaitStrategy;

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
    BLOCKING;

    /** BLOCKING: busy-spin this long after the last frame, then yield this long, then sleep on the lock. */
    static final long SPIN_BEFORE_SLEEP_US = 10;
    static final long YIELD_BEFORE_SLEEP_US = 100;

    WaitStrategy create() {
        switch (this) {
            case YIELDING:
                return new YieldingWaitStrategy();
            case BUSY_SPIN:
                return new BusySpinWaitStrategy();
            case SLEEPING:
                return new SleepingWaitStrategy();
            case BLOCKING:
            default:
                // Spin then yield briefly before sleeping, so a consumer that just caught up doesn't go to sleep
                // between two frames and make the producer pay a futex wake per frame.
                return PhasedBackoffWaitStrategy.withLiteLock(SPIN_BEFORE_SLEEP_US, YIELD_BEFORE_SLEEP_US,
                    TimeUnit.MICROSECONDS);
        }
    }
}
