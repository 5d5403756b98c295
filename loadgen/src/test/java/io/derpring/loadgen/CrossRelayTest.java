package io.derpring.loadgen;

import static io.derpring.loadgen.LoadGeneratorTest.assertNothingUnexplained;
import static io.derpring.loadgen.LoadGeneratorTest.run;
import static io.derpring.loadgen.LoadGeneratorTest.shortRun;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

import io.derpring.internal.relay.MeshPeer;
import io.derpring.keys.MeshKey;
import io.derpring.runtime.InvalidConfigException;
import io.derpring.server.DerpRelayServer;
import io.derpring.server.MeshAddress;
import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code loadgen --cross-relay}: each pair's two ends on different relays of a mesh, so every packet crosses it. */
@Timeout(120)
class CrossRelayTest {
    private static final MeshKey MESH = MeshKey.parse("3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c");

    @Test
    void embeddedRelaysAreMeshedAndEveryPairDeliversAcrossThemWithNothingUnexplained() throws Exception {
        final LoadReport r = run(shortRun().pairs(6).regions(3).client(ClientKind.RAW).crossRelay(true).build());
        assertNothingUnexplained(r);
        assertThat(r.droppedByRelay()).isZero();
        assertThat(r.receivedByRegion()).containsOnlyKeys(1, 2, 3);
        assertThat(r.receivedByRegion().values()).allSatisfy(n -> assertThat(n).isPositive());
    }

    @Test
    void externalMeshedRelaysCarryEveryPacketOverTheMesh() throws Exception {
        final List<MeshAddress> region = MeshRegion.addresses(3);
        final List<DerpRelayServer> relays = new ArrayList<>();
        try {
            final List<URI> urls = new ArrayList<>();
            final List<URI> metrics = new ArrayList<>();
            for (final MeshAddress a : region) {
                final DerpRelayServer s = DerpRelayServer.builder()
                    .listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), a.port()))
                    .metricsAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).threads(1)
                    .meshKey(MESH).meshWith(region).build().start();
                relays.add(s);
                urls.add(URI.create("http://127.0.0.1:" + a.port()));
                metrics.add(URI.create("http://127.0.0.1:" + s.metricsAddress().getPort() + "/metrics"));
            }
            awaitMeshLinksUp(relays);
            final LoadReport r = run(shortRun().pairs(3).client(ClientKind.RAW).crossRelay(true).relays(urls)
                .relayMetrics(metrics).build());
            assertThat(r.relayDropsKnown()).isTrue();
            assertNothingUnexplained(r);
            long overMesh = 0;
            for (final DerpRelayServer s : relays) {
                for (final MeshPeer<ByteBuf> p : s.meshPeers()) {
                    overMesh += p.packetsForwarded();
                }
            }
            assertThat(overMesh).as("every data packet and ack went over the mesh")
                .isEqualTo(r.sent() + r.acksSent() - r.droppedByRelay());
        } finally {
            for (final DerpRelayServer s : relays) {
                s.close();
            }
        }
    }

    @Test
    void crossRelayRefusesEngineClientsSayingWhy() {
        assertThatThrownBy(() -> shortRun().regions(2).client(ClientKind.ENGINE).crossRelay(true).build())
            .isInstanceOf(InvalidConfigException.class).hasMessageContaining("--cross-relay needs --client raw");
    }

    @Test
    void crossRelayNeedsTwoRelays() {
        assertThatThrownBy(() -> shortRun().regions(1).client(ClientKind.RAW).crossRelay(true).build())
            .isInstanceOf(InvalidConfigException.class).hasMessageContaining("at least two relays");
        assertThat(shortRun().regions(2).client(ClientKind.RAW).crossRelay(true).build().crossRelay()).isTrue();
    }

    /**
     * External relays start one after another, so the first ones' mesh dials are refused and retried on their backoff;
     * traffic sent before every link is up is dropped by the relay (counted, but then most of a short run is drops).
     */
    private static void awaitMeshLinksUp(final List<DerpRelayServer> relays) throws InterruptedException {
        final long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
        while (!relays.stream().allMatch(s -> s.meshPeers().stream().allMatch(p -> p.isSelf() || p.isConnected()))) {
            assertThat(System.nanoTime()).as("mesh links up within 20 s").isLessThan(deadline);
            Thread.sleep(10);
        }
    }
}
