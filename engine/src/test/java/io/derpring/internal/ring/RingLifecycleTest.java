package io.derpring.internal.ring;

import io.derpring.engine.StageThreading;

import static io.derpring.internal.ring.PipelineFixture.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The ring's lifecycle as its stages see it: started once on the stage thread, shut down when the ring closes, on
 * daemon threads that end with the ring.
 */
@Timeout(60)
class RingLifecycleTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void startingAFusedRingStartsEveryStageOnce() {
        try (StagedRing r = new StagedRing(InboundRingConfig.defaults()).start()) {
            awaitTrue(() -> r.dataplane.starts.get() == 1, WAIT);
            assertThat(r.routes.starts).hasValue(1);
            assertThat(r.disco.starts).hasValue(1);
        }
    }

    @Test
    void closingAFusedRingShutsDownEveryStageOnce() {
        final StagedRing r = new StagedRing(InboundRingConfig.defaults()).start();
        awaitTrue(() -> r.dataplane.starts.get() == 1, WAIT);
        r.close();
        awaitTrue(() -> r.dataplane.shutdowns.get() == 1, WAIT);
        assertThat(r.routes.shutdowns).hasValue(1);
        assertThat(r.disco.shutdowns).hasValue(1);
    }

    @Test
    void aChainedRingStartsAndShutsDownEveryStageOnce() {
        final StagedRing r = new StagedRing(InboundRingConfig.builder().threading(StageThreading.CHAINED).build())
            .start();
        awaitTrue(() -> r.routes.starts.get() == 1 && r.disco.starts.get() == 1 && r.dataplane.starts.get() == 1,
            WAIT);
        r.close();
        awaitTrue(() -> r.routes.shutdowns.get() == 1 && r.disco.shutdowns.get() == 1
            && r.dataplane.shutdowns.get() == 1, WAIT);
    }

    @Test
    void aFusedRingRunsAllThreeStagesOnOneNamedThread() {
        try (StagedRing r = new StagedRing(InboundRingConfig.defaults()).start()) {
            awaitTrue(() -> r.dataplane.starts.get() == 1, WAIT);
            assertThat(r.dataplane.thread.get().getName()).isEqualTo("derpring-inbound-stages");
            assertThat(r.routes.thread.get()).isSameAs(r.dataplane.thread.get());
            assertThat(r.disco.thread.get()).isSameAs(r.dataplane.thread.get());
        }
    }

    @Test
    void stageThreadsAreDaemonsSoAnOpenRingNeverKeepsTheJvmAlive() {
        try (StagedRing r = new StagedRing(InboundRingConfig.builder().threading(StageThreading.CHAINED).build())
            .start()) {
            awaitTrue(() -> r.routes.starts.get() == 1 && r.disco.starts.get() == 1 && r.dataplane.starts.get() == 1,
                WAIT);
            assertThat(r.routes.thread.get().isDaemon()).isTrue();
            assertThat(r.disco.thread.get().isDaemon()).isTrue();
            assertThat(r.dataplane.thread.get().isDaemon()).isTrue();
        }
    }

    @Test
    void closingTheRingEndsItsStageThread() throws InterruptedException {
        final StagedRing r = new StagedRing(InboundRingConfig.defaults()).start();
        awaitTrue(() -> r.dataplane.starts.get() == 1, WAIT);
        r.close();
        final Thread stages = r.dataplane.thread.get();
        stages.join(WAIT.toMillis());
        assertThat(stages.isAlive()).isFalse();
    }

    @Test
    void framesOfferedBeforeStartAreProcessedOnceStarted() {
        try (StagedRing r = new StagedRing(InboundRingConfig.defaults())) {
            r.offer(64, 1, 0);
            r.offer(64, 2, 0);
            assertThat(r.dataplane.events).hasValue(0);
            r.start();
            awaitTrue(() -> r.dataplane.events.get() == 2, WAIT);
        }
    }

    @Test
    void theRingReportsTheConfigAndTheCountersItWasBuiltWith() {
        try (StagedRing r = new StagedRing(InboundRingConfig.builder().ringSize(16).build())) {
            assertThat(r.ring.config()).isSameAs(r.config);
            assertThat(r.ring.counters()).isSameAs(r.counters);
        }
    }
}
