package io.derpring.internal.ring;

import java.lang.invoke.VarHandle;

import com.lmax.disruptor.RingBuffer;
import io.derpring.internal.metrics.Counters;
import org.agrona.concurrent.ManyToManyConcurrentArrayQueue;

/**
 * Connections paused by a full ring, waiting for slots. Lock-free and bounded; any thread may register or resume.
 * A connection is resumed once the ring has at least {@code resumeThreshold} free slots (hysteresis, so a
 * connection doesn't flap on every freed slot).
 *
 * <p>The handshake is a Dekker pair: the stage thread stores its sequence (freeing slots) and then loads this
 * queue; a producer stores into this queue and then loads the sequences. Each side needs a full fence between its
 * store and its load: the Disruptor's sequence store is only a release store and the queue's and the sequence's
 * loads are only acquires, which do not keep a store before a later load, and x86 reorders exactly that pair
 * through its store buffer. Without the fences both loads can read the old values, the stage thread sees no paused
 * connection, the producer sees a full ring, and the connection stays paused for good (found by reading; shown by
 * {@code PauseResumeStressTest}, which failed on the unfenced code).
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
        VarHandle.fullFence(); // the registration above is visible before the sequences are read below
        resumeIfDrained();
    }

    /**
     * Stage side: called after the stage thread has stored its sequence. Once per batch, so the fence costs one
     * locked instruction per batch, not per frame.
     */
    void onSlotsReleased() {
        VarHandle.fullFence(); // the sequence stored before this call is visible before the queue is read below
        resumeIfDrained();
    }

    /** Resumes every paused connection if the ring has room; callers fence first (see the class notes). */
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
