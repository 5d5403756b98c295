package io.derpring.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import io.derpring.internal.metrics.PrometheusTextParser;
import io.derpring.internal.relay.MeshPeer;
import io.derpring.internal.relay.Relay;
import io.derpring.internal.relay.RelayConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.Test;

/** Per-peer mesh metrics: one sample per configured peer, never per client, and a page that still parses. */
class MeshMetricsTextTest {
    @Test
    void eachConfiguredPeerHasItsStateAndCountersAndThePageParses() {
        final Relay<ByteBuf> relay = new Relay<>(RelayConfig.builder().build(),
            new PooledFrameMemory(PooledByteBufAllocator.DEFAULT), null);
        final MeshPeer<ByteBuf> b = relay.addMeshPeer("derp2.example.com");
        relay.addMeshPeer("derp3.example.com");
        final PrometheusTextParser page = PrometheusTextParser.parse(
            RelayMetricsText.render(MetricsTextTest.distinctValues(), relay.meshPeers()));
        assertThat(page.samples).containsEntry("derp_mesh_peer_up{peer=\"derp2.example.com\"}", 0L)
            .containsEntry("derp_mesh_peer_keys{peer=\"derp3.example.com\"}", 0L)
            .containsEntry("derp_mesh_peer_connects_total{peer=\"derp2.example.com\"}", 0L)
            .containsEntry("derp_mesh_peer_keys_refused_total{peer=\"derp2.example.com\"}", b.keysRefused())
            .containsEntry("derp_mesh_peer_keys_forgotten_total{peer=\"derp3.example.com\"}", 0L)
            .containsEntry("derp_mesh_peer_packets_forwarded_total{peer=\"derp2.example.com\"}", b.packetsForwarded())
            .containsEntry("derp_mesh_peer_packets_dropped_total{peer=\"derp3.example.com\","
                + "reason=\"mesh_peer_unavailable\"}", 0L);
        assertThat(page.types).containsEntry("derp_mesh_peer_up", "gauge")
            .containsEntry("derp_mesh_peer_packets_forwarded_total", "counter")
            .containsEntry("derp_mesh_peer_keys_refused_total", "counter");
    }

    @Test
    void withoutMeshPeersThePageHasNoPerPeerFamilies() {
        final String page = RelayMetricsText.render(MetricsTextTest.distinctValues(), List.of());
        assertThat(page).doesNotContain("derp_mesh_peer_");
    }
}
