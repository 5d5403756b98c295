package io.derpring.ring;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.ExceptionHandler;

/**
 * Runs stages one after another on one thread, then releases the slot. A stage that throws is recorded and the
 * next stage still runs, and the slot is always released (a leaked spill buffer would shrink the pool for good).
 */
final class StageSequence implements EventHandler<FrameSlot> {
    private final ExceptionHandler<FrameSlot> failures;
    private final SlotRelease release;
    private final EventHandler<FrameSlot>[] stages;

    @SafeVarargs
    StageSequence(final ExceptionHandler<FrameSlot> failures, final SlotRelease release,
                  final EventHandler<FrameSlot>... stages) {
        this.failures = failures;
        this.release = release;
        this.stages = stages.clone();
    }

    @Override
    public void onEvent(final FrameSlot slot, final long sequence, final boolean endOfBatch) {
        for (final EventHandler<FrameSlot> stage : stages) {
            try {
                stage.onEvent(slot, sequence, endOfBatch);
            } catch (final Throwable t) {
                failures.handleEventException(t, sequence, slot);
            }
        }
        release.release(slot);
    }

    @Override
    public void onStart() {
        for (final EventHandler<FrameSlot> stage : stages) {
            stage.onStart();
        }
    }

    @Override
    public void onShutdown() {
        for (final EventHandler<FrameSlot> stage : stages) {
            stage.onShutdown();
        }
    }
}
