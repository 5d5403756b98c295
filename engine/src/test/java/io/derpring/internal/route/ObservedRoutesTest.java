package io.derpring.internal.route;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.derpring.keys.DiscoPrivateKey;
import io.derpring.keys.NodeKey;
import io.derpring.keys.NodePrivateKey;
import io.derpring.netmap.Netmap;
import io.derpring.internal.netmap.NetmapHolder;
import io.derpring.testing.Allocations;
import io.derpring.testing.Vectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ObservedRoutesTest {
    private final Map<String, NodeKey> peers = new HashMap<>();

    private NodeKey peer(final String name) {
        return peers.computeIfAbsent(name, n -> NodePrivateKey.generate().publicKey());
    }

    private Netmap netmapOf(final Iterable<String> names) {
        final Netmap.Builder b = Netmap.builder();
        for (final String n : names) {
            b.addPeer(peer(n), DiscoPrivateKey.generate().publicKey(), Netmap.NO_REGION);
        }
        return b.build();
    }

    @Test
    @DisplayName("B51/B52: multiderp_rules.json observed_route_learning, step by step")
    void observedRouteLearningStepsMatchTheVector() {
        final NetmapHolder netmaps = new NetmapHolder(netmapOf(java.util.List.of("P1", "P2")));
        final ObservedRoutes routes = new ObservedRoutes(netmaps.current());
        netmaps.addListener(routes);
        for (final JsonNode step : Vectors.load("multiderp_rules.json").get("observed_route_learning")) {
            final Netmap netmap = netmaps.current();
            step.get("routes_before").properties().forEach(e ->
                routes.learn(netmap, netmap.peerIdOf(peer(e.getKey())), e.getValue().asInt()));
            if (step.has("netmap_peers")) {
                final java.util.List<String> names = new java.util.ArrayList<>();
                step.get("netmap_peers").forEach(p -> names.add(p.asText()));
                netmaps.publish(netmapOf(names));
            } else {
                final boolean changed = routes.learn(netmap, netmap.peerIdOf(peer(step.get("peer").asText())),
                    step.get("region").asInt());
                assertThat(changed).as(step.get("step").asText()).isEqualTo(step.get("changed").asBoolean());
            }
            final JsonNode after = step.get("routes_after");
            assertThat(routes.size()).as(step.get("step").asText()).isEqualTo(after.size());
            for (final Map.Entry<String, JsonNode> e : after.properties()) {
                assertThat(routes.regionOf(peer(e.getKey()))).as(step.get("step").asText())
                    .isEqualTo(e.getValue().asInt());
            }
        }
    }

    @Test
    void aRouteLearnedOnAnOlderSnapshotLandsOnTheSamePeerInTheNewOne() {
        final Netmap old = netmapOf(java.util.List.of("A", "B"));
        final ObservedRoutes routes = new ObservedRoutes(old);
        routes.onNetmapUpdate(netmapOf(java.util.List.of("B", "A")));
        routes.learn(old, old.peerIdOf(peer("A")), 903);
        assertThat(routes.regionOf(peer("A"))).isEqualTo(903);
        assertThat(routes.regionOf(peer("B"))).isEqualTo(ObservedRoutes.NO_REGION);
    }

    @Test
    void forgetOnlyClearsARouteThatStillPointsAtThatRegion() {
        final Netmap netmap = netmapOf(java.util.List.of("A"));
        final ObservedRoutes routes = new ObservedRoutes(netmap);
        routes.learn(netmap, 0, 901);
        assertThat(routes.forget(peer("A"), 900)).isFalse();
        assertThat(routes.regionOf(peer("A"))).isEqualTo(901);
        assertThat(routes.forget(peer("A"), 901)).isTrue();
        assertThat(routes.regionOf(peer("A"))).isEqualTo(ObservedRoutes.NO_REGION);
    }

    @Test
    void learningAndLookupAllocateNothing() {
        final Netmap netmap = netmapOf(java.util.List.of("A", "B"));
        final ObservedRoutes routes = new ObservedRoutes(netmap);
        final NodeKey a = peer("A");
        final long bytes = Allocations.measure(100_000, () -> {
            routes.learn(netmap, 0, 900);
            routes.learn(netmap, 0, 901);
            routes.regionOf(a);
        });
        assertThat(bytes).isLessThan(1024);
    }
}
