package io.derpring.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The verdict of a finished run, from its numbers alone: delivery threshold, integrity, the lines it prints. */
class LoadReportVerdictTest {
    private static final LoadReport.Connections QUIET = new LoadReport.Connections(8, Map.of(), 0, Map.of(), 0, 0, 0);

    static LoadReport report(final long sent, final long received, final Map<String, Long> clientDrops,
                             final long unexplained, final double minDeliveredFraction,
                             final LoadReport.Connections events) {
        final long clientDropped = ClientDropTally.sum(clientDrops);
        return new LoadReport(4, 1, 1200, 1.0, 0.0, "raw", "nio", "17", 0, 32, List.of("http://127.0.0.1:1"), sent,
            received, Map.of(1, received), received, 0, true, clientDropped, clientDrops, unexplained, 0, 0, 0, 0, 0,
            0, received, 0, 0, 0, new LoadReport.Latency(0, 0, 0, 0, 0, 0, 0), 0, Map.of(), 0, null, null, 0, null, events,
            minDeliveredFraction, null, null, true, null, Map.of(), 0, null);
    }

    static LoadReport report(final long sent, final long received, final double minDeliveredFraction) {
        return report(sent, received, Map.of(), 0, minDeliveredFraction, QUIET);
    }

    @Test
    void exactlyTheMinimumFractionDeliveredIsOk() {
        final LoadReport r = report(1000, 500, 0.5);
        assertThat(r.delivered()).isTrue();
        assertThat(r.ok()).isTrue();
        assertThat(r.exitStatus()).isZero();
        assertThat(r.verdict()).startsWith("OK: nothing lost without a reason");
    }

    @Test
    void oneBelowTheMinimumFractionIsNotDeliveredAndExitsThree() {
        final LoadReport r = report(1000, 499, 0.5);
        assertThat(r.delivered()).isFalse();
        assertThat(r.ok()).isFalse();
        assertThat(r.exitStatus()).isEqualTo(LoadReport.EXIT_NOT_DELIVERED).isEqualTo(3);
        assertThat(r.verdict()).startsWith("NOT DELIVERED: 499 of 1,000 packets sent arrived (49.9%)")
            .contains("0.5").doesNotContain("\n");
    }

    @Test
    void oneAboveTheMinimumFractionIsOk() {
        assertThat(report(1000, 501, 0.5).exitStatus()).isZero();
    }

    @Test
    void nothingDeliveredIsNeverOkEvenWithTheFractionAtZero() {
        assertThat(report(512, 0, 0.0).exitStatus()).isEqualTo(LoadReport.EXIT_NOT_DELIVERED);
        assertThat(report(512, 1, 0.0).exitStatus()).as("one packet is something").isZero();
    }

    @Test
    void nothingSentIsNotDelivered() {
        final LoadReport r = report(0, 0, 0.5);
        assertThat(r.exitStatus()).isEqualTo(LoadReport.EXIT_NOT_DELIVERED);
        assertThat(r.verdict()).contains("nothing sent");
    }

    @Test
    void droppedNotConnectedAppearsInAnOkVerdict() {
        final LoadReport r = report(1000, 900, Map.of(LoadReport.DROPPED_NOT_CONNECTED, 100L), 0, 0.5, QUIET);
        assertThat(r.ok()).isTrue();
        assertThat(r.verdict()).startsWith("OK").contains("dropped_not_connected 100");
        assertThat(r.toText()).contains("result      OK", "dropped_not_connected 100");
    }

    @Test
    void aRelayThatClosedEveryConnectionIsNamedInTheVerdictLine() {
        final LoadReport.Connections closed = new LoadReport.Connections(8, Map.of("closed_by_server", 8L), 0,
            Map.of(), 0, 0, 0);
        final LoadReport r = report(512, 0, Map.of(LoadReport.DROPPED_NOT_CONNECTED, 512L), 0, 0.5, closed);
        assertThat(r.unexplainedLost()).isZero();
        assertThat(r.exitStatus()).isEqualTo(LoadReport.EXIT_NOT_DELIVERED);
        assertThat(r.verdict()).startsWith("NOT DELIVERED: 0 of 512").contains("dropped_not_connected 512",
            "8 disconnects {closed_by_server=8}");
        assertThat(r.toText()).contains("result      NOT DELIVERED").doesNotContain("result      OK");
    }

    @Test
    void unexplainedLossInARunThatDeliveredIsAnIntegrityFailure() {
        final LoadReport r = report(1000, 990, Map.of(), 10, 0.5, QUIET);
        assertThat(r.exitStatus()).isEqualTo(LoadReport.EXIT_INTEGRITY_FAILURE);
        assertThat(r.verdict()).startsWith("FAILED");
    }

    @Test
    void tooLittleDeliveredOutranksUnexplainedLossAndNamesIt() {
        final LoadReport r = report(512, 0, Map.of(), 512, 0.5, QUIET);
        assertThat(r.exitStatus()).isEqualTo(LoadReport.EXIT_NOT_DELIVERED);
        assertThat(r.verdict()).startsWith("NOT DELIVERED").contains("unexplained 512");
    }

    @Test
    void corruptionOutranksTooLittleDelivered() {
        final LoadReport r = report(512, 0, Map.of(), 0, 0.5, QUIET);
        final LoadReport corrupted = new LoadReport(r.pairs(), r.regions(), r.size(), r.durationS(), r.warmupS(),
            r.client(), r.transport(), r.jdk(), r.ratePerPair(), r.window(), r.relays(), r.sent(), r.received(),
            r.receivedByRegion(), r.measuredReceived(), r.droppedByRelay(), r.relayDropsKnown(), r.droppedByClient(),
            r.droppedByClientDetail(), r.unexplainedLost(), r.duplicated(), r.reordered(), 512, r.acksSent(),
            r.acksReceived(), r.windowStalls(), r.throughputPps(), r.throughputMbps(), r.cpuS(), r.cpuTotalS(),
            r.latencyUs(), r.lostInTransit(), r.lostInTransitDetail(), r.connectionsLost(), r.faults(), r.memory(),
            r.backPressuredRetries(), r.engineRegions(), r.connectionEvents(), r.minDeliveredFraction(), r.relayCpuS(),
            r.relayCpuUsPerPkt(), r.relayInProcess(), r.baseline(), r.series(), r.pairsDelivering(), r.embeddedRelay());
        assertThat(corrupted.exitStatus()).isEqualTo(LoadReport.EXIT_INTEGRITY_FAILURE);
        assertThat(corrupted.verdict()).startsWith("FAILED");
    }

    @Test
    void jsonCarriesTheVerdictTheFractionAndTheConnectionEvents() {
        final LoadReport.Connections events = new LoadReport.Connections(40, Map.of("closed_by_server", 32L), 2,
            Map.of("dial_failed", 2L), 32, 3, 1);
        final Map<String, Object> json = report(1000, 600, Map.of(), 0, 0.5, events).toJsonMap();
        assertThat(json).containsEntry("ok", true).containsEntry("min_delivered_fraction", 0.5);
        assertThat((String) json.get("verdict")).startsWith("OK");
        @SuppressWarnings("unchecked")
        final Map<String, Object> e = (Map<String, Object>) json.get("connection_events");
        assertThat(e).containsEntry("connects", 40L).containsEntry("disconnects", Map.of("closed_by_server", 32L))
            .containsEntry("connect_failures", 2L).containsEntry("connect_failure_reasons", Map.of("dial_failed", 2L))
            .containsEntry("reconnects", 32L).containsEntry("frames_skipped", 3L).containsEntry("pongs_dropped", 1L);
        assertThat(json.keySet()).startsWith(LoadGeneratorTest.CONTRACT_KEYS.toArray(new String[0]));
    }
}
