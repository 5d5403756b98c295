package io.derpring.internal.region;

import io.derpring.region.RegionListener;
import io.derpring.region.RegionState;

import static org.assertj.core.api.Assertions.assertThat;

import io.derpring.internal.frame.PeerGoneFlyweight;
import org.junit.jupiter.api.Test;

/** What the embedding gateway hears through {@link RegionListener}, one event per test. */
class RegionListenerEventsTest {
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
    void aFailedConnectionReportsItsDisconnection() {
        final RegionHarness.FakeLink home = connectHome(900);
        home.fail("reset by peer");
        h.work();
        assertThat(h.listener.events).containsSubsequence("connected 900 900a", "disconnected 900");
        assertThat(h.status(900).state()).isEqualTo(RegionState.BACKOFF);
    }

    @Test
    void aFailedDialReportsItsDisconnection() {
        h.conductor.updateDerpMap(RegionHarness.map(1));
        h.conductor.selectHome(900);
        h.work();
        h.dialer.last(900).fail("connection refused");
        h.work();
        assertThat(h.listener.events).containsOnlyOnce("disconnected 900");
        assertThat(h.listener.events).noneMatch(e -> e.startsWith("connected"));
    }

    @Test
    void peerGoneFromTheServerIsPassedOnWithItsRegionAndReason() {
        final RegionHarness.FakeLink home = connectHome(900);
        home.listener.onPeerGone(h.peerWithoutHome, PeerGoneFlyweight.REASON_NOT_HERE);
        h.work();
        assertThat(h.listener.events).contains(
            "gone 900 " + h.peerWithoutHome.toHex() + " " + PeerGoneFlyweight.REASON_NOT_HERE);
    }

    @Test
    void peerPresentFromTheServerIsPassedOnWithItsRegion() {
        final RegionHarness.FakeLink home = connectHome(900);
        home.listener.onPeerPresent(h.peerWithoutHome);
        h.work();
        assertThat(h.listener.events).contains("present 900 " + h.peerWithoutHome.toHex());
    }

    @Test
    void peerEventsFromAnOlderConnectionAreIgnored() {
        final RegionHarness.FakeLink first = connectHome(900);
        first.fail("eof");
        h.work();
        h.advanceMillis(1_000);
        h.work(); // redialed: the first link's events are stale now
        assertThat(h.dialer.to(900)).hasSize(2);
        first.listener.onPeerGone(h.peerWithoutHome, PeerGoneFlyweight.REASON_DISCONNECTED);
        first.listener.onPeerPresent(h.peerWithoutHome);
        first.listener.onHealth("stale");
        h.work();
        assertThat(h.listener.events).noneMatch(e -> e.startsWith("gone") || e.startsWith("present")
            || e.startsWith("health"));
    }

    @Test
    void theHomeRegionLeavingTheMapClearsTheHome() {
        connectHome(902);
        h.conductor.updateDerpMap(RegionHarness.map(2)); // 900 and 901 only
        h.work();
        assertThat(h.conductor.home()).isEqualTo(HomeTransition.NONE);
        assertThat(h.listener.events).containsSubsequence("home 0->902", "home 902->0");
    }

    @Test
    void aNonHomeRegionLeavingTheMapKeepsTheHome() {
        connectHome(900);
        h.conductor.updateDerpMap(RegionHarness.map(1));
        h.work();
        assertThat(h.conductor.home()).isEqualTo(900);
        assertThat(h.listener.events).containsOnlyOnce("home 0->900");
    }
}
