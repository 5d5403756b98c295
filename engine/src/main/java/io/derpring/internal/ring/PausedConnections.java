package io.derpring.internal.ring;

import com.lmax.disruptor.RingBuffer;
import io.derpring.internal.metrics.Counters;
import org.agrona.concurrent.ManyToManyConcurrentArrayQueue;

/**
 * Connections paused by a full ring, waiting for slots. Lock-free and bounded; any thread may register or resume.
 * A connection is resumed once the ring has at least {@code resumeThreshold} free slots (hysteresis, so a
 * connection doesn't flap on every freed slot).
 */
final class PausedConnections {
    /** More paused connections than this can't be tracked; the extra ones are resumed at once (and counted). */
    static final int MAX_PAUSED_CONNECTIONS = 4096;

    private final ManyToManyConcurrentArrayQueue<BackpressureListener> queue =
        new ManyToManyConcurrentArrayQueue<>(MAX_PAUSED_CONNECTIONS);
    private final long resumeThreshold;
    private final Counters<InboundCounter> counters;
    /** Set once, before the stage threads start (the wait strategy that calls us is built before the ring). */
    private RingBuffer<?> ring;
    private SpillPool spillPool;

    PausedConnections(final long resumeThreshold, final Counters<InboundCounter> counters) {
        this.resumeThreshold = resumeThreshold;
        this.counters = counters;
    }

    void watch(final RingBuffer<?> ring, final SpillPool spillPool) {
        this.ring = ring;
        this.spillPool = spillPool;
    }

    /** Producer side: pause first, register, then re-check so a drain that just happened is not missed. */
    void pause(final BackpressureListener listener) {
        listener.pauseReading();
        counters.increment(InboundCounter.BACKPRESSURE_PAUSES);
        if (!queue.offer(listener)) {
            resume(listener);
            return;
        }
        resumeIfDrained();
    }

    void resumeIfDrained() {
        // A connection may have been refused for want of a spill buffer rather than a slot: wait for both.
        if (queue.isEmpty() || ring.remainingCapacity() < resumeThreshold || !spillPool.hasFreeOrNone()) {
            return;
        }
        BackpressureListener listener;
        while ((listener = queue.poll()) != null) {
            resume(listener);
        }
    }

    private void resume(final BackpressureListener listener) {
        counters.increment(InboundCounter.BACKPRESSURE_RESUMES);
        listener.resumeReading();
    }

    int size() {
        return queue.size();
    }
}
