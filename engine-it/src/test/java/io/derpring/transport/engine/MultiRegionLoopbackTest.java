package io.derpring.transport.engine;

import io.derpring.engine.SendResult;
import static io.derpring.server.Await.awaitTrue;
import static io.derpring.transport.engine.LoopbackRegions.R900;
import static io.derpring.transport.engine.LoopbackRegions.R901;
import static io.derpring.transport.engine.LoopbackRegions.R902;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.derpring.netmap.Netmap;
import io.derpring.region.RegionState;
import io.derpring.internal.relay.RelayCounter;
import io.derpring.metrics.EngineMetrics;
import io.derpring.server.DerpRelayServer;
import io.derpring.transport.Transport;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 8 gates: real engines (Netty, plain HTTP) against three real relays on 127.0.0.1 as regions 900, 901 and
 * 902 (SPEC §5.1–§5.5, §5.8). Every wait has a deadline; a "nothing happened" check first waits for the engine's
 * conductor to have evaluated its regions after the moment that matters (its duty-cycle counter), or for a later
 * frame on the same in-order link.
 */
@Timeout(300)
class MultiRegionLoopbackTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    /** Long enough that no non-home region idles out during a test that is not about idling. */
    private static final Duration NO_IDLE = Duration.ofSeconds(60);
    /** Short grace for the idle tests: the smallest RegionSettings allows is 100 ms. */
    private static final Duration SHORT_IDLE = Duration.ofMillis(300);
    /**
     * The unreachable-region test's grace: long enough that two refused dials (backoff 5-15 ms, then 20-60 ms) fit in
     * it even when a busy two-core machine starves the conductor for a while.
     */
    private static final Duration UNREACHABLE_IDLE = Duration.ofMillis(1500);
    private static final int LENGTH = 200;
    /**
     * Conductor duty cycles a "no dial / no resend" check waits for. Each cycle evaluates every region, so one
     * would show a wrongly woken region; a hundred (about 100 ms at the default 1 ms idle park) also covers a
     * mistake that needs a few cycles to surface (a command, then the tick that acts on it).
     */
    private static final int SETTLE_DUTY_CYCLES = 100;

    private LoopbackRegions regions;
    private final List<LoopbackPeer> peers = new ArrayList<>();

    static List<Transport> transports() {
        return Transport.available();
    }

    @AfterEach
    void closeEverything() {
        for (final LoopbackPeer p : peers) {
            p.close();
        }
        if (regions != null) {
            regions.close();
        }
    }

    private LoopbackPeer peer(final String name, final Transport transport, final Duration idle) {
        final LoopbackPeer p = new LoopbackPeer(name, transport, idle);
        peers.add(p);
        return p;
    }

    private void awaitHome(final LoopbackPeer p, final int region) {
        awaitTrue(p + " connected to home " + region + " and registered there",
            () -> p.connected(region) && regions.connectedAt(region, p.key()), WAIT);
    }

    private static long dutyCycles(final LoopbackPeer p) {
        return p.metric(EngineMetrics.REGION_DUTY_CYCLES);
    }

    /** Returns once {@code p}'s conductor has run {@code n} whole duty cycles that began after this call. */
    private static void awaitDutyCycles(final LoopbackPeer p, final int n) {
        final long seen = dutyCycles(p);
        // +1: the cycle under way when we read may have read its clock before this call
        awaitTrue(p + " ran " + n + " more duty cycles", () -> dutyCycles(p) >= seen + n + 1, WAIT);
    }

    /**
     * Returns once {@code p}'s conductor has evaluated every region at engine time {@code deadlineNs} or later (the
     * engine's clock is System.nanoTime): whatever it would do by that deadline (a retry, an idle close) is done.
     */
    private static void awaitEvaluatedAt(final LoopbackPeer p, final long deadlineNs) {
        awaitTrue("the engine clock reaches the deadline", () -> System.nanoTime() - deadlineNs >= 0, WAIT);
        awaitDutyCycles(p, 1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    @DisplayName("B45: at start only the home region connects")
    void atStartOnlyTheHomeRegionConnects(final Transport transport) throws Exception {
        regions = new LoopbackRegions(transport);
        final LoopbackPeer a = peer("a", transport, NO_IDLE).join(regions.map(), R900);

        awaitHome(a, R900);
        awaitDutyCycles(a, SETTLE_DUTY_CYCLES); // every cycle evaluates 901 and 902: a wrong dial happens here

        assertThat(a.metric("derpring_engine_region_wakes")).as("no dormant region was woken").isZero();
        assertThat(a.state(R901)).isEqualTo(RegionState.DORMANT);
        assertThat(a.state(R902)).isEqualTo(RegionState.DORMANT);
        assertThat(regions.accepted(R900)).isEqualTo(1);
        assertThat(regions.accepted(R901)).isZero();
        assertThat(regions.accepted(R902)).isZero();
        assertThat(a.status(R900).home()).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    @DisplayName("B46/B44/B64: a send to a peer homed in region 901 opens 901 and the packet arrives")
    void aSendToAPeerHomedInAnotherRegionOpensItAndThePacketArrives(final Transport transport) throws Exception {
        regions = new LoopbackRegions(transport);
        final LoopbackPeer a = peer("a", transport, NO_IDLE);
        final LoopbackPeer b = peer("b", transport, NO_IDLE);
        a.netmap(b, R901).join(regions.map(), R900);
        b.netmap(a, R900).join(regions.map(), R901);
        awaitHome(a, R900);
        awaitHome(b, R901);
        assertThat(a.state(R901)).isEqualTo(RegionState.DORMANT);

        assertThat(a.send(b, 1, LENGTH)).as("region 901 is dormant: the waking packet is queued")
            .isEqualTo(SendResult.QUEUED);
        awaitTrue("the waking packet reached b through 901", () -> b.receivedFrom(a, R901, 1), WAIT);
        // The waking packet goes out before the region reports CONNECTED (B46), so it may arrive first.
        awaitTrue("a reports 901 connected", () -> a.connected(R901), WAIT);

        assertThat(a.send(b, 2, LENGTH)).isEqualTo(SendResult.ACCEPTED);
        awaitTrue("the second packet reached b", () -> b.receivedFrom(a, R901, 2), WAIT);
        assertThat(regions.accepted(R901)).as("one connection per region: b's and a's").isEqualTo(2);
        assertThat(a.metric("derpring_engine_region_wakes")).isEqualTo(1);
        assertThat(b.received).allSatisfy(r -> assertThat(r.bytes()).hasSize(LENGTH));

        assertThat(b.send(a, 3, LENGTH)).as("b's netmap has a homed on 900").isEqualTo(SendResult.QUEUED);
        awaitTrue("b's reply reached a through 900", () -> a.receivedFrom(b, R900, 3), WAIT);
    }

    @Test
    @DisplayName("B47: a non-home region closes after the idle grace; home stays")
    void anIdleNonHomeRegionClosesAfterTheGrace() throws Exception {
        final Transport transport = Transport.detect();
        regions = new LoopbackRegions(transport);
        final LoopbackPeer a = peer("a", transport, SHORT_IDLE);
        final LoopbackPeer b = peer("b", transport, NO_IDLE);
        a.netmap(b, R901).join(regions.map(), R900);
        b.netmap(a, R900).join(regions.map(), R901);
        awaitHome(a, R900);
        awaitHome(b, R901);

        a.send(b, 1, LENGTH);
        awaitTrue("packet through 901", () -> b.receivedFrom(a, R901, 1), WAIT);
        awaitTrue("a's 901 connection idled out", () -> a.state(R901) == RegionState.DORMANT, WAIT);
        awaitTrue("the relay saw a leave 901", () -> !regions.connectedAt(R901, a.key()), WAIT);

        assertThat(a.metric("derpring_engine_region_idle_closes")).isEqualTo(1);
        assertThat(a.connected(R900)).as("home is never closed for idleness (B45)").isTrue();
        assertThat(regions.connectedAt(R900, a.key())).isTrue();

        a.send(b, 2, LENGTH);
        awaitTrue("traffic wakes it again", () -> b.receivedFrom(a, R901, 2), WAIT);
        assertThat(a.metric("derpring_engine_region_wakes")).isEqualTo(2);
    }

    @Test
    @DisplayName("B48: a killed relay is reconnected with backoff and traffic resumes")
    void aKilledRelayIsReconnectedWithBackoffAndTrafficResumes() throws Exception {
        final Transport transport = Transport.detect();
        regions = new LoopbackRegions(transport);
        final LoopbackPeer a = peer("a", transport, NO_IDLE);
        final LoopbackPeer b = peer("b", transport, NO_IDLE);
        a.netmap(b, R900).join(regions.map(), R900);
        b.netmap(a, R900).join(regions.map(), R900);
        awaitHome(a, R900);
        awaitHome(b, R900);
        a.send(b, 1, LENGTH);
        awaitTrue("before the kill", () -> b.receivedFrom(a, R900, 1), WAIT);

        regions.kill(R900);
        awaitTrue("a keeps failing while the relay is down (backoff between attempts)",
            () -> a.status(R900).consecutiveFailures() >= 3, WAIT);
        assertThat(a.status(R900).lastError()).isNotNull();
        assertThat(a.status(R901).state()).as("one region's failure never affects another")
            .isEqualTo(RegionState.DORMANT);

        regions.restart(R900);
        awaitHome(a, R900);
        awaitHome(b, R900);
        a.send(b, 2, LENGTH);
        b.send(a, 3, LENGTH);
        awaitTrue("traffic resumes both ways", () -> b.receivedFrom(a, R900, 2) && a.receivedFrom(b, R900, 3), WAIT);
        // ServerInfo alone no longer proves a connection (a relay dying right after it would storm); a packet does.
        awaitTrue("a received packet resets the backoff", () -> a.status(R900).consecutiveFailures() == 0, WAIT);
        assertThat(a.metric("derpring_engine_region_connect_failures")).isGreaterThanOrEqualTo(3);
        assertThat(a.events).contains("disconnected 900 error");
    }

    @Test
    @DisplayName("§5.1: an unreachable non-home region retries while its traffic is fresh, then gives up")
    void anUnreachableNonHomeRegionGivesUpAfterTheIdleGrace() throws Exception {
        final Transport transport = Transport.detect();
        regions = new LoopbackRegions(transport);
        regions.kill(R902);
        final LoopbackPeer a = peer("a", transport, UNREACHABLE_IDLE);
        final LoopbackPeer b = peer("b", transport, NO_IDLE);
        a.netmap(b, R902).join(regions.map(), R900);
        awaitHome(a, R900);

        assertThat(a.send(b, 1, LENGTH)).isEqualTo(SendResult.QUEUED);
        awaitTrue("902 is retried while the packet is fresh", () -> a.status(R902).consecutiveFailures() >= 2, WAIT);
        awaitTrue("then it gives up and drops the stale packet", () -> a.state(R902) == RegionState.DORMANT
            && a.metric("derpring_engine_region_dropped_unreachable") == 1, WAIT);

        regions.restart(R902);
        // Two graces after the relay is back: a retry left scheduled (even backed off) would have dialled it by then.
        awaitEvaluatedAt(a, System.nanoTime() + UNREACHABLE_IDLE.multipliedBy(2).toNanos());
        assertThat(a.state(R902)).isEqualTo(RegionState.DORMANT);
        assertThat(a.metric("derpring_engine_region_wakes")).as("only the first packet woke 902").isEqualTo(1);
        assertThat(regions.accepted(R902)).as("no dial without new traffic").isZero();
        assertThat(a.connected(R900)).isTrue();
    }

    @Test
    @DisplayName("B49/B67: a home change moves always-on and NotePreferred")
    void aHomeChangeMovesAlwaysOnAndNotePreferred() throws Exception {
        final Transport transport = Transport.detect();
        regions = new LoopbackRegions(transport);
        final LoopbackPeer a = peer("a", transport, SHORT_IDLE).join(regions.map(), R900);
        awaitHome(a, R900);
        awaitTrue("NotePreferred(1) on the home connection", () -> Boolean.TRUE.equals(regions.preferredAt(R900,
            a.key())), WAIT);

        a.engine().setHomeRegion(R901);
        awaitHome(a, R901);
        awaitTrue("NotePreferred(1) on the new home", () -> Boolean.TRUE.equals(regions.preferredAt(R901, a.key())),
            WAIT);
        awaitTrue("NotePreferred(0) on the old home", () -> Boolean.FALSE.equals(regions.preferredAt(R900, a.key()))
            || !regions.connectedAt(R900, a.key()), WAIT);
        awaitTrue("the old home idles out", () -> a.state(R900) == RegionState.DORMANT
            && !regions.connectedAt(R900, a.key()), WAIT);
        assertThat(regions.counter(R900, RelayCounter.NOTE_PREFERRED)).as("1 at connect, 0 at demotion")
            .isEqualTo(2);

        // 901 has no traffic: were it closed for idleness, that would be at connected-since + grace.
        awaitEvaluatedAt(a, a.status(R901).connectedSinceNs() + SHORT_IDLE.multipliedBy(2).toNanos());
        assertThat(a.metric("derpring_engine_region_idle_closes")).as("only the old home idled out").isEqualTo(1);
        assertThat(a.connected(R901)).as("the new home is always on").isTrue();
        assertThat(a.status(R901).home()).isTrue();
        assertThat(regions.counter(R901, RelayCounter.NOTE_PREFERRED)).isEqualTo(1);
        assertThat(a.events).contains("home 0->900", "home 900->901");
    }

    @Test
    @DisplayName("B53: a reply to a peer with no netmap home goes on its observed region, else on our home")
    void aReplyToAPeerWithoutANetmapHomeGoesOnItsObservedRegionElseOurHome() throws Exception {
        final Transport transport = Transport.detect();
        regions = new LoopbackRegions(transport);
        final LoopbackPeer a = peer("a", transport, NO_IDLE);
        final LoopbackPeer b = peer("b", transport, NO_IDLE);
        final LoopbackPeer c = peer("c", transport, NO_IDLE);
        a.netmap(b, R901).join(regions.map(), R900);
        b.netmap(a, Netmap.NO_REGION, c, Netmap.NO_REGION).join(regions.map(), R901);
        c.netmap(b, Netmap.NO_REGION).join(regions.map(), R902);
        awaitHome(a, R900);
        awaitHome(b, R901);
        awaitHome(c, R902);

        a.send(b, 1, LENGTH);
        awaitTrue("a's packet reached b on 901", () -> b.receivedFrom(a, R901, 1), WAIT);
        awaitTrue("b learned a -> 901", () -> b.engine().observedRegionOf(a.key()) == R901, WAIT);
        b.engine().setHomeRegion(R902);
        awaitHome(b, R902);

        b.send(a, 2, LENGTH);
        awaitTrue("the reply went on the observed region (901), not b's home (902)",
            () -> a.receivedFrom(b, R901, 2), WAIT);
        b.send(c, 3, LENGTH);
        awaitTrue("no netmap home and no route: b's own home (902)", () -> c.receivedFrom(b, R902, 3), WAIT);
        assertThat(regions.counter(R900, RelayCounter.PACKETS_RECEIVED)).isZero();
    }

    @Test
    @DisplayName("B61: a full disco queue drops the newest and counts; the queued frames go out on connect")
    void aFullDiscoQueueDropsAndCounts() throws Exception {
        final Transport transport = Transport.detect();
        regions = new LoopbackRegions(transport);
        regions.kill(R902); // 902 cannot connect, so the disco queue fills deterministically
        final LoopbackPeer a = peer("a", transport, NO_IDLE).join(regions.map(), R900);
        final LoopbackPeer b = peer("b", transport, NO_IDLE);
        awaitHome(a, R900);

        final UnsafeBuffer frame = discoLooking(80);
        for (int i = 0; i < 8; i++) {
            assertThat(a.engine().sendDisco(b.key(), R902, frame, 0, 80)).as("frame %d", i)
                .isEqualTo(SendResult.QUEUED);
        }
        assertThat(a.engine().sendDisco(b.key(), R902, frame, 0, 80)).isEqualTo(SendResult.BACK_PRESSURED);
        assertThat(a.metric("derpring_engine_region_disco_dropped_queue_full")).isEqualTo(1);
        awaitTrue("902 is being tried (the queued frames woke it)",
            () -> a.status(R902).consecutiveFailures() >= 1, WAIT);

        final DerpRelayServer restarted = regions.restart(R902);
        awaitTrue("a connected to 902", () -> a.connected(R902), WAIT);
        awaitTrue("the 8 queued frames reached the relay",
            () -> restarted.relay().counter(RelayCounter.PACKETS_RECEIVED_DISCO) == 8, WAIT);
        assertThat(a.metric("derpring_engine_region_disco_sent")).isEqualTo(8);
        // A fence, not a window: the conductor has had its chances to resend, then one more frame goes on the same
        // in-order connection; any resent frame was written before it and reaches the relay first.
        awaitDutyCycles(a, SETTLE_DUTY_CYCLES);
        assertThat(a.engine().sendDisco(b.key(), R902, frame, 0, 80)).isEqualTo(SendResult.ACCEPTED);
        awaitTrue("the fence frame reached the relay",
            () -> restarted.relay().counter(RelayCounter.PACKETS_RECEIVED_DISCO) >= 9, WAIT);
        assertThat(restarted.relay().counter(RelayCounter.PACKETS_RECEIVED_DISCO)).as("8 queued + the fence")
            .isEqualTo(9);
        assertThat(a.metric("derpring_engine_region_disco_sent")).as("8 flushed + the fence").isEqualTo(9);
    }

    @Test
    @DisplayName("B63: a region removed from the DERP map is closed")
    void aRemovedRegionIsClosed() throws Exception {
        final Transport transport = Transport.detect();
        regions = new LoopbackRegions(transport);
        final LoopbackPeer a = peer("a", transport, NO_IDLE);
        final LoopbackPeer b = peer("b", transport, NO_IDLE);
        a.netmap(b, R901).join(regions.map(), R900);
        b.netmap(a, R900).join(regions.map(), R901);
        awaitHome(a, R900);
        awaitHome(b, R901);
        a.send(b, 1, LENGTH);
        awaitTrue("a is on 901", () -> b.receivedFrom(a, R901, 1) && regions.connectedAt(R901, a.key()), WAIT);

        a.engine().updateDerpMap(regions.mapWithout(R901));
        awaitTrue("901 is gone from a's status", () -> a.status(R901) == null, WAIT);
        awaitTrue("the relay saw a leave 901", () -> !regions.connectedAt(R901, a.key()), WAIT);

        assertThat(a.metric("derpring_engine_region_map_closes")).isEqualTo(1);
        assertThat(a.events).as("the listener hears the removed region's end").contains("disconnected 901");
        assertThat(a.connected(R900)).isTrue();
        assertThat(a.send(b, 2, LENGTH)).as("no live region for b").isEqualTo(SendResult.NO_ROUTE);
    }

    @Test
    @DisplayName("B63: a region whose node changes reconnects to the new node")
    void aChangedRegionReconnectsToItsNewNode() throws Exception {
        final Transport transport = Transport.detect();
        regions = new LoopbackRegions(transport);
        final LoopbackPeer a = peer("a", transport, NO_IDLE).join(regions.map(), R900);
        awaitHome(a, R900);
        final DerpRelayServer moved = regions.startExtraRelay();

        a.engine().updateDerpMap(regions.mapWithNode(R900, "900new", moved.localAddress().getPort()));
        awaitTrue("a left the old node", () -> !regions.connectedAt(R900, a.key()), WAIT);
        awaitTrue("a is on the new node", () -> moved.relay().isConnected(a.key()) && a.connected(R900)
            && "900new".equals(a.status(R900).nodeName()), WAIT);

        assertThat(a.metric("derpring_engine_region_map_closes")).isEqualTo(1);
        assertThat(a.status(R900).home()).isTrue();
        assertThat(regions.accepted(R901)).as("unchanged regions are untouched").isZero();
    }

    /** len ≥ 62 and the 6-byte disco magic "TS💬" (SPEC §4.1): the relay counts it as disco. */
    private static UnsafeBuffer discoLooking(final int length) {
        final UnsafeBuffer b = new UnsafeBuffer(new byte[length]);
        final byte[] magic = {0x54, 0x53, (byte) 0xf0, (byte) 0x9f, (byte) 0x92, (byte) 0xac};
        b.putBytes(0, magic);
        return b;
    }
}
