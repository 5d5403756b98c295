package io.derpring.internal.ring;

import static org.assertj.core.api.Assertions.assertThat;

import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import io.derpring.internal.metrics.Counters;
import org.junit.jupiter.api.Test;

/**
 * Connections paused by a full ring: each pause and resume is counted, a connection is resumed once
 * {@code resumeThreshold} slots are free (and a spill buffer, if the pool has any), and past
 * {@link PausedConnections#MAX_PAUSED_CONNECTIONS} a connection is resumed at once rather than forgotten.
 */
class PausedConnectionsTest {
    private static final int RING_SIZE = 8;
    private static final int RESUME_THRESHOLD = 2;

    private final Counters<InboundCounter> counters = new Counters<>(InboundCounter.class);
    private final PausedConnections paused = new PausedConnections(RESUME_THRESHOLD, counters);
    private final RingBuffer<Object> ring = RingBuffer.createMultiProducer(Object::new, RING_SIZE);

    PausedConnectionsTest() {
        ring.addGatingSequences(new Sequence()); // a consumer that never moves: claimed slots stay in use
    }

    private void claimSlotsLeaving(final int free) {
        while (ring.remainingCapacity() > free) {
            ring.publish(ring.next());
        }
    }

    @Test
    void aPauseIsCounted() {
        paused.watch(ring, new SpillPool(0));
        claimSlotsLeaving(0);
        paused.pause(new InboundRingTest.PausableConnection());
        assertThat(counters.get(InboundCounter.BACKPRESSURE_PAUSES)).isEqualTo(1);
        assertThat(counters.get(InboundCounter.BACKPRESSURE_RESUMES)).isZero();
        assertThat(paused.size()).isEqualTo(1);
    }

    @Test
    void aConnectionPausedJustAfterTheRingDrainedIsResumedAtOnce() {
        paused.watch(ring, new SpillPool(0));
        final InboundRingTest.PausableConnection connection = new InboundRingTest.PausableConnection();
        paused.pause(connection);
        assertThat(connection.paused).isFalse();
        assertThat(connection.resumes).hasValue(1);
        assertThat(counters.get(InboundCounter.BACKPRESSURE_RESUMES)).isEqualTo(1);
        assertThat(paused.size()).isZero();
    }

    @Test
    void aConnectionStaysPausedWithOneSlotFewerThanTheThresholdFree() {
        paused.watch(ring, new SpillPool(0));
        claimSlotsLeaving(RESUME_THRESHOLD - 1);
        final InboundRingTest.PausableConnection connection = new InboundRingTest.PausableConnection();
        paused.pause(connection);
        paused.resumeIfDrained();
        assertThat(connection.paused).isTrue();
    }

    @Test
    void aConnectionIsResumedWithExactlyTheThresholdFree() {
        paused.watch(ring, new SpillPool(0));
        claimSlotsLeaving(RESUME_THRESHOLD);
        final InboundRingTest.PausableConnection connection = new InboundRingTest.PausableConnection();
        paused.pause(connection);
        assertThat(connection.paused).isFalse();
        assertThat(counters.get(InboundCounter.BACKPRESSURE_RESUMES)).isEqualTo(1);
    }

    @Test
    void aConnectionWaitingForASpillBufferStaysPausedWhileNoneIsFree() {
        final SpillPool spill = new SpillPool(1);
        spill.borrow();
        paused.watch(ring, spill);
        final InboundRingTest.PausableConnection connection = new InboundRingTest.PausableConnection();
        paused.pause(connection);
        assertThat(connection.paused).isTrue();
    }

    @Test
    void theLastTrackedConnectionStaysPaused() {
        paused.watch(ring, new SpillPool(0));
        claimSlotsLeaving(0);
        for (int i = 0; i < PausedConnections.MAX_PAUSED_CONNECTIONS - 1; i++) {
            paused.pause(new InboundRingTest.PausableConnection());
        }
        final InboundRingTest.PausableConnection last = new InboundRingTest.PausableConnection();
        paused.pause(last);
        assertThat(last.paused).isTrue();
        assertThat(paused.size()).isEqualTo(PausedConnections.MAX_PAUSED_CONNECTIONS);
        assertThat(counters.get(InboundCounter.BACKPRESSURE_RESUMES)).isZero();
    }

    @Test
    void aConnectionBeyondTheTrackedMaximumIsResumedAtOnceAndCounted() {
        paused.watch(ring, new SpillPool(0));
        claimSlotsLeaving(0);
        for (int i = 0; i < PausedConnections.MAX_PAUSED_CONNECTIONS; i++) {
            paused.pause(new InboundRingTest.PausableConnection());
        }
        final InboundRingTest.PausableConnection untracked = new InboundRingTest.PausableConnection();
        paused.pause(untracked);
        assertThat(untracked.paused).isFalse();
        assertThat(untracked.pauses).hasValue(1);
        assertThat(counters.get(InboundCounter.BACKPRESSURE_PAUSES))
            .isEqualTo(PausedConnections.MAX_PAUSED_CONNECTIONS + 1);
        assertThat(counters.get(InboundCounter.BACKPRESSURE_RESUMES)).isEqualTo(1);
    }

    @Test
    void everyPausedConnectionIsResumedAndCountedOnceTheRingHasRoom() {
        paused.watch(ring, new SpillPool(0));
        claimSlotsLeaving(0);
        final InboundRingTest.PausableConnection a = new InboundRingTest.PausableConnection();
        final InboundRingTest.PausableConnection b = new InboundRingTest.PausableConnection();
        paused.pause(a);
        paused.pause(b);
        final RingBuffer<Object> drained = RingBuffer.createMultiProducer(Object::new, RING_SIZE);
        paused.watch(drained, new SpillPool(0)); // the same connections, now watching a ring with every slot free
        paused.resumeIfDrained();
        assertThat(a.paused).isFalse();
        assertThat(b.paused).isFalse();
        assertThat(counters.get(InboundCounter.BACKPRESSURE_RESUMES)).isEqualTo(2);
        assertThat(paused.size()).isZero();
    }
}
