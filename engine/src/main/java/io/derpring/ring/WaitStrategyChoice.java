package io.derpring.ring;

import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.LiteBlockingWaitStrategy;
import com.lmax.disruptor.SleepingWaitStrategy;
import com.lmax.disruptor.WaitStrategy;
import com.lmax.disruptor.YieldingWaitStrategy;

/** How an idle stage thread waits for the next slot. */
public enum WaitStrategyChoice {
    /**
     * Default: spin briefly, yield, then park. Producers never take a lock to wake it, and an idle engine does not
     * burn a core (which on 2 cores would starve the I/O threads).
     */
    SLEEPING,
    /** Spin then yield: lower latency, a core stays busy while idle. For machines with cores to spare. */
    YIELDING,
    /** Spin forever: lowest latency, one core per stage thread is gone. Only with pinned, dedicated cores. */
    BUSY_SPIN,
    /** Sleep on a condition: near-zero idle CPU; producers take a lock to signal only when a consumer sleeps. */
    BLOCKING;

    WaitStrategy create() {
        switch (this) {
            case YIELDING:
                return new YieldingWaitStrategy();
            case BUSY_SPIN:
                return new BusySpinWaitStrategy();
            case BLOCKING:
                return new LiteBlockingWaitStrategy();
            case SLEEPING:
            default:
                return new SleepingWaitStrategy();
        }
    }
}
