package io.derpring.internal.region;

import io.derpring.region.RegionState;

import static io.derpring.internal.region.RegionHarness.packet;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Edge cases the loopback engine tests pointed at; fake clock and dialer (SPEC §5.1, §5.2). */
class RegionEdgeCasesTest {
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
    @DisplayName("§5.1: an unreachable non-home region stops retrying once its traffic is older than the idle grace")
    void anUnreachableNonHomeRegionStopsRetryingOnceItsTrafficIsStale() {
        connectHome(900);
        h.router.send(h.peerHomedOn901, packet(10, 1), 0, 10);
        h.work();
        h.dialer.last(901).fail("refused");
        h.work();
        h.advanceMillis(10);
        h.work();
        assertThat(h.dialer.to(901)).as("recent traffic: retried after the backoff").hasSize(2);

        h.advanceMillis(IDLE_MS);
        h.dialer.last(901).fail("refused");
        h.work();
        for (int i = 0; i < 100; i++) {
            h.advanceMillis(1_000);
            h.work();
        }

        assertThat(h.dialer.to(901)).as("no retry once the waking packet is stale").hasSize(2);
        assertThat(h.status(901).state()).isEqualTo(RegionState.DORMANT);
        assertThat(h.conductor.counters().get(RegionCounter.DROPPED_UNREACHABLE)).isEqualTo(1);

        h.router.send(h.peerHomedOn901, packet(10, 2), 0, 10);
        h.work();
        assertThat(h.dialer.to(901)).as("new traffic wakes it again").hasSize(3);
    }

    @Test
    @DisplayName("B46: packets queued while connecting go out before packets a racing sender sends once it is live")
    void packetsQueuedWhileConnectingGoOutBeforeLaterPackets() {
        connectHome(900);
        h.router.send(h.peerHomedOn901, packet(10, 1), 0, 10);
        h.work();
        final RegionHarness.FakeLink link = h.dialer.last(901);
        link.duringNextSend = () -> h.router.send(h.peerHomedOn901, packet(10, 2), 0, 10);
        link.connect();
        h.work();

        assertThat(link.sent).containsExactly(packet(10, 1).byteArray(), packet(10, 2).byteArray());
    }

    @Test
    @DisplayName("B63: a connected region removed from the map reports its disconnection")
    void aRemovedConnectedRegionReportsItsDisconnection() {
        connectHome(900);
        h.router.send(h.peerHomedOn901, packet(10, 1), 0, 10);
        h.work();
        h.dialer.last(901).connect();
        h.work();

        h.conductor.updateDerpMap(RegionHarness.map(1));
        h.work();

        assertThat(h.dialer.last(901).closed).isTrue();
        assertThat(h.listener.events).containsOnlyOnce("disconnected 901");
    }

    @Test
    @DisplayName("B63: a changed region reports the old connection's end, then the new connection")
    void aChangedRegionReportsDisconnectionThenReconnection() {
        connectHome(900);
        h.conductor.updateDerpMap(RegionHarness.mapWithChangedRegion(3, 900));
        h.work();
        h.work();
        h.dialer.last(900).connect();
        h.work();

        assertThat(h.listener.events).containsSubsequence("connected 900 900a", "disconnected 900",
            "connected 900 900a");
    }

    @Test
    @DisplayName("close: every connected region reports its disconnection once")
    void closingReportsEveryConnectedRegionsDisconnection() {
        connectHome(900);
        h.conductor.onClose();
        assertThat(h.listener.events).containsOnlyOnce("disconnected 900");
    }

    @Test
    @DisplayName("B47: an idle close reports the disconnection once")
    void anIdleCloseReportsTheDisconnectionOnce() {
        connectHome(900);
        h.router.send(h.peerHomedOn901, packet(10, 1), 0, 10);
        h.work();
        h.dialer.last(901).connect();
        h.work();
        h.advanceMillis(IDLE_MS);
        h.work();
        assertThat(h.listener.events).containsOnlyOnce("disconnected 901");
    }
}
