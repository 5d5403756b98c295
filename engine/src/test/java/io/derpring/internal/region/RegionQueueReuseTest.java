package io.derpring.internal.region;

import io.derpring.engine.SendResult;
import static io.derpring.internal.region.RegionHarness.packet;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * A region's queues are fixed pools of packet slots (SPEC §5.2, §5.8): every slot the conductor sends from goes back
 * to the pool, so a region carries any number of packets over its life, not only its queue depth.
 */
class RegionQueueReuseTest {
    private static final int ROUNDS = 3;
    private final RegionHarness h = new RegionHarness();

    /** Region 901's link fails: until it reconnects, what is sent there waits in its queue. */
    private void drop901() {
        h.dialer.last(901).fail("reset");
        h.work();
    }

    /** Region 901 (re)connects after any backoff: its queue is flushed into the new link. */
    private void connect901() {
        h.advanceMillis(1_000);
        h.work();
        h.dialer.last(901).connect();
        h.work();
    }

    @Test
    void aRegionQueuesMoreDataPacketsOverItsLifeThanItsQueueHolds() {
        h.connectHome(3);
        final int depth = RegionSettings.DEFAULT_OUTBOUND_QUEUE_DEPTH;
        int sent = 0;
        for (int round = 0; round < ROUNDS; round++) {
            if (round > 0) {
                drop901();
            }
            for (int i = 0; i < depth; i++) {
                assertThat(h.router.send(h.peerHomedOn901, packet(20, sent + i), 0, 20))
                    .isEqualTo(SendResult.QUEUED);
            }
            connect901();
            sent += depth;
            assertThat(h.dialer.last(901).sent).as("round %d", round).hasSize(depth);
        }
        assertThat(h.conductor.counters().get(RegionCounter.DROPPED_QUEUE_OLDEST)).isZero();
        assertThat(h.conductor.counters().get(RegionCounter.SENT)).isEqualTo((long) ROUNDS * depth);
    }

    @Test
    void aRegionQueuesMoreDiscoFramesOverItsLifeThanItsQueueHolds() {
        h.connectHome(3);
        final int depth = RegionSettings.DEFAULT_DISCO_QUEUE_DEPTH;
        for (int round = 0; round < ROUNDS; round++) {
            if (round > 0) {
                drop901();
            }
            for (int i = 0; i < depth; i++) {
                assertThat(h.router.sendDisco(h.peerWithoutHome, 901, packet(70, i), 0, 70))
                    .isEqualTo(SendResult.QUEUED);
            }
            connect901();
            assertThat(h.dialer.last(901).discoSent).as("round %d", round).hasSize(depth);
        }
        assertThat(h.conductor.counters().get(RegionCounter.DISCO_DROPPED_QUEUE_FULL)).isZero();
    }

    @Test
    void packetsDroppedForAnUnreachableRegionFreeTheirSlots() {
        h.connectHome(3);
        final int depth = RegionSettings.DEFAULT_OUTBOUND_QUEUE_DEPTH;
        for (int i = 0; i < depth; i++) {
            h.router.send(h.peerHomedOn901, packet(20, i), 0, 20);
        }
        h.work();
        h.dialer.last(901).fail("unreachable");
        h.work();
        h.advanceMillis(10 * RegionSettings.DEFAULT_IDLE_TIMEOUT.toMillis());
        h.work(); // traffic is stale: it gives up and drops what waited
        assertThat(h.conductor.counters().get(RegionCounter.DROPPED_UNREACHABLE)).isEqualTo(depth);

        for (int i = 0; i < depth; i++) {
            h.router.send(h.peerHomedOn901, packet(20, 100 + i), 0, 20);
        }
        h.work();
        h.dialer.last(901).connect();
        h.work();
        assertThat(h.dialer.last(901).sent).hasSize(depth);
        assertThat(h.dialer.last(901).sent.get(0)).isEqualTo(packet(20, 100).byteArray());
    }
}
