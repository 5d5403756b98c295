package io.derpring.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.derpring.loadgen.ClientKind;
import io.derpring.loadgen.LoadOptions;
import io.derpring.transport.Transport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

@Timeout(60)
class LoadgenCommandTest {
    @TempDir
    Path dir;

    static LoadOptions parse(final String... args) {
        final CommandLine cli = Derpring.commandLine();
        final CommandLine.ParseResult result = cli.parseArgs(args);
        final LoadgenCommand command = result.subcommand().commandSpec().commandLine().getCommand();
        return command.options();
    }

    static int execute(final StringWriter out, final StringWriter err, final String... args) {
        final CommandLine cli = Derpring.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void defaultsAreTheGeneratorsDefaults() {
        final LoadOptions o = parse("loadgen");
        final LoadOptions d = LoadOptions.builder().progress(true).build();
        assertThat(o.pairs()).isEqualTo(d.pairs());
        assertThat(o.regions()).isEqualTo(d.regions());
        assertThat(o.sizeBytes()).isEqualTo(d.sizeBytes());
        assertThat(o.duration()).isEqualTo(d.duration());
        assertThat(o.warmup()).isEqualTo(d.warmup());
        assertThat(o.ratePerPair()).isZero();
        assertThat(o.window()).isEqualTo(d.window());
        assertThat(o.relaySenderPause()).isEqualTo(d.relaySenderPause());
        assertThat(o.client()).isEqualTo(ClientKind.RAW);
        assertThat(o.transport()).as("auto: detected when the run starts").isNull();
        assertThat(o.jsonFile()).isNull();
        assertThat(o.embeddedRelays()).isTrue();
        assertThat(o.progress()).isTrue();
    }

    @Test
    void everyOptionReachesTheRun() {
        final LoadOptions o = parse("loadgen", "--relay", "http://127.0.0.1:3340", "--relay", "https://derp.example",
            "--relay-metrics", "http://127.0.0.1:9340/metrics", "--pairs", "8", "--size", "64", "--duration", "2s",
            "--warmup", "500ms", "--rate", "1000", "--window", "0", "--client", "engine", "--transport", "nio",
            "--json", "out.json", "--relay-queue-depth", "8",
            "--relay-sender-pause", "0", "--tls-insecure", "--drain-timeout", "1", "-q");
        assertThat(o.relays()).containsExactly(URI.create("http://127.0.0.1:3340"), URI.create("https://derp.example"));
        assertThat(o.regions()).as("one region per relay URL").isEqualTo(2);
        assertThat(o.relayMetrics()).containsExactly(URI.create("http://127.0.0.1:9340/metrics"));
        assertThat(o.pairs()).isEqualTo(8);
        assertThat(o.sizeBytes()).isEqualTo(64);
        assertThat(o.duration()).isEqualTo(Duration.ofSeconds(2));
        assertThat(o.warmup()).isEqualTo(Duration.ofMillis(500));
        assertThat(o.ratePerPair()).isEqualTo(1000);
        assertThat(o.window()).isZero();
        assertThat(o.client()).isEqualTo(ClientKind.ENGINE);
        assertThat(o.transport()).isEqualTo(Transport.NIO);
        assertThat(o.jsonFile()).isEqualTo(Path.of("out.json"));
        assertThat(o.relayQueueDepth()).isEqualTo(8);
        assertThat(o.relaySenderPause()).isZero();
        assertThat(o.tlsInsecure()).isTrue();
        assertThat(o.drainTimeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(o.progress()).isFalse();
    }

    @Test
    void regionsOptionSpreadsPairsOverEmbeddedRelays() {
        assertThat(parse("loadgen", "--regions", "3").regions()).isEqualTo(3);
    }

    @Test
    void faultProxyPicksEngineClientsAndReadsTheSchedule() {
        final LoadOptions o = parse("loadgen", "--fault-proxy", "--fault-schedule", "reset:10s,halfopen:1m");
        assertThat(o.faultProxy()).isTrue();
        assertThat(o.client()).isEqualTo(ClientKind.ENGINE);
        assertThat(o.faultSchedule()).hasToString("reset:10000ms,halfopen:60000ms");
        assertThat(parse("loadgen", "--fault-proxy").faultSchedule()).hasToString("every:20000ms");
        assertThat(parse("loadgen").faultProxy()).isFalse();
    }

    @Test
    void baselineOptionsReachTheRun() {
        final LoadOptions o = parse("loadgen", "--baseline", "tcp", "--baseline-cpus", "1", "--baseline-threads", "1");
        assertThat(o.baseline()).isEqualTo("tcp");
        assertThat(o.baselineCpus()).isEqualTo("1");
        assertThat(o.baselineThreads()).isEqualTo(1);
        assertThat(parse("loadgen").baseline()).isNull();
    }

    @Test
    void badValuesExitWithTheUsageStatusAndAMessage() {
        final int usage = Derpring.commandLine().getCommandSpec().exitCodeOnInvalidInput();
        final String[][] cases = {
            {"loadgen", "--size", "10"},
            {"loadgen", "--client", "udp"},
            {"loadgen", "--duration", "soon"},
            {"loadgen", "--transport", "carrier-pigeon"},
            {"loadgen", "--relay", "ftp://127.0.0.1"},
            {"loadgen", "--pairs", "0"},
            {"loadgen", "--window", "-1"},
            {"loadgen", "--no-such-option"},
            {"loadgen", "--fault-proxy", "--client", "raw"},
            {"loadgen", "--fault-proxy", "--fault-schedule", "meltdown:5s"},
            {"loadgen", "--fault-proxy", "--relay", "http://127.0.0.1:3340"},
        };
        for (final String[] args : cases) {
            final StringWriter err = new StringWriter();
            assertThat(execute(new StringWriter(), err, args)).as(String.join(" ", args)).isEqualTo(usage);
            assertThat(err.toString()).as(String.join(" ", args)).isNotBlank();
        }
    }

    @Test
    void unreachableRelayExitsWithCannotRunAndAMessage() throws Exception {
        final int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort(); // closed again below: nothing listens there
        }
        final StringWriter err = new StringWriter();
        final int status = execute(new StringWriter(), err, "loadgen", "--relay", "http://127.0.0.1:" + port,
            "--pairs", "1", "--duration", "100ms", "--warmup", "0", "-q");
        assertThat(status).isEqualTo(Derpring.EXIT_CANNOT_RUN);
        assertThat(err.toString()).contains("derpring:").contains("connect");
    }

    @Test
    void shortRunThroughTheCommandLinePrintsTheReportAndWritesJson() throws Exception {
        final Path json = dir.resolve("report.json");
        final StringWriter out = new StringWriter();
        final int status = execute(out, new StringWriter(), "loadgen", "--pairs", "1", "--duration", "500ms",
            "--warmup", "100ms", "--json", json.toString(), "-q");
        assertThat(status).as(out.toString()).isZero();
        assertThat(out.toString()).contains("throughput", "latency µs", "dropped by relay", "result      OK");
        final String text = Files.readString(json);
        for (final String key : new String[] {"\"pairs\"", "\"sent\"", "\"received\"", "\"unexplained_lost\"",
            "\"latency_us\"", "\"p999\""}) {
            assertThat(text).contains(key);
        }
    }
}
