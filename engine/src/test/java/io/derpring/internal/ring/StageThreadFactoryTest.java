package io.derpring.internal.ring;

import io.derpring.engine.StageThreading;

import static io.derpring.internal.ring.PipelineFixture.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The stage threads come from the configured factory: the hook through which the transport pins them to cores.
 * The recording factory stands in for the transport's affinity factory, which binds the thread as it starts.
 */
@Timeout(60)
class StageThreadFactoryTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    /** Makes daemon threads and records each one, and which thread ran its start hook (the "pinning"). */
    static final class PinningFactory implements ThreadFactory {
        final List<Thread> made = new CopyOnWriteArrayList<>();
        final List<Thread> pinned = new CopyOnWriteArrayList<>();

        @Override
        public Thread newThread(final Runnable work) {
            final Thread t = new Thread(() -> {
                pinned.add(Thread.currentThread());
                work.run();
            }, "pinned-stage-" + made.size());
            t.setDaemon(true);
            made.add(t);
            return t;
        }
    }

    @Test
    void theFusedStageThreadIsMadeAndPinnedByTheConfiguredFactory() {
        final PinningFactory factory = new PinningFactory();
        try (StagedRing r = new StagedRing(InboundRingConfig.builder().stageThreadFactory(factory).build())
            .start()) {
            awaitTrue(() -> r.dataplane.starts.get() == 1, WAIT);

            assertThat(factory.made).containsExactly(r.dataplane.thread.get());
            assertThat(factory.pinned).containsExactly(r.dataplane.thread.get());
            assertThat(r.dataplane.thread.get().getName()).isEqualTo("pinned-stage-0");
        }
    }

    @Test
    void everyChainedStageThreadIsMadeAndPinnedByTheConfiguredFactory() {
        final PinningFactory factory = new PinningFactory();
        try (StagedRing r = new StagedRing(InboundRingConfig.builder().threading(StageThreading.CHAINED)
            .stageThreadFactory(factory).build()).start()) {
            awaitTrue(() -> r.routes.starts.get() == 1 && r.disco.starts.get() == 1 && r.dataplane.starts.get() == 1,
                WAIT);

            assertThat(factory.pinned).containsExactlyInAnyOrder(r.routes.thread.get(), r.disco.thread.get(),
                r.dataplane.thread.get());
            assertThat(factory.made).hasSize(3);
        }
    }
}
