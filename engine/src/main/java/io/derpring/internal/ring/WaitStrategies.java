package io.derpring.internal.ring;

import java.util.concurrent.TimeUnit;

import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.PhasedBackoffWaitStrategy;
import com.lmax.disruptor.SleepingWaitStrategy;
import com.lmax.disruptor.WaitStrategy;
import com.lmax.disruptor.YieldingWaitStrategy;

import io.derpring.engine.WaitStrategyChoice;

/** The Disruptor wait strategy behind each public {@link WaitStrategyChoice}: the choice stays free of Disruptor types. */
final class WaitStrategies {
    /** BLOCKING: busy-spin this long after the last frame, then yield this long, then sleep on the lock. */
    static final long SPIN_BEFORE_SLEEP_US = 10;
    static final long YIELD_BEFORE_SLEEP_US = 100;

    private WaitStrategies() {
    }

    static WaitStrategy create(final WaitStrategyChoice choice) {
        switch (choice) {
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
