package io.derpring.internal.region;

import static io.derpring.internal.region.RegionHarness.packet;
import static org.assertj.core.api.Assertions.assertThat;

import io.derpring.engine.ReconnectSchedule;
import io.derpring.engine.OutboundOverflow;
import io.derpring.engine.SendResult;
import io.derpring.internal.frame.FrameLimits;
import io.derpring.internal.queue.OutboundQueue;
import io.derpring.keys.NodeKey;
import io.derpring.region.RegionState;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** What send and sendDisco answer, and what they count, for every outcome (issue 13); fake clock and dialer. */
class SendResultTest {
    private static final int DEPTH = RegionSettings.DEFAULT_OUTBOUND_QUEUE_DEPTH;

    private final RegionHarness h = new RegionHarness();

    private static RegionHarness connectedHome(final RegionHarness h) {
        h.conductor.updateDerpMap(RegionHarness.map(3));
        h.conductor.selectHome(900);
        h.work();
        h.dialer.last(900).connect();
        h.work();
        return h;
    }

    private long count(final RegionCounter c) {
        return h.conductor.counters().get(c);
    }

    private SendResult sendTo901(final DirectBuffer buffer, final int offset, final int length) {
        return h.router.send(h.peerHomedOn901, buffer, offset, length);
    }

    @Test
    void aConnectedRegionAcceptsAndAConnectingOneQueues() {
        connectedHome(h);
        assertThat(h.router.send(h.peerWithoutHome, packet(10, 1), 0, 10)).isEqualTo(SendResult.ACCEPTED);
        assertThat(sendTo901(packet(10, 2), 0, 10)).isEqualTo(SendResult.QUEUED);
        assertThat(SendResult.ACCEPTED.taken()).isTrue();
        assertThat(SendResult.QUEUED.taken()).isTrue();
        assertThat(SendResult.BACK_PRESSURED.taken()).isFalse();
    }

    @Test
    @DisplayName("a full pending queue answers BACK_PRESSURED while the region connects, drops nothing, and all of it goes out")
    void aFullPendingQueueBackPressuresWhileConnecting() {
        connectedHome(h);
        for (int i = 0; i < DEPTH; i++) {
            assertThat(sendTo901(packet(20, i), 0, 20)).isEqualTo(SendResult.QUEUED);
        }
        assertThat(sendTo901(packet(20, DEPTH), 0, 20)).isEqualTo(SendResult.BACK_PRESSURED);
        assertThat(count(RegionCounter.BACK_PRESSURED)).isEqualTo(1);
        assertThat(count(RegionCounter.DROPPED_QUEUE_OLDEST)).isZero();
        h.work();
        h.dialer.last(901).connect();
        h.work();
        assertThat(h.dialer.last(901).sent).hasSize(DEPTH);
        assertThat(h.dialer.last(901).sent.get(0)).isEqualTo(packet(20, 0).byteArray());
        assertThat(sendTo901(packet(20, DEPTH), 0, 20)).as("the retry").isEqualTo(SendResult.ACCEPTED);
    }

    @Test
    void aFullConnectionQueueAnswersBackPressuredAndCountsIt() {
        final RegionHarness.FakeLink home = connectedHome(h).dialer.last(900);
        home.room = 0;
        assertThat(h.router.send(h.peerWithoutHome, packet(10, 1), 0, 10)).isEqualTo(SendResult.BACK_PRESSURED);
        assertThat(count(RegionCounter.BACK_PRESSURED)).isEqualTo(1);
        assertThat(count(RegionCounter.SENT)).isZero();
    }

    @Test
    @DisplayName("a connection that back-pressures the flush keeps the rest pending, in order, and takes it on later ticks")
    void aBackPressuredFlushHoldsThePacketAndResumesInOrder() {
        connectedHome(h);
        for (int i = 0; i < 5; i++) {
            sendTo901(packet(20, i), 0, 20);
        }
        h.work();
        final RegionHarness.FakeLink link = h.dialer.last(901);
        link.room = 2;
        link.connect();
        h.work();
        assertThat(link.sent).hasSize(2);
        assertThat(sendTo901(packet(20, 9), 0, 20)).as("the connection itself is full")
            .isEqualTo(SendResult.BACK_PRESSURED);
        link.room = Integer.MAX_VALUE;
        h.work();
        assertThat(link.sent).hasSize(5);
        for (int i = 0; i < 5; i++) {
            assertThat(link.sent.get(i)).isEqualTo(packet(20, i).byteArray());
        }
        assertThat(count(RegionCounter.SENT)).isEqualTo(5);
        assertThat(h.conductor.table().get(901).pending.free()).isEqualTo(DEPTH);
    }

    @Test
    void aPeerWithNoLiveRegionIsNoRoute() {
        assertThat(sendTo901(packet(10, 1), 0, 10)).as("no DERP map yet").isEqualTo(SendResult.NO_ROUTE);
        assertThat(count(RegionCounter.DROPPED_NO_REGION)).isEqualTo(1);
    }

    @Test
    @DisplayName("length: 0 and 64 KiB are sent, -1 and 64 KiB + 1 are REJECTED and counted, never thrown")
    void lengthIsCheckedAtAndAroundItsLimits() {
        connectedHome(h);
        final UnsafeBuffer big = new UnsafeBuffer(new byte[FrameLimits.MAX_PACKET_SIZE + 1]);
        assertThat(h.router.send(h.peerWithoutHome, big, 0, 0)).isEqualTo(SendResult.ACCEPTED);
        assertThat(h.router.send(h.peerWithoutHome, big, 0, FrameLimits.MAX_PACKET_SIZE - 1))
            .isEqualTo(SendResult.ACCEPTED);
        assertThat(h.router.send(h.peerWithoutHome, big, 0, FrameLimits.MAX_PACKET_SIZE))
            .isEqualTo(SendResult.ACCEPTED);
        assertThat(h.router.send(h.peerWithoutHome, big, 0, FrameLimits.MAX_PACKET_SIZE + 1))
            .isEqualTo(SendResult.REJECTED);
        assertThat(h.router.send(h.peerWithoutHome, big, 0, -1)).isEqualTo(SendResult.REJECTED);
        assertThat(count(RegionCounter.REJECTED_INVALID)).isEqualTo(2);
    }

    @Test
    @DisplayName("offset and length must lie inside the buffer: at its end is sent, one past or negative is REJECTED")
    void offsetIsCheckedAgainstTheBuffer() {
        connectedHome(h);
        final UnsafeBuffer buf = packet(100, 1);
        assertThat(h.router.send(h.peerWithoutHome, buf, 90, 10)).isEqualTo(SendResult.ACCEPTED);
        assertThat(h.router.send(h.peerWithoutHome, buf, 100, 0)).isEqualTo(SendResult.ACCEPTED);
        assertThat(h.router.send(h.peerWithoutHome, buf, 91, 10)).isEqualTo(SendResult.REJECTED);
        assertThat(h.router.send(h.peerWithoutHome, buf, 101, 0)).isEqualTo(SendResult.REJECTED);
        assertThat(h.router.send(h.peerWithoutHome, buf, -1, 10)).isEqualTo(SendResult.REJECTED);
        assertThat(h.router.send(h.peerWithoutHome, buf, Integer.MAX_VALUE, 10)).isEqualTo(SendResult.REJECTED);
        assertThat(h.router.send(null, buf, 0, 10)).isEqualTo(SendResult.REJECTED);
        assertThat(h.router.send(h.peerWithoutHome, null, 0, 10)).isEqualTo(SendResult.REJECTED);
        assertThat(count(RegionCounter.REJECTED_INVALID)).isEqualTo(6);
        assertThat(h.dialer.last(900).sent).hasSize(2);
    }

    @Test
    void sendDiscoChecksItsArgumentsTheSameWay() {
        connectedHome(h);
        final UnsafeBuffer frame = packet(80, 1);
        assertThat(h.router.sendDisco(h.peerWithoutHome, 900, frame, 0, 80)).isEqualTo(SendResult.ACCEPTED);
        assertThat(h.router.sendDisco(h.peerWithoutHome, 900, frame, 1, 80)).isEqualTo(SendResult.REJECTED);
        assertThat(h.router.sendDisco(h.peerWithoutHome, 900, frame, 0, FrameLimits.MAX_PACKET_SIZE + 1))
            .isEqualTo(SendResult.REJECTED);
        assertThat(count(RegionCounter.REJECTED_INVALID)).isEqualTo(2);
    }

    @Test
    @DisplayName("issue 13 bug 1: a 70,000 B packet while connecting is REJECTED; the region then connects and accepts")
    void anOversizedPacketWhileConnectingIsRejectedAndTheRegionStillConnects() {
        connectedHome(h);
        final UnsafeBuffer oversized = new UnsafeBuffer(new byte[70_000]);
        assertThat(sendTo901(packet(10, 1), 0, 10)).isEqualTo(SendResult.QUEUED);
        assertThat(sendTo901(oversized, 0, oversized.capacity())).isEqualTo(SendResult.REJECTED);
        h.work();
        h.dialer.last(901).connect();
        h.work();
        assertThat(h.status(901).state()).isEqualTo(RegionState.CONNECTED);
        assertThat(sendTo901(packet(10, 2), 0, 10)).isEqualTo(SendResult.ACCEPTED);
        assertThat(h.dialer.last(901).sent).hasSize(2);
    }

    @Test
    @DisplayName("issue 13 bug 1: a flush that throws still publishes the link, and its slot goes back")
    void aFlushThatThrowsStillPublishesTheLink() {
        connectedHome(h);
        sendTo901(packet(10, 1), 0, 10);
        h.work();
        final RegionHarness.FakeLink link = h.dialer.last(901);
        link.duringNextSend = () -> {
            throw new IllegalStateException("a link bug");
        };
        link.connect();
        try {
            h.work();
        } catch (final IllegalStateException expected) {
            // the conductor's agent runner logs it; what matters is the state it leaves
        }
        assertThat(sendTo901(packet(10, 2), 0, 10)).as("the link was published").isEqualTo(SendResult.ACCEPTED);
        assertThat(h.conductor.table().get(901).pending.free()).isEqualTo(DEPTH);
    }

    @Test
    @DisplayName("issue 13 hazard: under drop-oldest, an offer refused because every slot is in use is BACK_PRESSURED, counted")
    void aRefusedDropOldestOfferIsNotReportedAsQueued() {
        final RegionHarness go = connectedHome(new RegionHarness(new RegionSettings(
            RegionSettings.defaults().idleTimeoutNs(), ReconnectSchedule.GO, 1, 1,
            OutboundOverflow.DROP_OLDEST)));
        assertThat(go.router.send(go.peerHomedOn901, packet(10, 1), 0, 10)).isEqualTo(SendResult.QUEUED);
        final OutboundQueue.Slot inUse = go.conductor.table().get(901).pending.poll(); // e.g. mid-flush
        assertThat(go.router.send(go.peerHomedOn901, packet(10, 2), 0, 10)).isEqualTo(SendResult.BACK_PRESSURED);
        assertThat(go.conductor.counters().get(RegionCounter.BACK_PRESSURED)).isEqualTo(1);
        assertThat(go.conductor.counters().get(RegionCounter.QUEUED_UNTIL_CONNECTED)).isEqualTo(1);
        go.conductor.table().get(901).pending.release(inUse);
    }

    @Test
    void aFullDiscoQueueWhileConnectingIsBackPressuredAndDataDoesNotFillIt() {
        connectedHome(h);
        for (int i = 0; i < DEPTH; i++) {
            sendTo901(packet(20, i), 0, 20);
        }
        final NodeKey peer = h.peerWithoutHome;
        for (int i = 0; i < RegionSettings.DEFAULT_DISCO_QUEUE_DEPTH; i++) {
            assertThat(h.router.sendDisco(peer, 901, packet(70, i), 0, 70)).as("data filled only its own queue")
                .isEqualTo(SendResult.QUEUED);
        }
        assertThat(h.router.sendDisco(peer, 901, packet(70, 9), 0, 70)).isEqualTo(SendResult.BACK_PRESSURED);
        assertThat(count(RegionCounter.DISCO_DROPPED_QUEUE_FULL)).isEqualTo(1);
    }

    @Test
    @DisplayName("a region removed from the map while a send copies into its pending queue: NO_ROUTE and counted, never left behind")
    void aSendRacingTheRemovalOfItsRegionIsTakenBackAndCounted() {
        connectedHome(h);
        // The copy into the queue reads the caller's buffer: removing region 901 there is exactly the interleaving
        // in which the conductor clears the queue before the packet lands in it.
        final UnsafeBuffer removesRegionDuringCopy = new UnsafeBuffer(new byte[10]) {
            private boolean fired;

            @Override
            public byte[] byteArray() {
                if (!fired) {
                    fired = true;
                    h.conductor.updateDerpMap(RegionHarness.map(1));
                    h.work();
                }
                return super.byteArray();
            }
        };
        final RegionSlot slot = h.conductor.table().get(901);
        assertThat(sendTo901(removesRegionDuringCopy, 0, 10)).isEqualTo(SendResult.NO_ROUTE);
        assertThat(slot.pending.isEmpty()).isTrue();
        assertThat(count(RegionCounter.DROPPED_REGION_GONE)).isEqualTo(1);
        assertThat(count(RegionCounter.QUEUED_UNTIL_CONNECTED)).isZero();
    }
}
