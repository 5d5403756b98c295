package io.derpring.internal.ring;

import io.derpring.engine.StageThreading;

import static io.derpring.internal.ring.PipelineFixture.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A stage that throws is counted and skipped for that frame only: the later stages still see the frame, and the
 * ring keeps delivering, whether the stages share one thread or each has its own.
 */
@Timeout(60)
class RingStageFailureTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final int BAD = 13;

    @Test
    void aFusedRouteStageThatThrowsIsCountedAndTheLaterStagesStillGetTheFrame() {
        try (StagedRing r = new StagedRing(InboundRingConfig.defaults()).start()) {
            r.routes.failOn = marker -> marker == BAD;
            r.offer(64, BAD, 0);
            awaitTrue(() -> r.ring.slotsInUse() == 0 && r.dataplane.events.get() == 1, WAIT);
            assertThat(r.disco.events).hasValue(1);
            assertThat(r.counters.get(InboundCounter.STAGE_ERRORS)).isEqualTo(1);
        }
    }

    @Test
    void aFusedDiscoStageThatThrowsIsCountedAndTheDataplaneStillGetsTheFrame() {
        try (StagedRing r = new StagedRing(InboundRingConfig.defaults()).start()) {
            r.disco.failOn = marker -> marker == BAD;
            r.offer(64, BAD, 0);
            r.offer(64, 14, 0);
            awaitTrue(() -> r.ring.slotsInUse() == 0 && r.dataplane.events.get() == 2, WAIT);
            assertThat(r.counters.get(InboundCounter.STAGE_ERRORS)).isEqualTo(1);
        }
    }

    @Test
    void aFusedDataplaneStageThatThrowsIsCountedAndItsSlotIsReleased() {
        try (StagedRing r = new StagedRing(InboundRingConfig.builder().ringSize(4).build()).start()) {
            r.dataplane.failOn = marker -> true;
            for (int i = 0; i < 8; i++) { // twice the ring: only released slots let the second half in
                awaitTrue(() -> r.ring.slotsInUse() < 4, WAIT);
                assertThat(r.offer(64, i, 0)).isEqualTo(InboundRing.PUBLISHED);
            }
            awaitTrue(() -> r.ring.slotsInUse() == 0, WAIT);
            assertThat(r.counters.get(InboundCounter.STAGE_ERRORS)).isEqualTo(8);
        }
    }

    @Test
    void aChainedFirstStageThatThrowsIsCountedAndTheRingKeepsDelivering() {
        try (StagedRing r = new StagedRing(InboundRingConfig.builder().threading(StageThreading.CHAINED).build())
            .start()) {
            r.routes.failOn = marker -> marker == BAD;
            r.offer(64, BAD, 0);
            r.offer(64, 14, 0);
            r.offer(64, 15, 0);
            awaitTrue(() -> r.ring.slotsInUse() == 0 && r.dataplane.events.get() >= 2, WAIT);
            assertThat(r.counters.get(InboundCounter.STAGE_ERRORS)).isEqualTo(1);
        }
    }
}
