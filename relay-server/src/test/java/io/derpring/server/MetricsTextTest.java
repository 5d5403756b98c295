package io.derpring.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.derpring.internal.frame.FrameError;
import io.derpring.internal.metrics.PrometheusTextParser;
import io.derpring.internal.relay.Relay;
import io.derpring.internal.relay.RelayCounter;
import io.derpring.internal.relay.RelayDrop;
import io.derpring.internal.relay.RelayGauge;
import io.derpring.internal.stun.StunCounter;
import io.derpring.relay.AdmissionDecision;

class MetricsTextTest {
    /** The page the relay's own writer rendered for {@link #distinctValues()} before the shared writer replaced it. */
    private static final String GOLDEN = "/metrics/relay-metrics.golden.txt";
    /**
     * {@code -Dderpring.writeGolden=PATH} writes the page rendered now to PATH (then review the diff and commit it):
     * a counter added on purpose moves every later value, which is the point of "every value different".
     */
    private static final String WRITE_GOLDEN = System.getProperty("derpring.writeGolden");

    @Test
    void relayPageIsByteForByteThePageBeforeTheSharedWriter() throws IOException {
        final String golden;
        try (InputStream in = MetricsTextTest.class.getResourceAsStream(GOLDEN)) {
            golden = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (WRITE_GOLDEN != null) {
            java.nio.file.Files.writeString(java.nio.file.Path.of(WRITE_GOLDEN), RelayMetricsText.render(distinctValues()));
        }
        assertThat(RelayMetricsText.render(distinctValues())).isEqualTo(golden);
    }

    @Test
    void relayPageParsesAsPrometheusText() {
        final PrometheusTextParser page = PrometheusTextParser.parse(RelayMetricsText.render(distinctValues()));

        assertThat(page.samples).containsEntry("derp_packets_received_total{kind=\"other\"}", 998L);
        assertThat(page.types).containsEntry("derp_connections", "gauge");
    }

    @Test
    void stunDispositionsAreOneLabelledCounterWhenStunIsOn() {
        final DerpRelayServer.Stats off = distinctValues();
        final Map<StunCounter, Long> stun = new EnumMap<>(StunCounter.class);
        long n = 5_000;
        for (final StunCounter c : StunCounter.values()) {
            stun.put(c, n++);
        }
        final DerpRelayServer.Stats on = new DerpRelayServer.Stats(off.relay(), off.ends(), off.server(),
            off.frameErrors(), off.admissions(), off.verifyClient(), stun);
        final PrometheusTextParser page = PrometheusTextParser.parse(RelayMetricsText.render(on));
        assertThat(page.types).containsEntry("derp_stun_requests_total", "counter");
        assertThat(page.samples).containsEntry("derp_stun_requests_total{disposition=\"answered\"}", 5_000L)
            .containsEntry("derp_stun_requests_total{disposition=\"not_stun\"}", 5_001L)
            .containsEntry("derp_stun_requests_total{disposition=\"rate_limited\"}", 5_007L);
        assertThat(RelayMetricsText.render(off)).doesNotContain("stun");
    }

    /** Every number different (n = 1, 2, 3, ... in enum order), so a swapped or missing sample shows. */
    static DerpRelayServer.Stats distinctValues() {
        long n = 1;
        final Map<RelayCounter, Long> counters = new LinkedHashMap<>();
        for (final RelayCounter c : RelayCounter.values()) {
            counters.put(c, n++);
        }
        final Map<RelayDrop, Long> drops = new LinkedHashMap<>();
        for (final RelayDrop d : RelayDrop.values()) {
            drops.put(d, n++);
        }
        final Map<RelayGauge, Long> gauges = new LinkedHashMap<>();
        for (final RelayGauge g : RelayGauge.values()) {
            gauges.put(g, n++);
        }
        counters.put(RelayCounter.PACKETS_RECEIVED, 1_000L); // above the disco share, as a real relay's is
        final Map<ConnectionEnd, Long> ends = new EnumMap<>(ConnectionEnd.class);
        for (final ConnectionEnd e : ConnectionEnd.values()) {
            ends.put(e, n++);
        }
        final Map<ServerCounter, Long> server = new EnumMap<>(ServerCounter.class);
        for (final ServerCounter c : ServerCounter.values()) {
            server.put(c, n++);
        }
        final Map<FrameError, Long> errors = new EnumMap<>(FrameError.class);
        final FrameError[] all = FrameError.values();
        for (int i = 0; i < all.length; i += 2) { // only the rules that were broken have a sample
            errors.put(all[i], n++);
        }
        final Map<AdmissionDecision, Long> admissions = new EnumMap<>(AdmissionDecision.class);
        for (final AdmissionDecision d : AdmissionDecision.values()) {
            admissions.put(d, n++);
        }
        return new DerpRelayServer.Stats(new Relay.Snapshot(counters, drops, gauges, (int) n++), ends, server,
            errors, admissions, Map.of(), Map.of());
    }
}
