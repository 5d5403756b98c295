package io.derpring.engine;

/** How the three stages are mapped onto consumer threads. */
public enum StageThreading {
    /** All three stages run in sequence on one consumer thread: the right choice on 2 cores (see perf-results/). */
    FUSED,
    /** Each stage has its own thread, gated on the one before (Disruptor {@code handleEventsWith(a).then(b).then(c)}). */
    CHAINED
}
