package io.derpring.engine;

import static io.derpring.engine.DerpEngineTest.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

import io.derpring.derpmap.DerpMap;
import io.derpring.derpmap.DerpNode;
import io.derpring.derpmap.DerpRegion;
import io.derpring.internal.engine.DerpEngineConfig;
import io.derpring.internal.region.DerpDialer;
import io.derpring.internal.region.DerpLink;
import io.derpring.internal.region.LinkListener;
import io.derpring.keys.DiscoPrivateKey;
import io.derpring.keys.NodeKey;
import io.derpring.keys.NodePrivateKey;
import io.derpring.metrics.EngineMetrics;
import io.derpring.netmap.Netmap;
import io.derpring.region.RegionListener;
import io.derpring.region.RegionState;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The embedder's RegionListener runs on the conductor thread; whatever it throws must not stop the engine's own work
 * half way (closing every region, applying a DERP map): it is caught, counted and the engine carries on.
 */
@Timeout(60)
class ThrowingRegionListenerTest {
    private static final DerpMap MAP = DerpMap.builder()
        .region(900, "a", r -> r.node("900a", "relay.example.test", 0))
        .region(901, "b", r -> r.node("901a", "relay2.example.test", 0))
        .build();

    /** Throws from every callback, after noting which one it was. */
    static final class ThrowingListener implements RegionListener {
        final ConcurrentLinkedQueue<String> calls = new ConcurrentLinkedQueue<>();

        private void fail(final String call) {
            calls.add(call);
            throw new IllegalStateException("embedder bug in " + call);
        }

        @Override
        public void onConnected(final int regionId, final String nodeName) {
            fail("connected " + regionId);
        }

        @Override
        public void onDisconnected(final int regionId, final Throwable cause) {
            fail("disconnected " + regionId);
        }

        @Override
        public void onHomeChanged(final int oldHome, final int newHome) {
            fail("home " + newHome);
        }
    }

    private final DerpEngineTest.InMemoryRelay relay = new DerpEngineTest.InMemoryRelay();
    private final List<DerpLink> links = new CopyOnWriteArrayList<>();
    private final ThrowingListener listener = new ThrowingListener();
    private final NodePrivateKey self = NodePrivateKey.generate();
    private final NodeKey peer = NodePrivateKey.generate().publicKey();
    private DerpEngine engine;

    /** The in-memory relay's dialer, remembering every link it hands out. */
    private DialerFactory recordingDialer() {
        final DialerFactory inner = relay.dialerFor();
        return (ring, key) -> {
            final DerpDialer dialer = inner.create(ring, key);
            return new DerpDialer() {
                @Override
                public DerpLink dial(final DerpRegion region, final DerpNode node, final String ideal,
                                     final LinkListener l) {
                    final DerpLink link = dialer.dial(region, node, ideal, l);
                    links.add(link);
                    return link;
                }
            };
        };
    }

    /** Home 900, and 901 woken by a packet to the peer homed there: two connected regions. */
    private void startWithTwoRegions() {
        engine = new DerpEngine(DerpEngineConfig.defaults(), self, DiscoPrivateKey.generate(),
            (p, region, buffer, offset, length) -> { }, recordingDialer(), listener).start();
        final Netmap.Builder netmap = Netmap.builder();
        netmap.addPeer(peer, DiscoPrivateKey.generate().publicKey(), 901);
        engine.updateNetmap(netmap.build());
        engine.updateDerpMap(MAP);
        engine.setHomeRegion(900);
        awaitTrue("home connected", () -> state(900) == RegionState.CONNECTED);
        engine.send(peer, new UnsafeBuffer(new byte[64]), 0, 64);
        awaitTrue("901 woken and connected", () -> state(901) == RegionState.CONNECTED);
    }

    @AfterEach
    void close() {
        if (engine != null) {
            engine.close();
        }
    }

    @Test
    void aThrowingListenerIsCountedAndTheEngineStillConnectsEveryRegion() {
        startWithTwoRegions();
        assertThat(listener.calls).contains("connected 900", "connected 901", "home 900");
        assertThat(engine.metrics().value(EngineMetrics.REGION_LISTENER_ERRORS))
            .isEqualTo(listener.calls.size());
    }

    @Test
    void closeRetiresEveryRegionEvenWhenTheListenerThrowsOnTheFirstDisconnect() {
        startWithTwoRegions();
        assertThat(links).hasSize(2);
        engine.close();
        awaitTrue("both regions told they closed", () -> listener.calls.contains("disconnected 900")
            && listener.calls.contains("disconnected 901"));
        assertThat(links).allSatisfy(l -> assertThat(((DerpEngineTest.InMemoryRelay.Link) l).closed)
            .as("link closed").isTrue());
    }

    @Test
    void aDerpMapRemovingARegionClosesItDespiteTheListener() {
        startWithTwoRegions();
        engine.updateDerpMap(DerpMap.builder().region(900, "a", r -> r.node("900a", "relay.example.test", 0)).build());
        awaitTrue("901 told it closed", () -> listener.calls.contains("disconnected 901"));
        assertThat(((DerpEngineTest.InMemoryRelay.Link) links.get(1)).closed).isTrue();
        // The listener hears of the close before the conductor swaps in the new region table: wait for the swap.
        awaitTrue("the new map applied: only 900 left", () -> engine.status().size() == 1);
        assertThat(state(900)).isEqualTo(RegionState.CONNECTED);
    }

    private RegionState state(final int region) {
        return engine.status().stream().filter(s -> s.regionId() == region).map(s -> s.state()).findFirst()
            .orElse(null);
    }
}
