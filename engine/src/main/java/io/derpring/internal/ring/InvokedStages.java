package io.derpring.internal.ring;

import io.derpring.engine.StageThreading;

import com.lmax.disruptor.EventPoller;
import com.lmax.disruptor.RingBuffer;
import org.agrona.concurrent.Agent;

/**
 * The fused stages as an Agrona {@link Agent}, for {@link StageThreading#INVOKED}: each {@link #doWork()} polls what
 * is published and runs it through the stages on the caller's thread. After a batch it does what a stage thread's
 * wait strategy does ({@link ResumingWaitStrategy}): resumes connections paused by a full ring.
 */
final class InvokedStages implements Agent, EventPoller.Handler<FrameSlot> {
    private final RingBuffer<FrameSlot> ring;
    private final EventPoller<FrameSlot> poller;
    private final StageSequence stages;
    private final SlotRelease release;
    private final PausedConnections paused;

    InvokedStages(final RingBuffer<FrameSlot> ring, final EventPoller<FrameSlot> poller, final StageSequence stages,
                  final SlotRelease release, final PausedConnections paused) {
        this.ring = ring;
        this.poller = poller;
        this.stages = stages;
        this.release = release;
        this.paused = paused;
    }

    @Override
    public int doWork() throws Exception {
        final long before = poller.getSequence().get();
        final long claimed = ring.getCursor() - before; // claimed, maybe not all published yet: a depth bound
        if (claimed <= 0) {
            return 0;
        }
        release.onBatchStart(claimed, claimed);
        if (poller.poll(this) != EventPoller.PollState.PROCESSING) {
            return 0;
        }
        paused.onSlotsReleased();
        return (int) (poller.getSequence().get() - before);
    }

    @Override
    public boolean onEvent(final FrameSlot slot, final long sequence, final boolean endOfBatch) {
        stages.onEvent(slot, sequence, endOfBatch); // records a stage's failure itself, never throws
        return true;
    }

    @Override
    public void onStart() {
        stages.onStart();
    }

    @Override
    public void onClose() {
        stages.onShutdown();
    }

    @Override
    public String roleName() {
        return "derpring-inbound-stages";
    }
}
