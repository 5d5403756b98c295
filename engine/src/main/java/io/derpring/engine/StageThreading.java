package io.derpring.engine;

/** How the three stages are mapped onto consumer threads. */
public enum StageThreading {
    /** All three stages run in sequence on one consumer thread: the right choice on 2 cores (see perf-results/). */
    FUSED,
    /** Each stage has its own thread, gated on the one before (Disruptor {@code handleEventsWith(a).then(b).then(c)}). */
    CHAINED,
    /**
     * The three stages run fused, with no thread of the ring's own: the embedder's duty cycle runs them through
     * the invoker of {@link DerpEngine#startInvoker()} (for gateways that own their threads; Aeron's invoker mode).
     */
    INVOKED
}
