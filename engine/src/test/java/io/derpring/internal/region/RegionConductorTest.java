package io.derpring.internal.region;

import io.derpring.engine.OutboundOverflow;
import io.derpring.engine.ReconnectSchedule;
import io.derpring.engine.SendResult;
import io.derpring.region.RegionState;

import static io.derpring.internal.region.RegionHarness.packet;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;

import io.derpring.netmap.Netmap;
import io.derpring.internal.route.ObservedRoutes;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** SPEC §5.1–§5.3, §5.8 through the conductor, with a fake clock and dialer (no threads, no sockets). */
class RegionConductorTest {
    private static final long IDLE_MS = TimeUnit.NANOSECONDS.toMillis(RegionSettings.defaults().idleTimeoutNs());

    private final RegionHarness h = new RegionHarness();

    private RegionHarness.FakeLink connectHome(final int region) {
        h.conductor.updateDerpMap(RegionHarness.map(3));
        h.conductor.selectHome(region);
        h.work();
        final RegionHarness.FakeLink link = h.dialer.last(region);
        link.connect();
        h.work();
        return link;
    }

    @Test
    @DisplayName("B45: the home region connects without traffic and is never closed for idleness")
    void homeRegionConnectsWithoutTrafficAndNeverIdlesOut() {
        final RegionHarness.FakeLink home = connectHome(900);

        assertThat(h.status(900).state()).isEqualTo(RegionState.CONNECTED);
        h.advanceMillis(10 * IDLE_MS);
        h.work();
        assertThat(home.closed).isFalse();
        assertThat(h.status(900).state()).isEqualTo(RegionState.CONNECTED);
        assertThat(h.dialer.to(901)).isEmpty();
    }

    @Test
    @DisplayName("B46: a non-home region opens on the first packet, and that packet is sent after connecting")
    void nonHomeRegionWakesOnTrafficAndSendsTheWakingPacket() {
        connectHome(900);
        final UnsafeBuffer first = packet(100, 1);

        assertThat(h.router.send(h.peerHomedOn901, first, 0, 100)).isEqualTo(SendResult.QUEUED);
        h.work();
        final RegionHarness.FakeLink link = h.dialer.last(901);
        assertThat(link.sent).isEmpty();
        link.connect();
        h.work();

        assertThat(link.sent).containsExactly(first.byteArray());
        assertThat(h.router.send(h.peerHomedOn901, packet(10, 2), 0, 10)).isEqualTo(SendResult.ACCEPTED);
        assertThat(link.sent).hasSize(2);
    }

    @Test
    @DisplayName("B46: a queued disco frame wakes a dormant region and is sent after connecting")
    void queuedDiscoFrameWakesADormantRegion() {
        connectHome(900);
        final UnsafeBuffer frame = packet(80, 3);

        assertThat(h.router.sendDisco(h.peerWithoutHome, 902, frame, 0, 80)).isEqualTo(SendResult.QUEUED);
        h.work();
        final RegionHarness.FakeLink link = h.dialer.last(902);
        link.connect();
        h.work();

        assertThat(link.discoSent).containsExactly(frame.byteArray());
    }

    @Test
    @DisplayName("B44: one connection per region; a second packet to the region reuses it")
    void oneConnectionPerRegion() {
        connectHome(900);
        h.router.send(h.peerHomedOn901, packet(10, 1), 0, 10);
        h.router.send(h.peerHomedOn901, packet(10, 2), 0, 10);
        h.work();
        h.work();
        h.dialer.last(901).connect();
        h.work();
        h.router.send(h.peerHomedOn901, packet(10, 3), 0, 10);
        h.work();

        assertThat(h.dialer.to(901)).hasSize(1);
        assertThat(h.dialer.last(901).sent).hasSize(3);
    }

    @Test
    @DisplayName("B47: a non-home region idle for the timeout closes; traffic just before the deadline extends it")
    void idleNonHomeRegionClosesAndTrafficExtendsTheDeadline() {
        connectHome(900);
        h.router.send(h.peerHomedOn901, packet(10, 1), 0, 10);
        h.work();
        final RegionHarness.FakeLink link = h.dialer.last(901);
        link.connect();
        h.work();

        h.advanceMillis(IDLE_MS - 1);
        h.router.send(h.peerHomedOn901, packet(10, 2), 0, 10);
        h.advanceMillis(IDLE_MS - 1);
        link.lastReceiveNs = h.nowNs; // a received frame counts as activity too
        h.advanceMillis(IDLE_MS - 1);
        h.work();
        assertThat(link.closed).isFalse();

        h.advanceMillis(1);
        h.work();
        assertThat(link.closed).isTrue();
        assertThat(h.status(901).state()).isEqualTo(RegionState.DORMANT);
        assertThat(h.conductor.counters().get(RegionCounter.IDLE_CLOSES)).isEqualTo(1);
    }

    @Test
    void referenceIdleTimeoutOfTenSecondsIsConfigurable() {
        final RegionHarness ref = new RegionHarness(new RegionSettings(TimeUnit.SECONDS.toNanos(10),
            ReconnectSchedule.FLAT_500MS, 32, 8));
        ref.conductor.updateDerpMap(RegionHarness.map(2));
        ref.router.send(ref.peerWithoutHome, packet(10, 1), 0, 10); // no home yet: no region to send to
        assertThat(ref.conductor.counters().get(RegionCounter.DROPPED_NO_REGION)).isEqualTo(1);
        ref.conductor.selectHome(900);
        ref.work();
        ref.router.send(ref.peerHomedOn901, packet(10, 1), 0, 10);
        ref.work();
        ref.dialer.last(901).connect();
        ref.work();
        ref.advanceMillis(10_000);
        ref.work();
        assertThat(ref.dialer.last(901).closed).isTrue();
    }

    @Test
    @DisplayName("B48: after an error the region reconnects after the backoff delay; a proven connection resets it")
    void failedConnectionReconnectsAfterBackoffAndSuccessResetsIt() {
        final RegionHarness.FakeLink first = connectHome(900);
        first.fail("reset by peer");
        h.work();
        assertThat(h.status(900).state()).isEqualTo(RegionState.BACKOFF);

        h.advanceMillis(9); // first failure: 10 ms (jitter fixed at x1.0)
        h.work();
        assertThat(h.dialer.to(900)).hasSize(1);
        h.advanceMillis(1);
        h.work();
        final RegionHarness.FakeLink second = h.dialer.last(900);
        assertThat(h.dialer.to(900)).hasSize(2);
        assertThat(second.node).as("moves to the region's next node").isEqualTo("900b");
        assertThat(second.idealNode).isEqualTo("900a");

        second.fail("refused");
        h.work();
        h.advanceMillis(39); // second consecutive failure: 40 ms
        h.work();
        assertThat(h.dialer.to(900)).hasSize(2);
        h.advanceMillis(1);
        h.work();
        final RegionHarness.FakeLink third = h.dialer.last(900);
        third.connect();
        h.work();
        assertThat(h.status(900).consecutiveFailures()).as("ServerInfo alone is no proof (issue 16)").isEqualTo(2);
        h.advanceMillis(TimeUnit.NANOSECONDS.toMillis(RegionSettings.DEFAULT_MIN_STABLE_CONNECTION.toNanos()));
        h.work();
        assertThat(h.status(900).consecutiveFailures()).isZero();

        third.fail("again");
        h.work();
        h.advanceMillis(10); // reset: back to the first step
        h.work();
        assertThat(h.dialer.to(900)).hasSize(4);
    }

    @Test
    void homeKeepsRetryingButAnIdleNonHomeRegionDoesNot() {
        connectHome(900);
        h.router.send(h.peerHomedOn901, packet(10, 1), 0, 10);
        h.work();
        h.dialer.last(901).connect();
        h.work();
        h.advanceMillis(IDLE_MS + 1); // no traffic since
        h.dialer.last(901).fail("gone");
        h.dialer.last(900).fail("gone");
        h.work();
        h.advanceMillis(1_000);
        h.work();

        assertThat(h.dialer.to(900)).hasSize(2);
        assertThat(h.dialer.to(901)).hasSize(1);
        assertThat(h.status(901).state()).isEqualTo(RegionState.DORMANT);
    }

    @Test
    void oneRegionsFailureNeverAffectsAnother() {
        final RegionHarness.FakeLink home = connectHome(900);
        h.router.send(h.peerHomedOn901, packet(10, 1), 0, 10);
        h.work();
        h.dialer.last(901).fail("tls handshake failed");
        h.work();

        assertThat(home.closed).isFalse();
        assertThat(h.status(900).state()).isEqualTo(RegionState.CONNECTED);
        assertThat(h.status(901).lastError()).contains("tls handshake failed");
    }

    @Test
    @DisplayName("B49/B67: a home change demotes the old home (NotePreferred 0, idle-closable) and promotes the new (1)")
    void homeChangeDemotesTheOldHomeAndPromotesTheNew() {
        final RegionHarness.FakeLink oldHome = connectHome(900);
        assertThat(oldHome.preferred).containsExactly(true);

        h.conductor.selectHome(901);
        h.work();
        final RegionHarness.FakeLink newHome = h.dialer.last(901);
        newHome.connect();
        h.work();

        assertThat(oldHome.preferred).containsExactly(true, false);
        assertThat(newHome.preferred).containsExactly(true);
        h.advanceMillis(IDLE_MS + 1);
        h.work();
        assertThat(oldHome.closed).as("the old home idles out").isTrue();
        assertThat(newHome.closed).isFalse();
        assertThat(h.listener.events).contains("home 900->901");
    }

    @Test
    @DisplayName("B49: re-selecting the same home changes nothing")
    void reselectingTheSameHomeChangesNothing() {
        final RegionHarness.FakeLink home = connectHome(900);
        h.conductor.selectHome(900);
        h.work();
        assertThat(home.preferred).containsExactly(true);
        assertThat(h.listener.events).containsOnlyOnce("home 0->900");
    }

    @Test
    @DisplayName("B50: no selection keeps the current home; a home not yet in the map connects when it appears")
    void noSelectionKeepsHomeAndAHomeOutsideTheMapConnectsWhenItArrives() {
        connectHome(900);
        h.conductor.selectHome(HomeTransition.NONE);
        h.work();
        assertThat(h.conductor.home()).isEqualTo(900);

        h.conductor.selectHome(905);
        h.work();
        assertThat(h.dialer.to(905)).isEmpty();
        h.conductor.updateDerpMap(RegionHarness.map(6));
        h.work();
        h.work();
        assertThat(h.dialer.to(905)).hasSize(1);
        assertThat(h.status(905).home()).isTrue();
    }

    @Test
    @DisplayName("B63: a DERP-map update that changes a region closes its connection and reconnects to the new nodes")
    void changedRegionReconnectsToItsNewNodes() {
        final RegionHarness.FakeLink home = connectHome(900);
        h.conductor.updateDerpMap(RegionHarness.mapWithChangedRegion(3, 900));
        h.work();
        h.work();

        assertThat(home.closed).isTrue();
        assertThat(h.dialer.to(900)).hasSize(2);
        assertThat(h.conductor.counters().get(RegionCounter.MAP_CLOSES)).isEqualTo(1);
    }

    @Test
    @DisplayName("B63: an unchanged region keeps its connection across map updates")
    void unchangedRegionKeepsItsConnection() {
        final RegionHarness.FakeLink home = connectHome(900);
        h.conductor.updateDerpMap(RegionHarness.map(3));
        h.work();
        assertThat(home.closed).isFalse();
        assertThat(h.dialer.to(900)).hasSize(1);
    }

    @Test
    @DisplayName("B63: removing regions from the map closes them")
    void removedRegionsAreClosed() {
        final RegionHarness.FakeLink home = connectHome(902);
        h.conductor.updateDerpMap(RegionHarness.map(1));
        h.work();
        assertThat(home.closed).isTrue();
        assertThat(h.conductor.home()).isEqualTo(HomeTransition.NONE);
        assertThat(h.router.sendDisco(h.peerWithoutHome, 902, packet(70, 1), 0, 70)).isEqualTo(SendResult.NO_ROUTE);
    }

    @Test
    @DisplayName("B60: send_disco to a region not in the DERP map drops it and opens nothing")
    void discoToARegionNotInTheMapIsDroppedAndOpensNothing() {
        connectHome(900);
        assertThat(h.router.sendDisco(h.peerWithoutHome, 999, packet(70, 1), 0, 70)).isEqualTo(SendResult.NO_ROUTE);
        h.work();
        assertThat(h.dialer.to(999)).isEmpty();
        assertThat(h.conductor.counters().get(RegionCounter.DISCO_DROPPED_UNKNOWN_REGION)).isEqualTo(1);
    }

    @Test
    @DisplayName("B61: the disco queue holds 8; a 9th frame while the region connects is dropped, not blocking")
    void discoQueueHoldsEightThenDropsTheNewest() {
        connectHome(900);
        for (int i = 0; i < 8; i++) {
            assertThat(h.router.sendDisco(h.peerWithoutHome, 902, packet(70, i), 0, 70)).isEqualTo(SendResult.QUEUED);
        }
        assertThat(h.router.sendDisco(h.peerWithoutHome, 902, packet(70, 8), 0, 70)).isEqualTo(SendResult.BACK_PRESSURED);
        assertThat(h.conductor.counters().get(RegionCounter.DISCO_DROPPED_QUEUE_FULL)).isEqualTo(1);
        h.work();
        h.dialer.last(902).connect();
        h.work();
        assertThat(h.dialer.last(902).discoSent).hasSize(8);
        assertThat(h.dialer.last(902).discoSent.get(0)).isEqualTo(packet(70, 0).byteArray());
    }

    @Test
    @DisplayName("B65 (drop-oldest option): the per-region queue is bounded (32); on overflow the oldest is dropped and counted")
    void outboundQueueIsBoundedAndDropsTheOldest() {
        final RegionHarness go = new RegionHarness(
            RegionSettings.defaults().withOutboundOverflow(OutboundOverflow.DROP_OLDEST));
        go.conductor.updateDerpMap(RegionHarness.map(3));
        go.conductor.selectHome(900);
        go.work();
        go.dialer.last(900).connect();
        go.work();
        for (int i = 0; i < 40; i++) {
            assertThat(go.router.send(go.peerHomedOn901, packet(20, i), 0, 20)).isEqualTo(SendResult.QUEUED);
        }
        assertThat(go.conductor.counters().get(RegionCounter.DROPPED_QUEUE_OLDEST)).isEqualTo(8);
        go.work();
        go.dialer.last(901).connect();
        go.work();
        final RegionHarness.FakeLink link = go.dialer.last(901);
        assertThat(link.sent).hasSize(32);
        assertThat(link.sent.get(0)).isEqualTo(packet(20, 8).byteArray());
        assertThat(link.sent.get(31)).isEqualTo(packet(20, 39).byteArray());
    }

    @Test
    @DisplayName("B53: a peer without a netmap home goes via its observed route, else our home")
    void peerWithoutNetmapHomeUsesObservedRouteElseOurHome() {
        final RegionHarness.FakeLink home = connectHome(900);
        h.router.send(h.peerWithoutHome, packet(10, 1), 0, 10);
        assertThat(home.sent).hasSize(1);

        h.routes.learn(h.netmaps.current(), h.netmaps.current().peerIdOf(h.peerWithoutHome), 902);
        h.router.send(h.peerWithoutHome, packet(10, 2), 0, 10);
        h.work();
        assertThat(h.dialer.to(902)).hasSize(1);
        assertThat(home.sent).hasSize(1);
    }

    @Test
    void peerGoneForgetsTheRouteThroughThatRegion() {
        final RegionHarness.FakeLink home = connectHome(900);
        final Netmap netmap = h.netmaps.current();
        h.routes.learn(netmap, netmap.peerIdOf(h.peerWithoutHome), 900);
        home.listener.onPeerGone(h.peerWithoutHome, 0);
        h.work();
        assertThat(h.routes.regionOf(h.peerWithoutHome)).isEqualTo(ObservedRoutes.NO_REGION);
    }

    @Test
    void aDroppedConnectionForgetsEveryRouteThroughIt() {
        final RegionHarness.FakeLink home = connectHome(900);
        final Netmap netmap = h.netmaps.current();
        h.routes.learn(netmap, netmap.peerIdOf(h.peerWithoutHome), 900);
        home.fail("eof");
        h.work();
        assertThat(h.routes.regionOf(h.peerWithoutHome)).isEqualTo(ObservedRoutes.NO_REGION);
    }

    @Test
    void eventsFromAnOlderConnectionAreIgnored() {
        final RegionHarness.FakeLink first = connectHome(900);
        first.fail("x");
        h.work();
        h.advanceMillis(10);
        h.work();
        final RegionHarness.FakeLink second = h.dialer.last(900);
        first.connect(); // late event from the dead link
        h.work();
        assertThat(h.status(900).state()).isEqualTo(RegionState.CONNECTING);
        second.connect();
        h.work();
        assertThat(h.status(900).state()).isEqualTo(RegionState.CONNECTED);
    }

    @Test
    void closingTheConductorClosesEveryConnectionAndDropsQueuedPackets() {
        final RegionHarness.FakeLink home = connectHome(900);
        h.router.send(h.peerHomedOn901, packet(10, 1), 0, 10);
        h.conductor.onClose();
        assertThat(home.closed).isTrue();
        assertThat(h.conductor.counters().get(RegionCounter.DROPPED_REGION_GONE)).isEqualTo(1);
        assertThat(h.router.send(h.peerHomedOn901, packet(10, 1), 0, 10)).isEqualTo(SendResult.NO_ROUTE);
    }
}
