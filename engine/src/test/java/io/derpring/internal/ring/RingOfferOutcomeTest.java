package io.derpring.internal.ring;

import io.derpring.engine.RingFullPolicy;
import io.derpring.engine.WaitStrategyChoice;

import static io.derpring.internal.ring.PipelineFixture.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What {@link InboundRing#offer} answers and counts, frame by frame. Where a full ring matters the stages are not
 * started yet, so nothing frees a slot behind the test's back.
 */
@Timeout(60)
class RingOfferOutcomeTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void anEmptyPacketIsPublished() {
        try (StagedRing r = new StagedRing(InboundRingConfig.defaults())) {
            assertThat(r.offer(0, 1, 0)).isEqualTo(InboundRing.PUBLISHED);
            assertThat(r.ring.framesPublished()).isEqualTo(1);
        }
    }

    @Test
    void framesPublishedCountsEveryFrameTakenIntoASlot() {
        try (StagedRing r = new StagedRing(InboundRingConfig.defaults())) {
            r.offer(64, 1, 0);
            r.offer(64, 2, 0);
            r.offer(64, 3, 0);
            assertThat(r.ring.framesPublished()).isEqualTo(3);
        }
    }

    @Test
    void aFullRingUnderDropNewestAnswersDropped() {
        try (StagedRing r = new StagedRing(
            InboundRingConfig.builder().ringSize(2).fullPolicy(RingFullPolicy.DROP_NEWEST).build())) {
            r.offer(64, 1, 0);
            r.offer(64, 2, 0);
            assertThat(r.offer(64, 3, 0)).isEqualTo(InboundRing.DROPPED);
            assertThat(r.counters.get(InboundCounter.DROPPED_RING_FULL)).isEqualTo(1);
        }
    }

    @Test
    void aFullRingUnderBackpressureDropsAFrameThatHasNoConnectionToPause() {
        try (StagedRing r = new StagedRing(InboundRingConfig.builder().ringSize(2).build())) {
            r.offer(64, 1, 0);
            r.offer(64, 2, 0);
            assertThat(r.offer(64, 3, 0)).isEqualTo(InboundRing.DROPPED);
            assertThat(r.counters.get(InboundCounter.DROPPED_RING_FULL)).isEqualTo(1);
            assertThat(r.counters.get(InboundCounter.REFUSED_RING_FULL)).isZero();
        }
    }

    @Test
    void aLongPacketRefusedByAFullRingGivesItsSpillBufferBack() {
        try (PipelineFixture p = new PipelineFixture(
            InboundRingConfig.builder().ringSize(2).slotCapacity(256).spillBuffers(1).build())) {
            p.offer(PipelineFixture.REGION_1, p.peerA, PipelineFixture.wireGuard(64, 1));
            p.offer(PipelineFixture.REGION_1, p.peerA, PipelineFixture.wireGuard(64, 2));
            final InboundRingTest.PausableConnection connection = new InboundRingTest.PausableConnection();
            assertThat(p.offer(PipelineFixture.REGION_1, p.peerA.node, PipelineFixture.wireGuard(1000, 3), connection))
                .isEqualTo(InboundRing.FULL);
            assertThat(p.ring.spillBuffersAvailable()).isEqualTo(1);
        }
    }

    @Test
    void aRefusedConnectionIsCountedAsPausedThenAsResumedOnceTheRingDrains() {
        try (StagedRing r = new StagedRing(InboundRingConfig.builder().ringSize(2).build())) {
            r.offer(64, 1, 0);
            r.offer(64, 2, 0);
            final InboundRingTest.PausableConnection connection = new InboundRingTest.PausableConnection();
            assertThat(r.ring.offer(StagedRing.REGION, payloadOf(r), 0, 32, 64, 0, connection))
                .isEqualTo(InboundRing.FULL);
            assertThat(r.counters.get(InboundCounter.BACKPRESSURE_PAUSES)).isEqualTo(1);
            assertThat(r.ring.pausedConnections()).isEqualTo(1);
            assertThat(r.counters.get(InboundCounter.BACKPRESSURE_RESUMES)).isZero();

            r.start();
            awaitTrue(() -> !connection.paused.get(), WAIT);
            assertThat(r.counters.get(InboundCounter.BACKPRESSURE_RESUMES)).isEqualTo(1);
            assertThat(r.ring.pausedConnections()).isZero();
        }
    }

    @Test
    void theStagesSeeTheReceiveTimeTheConnectionGave() {
        try (StagedRing r = new StagedRing(InboundRingConfig.defaults()).start()) {
            r.offer(64, 1, 123_456_789L);
            awaitTrue(() -> r.dataplane.events.get() == 1, WAIT);
            assertThat(r.dataplane.lastReceivedNs).isEqualTo(123_456_789L);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(WaitStrategyChoice.class)
    void everyWaitStrategyDeliversFramesToTheStages(final WaitStrategyChoice wait) {
        try (StagedRing r = new StagedRing(InboundRingConfig.builder().waitStrategy(wait).build()).start()) {
            r.offer(64, 1, 0);
            r.offer(64, 2, 0);
            awaitTrue(() -> r.dataplane.events.get() == 2, WAIT);
        }
    }

    /** A RecvPacket payload from the ring's one netmap peer: its node key, then 64 packet bytes. */
    private static UnsafeBuffer payloadOf(final StagedRing r) {
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[32 + 64]);
        r.sender.node.writeTo(frame, 0);
        return frame;
    }
}
