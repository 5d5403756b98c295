package io.derpring.internal.ring;

import com.lmax.disruptor.AlertException;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.TimeoutException;
import com.lmax.disruptor.WaitStrategy;

/**
 * Wraps the chosen wait strategy so that a stage thread, each time it finishes a batch and looks for the next one,
 * first resumes connections paused by a full ring. This is the one moment the processor's sequence has been
 * advanced (so the freed slots are really free), and the producer re-checks after registering: between the two, a
 * paused connection is never forgotten while the ring is empty. Both sides fence between their store and their load
 * ({@link PausedConnections}).
 */
final class ResumingWaitStrategy implements WaitStrategy {
    private final WaitStrategy delegate;
    private final PausedConnections paused;

    ResumingWaitStrategy(final WaitStrategy delegate, final PausedConnections paused) {
        this.delegate = delegate;
        this.paused = paused;
    }

    @Override
    public long waitFor(final long sequence, final Sequence cursor, final Sequence dependentSequence,
                        final SequenceBarrier barrier)
        throws AlertException, InterruptedException, TimeoutException {
        paused.onSlotsReleased();
        return delegate.waitFor(sequence, cursor, dependentSequence, barrier);
    }

    @Override
    public void signalAllWhenBlocking() {
        delegate.signalAllWhenBlocking();
    }
}
