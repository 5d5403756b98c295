package io.derpring.internal.region;

import static org.assertj.core.api.Assertions.assertThat;

import io.derpring.internal.route.ObservedRoutes;
import io.derpring.netmap.Netmap;
import org.junit.jupiter.api.Test;

/**
 * The conductor's side of the late-frame rule: a region whose connection dropped teaches no route until the
 * conductor dials it again, and then teaches routes as before.
 */
class DroppedRegionRoutesTest {
    private static final int HOME = 900;
    /** Region 900's first reconnect after one failure waits this long (Go's schedule, jitter fixed at x1.0). */
    private static final long FIRST_BACKOFF_MS = 10;

    private final RegionHarness h = new RegionHarness();

    private RegionHarness.FakeLink connectHome() {
        h.conductor.updateDerpMap(RegionHarness.map(2));
        h.conductor.selectHome(HOME);
        h.work();
        final RegionHarness.FakeLink link = h.dialer.last(HOME);
        link.connect();
        h.work();
        return link;
    }

    /** What the route-learning stage does with a frame from {@code peerHomedOn901} received on {@code region}. */
    private boolean frameLearnedOn(final int region) {
        final Netmap netmap = h.netmaps.current();
        return h.routes.learn(netmap, netmap.peerIdOf(h.peerHomedOn901), region);
    }

    @Test
    void aFrameFromTheDroppedConnectionTeachesNoRouteWhileTheRegionBacksOff() {
        connectHome();
        frameLearnedOn(HOME);
        h.dialer.last(HOME).fail("reset by peer");
        h.work();

        assertThat(frameLearnedOn(HOME)).isFalse();
        assertThat(h.routes.regionOf(h.peerHomedOn901)).isEqualTo(ObservedRoutes.NO_REGION);
    }

    @Test
    void theRegionTeachesRoutesAgainOnceItIsDialledAgain() {
        connectHome();
        h.dialer.last(HOME).fail("reset by peer");
        h.work();
        h.advanceMillis(FIRST_BACKOFF_MS);
        h.work();
        assertThat(h.dialer.to(HOME)).hasSize(2);

        assertThat(frameLearnedOn(HOME)).isTrue();
        assertThat(h.routes.regionOf(h.peerHomedOn901)).isEqualTo(HOME);
    }
}
