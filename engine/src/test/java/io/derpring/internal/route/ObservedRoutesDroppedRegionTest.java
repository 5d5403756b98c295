package io.derpring.internal.route;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;

import io.derpring.keys.DiscoPrivateKey;
import io.derpring.keys.NodeKey;
import io.derpring.keys.NodePrivateKey;
import io.derpring.netmap.Netmap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The conductor forgets a dropped region's routes while the route-learning stage may still hold frames received on
 * that connection: such a late frame must not teach a route to the dropped region again.
 */
class ObservedRoutesDroppedRegionTest {
    private static final int DROPPED = 7;
    private static final int OTHER = 8;
    /** Rounds of the learn-versus-drop race: bounded, and each round is two short calls on two threads. */
    private static final int RACE_ROUNDS = 20_000;

    private final NodeKey peer = NodePrivateKey.generate().publicKey();
    private final Netmap netmap = netmapOf(peer);
    private final int peerId = netmap.peerIdOf(peer);
    private final ObservedRoutes routes = new ObservedRoutes(netmap);

    private static Netmap netmapOf(final NodeKey peer) {
        final Netmap.Builder b = Netmap.builder();
        b.addPeer(peer, DiscoPrivateKey.generate().publicKey(), Netmap.NO_REGION);
        return b.build();
    }

    @Test
    void aLateFrameFromADroppedRegionTeachesNoRoute() {
        routes.learn(netmap, peerId, DROPPED);
        routes.forgetRegion(DROPPED);

        assertThat(routes.learn(netmap, peerId, DROPPED)).isFalse();
        assertThat(routes.regionOf(peer)).isEqualTo(ObservedRoutes.NO_REGION);
    }

    @Test
    void aRegionDialledAgainTeachesRoutesAgain() {
        routes.forgetRegion(DROPPED);
        routes.regionDialled(DROPPED);

        assertThat(routes.learn(netmap, peerId, DROPPED)).isTrue();
        assertThat(routes.regionOf(peer)).isEqualTo(DROPPED);
    }

    @Test
    void aDroppedRegionStillLetsOtherRegionsTeachRoutes() {
        routes.forgetRegion(DROPPED);

        assertThat(routes.learn(netmap, peerId, OTHER)).isTrue();
        assertThat(routes.regionOf(peer)).isEqualTo(OTHER);
    }

    @Test
    void aDialOfAnotherRegionKeepsTheDroppedOneRefused() {
        routes.forgetRegion(DROPPED);
        routes.forgetRegion(OTHER);
        routes.regionDialled(OTHER);

        assertThat(routes.learn(netmap, peerId, DROPPED)).isFalse();
        assertThat(routes.learn(netmap, peerId, OTHER)).isTrue();
    }

    /**
     * The stage's learn and the conductor's drop start together, many times: whichever wins, no route to the dropped
     * region is left once both have returned (the learn re-checks after its write, the drop scans after publishing).
     */
    @Tag("stress")
    @Test
    @Timeout(60)
    void aLearnRacingTheDropOfItsRegionNeverLeavesARouteToIt() throws Exception {
        final CyclicBarrier start = new CyclicBarrier(2);
        final CyclicBarrier done = new CyclicBarrier(2);
        final Thread stage = new Thread(() -> {
            try {
                for (int round = 0; round < RACE_ROUNDS; round++) {
                    start.await(10, TimeUnit.SECONDS);
                    routes.learn(netmap, peerId, DROPPED);
                    done.await(10, TimeUnit.SECONDS);
                }
            } catch (final Exception e) {
                throw new IllegalStateException(e);
            }
        }, "route-stage");
        stage.start();
        int leftRoutes = 0;
        for (int round = 0; round < RACE_ROUNDS; round++) {
            routes.forget(peer, DROPPED);
            routes.regionDialled(DROPPED);
            start.await(10, TimeUnit.SECONDS);
            routes.forgetRegion(DROPPED);
            done.await(10, TimeUnit.SECONDS);
            if (routes.regionOf(peer) == DROPPED) {
                leftRoutes++;
            }
        }
        stage.join(10_000);

        assertThat(leftRoutes).as("rounds that left a route to the dropped region").isZero();
    }
}
