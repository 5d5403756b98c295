package io.derpring.internal.region;

import io.derpring.engine.SendResult;
import static io.derpring.internal.region.RegionHarness.packet;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;

import io.derpring.derpmap.DerpMapParser;
import io.derpring.keys.NodeKey;
import io.derpring.keys.NodePrivateKey;
import io.derpring.internal.route.OutboundRegionChoice;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** SPEC §5.2, §5.3, §5.5, §5.8, §5.11 rules without a B-number, one test each; fake clock and dialer. */
class RegionSpecRulesTest {
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

    private RegionHarness.FakeLink wake901() {
        h.router.send(h.peerHomedOn901, packet(10, 1), 0, 10);
        h.work();
        final RegionHarness.FakeLink link = h.dialer.last(901);
        link.connect();
        h.work();
        return link;
    }

    @Test
    @DisplayName("§5.2: a non-home region says NotePreferred(0) when it connects (Go: NotePreferred(myDerp == R))")
    void aNonHomeRegionSendsNotePreferredFalseWhenItConnects() {
        connectHome(900);
        assertThat(wake901().preferred).containsExactly(false);
    }

    @Test
    @DisplayName("§5.2: a packet for a peer homed on a region not in the map is dropped and counted, nothing dialed")
    void aPacketForARegionNotInTheMapIsDroppedAndCounted() {
        h.conductor.updateDerpMap(RegionHarness.map(1)); // only 900: the peer's home 901 is not in the map
        h.conductor.selectHome(900);
        h.work();

        assertThat(h.router.send(h.peerHomedOn901, packet(10, 1), 0, 10)).isEqualTo(SendResult.NO_ROUTE);
        h.work();
        assertThat(h.dialer.to(901)).isEmpty();
        assertThat(h.conductor.counters().get(RegionCounter.DROPPED_NO_REGION)).isEqualTo(1);
    }

    @Test
    @DisplayName("§5.2: a DERP map with no regions closes every region (Go: a nil map closes all)")
    void aMapWithNoRegionsClosesEveryRegion() {
        final RegionHarness.FakeLink home = connectHome(900);
        final RegionHarness.FakeLink other = wake901();

        h.conductor.updateDerpMap(DerpMapParser.parse("{\"Regions\":{}}"));
        h.work();

        assertThat(home.closed).isTrue();
        assertThat(other.closed).isTrue();
        assertThat(h.conductor.status()).isEmpty();
        assertThat(h.conductor.home()).isEqualTo(HomeTransition.NONE);
    }

    @Test
    @DisplayName("§5.3: a DERP-map update re-flags the home region's runner as home")
    void aMapUpdateKeepsTheHomeFlagOnTheHomeRegion() {
        final RegionHarness.FakeLink home = connectHome(901);
        h.conductor.updateDerpMap(RegionHarness.map(3));
        h.work();
        h.advanceMillis(10 * IDLE_MS);
        h.work();

        assertThat(h.status(901).home()).isTrue();
        assertThat(home.closed).as("still never idled out").isFalse();
        assertThat(home.preferred).containsExactly(true);
    }

    @Test
    @DisplayName("§5.3: a failed home reconnects on its own, without traffic")
    void aFailedHomeReconnectsWithoutTraffic() {
        connectHome(900).fail("eof");
        h.work();
        h.advanceMillis(10);
        h.work();
        assertThat(h.dialer.to(900)).hasSize(2);
    }

    @Test
    @DisplayName("§5.5: a key not in the netmap has no region; a packet to it is rejected and counted")
    void aKeyNotInTheNetmapHasNoRegion() {
        connectHome(900);
        final NodeKey stranger = NodePrivateKey.generate().publicKey();

        assertThat(h.router.regionFor(stranger)).isEqualTo(OutboundRegionChoice.NONE);
        assertThat(h.router.send(stranger, packet(10, 1), 0, 10)).isEqualTo(SendResult.REJECTED);
        assertThat(h.conductor.counters().get(RegionCounter.REJECTED_NOT_A_PEER)).isEqualTo(1);
    }

    @Test
    @DisplayName("§5.5: regionFor follows netmap home, else observed route, else our home")
    void regionForFollowsTheOutboundChoice() {
        connectHome(900);
        assertThat(h.router.regionFor(h.peerHomedOn901)).isEqualTo(901);
        assertThat(h.router.regionFor(h.peerWithoutHome)).isEqualTo(900);
        h.routes.learn(h.netmaps.current(), h.netmaps.current().peerIdOf(h.peerWithoutHome), 902);
        assertThat(h.router.regionFor(h.peerWithoutHome)).isEqualTo(902);
    }

    @Test
    @DisplayName("§5.8: a disco frame counts as activity for the idle rule")
    void aDiscoFrameCountsAsActivity() {
        connectHome(900);
        final RegionHarness.FakeLink link = wake901();
        h.advanceMillis(IDLE_MS - 1);
        h.router.sendDisco(h.peerWithoutHome, 901, packet(70, 1), 0, 70);
        h.advanceMillis(IDLE_MS - 1);
        h.work();
        assertThat(link.closed).isFalse();
        assertThat(link.discoSent).hasSize(1);
    }

    @Test
    @DisplayName("§5.8: a disco frame is addressed by node key, so a key not in the netmap still gets it")
    void discoIsAddressedByNodeKeyEvenOutsideTheNetmap() {
        final RegionHarness.FakeLink home = connectHome(900);
        final NodeKey stranger = NodePrivateKey.generate().publicKey();

        assertThat(h.router.sendDisco(stranger, 900, packet(70, 1), 0, 70)).isEqualTo(SendResult.ACCEPTED);
        assertThat(home.discoSent).containsExactly(packet(70, 1).byteArray());
    }

    @Test
    @DisplayName("§5.11: a Health frame sets the region's health text; the next connection clears it")
    void aHealthFrameSetsHealthTextAndANewConnectionClearsIt() {
        final RegionHarness.FakeLink home = connectHome(900);
        home.listener.onHealth("overloaded");
        h.work();
        assertThat(h.status(900).health()).isEqualTo("overloaded");
        assertThat(h.listener.events).contains("health 900 'overloaded'");

        home.fail("eof");
        h.work();
        h.advanceMillis(10);
        h.work();
        h.dialer.last(900).connect();
        h.work();
        assertThat(h.status(900).health()).isEmpty();
    }

    @Test
    @DisplayName("§5.11: a failed connection's status carries its error; success clears it")
    void aFailureIsInTheStatusUntilTheNextSuccess() {
        connectHome(900).fail("connection reset");
        h.work();
        assertThat(h.status(900).lastError()).contains("connection reset");
        assertThat(h.status(900).connectedSinceNs()).isZero();
        h.advanceMillis(10);
        h.work();
        h.dialer.last(900).connect();
        h.work();
        assertThat(h.status(900).lastError()).isNull();
        assertThat(h.status(900).connectedSinceNs()).isEqualTo(h.nowNs);
    }
}
