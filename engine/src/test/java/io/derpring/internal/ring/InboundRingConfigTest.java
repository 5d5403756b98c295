package io.derpring.internal.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.derpring.engine.RingFullPolicy;
import io.derpring.engine.StageThreading;
import io.derpring.engine.WaitStrategyChoice;
import io.derpring.runtime.InvalidConfigException;
import org.junit.jupiter.api.Test;

/** The ring's settings are kept as given and reported as given (the ring logs its config when it starts). */
class InboundRingConfigTest {

    @Test
    void theDefaultsAreBackpressureFusedBlockingAndMultiProducer() {
        final InboundRingConfig c = InboundRingConfig.defaults();
        assertThat(c.fullPolicy()).isEqualTo(RingFullPolicy.BACKPRESSURE);
        assertThat(c.threading()).isEqualTo(StageThreading.FUSED);
        assertThat(c.waitStrategy()).isEqualTo(WaitStrategyChoice.BLOCKING);
        assertThat(c.singleProducer()).isFalse();
    }

    @Test
    void everyPolicyIsKeptAsGiven() {
        final InboundRingConfig c = InboundRingConfig.builder().fullPolicy(RingFullPolicy.DROP_NEWEST)
            .threading(StageThreading.CHAINED).waitStrategy(WaitStrategyChoice.YIELDING).singleProducer(true).build();
        assertThat(c.fullPolicy()).isEqualTo(RingFullPolicy.DROP_NEWEST);
        assertThat(c.threading()).isEqualTo(StageThreading.CHAINED);
        assertThat(c.waitStrategy()).isEqualTo(WaitStrategyChoice.YIELDING);
        assertThat(c.singleProducer()).isTrue();
    }

    @Test
    void aConfigRebuiltFromItsBuilderKeepsEverySetting() {
        final java.util.concurrent.ThreadFactory stageThreads = Thread::new;
        final InboundRingConfig c = InboundRingConfig.builder().ringSize(64).slotCapacity(512).spillBuffers(2)
            .fullPolicy(RingFullPolicy.DROP_NEWEST).threading(StageThreading.INVOKED)
            .waitStrategy(WaitStrategyChoice.SLEEPING).singleProducer(true).stageThreadFactory(stageThreads).build();
        final InboundRingConfig copy = c.toBuilder().build();
        assertThat(copy.toString()).isEqualTo(c.toString());
        assertThat(copy.stageThreadFactory()).isSameAs(stageThreads);
    }

    @Test
    void theDescriptionNamesEverySettingAndTheMemory() {
        final InboundRingConfig c = InboundRingConfig.builder().ringSize(64).slotCapacity(512).spillBuffers(2).build();
        assertThat(c.toString()).contains("ringSize=64", "slotCapacity=512", "spillBuffers=2",
            "fullPolicy=BACKPRESSURE", "threading=FUSED", "waitStrategy=BLOCKING", "singleProducer=false",
            "memoryBytes=" + (64L * 512 + 2L * InboundRingConfig.MAX_PACKET_LENGTH));
    }

    @Test
    void theLargestSlabOneDirectBufferHoldsIsAccepted() {
        final InboundRingConfig c = InboundRingConfig.builder().ringSize(1 << 15).slotCapacity(65_535).build();
        assertThat((long) c.ringSize() * c.slotCapacity()).isLessThanOrEqualTo(InboundRingConfig.MAX_SLAB_BYTES);
        assertThat(InboundRingConfig.builder().ringSize(1 << 14).slotCapacity(1 << 16).build().ringSize())
            .isEqualTo(1 << 14);
    }

    @Test
    void aSlabOverIntegerMaxValueIsAConfigErrorNamingRingSizeTimesSlotCapacity() {
        // 2^16 x 2^15 = 2^31: accepted once, then failed inside the ring as "capacity < 0" (int overflow).
        assertThatThrownBy(() -> InboundRingConfig.builder().ringSize(1 << 16).slotCapacity(1 << 15).build())
            .isInstanceOf(InvalidConfigException.class)
            .hasMessageContaining("ring size x slot capacity = 65536 x 32768 = 2147483648");
    }
}
