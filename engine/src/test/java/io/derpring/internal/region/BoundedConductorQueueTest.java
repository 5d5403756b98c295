package io.derpring.internal.region;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.RejectedExecutionException;

import io.derpring.region.RegionState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 16: the conductor's command queue is bounded. Health frames coalesce per connection (the latest text wins,
 * counted), repeated ServerInfo is posted once, PeerGone/PeerPresent beyond {@link RegionConductor#MAX_QUEUED_COMMANDS}
 * are dropped and counted, API calls beyond it are refused to their caller, and a connection's close is never lost.
 */
class BoundedConductorQueueTest {
    private static final int CAP = RegionConductor.MAX_QUEUED_COMMANDS;

    private final RegionHarness h = new RegionHarness();

    private long count(final RegionCounter c) {
        return h.conductor.counters().get(c);
    }

    @Test
    void aHealthFloodIsOneCommandAndTheLatestTextWins() {
        final RegionHarness.FakeLink home = h.connectHome(2);
        final String big = "x".repeat(64 * 1024);
        for (int i = 0; i < 1_000; i++) {
            home.listener.onHealth(big + i);
        }

        assertThat(h.conductor.queuedCommands()).isEqualTo(1);
        assertThat(count(RegionCounter.HEALTH_COALESCED)).isEqualTo(999);
        h.work();
        assertThat(h.status(900).health()).isEqualTo(big + 999);
        assertThat(h.listener.events).filteredOn(e -> e.startsWith("health")).hasSize(1);

        home.listener.onHealth("");
        h.work();
        assertThat(h.status(900).health()).as("after the conductor took one, the next is queued again").isEmpty();
        assertThat(count(RegionCounter.HEALTH_COALESCED)).isEqualTo(999);
    }

    @Test
    void repeatedServerInfoIsPostedOnce() {
        h.conductor.updateDerpMap(RegionHarness.map(1));
        h.conductor.selectHome(900);
        h.work();
        final RegionHarness.FakeLink link = h.dialer.last(900);
        for (int i = 0; i < 100; i++) {
            link.connect();
        }
        assertThat(h.conductor.queuedCommands()).isEqualTo(1);
        h.work();
        assertThat(h.listener.events).containsOnlyOnce("connected 900 900a");
    }

    @ParameterizedTest(name = "{0} peer events queued")
    @ValueSource(ints = {CAP - 1, CAP, CAP + 1})
    void peerEventsBeyondTheCapAreDroppedAndCounted(final int events) {
        final RegionHarness.FakeLink home = h.connectHome(2);
        for (int i = 0; i < events; i++) {
            home.listener.onPeerPresent(h.peerWithoutHome);
        }

        assertThat(count(RegionCounter.EVENTS_DROPPED_QUEUE_FULL)).isEqualTo(Math.max(0, events - CAP));
        assertThat(h.conductor.queuedCommands()).isEqualTo(Math.min(events, CAP));
        h.work();
        assertThat(h.listener.events).filteredOn(e -> e.startsWith("present")).hasSize(Math.min(events, CAP));
        assertThat(h.conductor.queuedCommands()).isZero();
    }

    @Test
    void anApiCallOnAFullQueueIsRefusedToItsCallerAndCounted() {
        final RegionHarness.FakeLink home = h.connectHome(2);
        for (int i = 0; i < CAP; i++) {
            home.listener.onPeerPresent(h.peerWithoutHome);
        }

        assertThatThrownBy(() -> h.conductor.selectHome(901)).isInstanceOf(RejectedExecutionException.class);
        assertThat(count(RegionCounter.CALLS_REJECTED_QUEUE_FULL)).isEqualTo(1);
        h.work();
        h.conductor.selectHome(901); // drained: accepted again
        h.work();
        assertThat(h.conductor.home()).isEqualTo(901);
    }

    @Test
    void aCloseIsNeverDroppedEvenWhenTheQueueIsFull() {
        final RegionHarness.FakeLink home = h.connectHome(2);
        for (int i = 0; i < CAP + 10; i++) {
            home.listener.onPeerPresent(h.peerWithoutHome);
        }
        home.fail("reset");
        home.listener.onHealth("over the cap too");

        h.work();

        assertThat(h.status(900).state()).isEqualTo(RegionState.BACKOFF);
        assertThat(h.conductor.queuedCommands()).isZero();
    }
}
