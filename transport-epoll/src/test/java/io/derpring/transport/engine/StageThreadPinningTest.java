package io.derpring.transport.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

import io.derpring.internal.engine.DerpEngineConfig;
import io.derpring.internal.ring.InboundRingConfig;
import io.derpring.keys.DiscoPrivateKey;
import io.derpring.keys.NodePrivateKey;
import io.derpring.transport.Transport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The pinning setting covers the ring's stage thread too: the transport supplies the engine's stage thread factory. */
@Timeout(60)
class StageThreadPinningTest {
    @Test
    void withPinningOnTheStageThreadComesFromTheTransportsPinningFactory() throws Exception {
        final DerpEngineConfig pinned = NettyDerpEngine.withPinnedStages(DerpEngineConfig.defaults(), true);
        final ThreadFactory factory = pinned.ring().stageThreadFactory();
        assertThat(factory).isNotNull();

        final CompletableFuture<String> ranOn = new CompletableFuture<>();
        final Thread stage = factory.newThread(() -> ranOn.complete(Thread.currentThread().getName()));
        stage.start();
        // pinned where affinity works here, else the logged unpinned fallback: the stage runs either way
        assertThat(ranOn.get(10, TimeUnit.SECONDS)).isEqualTo(NettyDerpEngine.STAGE_THREAD_NAME);
        assertThat(stage.isDaemon()).isTrue();
    }

    @Test
    void withPinningOffTheRingMakesItsOwnStageThread() {
        final DerpEngineConfig config = DerpEngineConfig.defaults();
        assertThat(NettyDerpEngine.withPinnedStages(config, false)).isSameAs(config);
    }

    @Test
    void aStageThreadFactoryAlreadyConfiguredIsKept() {
        final ThreadFactory own = Thread::new;
        final DerpEngineConfig config = new DerpEngineConfig(DerpEngineConfig.defaults().regions(),
            InboundRingConfig.builder().stageThreadFactory(own).build(), false,
            DerpEngineConfig.DEFAULT_DISCO_KEY_CACHE);
        assertThat(NettyDerpEngine.withPinnedStages(config, true).ring().stageThreadFactory()).isSameAs(own);
    }

    @Test
    void aPinnedEngineStartsItsStageThreadAndClosesIt() {
        final NettyDerpEngine engine = NettyDerpEngine.builder()
            .transport(Transport.NIO).ioThreads(1).pinIoThreads(true)
            .keys(NodePrivateKey.generate(), DiscoPrivateKey.generate())
            .dataplane((peer, region, buffer, offset, length) -> { })
            .build().start();
        try {
            assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName)
                .contains(NettyDerpEngine.STAGE_THREAD_NAME);
        } finally {
            engine.close();
        }
        NettyDerpEngineTest.awaitNoThreadsNamed(NettyDerpEngine.STAGE_THREAD_NAME);
    }
}
