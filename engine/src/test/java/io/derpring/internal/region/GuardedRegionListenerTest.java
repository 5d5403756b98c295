package io.derpring.internal.region;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.derpring.internal.metrics.Counters;
import io.derpring.internal.metrics.DistinctErrorLog;
import io.derpring.keys.NodePrivateKey;
import io.derpring.region.RegionListener;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** What an embedder's callback throws stays in the guard: counted, logged once per kind; a VM error is not its to keep. */
class GuardedRegionListenerTest {
    private final Counters<RegionCounter> counters = new Counters<>(RegionCounter.class);
    private final DistinctErrorLog errors = new DistinctErrorLog(LoggerFactory.getLogger(GuardedRegionListenerTest.class));

    private RegionListener guarding(final Throwable thrown) {
        return new GuardedRegionListener(new RegionListener() {
            private void fail() {
                if (thrown instanceof RuntimeException) {
                    throw (RuntimeException) thrown;
                }
                throw (Error) thrown;
            }

            @Override
            public void onConnected(final int regionId, final String nodeName) {
                fail();
            }

            @Override
            public void onDisconnected(final int regionId, final Throwable cause) {
                fail();
            }

            @Override
            public void onHealth(final int regionId, final String problem) {
                fail();
            }

            @Override
            public void onPeerGone(final int regionId, final io.derpring.keys.NodeKey peer, final int reason) {
                fail();
            }

            @Override
            public void onPeerPresent(final int regionId, final io.derpring.keys.NodeKey peer) {
                fail();
            }

            @Override
            public void onHomeChanged(final int oldHome, final int newHome) {
                fail();
            }
        }, counters, errors);
    }

    @Test
    void everyCallbackThatThrowsIsCaughtAndCounted() {
        final RegionListener guarded = guarding(new IllegalStateException("embedder bug"));
        final io.derpring.keys.NodeKey peer = NodePrivateKey.generate().publicKey();
        assertThatCode(() -> {
            guarded.onConnected(1, "1a");
            guarded.onDisconnected(1, null);
            guarded.onHealth(1, "problem");
            guarded.onPeerGone(1, peer, 0);
            guarded.onPeerPresent(1, peer);
            guarded.onHomeChanged(0, 1);
        }).doesNotThrowAnyException();
        assertThat(counters.get(RegionCounter.LISTENER_ERRORS)).isEqualTo(6);
        assertThat(errors.total()).isEqualTo(6);
    }

    @Test
    void anErrorThatIsNotTheVmsIsCaughtToo() {
        final RegionListener guarded = guarding(new AssertionError("embedder assertion"));
        assertThatCode(() -> guarded.onConnected(1, "1a")).doesNotThrowAnyException();
        assertThat(counters.get(RegionCounter.LISTENER_ERRORS)).isEqualTo(1);
    }

    @Test
    void aVirtualMachineErrorIsLeftToTheConductor() {
        final RegionListener guarded = guarding(new InternalError("vm"));
        assertThatThrownBy(() -> guarded.onConnected(1, "1a")).isInstanceOf(InternalError.class);
        assertThat(counters.get(RegionCounter.LISTENER_ERRORS)).isZero();
    }
}
