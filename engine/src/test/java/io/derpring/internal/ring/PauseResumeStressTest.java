package io.derpring.internal.ring;

import io.derpring.engine.WaitStrategyChoice;

import static io.derpring.internal.ring.InboundRingTest.STRESS;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Hammers the ring's pause/resume handshake: a producer offers into a two-slot ring until it is refused, waits to
 * be resumed, and offers again, hundreds of thousands of times, while the stage thread drains. A missed wakeup
 * shows as a connection still paused while the ring is empty, which nothing would ever undo.
 *
 * <p>The hazard is a store-load (Dekker) race: the stage thread stores its sequence, then loads the paused queue;
 * the producer stores into the paused queue, then loads the sequence. Without a full fence between each store and
 * the load after it, both loads may read the old value and the connection stays paused. x86 (TSO) allows exactly
 * this reordering, through the store buffer: the producer keeps reading the stage sequence's cache line, so the stage
 * thread's store to it waits in the store buffer while its next load goes ahead. On the 2-core development machine
 * the unfenced code failed this test in 5 of 6 runs (both wait strategies, within 10 s each); it is a stress test,
 * so a pass on other hardware is evidence, not proof. The register-then-re-check order itself is checked
 * deterministically by {@code PausedConnectionsTest.aConnectionPausedJustAfterTheRingDrainedIsResumedAtOnce}.
 */
@Tag(STRESS) // a million offers through two real threads
@Timeout(120)
class PauseResumeStressTest {
    /** The smallest ring: every other offer is refused, so pauses are as frequent as they can be. */
    private static final int RING_SIZE = InboundRingConfig.MIN_RING_SIZE;
    private static final int OFFERS = 1_000_000;
    /** Bounds the run on a slow shared machine; the handshake is hammered for whichever comes first. */
    private static final long TIME_BUDGET_NS = TimeUnit.SECONDS.toNanos(30);
    /**
     * A pause on an empty ring is resumed within microseconds; one still unresumed after this long never will be
     * (the stage thread has nothing left to do and the producer waits). Ten seconds, because a busy-spinning producer
     * and stage thread on two shared cores can be descheduled for a long while without anything being wrong.
     */
    private static final long STUCK_AFTER_NS = TimeUnit.SECONDS.toNanos(10);
    private static final int PACKET_LENGTH = 64;

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = WaitStrategyChoice.class, names = {"BUSY_SPIN", "BLOCKING"})
    void noConnectionStaysPausedOnceTheRingHasDrained(final WaitStrategyChoice wait) {
        try (StagedRing staged = new StagedRing(InboundRingConfig.builder().ringSize(RING_SIZE)
            .waitStrategy(wait).build()).start()) {
            final InboundRingTest.PausableConnection connection = new InboundRingTest.PausableConnection();
            final UnsafeBuffer frame = new UnsafeBuffer(new byte[32 + PACKET_LENGTH]);
            staged.sender.node.writeTo(frame, 0);
            final long deadlineNs = System.nanoTime() + TIME_BUDGET_NS;
            int published = 0;
            for (int i = 0; i < OFFERS && System.nanoTime() - deadlineNs < 0; i++) {
                if (staged.ring.offer(StagedRing.REGION, frame, 0, 32, PACKET_LENGTH, i, connection)
                    == InboundRing.PUBLISHED) {
                    published++;
                } else {
                    awaitResumed(staged.ring, connection, i);
                }
            }

            assertThat(connection.pauses.get()).as("the handshake was exercised").isPositive();
            assertThat(connection.resumes.get()).isEqualTo(connection.pauses.get());
            assertThat(staged.ring.framesPublished()).isEqualTo(published);
        }
    }

    /** Waits for the resume; fails if the ring sits empty that long with the connection still paused. */
    private static void awaitResumed(final InboundRing ring, final InboundRingTest.PausableConnection connection,
                                     final int offer) {
        long drainedSinceNs = 0;
        while (connection.paused.get()) {
            if (ring.slotsInUse() != 0) {
                drainedSinceNs = 0;
            } else if (drainedSinceNs == 0) {
                drainedSinceNs = System.nanoTime();
            } else if (System.nanoTime() - drainedSinceNs > STUCK_AFTER_NS) {
                throw new AssertionError("missed wakeup: paused at offer " + offer + " (pause "
                    + connection.pauses.get() + ") and the drained ring never resumed it");
            }
            Thread.onSpinWait();
        }
    }
}
