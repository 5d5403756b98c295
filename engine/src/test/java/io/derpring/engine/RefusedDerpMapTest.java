package io.derpring.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

import io.derpring.internal.engine.DerpEngineConfig;
import io.derpring.derpmap.DerpMap;
import io.derpring.derpmap.DerpMapParser;
import io.derpring.keys.DiscoPrivateKey;
import io.derpring.keys.NodeKey;
import io.derpring.keys.NodePrivateKey;
import io.derpring.netmap.Netmap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 13 bug 4: a DERP map the engine refuses must change nothing. The engine used to store the map before the
 * conductor refused it, so {@code stunServersV4()} and {@code relayCodesForPeers()} described a map that was never
 * applied.
 */
@Timeout(30)
class RefusedDerpMapTest {
    private static final DerpMap ACCEPTED = DerpMap.builder()
        .region(900, "a", r -> r.node("900a", "127.0.0.1", 0)).build();
    /** Region 2^31: valid for tailcfg (up to 2^53-1), refused by derpring (int region ids). */
    private static final String REGION_ABOVE_INT = "{\"Regions\":{\"2147483648\":{\"RegionID\":2147483648,"
        + "\"RegionCode\":\"big\",\"Nodes\":[{\"Name\":\"big\",\"RegionID\":2147483648,"
        + "\"HostName\":\"big.example.test\",\"IPv4\":\"127.0.0.2\"}]}}}";

    private final NodeKey peer = NodePrivateKey.generate().publicKey();
    private DerpEngine engine;
    private List<InetSocketAddress> stunBefore;
    private Map<NodeKey, String> codesBefore;

    @BeforeEach
    void engineWithAnAcceptedMap() {
        // No home region: the conductor never dials, so nothing here needs a transport.
        engine = new DerpEngine(DerpEngineConfig.defaults(), NodePrivateKey.generate(), DiscoPrivateKey.generate(),
            (p, regionId, buffer, offset, length) -> { },
            (ring, self) -> (region, node, ideal, listener) -> {
                throw new AssertionError("no region is dialed in this test");
            }, null).start();
        final Netmap.Builder netmap = Netmap.builder();
        netmap.addPeer(peer, DiscoPrivateKey.generate().publicKey(), 900);
        engine.updateNetmap(netmap.build());
        engine.updateDerpMap(ACCEPTED);
        awaitApplied(900);
        stunBefore = engine.stunServersV4();
        codesBefore = engine.relayCodesForPeers();
        assertThat(stunBefore).extracting(Object::toString).containsExactly("/127.0.0.1:3478");
        assertThat(codesBefore).containsExactly(Map.entry(peer, "a"));
    }

    /** The conductor applies a map on its next duty cycle: wait until the region shows in the status. */
    private void awaitApplied(final int regionId) {
        final long deadlineNs = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (engine.status().stream().noneMatch(s -> s.regionId() == regionId)) {
            assertThat(System.nanoTime() - deadlineNs).as("region %d applied in time", regionId).isNegative();
            LockSupport.parkNanos(1_000_000);
        }
    }

    @AfterEach
    void close() {
        engine.close();
    }

    @Test
    void aMapWithARegionIdAboveTheIntRangeIsRefusedAndTheEngineKeepsItsMap() {
        assertThatThrownBy(() -> engine.updateDerpMap(DerpMapParser.parse(REGION_ABOVE_INT)))
            .isInstanceOf(RuntimeException.class).hasMessageContaining("2147483648");

        assertThat(engine.stunServersV4()).isEqualTo(stunBefore);
        assertThat(engine.relayCodesForPeers()).isEqualTo(codesBefore);
    }

    @Test
    void aNullMapIsRefusedAndTheEngineKeepsItsMap() {
        assertThatThrownBy(() -> engine.updateDerpMap(null)).isInstanceOf(NullPointerException.class);

        assertThat(engine.stunServersV4()).isEqualTo(stunBefore);
        assertThat(engine.relayCodesForPeers()).isEqualTo(codesBefore);
    }
}
