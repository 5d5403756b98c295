package io.derpring.loadgen;

import static io.derpring.loadgen.LoadGeneratorTest.assertNothingUnexplained;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.derpring.server.DerpRelayServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16: engine clients whose pairs live in different regions, over three embedded loopback relays. Each run is
 * a few seconds; the assertions are about routes, region lifecycle counters and accounting, never timing.
 */
@Timeout(120)
class CrossRegionLoadTest {
    @TempDir
    Path dir;

    private static LoadOptions.Builder crossRegion() {
        return LoadOptions.builder().drainTimeout(LoadGeneratorTest.TEST_DRAIN)
            .client(ClientKind.ENGINE).pairs(3).regions(3).crossRegion(true)
            .duration(Duration.ofMillis(1200)).warmup(Duration.ofMillis(200));
    }

    private JsonNode json(final Path file) throws Exception {
        return new ObjectMapper().readTree(file.toFile());
    }

    @Test
    void crossRegionPairsDeliverOnEveryRegionAndWakeTheReceiversHome() throws Exception {
        final Path file = dir.resolve("cross.json");
        final LoadReport r = LoadGeneratorTest.run(crossRegion().jsonFile(file).build());
        assertNothingUnexplained(r);
        // Pair p: sender homed on region p+1, receiver on the next region, so each region carries one pair's data.
        assertThat(r.engineRegions().receivedByArrivalRegion()).containsOnlyKeys(1, 2, 3);
        assertThat(r.engineRegions().receivedByArrivalRegion().values()).allSatisfy(n -> assertThat(n).isPositive());
        // Both ends wake the other's home: data the receiver's, acks the sender's.
        assertThat(r.engineRegions().wakes()).isGreaterThanOrEqualTo(2L * r.pairs());
        assertThat(r.acksReceived()).isPositive();
        final JsonNode j = json(file);
        assertThat(j.get("region_wakes").asLong()).isEqualTo(r.engineRegions().wakes());
        for (final String key : new String[] {"region_idle_closes", "region_connects", "region_failures",
            "received_by_arrival_region", "region_state_timeline"}) {
            assertThat(j.has(key)).as("JSON key %s", key).isTrue();
        }
        assertThat(j.get("netmap_home").asBoolean()).isTrue();
    }

    @Test
    void relayUrlsAreRegionsAlike() throws Exception {
        try (DerpRelayServer a = relay(); DerpRelayServer b = relay()) {
            final LoadReport r = LoadGeneratorTest.run(crossRegion().pairs(2).relays(List.of(url(a), url(b))).build());
            assertNothingUnexplained(r);
            assertThat(r.engineRegions().receivedByArrivalRegion()).containsOnlyKeys(1, 2);
            assertThat(r.engineRegions().wakes()).isGreaterThanOrEqualTo(2L * r.pairs());
        }
    }

    private static DerpRelayServer relay() throws InterruptedException {
        return DerpRelayServer.builder().listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
            .metricsAddress(null).build().start();
    }

    private static URI url(final DerpRelayServer relay) {
        return URI.create("http://127.0.0.1:" + relay.localAddress().getPort());
    }

    @Test
    void withoutNetmapHomesAcksTakeTheObservedRouteAndNothingIsLostUnexplained() throws Exception {
        final Path file = dir.resolve("observed.json");
        final LoadReport r = LoadGeneratorTest.run(crossRegion().noNetmapHome(true).jsonFile(file).build());
        assertNothingUnexplained(r);
        assertThat(r.engineRegions().receivedByArrivalRegion()).containsOnlyKeys(1, 2, 3);
        assertThat(r.engineRegions().receivedByArrivalRegion().values()).allSatisfy(n -> assertThat(n).isPositive());
        assertThat(r.engineRegions().wakes()).as("senders wake their receivers' homes").isGreaterThanOrEqualTo(
            r.pairs());
        assertThat(r.acksReceived()).as("acks came back along the observed route").isPositive();
        assertThat(json(file).get("netmap_home").asBoolean()).isFalse();
    }

    @Test
    void pausesLongerThanTheIdleGraceCloseRegionsThatTrafficWakesAgain() throws Exception {
        final Path file = dir.resolve("idle.json");
        final LoadReport r = LoadGeneratorTest.run(crossRegion().pairs(2).idleGrace(Duration.ofMillis(150))
            .pauses(Duration.ofMillis(400), Duration.ofMillis(600)).duration(Duration.ofMillis(2400))
            .jsonFile(file).build());
        assertNothingUnexplained(r);
        final LoadReport.Regions regions = r.engineRegions();
        assertThat(regions.pauses()).isPositive();
        assertThat(regions.idleCloses()).as("regions idled out in the pauses").isPositive();
        assertThat(regions.wakes()).as("and woke again after them").isGreaterThan(2L * r.pairs());
        final JsonNode j = json(file);
        assertThat(j.get("region_idle_closes").asLong()).isEqualTo(regions.idleCloses());
        assertThat(j.get("idle_grace_ms").asLong()).isEqualTo(150);
    }

    @Test
    void everyChurnKindAppliedUnderTrafficLeavesNothingUnexplained() throws Exception {
        final Path file = dir.resolve("churn.json");
        final int kinds = RegionChurnSchedule.Kind.values().length;
        final Duration period = Duration.ofMillis(700);
        // Two spare periods: a slow relay restart on a busy machine may push the schedule back, and an event not
        // begun when sending stops is skipped.
        final LoadReport r = LoadGeneratorTest.run(crossRegion().regionChurn(period)
            .duration(period.multipliedBy(kinds + 3)).jsonFile(file).build());
        assertThat(r.unexplainedLost()).as("unexplained loss").isZero();
        assertThat(r.duplicated()).as("duplicated").isZero();
        assertThat(r.corrupted()).as("corrupted").isZero();
        assertThat(r.ok()).isTrue();
        // Connections die in a churn run, so packets lost on them in transit join the relay's and client's drops.
        assertThat(r.sent() + r.acksSent() - r.received() - r.acksReceived())
            .as("shortfall = relay drops + client drops + lost in transit")
            .isEqualTo(r.droppedByRelay() + r.droppedByClient() + r.lostInTransit());
        final LoadReport.Regions regions = r.engineRegions();
        assertThat(regions.churnByKind()).hasSize(kinds).allSatisfy((kind, n) -> assertThat(n).as(kind).isPositive());
        assertThat(r.received()).isPositive();
        long relayByReason = 0;
        for (final long n : regions.relayDropsByReason().values()) {
            relayByReason += n;
        }
        assertThat(relayByReason).as("every relay drop has a reason").isEqualTo(r.droppedByRelay());
        final JsonNode events = json(file).get("region_churn_events");
        assertThat(events.size()).isGreaterThanOrEqualTo(kinds);
        for (final JsonNode e : events) {
            assertThat(e.has("t_s") && e.has("kind") && e.has("region")).isTrue();
            assertThat(e.has("client_drops") && e.has("relay_drops") && e.has("connections_lost"))
                .as("losses attributed to %s", e).isTrue();
        }
    }

    @Test
    void progressShowsTheSampleEnginesRegionStatesEverySecondAndQuietDoesNot() throws Exception {
        final LoadOptions.Builder run = crossRegion().pairs(1).duration(Duration.ofMillis(1800));
        final String loud = progressOf(run.progress(true).build());
        assertThat(loud).containsPattern("regions\\] 1 CONNECTED home  2 (CONNECTED|CONNECTING)  3 DORMANT");
        assertThat(progressOf(run.progress(false).build())).doesNotContain("regions]");
    }

    private static String progressOf(final LoadOptions options) throws Exception {
        final ByteArrayOutputStream progress = new ByteArrayOutputStream();
        final LoadReport r = new LoadGenerator(options).run(new PrintStream(progress, true, StandardCharsets.UTF_8));
        assertNothingUnexplained(r);
        return progress.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theSampleEnginesRegionStatesGoIntoTheTimeline() throws Exception {
        final Path file = dir.resolve("timeline.json");
        final LoadReport r = LoadGeneratorTest.run(crossRegion().pairs(1).jsonFile(file).build());
        assertNothingUnexplained(r);
        final JsonNode timeline = json(file).get("region_state_timeline");
        assertThat(timeline.size()).isPositive().isLessThanOrEqualTo(RegionStatusView.MAX_TIMELINE);
        final JsonNode last = timeline.get(timeline.size() - 1).get("states");
        assertThat(last.get("1").asText()).as("pair 0's sender is homed on region 1").isEqualTo("CONNECTED home");
        assertThat(last.get("2").asText()).as("the receiver's home, woken by data").startsWith("CONNECTED");
    }
}
