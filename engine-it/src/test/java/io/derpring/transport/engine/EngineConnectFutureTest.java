package io.derpring.transport.engine;

import static io.derpring.transport.engine.LoopbackRegions.R900;
import static io.derpring.transport.engine.LoopbackRegions.R901;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.derpring.derpmap.DerpMap;
import io.derpring.internal.engine.DerpEngineConfig;
import io.derpring.keys.DiscoPrivateKey;
import io.derpring.keys.NodeKey;
import io.derpring.keys.NodePrivateKey;
import io.derpring.netmap.Netmap;
import io.derpring.region.RegionConnectTimeoutException;
import io.derpring.region.RegionState;
import io.derpring.server.Await;
import io.derpring.transport.Transport;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code connected()} and {@code awaitConnected()} of a real engine: against a loopback relay they complete on
 * ServerInfo; against a node that refuses connections they fail, after the (short) timeout, with the last connection
 * error.
 */
@Timeout(120)
class EngineConnectFutureTest {
    /** Short, so the failure path is quick; a refused loopback dial fails within a millisecond, well inside it. */
    private static final Duration SHORT_TIMEOUT = Duration.ofMillis(300);
    /** Bound on every wait: a real failure (a future that never settles) clearly exceeds it. */
    private static final long WAIT_SECONDS = 20;

    private LoopbackRegions regions;
    private NettyDerpEngine engine;

    @AfterEach
    void close() {
        if (engine != null) {
            engine.close();
        }
        if (regions != null) {
            regions.close();
        }
    }

    private static NettyDerpEngine startEngine(final Duration connectTimeout) {
        return NettyDerpEngine.builder()
            .ringSize(64).discoKeyCache(DerpEngineConfig.MIN_DISCO_KEY_CACHE).connectedTimeout(connectTimeout)
            .transport(Transport.detect()).ioThreads(1).tls(TlsMode.PLAIN_HTTP_FOR_TESTS)
            .keys(NodePrivateKey.generate(), DiscoPrivateKey.generate())
            .dataplane((peer, regionId, buffer, offset, length) -> { })
            .build()
            .start();
    }

    /** A loopback port nothing listens on: bound, then closed, so a dial there is refused. */
    private static int refusingPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static DerpMap mapWithRefusingNode() throws IOException {
        final int port = refusingPort();
        return DerpMap.builder().region(R900, "refused", r -> r.node("900a", "127.0.0.1", port)).build();
    }

    private RegionState state(final int regionId) {
        return engine.engine().status().stream().filter(s -> s.regionId() == regionId).findFirst()
            .orElseThrow().state();
    }

    @Test
    void connectedCompletesOnTheHomeRegionsFirstServerInfo() throws Exception {
        regions = new LoopbackRegions(Transport.detect());
        engine = startEngine(DerpEngineConfig.DEFAULT_CONNECT_TIMEOUT);
        final CompletableFuture<Void> connected = engine.connected();
        engine.engine().updateDerpMap(regions.map());
        engine.engine().setHomeRegion(R900);

        connected.get(WAIT_SECONDS, TimeUnit.SECONDS);

        assertThat(state(R900)).isEqualTo(RegionState.CONNECTED);
    }

    @Test
    void awaitConnectedCompletesWhenTheRegionConnects() throws Exception {
        regions = new LoopbackRegions(Transport.detect());
        engine = startEngine(DerpEngineConfig.DEFAULT_CONNECT_TIMEOUT);
        engine.engine().updateDerpMap(regions.map());
        final CompletableFuture<Void> region901 = engine.awaitConnected(R901, Duration.ofSeconds(WAIT_SECONDS));
        engine.engine().setHomeRegion(R901);

        region901.get(WAIT_SECONDS, TimeUnit.SECONDS);

        assertThat(state(R901)).isEqualTo(RegionState.CONNECTED);
    }

    /**
     * Waits until region {@code regionId} has failed a dial. The first dial in a JVM can take longer than the short
     * timeout (class loading, the ring of a new io_uring loop), so the failure tests wait for it before their timeout
     * starts, and the error is always there to report.
     */
    private void awaitAFailedDial(final int regionId) {
        Await.awaitTrue("region " + regionId + " failed a dial", () -> engine.engine().status().stream()
            .anyMatch(s -> s.regionId() == regionId && s.consecutiveFailures() > 0), Duration.ofSeconds(WAIT_SECONDS));
    }

    @Test
    void connectedFailsWithTheLastConnectionErrorWhenTheHomeNodeRefuses() throws Exception {
        engine = startEngine(SHORT_TIMEOUT);
        engine.engine().updateDerpMap(mapWithRefusingNode());
        final NodeKey peer = NodePrivateKey.generate().publicKey();
        final Netmap.Builder netmap = Netmap.builder();
        netmap.addPeer(peer, DiscoPrivateKey.generate().publicKey(), R900);
        engine.engine().updateNetmap(netmap.build());
        Await.awaitTrue("map applied", () -> engine.engine().status().stream().anyMatch(s -> s.regionId() == R900),
            Duration.ofSeconds(WAIT_SECONDS));
        engine.engine().send(peer, new UnsafeBuffer(new byte[8]), 0, 8); // wakes 900 before it is home
        awaitAFailedDial(R900);
        engine.engine().setHomeRegion(R900); // the timeout starts here

        assertThatThrownBy(() -> engine.connected().get(WAIT_SECONDS, TimeUnit.SECONDS))
            .isInstanceOf(ExecutionException.class)
            .cause().isInstanceOf(RegionConnectTimeoutException.class)
            .hasMessageContaining("region 900 not connected within " + SHORT_TIMEOUT)
            .hasRootCauseInstanceOf(ConnectException.class);
    }

    @Test
    void awaitConnectedFailsWithTheLastConnectionErrorWhenTheNodeRefuses() throws Exception {
        engine = startEngine(DerpEngineConfig.DEFAULT_CONNECT_TIMEOUT);
        engine.engine().updateDerpMap(mapWithRefusingNode());
        engine.engine().setHomeRegion(R900);
        awaitAFailedDial(R900);

        assertThatThrownBy(() -> engine.awaitConnected(R900, SHORT_TIMEOUT).get(WAIT_SECONDS, TimeUnit.SECONDS))
            .isInstanceOf(ExecutionException.class)
            .cause().isInstanceOf(RegionConnectTimeoutException.class)
            .hasRootCauseInstanceOf(ConnectException.class);
    }
}
