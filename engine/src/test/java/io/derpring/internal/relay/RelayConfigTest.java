package io.derpring.internal.relay;

import io.derpring.relay.DuplicatePolicy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.derpring.runtime.InvalidConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RelayConfigTest {

    @Test
    void defaultsAreGos() {
        final RelayConfig c = RelayConfig.defaults();
        assertThat(c.queueDepth()).isEqualTo(32);
        assertThat(c.duplicatePolicy()).isEqualTo(DuplicatePolicy.LAST_WRITER_IS_ACTIVE);
        assertThat(c.keepAliveIntervalNs()).isEqualTo(60_000_000_000L);
        assertThat(c.keepAliveJitterNs()).isEqualTo(5_000_000_000L);
        assertThat(c.writeDeadlineNs()).isEqualTo(2_000_000_000L);
        assertThat(c.notHereBurst()).isEqualTo(3);
        assertThat(c.notHereIntervalNs()).isEqualTo(1_000_000_000L);
        assertThat(c.meshKey()).isNull();
    }

    @ParameterizedTest(name = "queueDepth {0}")
    @ValueSource(ints = {RelayConfig.MIN_QUEUE_DEPTH - 1, RelayConfig.MIN_QUEUE_DEPTH, RelayConfig.MAX_QUEUE_DEPTH, RelayConfig.MAX_QUEUE_DEPTH + 1})
    void queueDepthRange(final int depth) {
        if (depth < RelayConfig.MIN_QUEUE_DEPTH || depth > RelayConfig.MAX_QUEUE_DEPTH) {
            assertThatThrownBy(() -> RelayConfig.builder().queueDepth(depth).build())
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("queueDepth");
        } else {
            assertThat(RelayConfig.builder().queueDepth(depth).build().queueDepth()).isEqualTo(depth);
        }
    }

    @Test
    void mailboxCapacityMustBeAPowerOfTwo() {
        assertThatThrownBy(() -> RelayConfig.builder().mailboxCapacity(1000).build()).isInstanceOf(InvalidConfigException.class);
    }

    @Test
    void timesMustBePositive() {
        assertThatThrownBy(() -> RelayConfig.builder().writeDeadlineNs(0).build()).hasMessageContaining("writeDeadlineNs");
        assertThatThrownBy(() -> RelayConfig.builder().keepAliveIntervalNs(0).build()).hasMessageContaining("keepAliveIntervalNs");
        assertThatThrownBy(() -> RelayConfig.builder().keepAliveJitterNs(-1).build()).hasMessageContaining("keepAliveJitterNs");
        assertThat(RelayConfig.builder().keepAliveJitterNs(0).build().keepAliveJitterNs()).isZero();
    }

    @Test
    void relayKeyEqualsAndHashFollowTheBytes() {
        final io.derpring.keys.NodeKey k = io.derpring.keys.NodePrivateKey.generate().publicKey();
        final RelayKey a = RelayKey.of(k);
        final org.agrona.concurrent.UnsafeBuffer b = new org.agrona.concurrent.UnsafeBuffer(new byte[40]);
        k.writeTo(b, 3);
        final RelayKey probe = RelayKey.probe().aim(b, 3);
        assertThat(probe).isEqualTo(a).hasSameHashCodeAs(a);
        assertThat(a.compareTo(probe)).isZero();
        assertThat(a.toNodeKey()).isEqualTo(k);
    }
}
