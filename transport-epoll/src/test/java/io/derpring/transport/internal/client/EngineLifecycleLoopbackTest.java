package io.derpring.transport.internal.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.derpring.derpmap.DerpMap;
import io.derpring.internal.frame.FrameType;
import io.derpring.internal.region.RegionConductor;
import io.derpring.keys.DiscoPrivateKey;
import io.derpring.keys.NodePrivateKey;
import io.derpring.metrics.EngineMetrics;
import io.derpring.region.RegionState;
import io.derpring.region.RegionStatus;
import io.derpring.transport.Transport;
import io.derpring.transport.engine.NettyDerpEngine;
import io.derpring.transport.engine.TlsMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 16's client rules end to end: a real engine on Netty, home on one loopback {@link MiniDerpServer}. Health
 * stamps, rebind (an address no longer valid; a relay that answers the Ping, one that does not) and the reconnect
 * storm (a relay that closes every connection right after ServerInfo).
 */
@Timeout(60)
class EngineLifecycleLoopbackTest {
    private static final int REGION = 900;

    private final NodePrivateKey self = NodePrivateKey.generate();
    private MiniDerpServer relay;
    private NettyDerpEngine engine;

    @AfterEach
    void close() throws Exception {
        if (engine != null) {
            engine.close();
        }
        if (relay != null) {
            relay.close();
        }
    }

    private NettyDerpEngine startHomedOnRelay() throws Exception {
        return startHomedOnRelay(false);
    }

    private NettyDerpEngine startHomedOnRelay(final boolean dieAfterServerInfo) throws Exception {
        relay = new MiniDerpServer(null);
        relay.dieAfterServerInfo = dieAfterServerInfo;
        engine = NettyDerpEngine.builder()
            .transport(Transport.detect())
            .ioThreads(1)
            .ringSize(64)
            .discoKeyCache(16)
            .tls(TlsMode.PLAIN_HTTP_FOR_TESTS)
            .keys(self, DiscoPrivateKey.generate())
            .dataplane((peer, region, buffer, offset, length) -> { })
            .build()
            .start();
        engine.engine().updateDerpMap(DerpMap.builder()
            .region(REGION, "r900", r -> r.node("900a", "127.0.0.1", relay.port())).build());
        engine.engine().setHomeRegion(REGION);
        Await.until("the map applied", () -> !engine.engine().status().isEmpty());
        return engine;
    }

    private long metric(final String name) {
        return engine.metrics().value(name);
    }

    private RegionStatus home() {
        final List<RegionStatus> all = engine.engine().status();
        return all.get(0);
    }

    @Test
    void healthStampsAreRecordedOnConnectThenAtMostOncePerFiveSeconds() throws Exception {
        startHomedOnRelay().connected().get(10, TimeUnit.SECONDS);
        Await.until("ServerInfo stamped", () -> home().lastFrameReceivedNs() != 0);
        final long first = home().lastFrameReceivedNs();
        final long startNs = System.nanoTime();

        // A KeepAlive every 100 ms: about 60 frames before the next stamp is due.
        final long rateNs = RegionStatus.FRAME_RECEIVE_RECORD_RATE.toNanos();
        final byte[] keepAlive = {FrameType.KEEP_ALIVE, 0, 0, 0, 0};
        while (metric(EngineMetrics.REGION_FRAME_STAMPS) < 2) {
            relay.clients.get(self.publicKey()).write(keepAlive, keepAlive.length);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
            assertThat(System.nanoTime() - startNs).as("the second stamp is overdue")
                .isLessThan(rateNs + TimeUnit.SECONDS.toNanos(20));
        }
        final long elapsedNs = System.nanoTime() - startNs;

        assertThat(home().lastFrameReceivedNs() - first).isGreaterThanOrEqualTo(rateNs);
        assertThat(metric(EngineMetrics.REGION_FRAME_STAMPS)).isLessThanOrEqualTo(1 + elapsedNs / rateNs + 1);
        assertThat(engine.metrics().value("derpring_engine_client_keep_alives_received")).isGreaterThan(10);
    }

    @Test
    void rebindWithoutTheLoopbackAddressClosesHomeAndReconnectsAtOnce() throws Exception {
        startHomedOnRelay().connected().get(10, TimeUnit.SECONDS);

        engine.engine().rebind(Set.of(InetAddress.getByName("192.0.2.1")));

        Await.until("closed by rebind and connected again", () -> metric(EngineMetrics.REGION_REBIND_CLOSES) == 1
            && metric(EngineMetrics.REGION_CONNECTS) == 2 && home().state() == RegionState.CONNECTED);
        assertThat(metric(EngineMetrics.REGION_RECONNECTS)).as("no backoff in between").isZero();
        assertThat(engine.metrics().valuesStartingWith(EngineMetrics.CLIENT_CLOSES_PREFIX))
            .containsEntry("locally", 1L);
    }

    @Test
    void rebindPingsAConnectionOnAValidAddressAndKeepsItWhenThePongComes() throws Exception {
        startHomedOnRelay().connected().get(10, TimeUnit.SECONDS);

        engine.engine().rebind(Set.of(InetAddress.getByName("127.0.0.1")));

        Await.until("rebind's ping answered", () -> metric(EngineMetrics.REGION_REBIND_PINGS_ANSWERED) == 1);
        assertThat(metric(EngineMetrics.REGION_CONNECTS)).isEqualTo(1);
        assertThat(metric(EngineMetrics.REGION_REBIND_CLOSES)).isZero();
        assertThat(home().state()).isEqualTo(RegionState.CONNECTED);
    }

    @Test
    void rebindWithTheHostsOwnInterfacesKeepsALoopbackConnection() throws Exception {
        startHomedOnRelay().connected().get(10, TimeUnit.SECONDS);

        engine.engine().rebind(); // lo is up and carries 127.0.0.1

        Await.until("rebind's ping answered", () -> metric(EngineMetrics.REGION_REBIND_PINGS_ANSWERED) == 1);
        assertThat(metric(EngineMetrics.REGION_REBIND_CLOSES)).isZero();
    }

    @Test
    void rebindClosesAConnectionWhoseRelayDoesNotAnswerThePing() throws Exception {
        startHomedOnRelay().connected().get(10, TimeUnit.SECONDS);
        relay.answerPings = false;
        final long startNs = System.nanoTime();

        engine.engine().rebind(Set.of(InetAddress.getByName("127.0.0.1")));

        Await.until("closed for the missing pong and connected again",
            () -> metric(EngineMetrics.REGION_REBIND_PING_TIMEOUTS) == 1 && metric(EngineMetrics.REGION_CONNECTS) == 2,
            Duration.ofSeconds(30));
        assertThat(System.nanoTime() - startNs).as("not before the ping timeout")
            .isGreaterThanOrEqualTo(RegionConductor.REBIND_PING_TIMEOUT.toNanos());
        assertThat(metric(EngineMetrics.REGION_REBIND_PINGS_ANSWERED)).isZero();
        assertThat(metric(EngineMetrics.REGION_RECONNECTS)).as("home redials at once, no backoff").isZero();
    }

    @Test
    void aRelayClosingEveryConnectionAfterServerInfoIsRedialedOnTheBackoffCurve() throws Exception {
        startHomedOnRelay(true);

        // On the old rule ServerInfo reset the backoff: consecutive failures stayed at 1 and dials came ~10 ms apart.
        Await.until("eight consecutive failures, each after a handshake",
            () -> home().consecutiveFailures() >= 8, Duration.ofSeconds(30));

        assertThat(relay.handshakes.get()).isGreaterThanOrEqualTo(8);
        assertThat(relay.handshakes.get()).as("dials follow the failures, one each")
            .isLessThanOrEqualTo(home().consecutiveFailures() + 2L);
        assertThat(metric(EngineMetrics.CLIENT_DISCONNECTS)).isGreaterThanOrEqualTo(7);
        assertThat(engine.metrics().valuesStartingWith(EngineMetrics.CLIENT_CLOSES_PREFIX).entrySet())
            .filteredOn(e -> e.getValue() > 0).extracting(java.util.Map.Entry::getKey)
            .isSubsetOf("by_server", "io_error");
    }
}
