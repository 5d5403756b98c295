package io.derpring.internal.ring;

import static io.derpring.internal.ring.PipelineFixture.REGION_1;
import static io.derpring.internal.ring.PipelineFixture.REGION_2;
import static io.derpring.internal.ring.PipelineFixture.endpoints;
import static io.derpring.internal.ring.PipelineFixture.wireGuard;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.List;

import io.derpring.engine.StageThreading;
import io.derpring.keys.DiscoKey;
import io.derpring.netmap.Netmap;
import io.derpring.internal.route.ObservedRoutes;
import io.derpring.testing.SecurityGate;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The stage rules of SPEC §5.4–§5.7 through the real ring, fused and chained. */
@Timeout(60)
class InboundPipelineTest {
    private static final int PUBLIC_1 = 0xC6336401;   // 198.51.100.1: documentation range, accepted
    private static final int PUBLIC_2 = 0x64400001;   // 100.64.0.1: CGNAT, accepted
    private static final int PRIVATE_10 = 0x0A000001; // 10.0.0.1: rejected
    private static final int LOOPBACK = 0x7F000001;   // 127.0.0.1: rejected

    private PipelineFixture pipeline;

    private PipelineFixture pipeline(final StageThreading threading) {
        pipeline = new PipelineFixture(InboundRingConfig.builder().ringSize(64).threading(threading).build()).start();
        return pipeline;
    }

    @AfterEach
    void closeRing() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = StageThreading.class, names = {"FUSED", "CHAINED"}) // INVOKED: InvokedStagesTest
    @DisplayName("B64: WireGuard data reaches the dataplane byte-identical, tagged with sender key and region")
    void wireGuardDataReachesTheDataplaneByteIdenticalTaggedWithSenderAndRegion(final StageThreading threading) {
        final PipelineFixture p = pipeline(threading);
        final UnsafeBuffer packet = wireGuard(1200, 7);

        assertThat(p.offer(REGION_2, p.peerA, packet)).isEqualTo(InboundRing.PUBLISHED);
        p.awaitDrained();

        assertThat(p.dataplane.packets).singleElement().satisfies(r -> {
            assertThat(r.peer()).isEqualTo(p.peerA.node);
            assertThat(r.regionId()).isEqualTo(REGION_2);
            assertThat(r.bytes()).isEqualTo(packet.byteArray());
        });
        assertThat(p.counters.get(InboundCounter.DELIVERED_TO_DATAPLANE)).isEqualTo(1);
    }

    @Test
    @DisplayName("B64: a RecvPacket from a key not in the netmap is dropped, counted, and reaches no stage")
    @SecurityGate
    void frameFromNonNetmapKeyReachesNoStage() {
        final PipelineFixture p = pipeline(StageThreading.FUSED);
        p.demux.directPath(p.sink);

        assertThat(p.offer(REGION_1, p.stranger, wireGuard(100, 1))).isEqualTo(InboundRing.DROPPED);
        assertThat(p.offer(REGION_1, p.stranger, p.callMeMaybe(p.stranger, null, endpoints(PUBLIC_1, 1))))
            .isEqualTo(InboundRing.DROPPED);
        p.awaitDrained();

        assertThat(p.counters.get(InboundCounter.DROPPED_UNKNOWN_PEER)).isEqualTo(2);
        assertThat(p.ring.framesPublished()).isZero();
        assertThat(p.routes.size()).isZero();
        assertThat(p.dataplane.packets).isEmpty();
        assertThat(p.sink.taught).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = StageThreading.class, names = {"FUSED", "CHAINED"}) // INVOKED: InvokedStagesTest
    @DisplayName("B54: a relayed CallMeMaybe interleaved with data is demuxed; only the data goes on")
    void relayedCallMeMaybeInterleavedWithWireGuardDataIsDemuxed(final StageThreading threading) {
        final PipelineFixture p = pipeline(threading);
        p.demux.directPath(p.sink);
        final UnsafeBuffer before = wireGuard(300, 1);
        final UnsafeBuffer after = wireGuard(301, 2);

        p.offer(REGION_1, p.peerA, before);
        p.offer(REGION_1, p.peerA, p.callMeMaybe(p.peerA, null, endpoints(PUBLIC_1, 41641, PUBLIC_2, 3478)));
        p.offer(REGION_1, p.peerA, after);
        p.awaitDrained();

        assertThat(p.dataplane.packets).extracting(PipelineFixture.Received::bytes)
            .containsExactly(before.byteArray(), after.byteArray());
        assertThat(p.sink.taught).singleElement().satisfies(t -> {
            assertThat(t.peer()).isEqualTo(p.peerA.node);
            assertThat(t.disco()).isEqualTo(p.peerA.disco);
            assertThat(t.endpoints()).containsExactly(
                new InetSocketAddress("198.51.100.1", 41641), new InetSocketAddress("100.64.0.1", 3478));
        });
        assertThat(p.counters.get(InboundCounter.DISCO_CALL_ME_MAYBE_LEARNED)).isEqualTo(1);
    }

    @Test
    @DisplayName("B59 in the pipeline: forbidden endpoints are filtered before the direct path sees them")
    @SecurityGate
    void forbiddenEndpointsAreFilteredBeforeTheDirectPath() {
        final PipelineFixture p = pipeline(StageThreading.FUSED);
        p.demux.directPath(p.sink);

        p.offer(REGION_1, p.peerA,
            p.callMeMaybe(p.peerA, null, endpoints(PRIVATE_10, 1, LOOPBACK, 2, PUBLIC_1, 3)));
        p.offer(REGION_1, p.peerA, p.callMeMaybe(p.peerA, null, endpoints(PRIVATE_10, 1, LOOPBACK, 2)));
        p.awaitDrained();

        assertThat(p.sink.taught).singleElement().extracting(PipelineFixture.Taught::endpoints)
            .isEqualTo(List.of(new InetSocketAddress("198.51.100.1", 3)));
        assertThat(p.counters.get(InboundCounter.DISCO_CALL_ME_MAYBE_NO_CANDIDATES)).isEqualTo(1);
        assertThat(p.dataplane.packets).isEmpty();
    }

    @Test
    @DisplayName("B58: without a direct-path sink every frame, disco-looking included, goes to the dataplane")
    void withoutDirectPathSinkEveryFrameGoesToTheDataplane() {
        final PipelineFixture p = pipeline(StageThreading.FUSED);
        final UnsafeBuffer callMeMaybe = p.callMeMaybe(p.peerA, null, endpoints(PUBLIC_1, 1));
        final UnsafeBuffer ping = p.ping(p.peerB);

        p.offer(REGION_1, p.peerA, wireGuard(200, 3));
        p.offer(REGION_1, p.peerA, callMeMaybe);
        p.offer(REGION_1, p.peerB, ping);
        p.awaitDrained();

        assertThat(p.dataplane.packets).hasSize(3);
        assertThat(p.dataplane.packets).extracting(PipelineFixture.Received::bytes)
            .contains(callMeMaybe.byteArray(), ping.byteArray());
        assertThat(p.sink.taught).isEmpty();
    }

    @Test
    @DisplayName("B56: a relayed Ping is consumed, learns nothing and is never answered (anti-leak gate)")
    @SecurityGate
    void relayedPingIsConsumedLearnsNothingAndIsNeverAnswered() {
        final PipelineFixture p = pipeline(StageThreading.FUSED);
        p.demux.directPath(p.sink);

        p.offer(REGION_1, p.peerA, p.ping(p.peerA));
        p.awaitDrained();

        // The pipeline has no way to send: "never answered" means nothing reached the only two exits.
        assertThat(p.dataplane.packets).isEmpty();
        assertThat(p.sink.taught).isEmpty();
        assertThat(p.counters.get(InboundCounter.DISCO_PING_CONSUMED)).isEqualTo(1);
    }

    @Test
    @DisplayName("SPEC §5.6 step 3: a batch the demux consumed entirely is not signalled to the dataplane")
    void batchConsumedEntirelyByTheDemuxIsNotSignalled() {
        final PipelineFixture p = new PipelineFixture(InboundRingConfig.builder().ringSize(64).build());
        pipeline = p;
        p.demux.directPath(p.sink);
        p.offer(REGION_1, p.peerA, p.ping(p.peerA)); // before start: the ping is the whole batch
        p.start();
        p.awaitDrained();

        assertThat(p.counters.get(InboundCounter.DISCO_PING_CONSUMED)).isEqualTo(1);
        assertThat(p.dataplane.batches).isZero();

        p.offer(REGION_1, p.peerA, wireGuard(64, 1));
        p.awaitDrained();
        PipelineFixture.awaitTrue(() -> p.dataplane.batches == 1, java.time.Duration.ofSeconds(5));
    }

    @Test
    @DisplayName("B56: a relayed Pong is consumed and counted, never passed on")
    @SecurityGate
    void relayedPongIsConsumedAndCounted() {
        final PipelineFixture p = pipeline(StageThreading.FUSED);
        p.demux.directPath(p.sink);

        p.offer(REGION_1, p.peerB, p.pong(p.peerB));
        p.awaitDrained();

        assertThat(p.dataplane.packets).isEmpty();
        assertThat(p.sink.taught).isEmpty();
        assertThat(p.counters.get(InboundCounter.DISCO_PONG_CONSUMED)).isEqualTo(1);
    }

    @Test
    @DisplayName("B55 (anti-leak gate): a CallMeMaybe carrying peer X's disco key relayed by peer Y teaches nothing")
    @SecurityGate
    void callMeMaybeWithAnotherPeersDiscoKeyTeachesNothing() {
        final PipelineFixture p = pipeline(StageThreading.FUSED);
        p.demux.directPath(p.sink);
        p.peerB.knowsDiscoPrivate(p.peerA.discoPrivate); // worst case: B even holds A's disco private key

        p.offer(REGION_1, p.peerB, p.callMeMaybe(p.peerB, p.peerA.disco, endpoints(PUBLIC_1, 1)));
        p.awaitDrained();

        assertThat(p.sink.taught).isEmpty();
        assertThat(p.dataplane.packets).isEmpty();
        assertThat(p.counters.get(InboundCounter.DISCO_SENDER_NOT_RELAYING_NODE)).isEqualTo(1);
    }

    @Test
    @DisplayName("B55: a CallMeMaybe from a disco key not in the netmap teaches nothing and is still consumed")
    @SecurityGate
    void callMeMaybeFromDiscoKeyNotInNetmapTeachesNothingAndIsConsumed() {
        final PipelineFixture p = pipeline(StageThreading.FUSED);
        p.demux.directPath(p.sink);
        final DiscoKey unknown = p.stranger.disco;
        p.peerA.knowsDiscoPrivate(p.stranger.discoPrivate);

        p.offer(REGION_1, p.peerA, p.callMeMaybe(p.peerA, unknown, endpoints(PUBLIC_1, 1)));
        p.awaitDrained();

        assertThat(p.sink.taught).isEmpty();
        assertThat(p.dataplane.packets).isEmpty();
        assertThat(p.counters.get(InboundCounter.DISCO_SENDER_NOT_RELAYING_NODE)).isEqualTo(1);
    }

    @Test
    @DisplayName("B57: a relayed packet with disco magic that fails to open is dropped and counted")
    void discoFrameThatFailsToOpenIsDroppedAndCounted() {
        final PipelineFixture p = pipeline(StageThreading.FUSED);
        p.demux.directPath(p.sink);
        final UnsafeBuffer tampered = p.callMeMaybe(p.peerA, null, endpoints(PUBLIC_1, 1));
        tampered.putByte(tampered.capacity() - 1, (byte) (tampered.getByte(tampered.capacity() - 1) ^ 1));

        p.offer(REGION_1, p.peerA, tampered);
        p.awaitDrained();

        assertThat(p.sink.taught).isEmpty();
        assertThat(p.dataplane.packets).isEmpty();
        assertThat(p.counters.get(InboundCounter.DISCO_OPEN_FAILED)).isEqualTo(1);
    }

    @Test
    @DisplayName("B51: frames record the peer's route; repeats don't write; a move to another region follows")
    void routesLearnDedupAndFollowAPeerThatMoves() {
        final PipelineFixture p = pipeline(StageThreading.FUSED);

        p.offer(REGION_1, p.peerA, wireGuard(64, 1));
        p.offer(REGION_1, p.peerA, wireGuard(64, 2));
        p.awaitDrained();
        assertThat(p.routes.regionOf(p.peerA.node)).isEqualTo(REGION_1);
        assertThat(p.counters.get(InboundCounter.ROUTES_LEARNED)).isEqualTo(1);

        p.offer(REGION_2, p.peerA, wireGuard(64, 3));
        p.awaitDrained();
        assertThat(p.routes.regionOf(p.peerA.node)).isEqualTo(REGION_2);
        assertThat(p.counters.get(InboundCounter.ROUTES_LEARNED)).isEqualTo(2);
        assertThat(p.routes.regionOf(p.peerB.node)).isEqualTo(ObservedRoutes.NO_REGION);
    }

    @Test
    @DisplayName("B52: a netmap update prunes routes of peers that left")
    void netmapUpdatePrunesRoutesOfPeersThatLeft() {
        final PipelineFixture p = pipeline(StageThreading.FUSED);
        p.offer(REGION_1, p.peerA, wireGuard(64, 1));
        p.offer(REGION_2, p.peerB, wireGuard(64, 2));
        p.awaitDrained();

        final Netmap.Builder onlyB = Netmap.builder();
        onlyB.addPeer(p.peerB.node, p.peerB.disco, Netmap.NO_REGION);
        p.netmaps.publish(onlyB.build());

        assertThat(p.routes.regionOf(p.peerA.node)).isEqualTo(ObservedRoutes.NO_REGION);
        assertThat(p.routes.regionOf(p.peerB.node)).isEqualTo(REGION_2);
        assertThat(p.offer(REGION_1, p.peerA, wireGuard(64, 3))).isEqualTo(InboundRing.DROPPED);
    }

    @Test
    void routeLearnedOnlyFromRelayedDiscoIsStillLearned() {
        final PipelineFixture p = pipeline(StageThreading.FUSED);
        p.demux.directPath(p.sink);
        p.offer(REGION_2, p.peerB, p.ping(p.peerB));
        p.awaitDrained();
        assertThat(p.routes.regionOf(p.peerB.node)).isEqualTo(REGION_2);
    }
}
