package io.derpring.internal.ring;

import io.derpring.engine.StageThreading;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.agrona.concurrent.Agent;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link StageThreading#INVOKED}: the stages run only when, and on the thread where, the caller invokes them. */
@Timeout(60)
class InvokedStagesTest {
    private static final int PACKET_LENGTH = 64;

    private static StagedRing invokedRing(final int ringSize) {
        return new StagedRing(InboundRingConfig.builder().ringSize(ringSize).threading(StageThreading.INVOKED)
            .build());
    }

    private static int offer(final StagedRing r, final BackpressureListener listener) {
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[32 + PACKET_LENGTH]);
        r.sender.node.writeTo(frame, 0);
        return r.ring.offer(StagedRing.REGION, frame, 0, 32, PACKET_LENGTH, 0, listener);
    }

    @Test
    void publishedFramesWaitUntilTheAgentIsInvokedThenRunThroughEveryStageOnTheCallersThread() throws Exception {
        try (StagedRing r = invokedRing(8)) {
            final Agent stages = r.ring.stageAgent();
            stages.onStart();
            for (int i = 0; i < 3; i++) {
                offer(r, null);
            }
            assertThat(r.dataplane.events).hasValue(0);

            assertThat(stages.doWork()).isEqualTo(3);
            assertThat(r.routes.events).hasValue(3);
            assertThat(r.disco.events).hasValue(3);
            assertThat(r.dataplane.events).hasValue(3);
            assertThat(r.dataplane.thread.get()).isSameAs(Thread.currentThread());
            assertThat(r.ring.slotsInUse()).isZero();
            assertThat(stages.doWork()).isZero();
        }
    }

    @Test
    void aConnectionPausedByTheFullRingIsResumedByTheInvocationThatDrainsIt() throws Exception {
        try (StagedRing r = invokedRing(InboundRingConfig.MIN_RING_SIZE)) {
            final InboundRingTest.PausableConnection connection = new InboundRingTest.PausableConnection();
            int result;
            while ((result = offer(r, connection)) == InboundRing.PUBLISHED) {
                assertThat(r.ring.slotsInUse()).isLessThanOrEqualTo(InboundRingConfig.MIN_RING_SIZE);
            }
            assertThat(result).isEqualTo(InboundRing.FULL);
            assertThat(connection.paused).isTrue();

            r.ring.stageAgent().doWork();

            assertThat(connection.paused).isFalse();
            assertThat(connection.resumes).hasValue(1);
        }
    }

    @Test
    void anInvokedRingStartsNoThreads() {
        try (StagedRing r = invokedRing(8)) {
            assertThatThrownBy(r.ring::start).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("INVOKED");
        }
    }

    @Test
    void aThreadedRingHasNoStageAgent() {
        try (StagedRing r = new StagedRing(InboundRingConfig.defaults())) {
            assertThatThrownBy(r.ring::stageAgent).isInstanceOf(IllegalStateException.class);
        }
    }
}
