package io.derpring.internal.relay;

/**
 * How a shard gets its thread to run {@link RelayShard#runPass()} (engine to event loop). The shard coalesces
 * requests: at most one outstanding {@link #passRequested} and one outstanding {@link #wakeup} at a time.
 */
public interface ShardScheduler {
    /**
     * Called on the shard's thread when a client has frames to write: run {@code runPass()} once, after the current
     * loop pass (so all reads of the pass are batched into one write and one flush per client).
     */
    void passRequested();

    /** Called from another shard's thread after it handed work over: run {@code runPass()} on the shard's thread soon. */
    void wakeup();
}
