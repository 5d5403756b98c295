package io.derpring.internal.ring;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.ExceptionHandler;

/**
 * Runs up to three stages one after another on one thread, then releases the slot. A stage that throws is recorded
 * and the next stage still runs, and the slot is always released (a leaked spill buffer would shrink the pool for
 * good).
 *
 * <p>The stages are three fields called from three call sites, not a loop over an array: each site then sees one
 * receiver class and the JIT inlines it, where a loop's single site would be megamorphic (measured in
 * perf-results/, InboundPipelineBenchmark).
 */
final class StageSequence implements EventHandler<FrameSlot> {
    private final ExceptionHandler<FrameSlot> failures;
    private final SlotRelease release;
    private final EventHandler<FrameSlot> first;
    private final EventHandler<FrameSlot> second;
    private final EventHandler<FrameSlot> third;

    /** The fused pipeline: all three stages on this thread. */
    StageSequence(final ExceptionHandler<FrameSlot> failures, final SlotRelease release,
                  final EventHandler<FrameSlot> first, final EventHandler<FrameSlot> second,
                  final EventHandler<FrameSlot> third) {
        this.failures = failures;
        this.release = release;
        this.first = first;
        this.second = second;
        this.third = third;
    }

    /** The last link of a chained pipeline: one stage, then release. */
    StageSequence(final ExceptionHandler<FrameSlot> failures, final SlotRelease release,
                  final EventHandler<FrameSlot> only) {
        this(failures, release, only, null, null);
    }

    @Override
    public void onEvent(final FrameSlot slot, final long sequence, final boolean endOfBatch) {
        try {
            first.onEvent(slot, sequence, endOfBatch);
        } catch (final Throwable t) {
            failures.handleEventException(t, sequence, slot);
        }
        if (second != null) {
            try {
                second.onEvent(slot, sequence, endOfBatch);
            } catch (final Throwable t) {
                failures.handleEventException(t, sequence, slot);
            }
            try {
                third.onEvent(slot, sequence, endOfBatch);
            } catch (final Throwable t) {
                failures.handleEventException(t, sequence, slot);
            }
        }
        release.release(slot);
    }

    @Override
    public void onBatchStart(final long batchSize, final long queueDepth) {
        release.onBatchStart(batchSize, queueDepth);
    }

    @Override
    public void onStart() {
        first.onStart();
        if (second != null) {
            second.onStart();
            third.onStart();
        }
    }

    @Override
    public void onShutdown() {
        first.onShutdown();
        if (second != null) {
            second.onShutdown();
            third.onShutdown();
        }
    }
}
