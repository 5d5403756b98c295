package io.derpring.cli;

import static io.derpring.cli.LoadgenCommandTest.execute;
import static io.derpring.cli.LoadgenCommandTest.parse;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.derpring.loadgen.LoadOptions;
import io.derpring.loadgen.LoadReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16: a load run whose verdict cannot mislead. A relay that completes every handshake and then closes the
 * connection used to give exit 0 and "OK: nothing lost without a reason" (every packet counted as
 * {@code dropped_not_connected}); now it exits 3 with the reason in one line, and the JSON says what the connections
 * did.
 */
@Timeout(60)
class LoadgenVerdictTest {
    @TempDir
    Path dir;

    @Test
    void relayThatClosesEveryConnectionAfterServerInfoExitsNotDeliveredWithTheReasonAndConnectionEvents()
        throws Exception {
        final Path json = dir.resolve("hostile.json");
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int status;
        try (CloseAfterServerInfoRelay relay = new CloseAfterServerInfoRelay()) {
            status = execute(out, err, "loadgen", "--relay", relay.url(), "--pairs", "2", "--duration", "1s",
                "--warmup", "0", "--drain-timeout", "200ms", "--json", json.toString(), "-q");
            assertThat(relay.handshakes.get()).as("every node completed a real handshake").isEqualTo(4);
        }
        assertThat(status).as("stdout:%n%s%nstderr:%n%s", out, err).isEqualTo(LoadReport.EXIT_NOT_DELIVERED)
            .isEqualTo(Derpring.EXIT_CANNOT_RUN);
        final String reason = err.toString().lines().filter(l -> l.startsWith("derpring: ")).findFirst().orElseThrow();
        assertThat(reason).contains("NOT DELIVERED: 0 of", "dropped_not_connected", "closed_by_server");
        assertThat(out.toString()).contains("result      NOT DELIVERED").doesNotContain("result      OK");

        final JsonNode report = new ObjectMapper().readTree(json.toFile());
        assertThat(report.get("ok").asBoolean()).isFalse();
        assertThat(report.get("received").asLong()).isZero();
        // Sending starts after every node connected, by when each connection has been dropped: what is sent is
        // refused for want of a connection, counted (a packet written just before a close would be unexplained).
        assertThat(report.get("dropped_by_client_detail").get("connection.dropped_not_connected").asLong())
            .isPositive();
        assertThat(report.get("verdict").asText()).startsWith("NOT DELIVERED");
        final JsonNode events = report.get("connection_events");
        assertThat(events.get("connects").asLong()).isEqualTo(4);
        assertThat(events.get("disconnects").get("closed_by_server").asLong()).isEqualTo(4);
        assertThat(events.get("connect_failures").asLong()).isZero();
        assertThat(events.get("reconnects").asLong()).as("bare connections are used once").isZero();
        assertThat(events.has("frames_skipped")).isTrue();
        assertThat(events.has("pongs_dropped")).isTrue();
    }

    @Test
    void engineClientsAgainstARelayThatClosesEveryConnectionShowTheirReconnects() throws Exception {
        final Path json = dir.resolve("hostile-engine.json");
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int status;
        try (CloseAfterServerInfoRelay relay = new CloseAfterServerInfoRelay()) {
            status = execute(out, err, "loadgen", "--client", "engine", "--relay", relay.url(), "--pairs", "1",
                "--duration", "500ms", "--warmup", "0", "--drain-timeout", "200ms", "--json", json.toString(), "-q");
        }
        assertThat(status).as("stdout:%n%s%nstderr:%n%s", out, err).isEqualTo(LoadReport.EXIT_NOT_DELIVERED);
        assertThat(err.toString()).contains("derpring: NOT DELIVERED: 0 of");
        final JsonNode events = new ObjectMapper().readTree(json.toFile()).get("connection_events");
        assertThat(events.get("disconnects").get("closed_by_server").asLong()).isGreaterThanOrEqualTo(2);
        assertThat(events.get("reconnects").asLong()).as("each engine redialled the relay that dropped it")
            .isGreaterThanOrEqualTo(2);
    }

    @Test
    void normalRunExitsZeroWithAnOkVerdictAndItsConnectionEvents() throws Exception {
        final Path json = dir.resolve("normal.json");
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int status = execute(out, err, "loadgen", "--pairs", "1", "--duration", "300ms", "--warmup", "0",
            "--json", json.toString(), "-q");
        assertThat(status).as("stdout:%n%s%nstderr:%n%s", out, err).isZero();
        assertThat(out.toString()).contains("result      OK: nothing lost without a reason");
        assertThat(err.toString()).doesNotContain("NOT DELIVERED");
        final JsonNode report = new ObjectMapper().readTree(json.toFile());
        assertThat(report.get("ok").asBoolean()).isTrue();
        assertThat(report.get("verdict").asText()).startsWith("OK").doesNotContain("dropped_not_connected");
        assertThat(report.get("min_delivered_fraction").asDouble())
            .isEqualTo(LoadOptions.DEFAULT_MIN_DELIVERED_FRACTION);
        final JsonNode events = report.get("connection_events");
        assertThat(events.get("connects").asLong()).isEqualTo(2);
        assertThat(events.get("disconnects").size()).as("nothing closed before the report").isZero();
        assertThat(events.get("reconnects").asLong()).isZero();
    }

    @Test
    void minDeliveredFractionOptionReachesTheRun() {
        assertThat(parse("loadgen").minDeliveredFraction()).isEqualTo(LoadOptions.DEFAULT_MIN_DELIVERED_FRACTION);
        assertThat(parse("loadgen", "--min-delivered-fraction", "0.01").minDeliveredFraction()).isEqualTo(0.01);
        assertThat(parse("loadgen", "--min-delivered-fraction", "0").minDeliveredFraction()).isZero();
        assertThat(parse("loadgen", "--min-delivered-fraction", "1").minDeliveredFraction()).isEqualTo(1.0);
    }

    @Test
    void minDeliveredFractionOutsideZeroToOneIsAUsageError() {
        final int usage = Derpring.commandLine().getCommandSpec().exitCodeOnInvalidInput();
        for (final String bad : new String[] {"-0.01", "1.01", "NaN", "half"}) {
            final StringWriter err = new StringWriter();
            assertThat(execute(new StringWriter(), err, "loadgen", "--min-delivered-fraction", bad)).as(bad)
                .isEqualTo(usage);
            assertThat(err.toString()).as(bad).isNotBlank();
        }
    }
}
