package io.derpring.cli;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import io.derpring.loadgen.ClientKind;
import io.derpring.loadgen.IdleReport;
import io.derpring.loadgen.LoadGenerator;
import io.derpring.loadgen.LoadOptions;
import io.derpring.loadgen.LoadReport;
import io.derpring.loadgen.fault.FaultSchedule;
import io.derpring.internal.relay.RelayConfig;
import io.derpring.transport.Transport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code derpring loadgen}: synthetic DERP traffic through embedded relays (default) or any DERP server, a progress
 * line a second on stderr, the report on stdout, optionally JSON. Exit status 1 only for unexplained loss,
 * duplication or corruption; 2 for bad options; 3 for a run that could not happen or delivered less than
 * {@code --min-delivered-fraction} of what it sent (the reason, one line, on stderr).
 */
@Command(name = "loadgen", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Synthetic DERP traffic with exact loss accounting.",
        "Without --relay it starts its own relay(s) on 127.0.0.1; the defaults take about 20 s."})
public final class LoadgenCommand implements Callable<Integer> {
    @Option(names = "--relay", paramLabel = "URL",
        description = "A DERP server to drive, one per region (repeat for more): http://HOST:PORT (plain) or "
            + "https://HOST[:PORT]; ws:// or wss:// for DERP over WebSocket. Default: embedded relays, one per region.")
    List<URI> relays = new ArrayList<>();

    @Option(names = "--relay-metrics", paramLabel = "URL",
        description = "Prometheus /metrics of an external derpring relay (repeatable), scraped before and after for "
            + "its drop counters, and around the measured phase for its CPU (relay_cpu_us_per_pkt). Without it an "
            + "external relay's drops are unknown and count as unexplained.")
    List<URI> relayMetrics = new ArrayList<>();

    @Option(names = "--pairs", paramLabel = "N", defaultValue = "" + LoadOptions.DEFAULT_PAIRS,
        description = "Sender/receiver pairs (two DERP clients each). Default: ${DEFAULT-VALUE}.")
    int pairs;

    @Option(names = "--regions", paramLabel = "N", defaultValue = "" + LoadOptions.DEFAULT_REGIONS,
        description = "Regions (embedded relays); pairs are spread round-robin. With --relay: one per URL. "
            + "Default: ${DEFAULT-VALUE}.")
    int regions;

    @Option(names = "--size", paramLabel = "BYTES", defaultValue = "" + LoadOptions.DEFAULT_SIZE_BYTES,
        description = "Packet size, 28..65536. Default: ${DEFAULT-VALUE}.")
    int size;

    @Option(names = "--duration", paramLabel = "TIME", defaultValue = "15s", converter = DurationText.class,
        description = "Measured sending time (15, 15s, 500ms, 2m). Default: ${DEFAULT-VALUE}.")
    Duration duration;

    @Option(names = "--warmup", paramLabel = "TIME", defaultValue = "3s", converter = DurationText.class,
        description = "Sending before the measured phase, not counted in throughput or latency. "
            + "Default: ${DEFAULT-VALUE}.")
    Duration warmup;

    @Option(names = "--rate", paramLabel = "PPS", defaultValue = "0",
        description = "Packets per second per pair; 0 = unpaced (as fast as the window allows). "
            + "Default: ${DEFAULT-VALUE}.")
    long rate;

    @Option(names = "--window", paramLabel = "N", defaultValue = "" + LoadOptions.DEFAULT_WINDOW,
        description = "Packets in flight per pair, acknowledged by the receiver through the relay; 0 = no flow "
            + "control (the relay and client queues will drop, and the drops are accounted). "
            + "Default: ${DEFAULT-VALUE} (the relay's per-client queue).")
    int window;

    @Option(names = "--client", paramLabel = "raw|engine", defaultValue = "raw",
        converter = ClientKindConverter.class,
        description = "raw: bare DERP connections into one shared ring; engine: a full DerpEngine per node. "
            + "Default: ${DEFAULT-VALUE}.")
    ClientKind client;

    @Option(names = "--transport", paramLabel = "auto|io_uring|epoll|nio", defaultValue = "auto",
        converter = TransportChoice.class,
        description = "Netty transport for clients and embedded relays. Default: ${DEFAULT-VALUE}.")
    Transport transport;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the report as JSON.")
    Path json;

    @Option(names = "--relay-queue-depth", paramLabel = "N", defaultValue = "" + RelayConfig.DEFAULT_QUEUE_DEPTH,
        description = "Embedded relays' per-client queue depth. Default: ${DEFAULT-VALUE} (Go's).")
    int relayQueueDepth;

    @Option(names = "--relay-sender-pause", paramLabel = "TIME", defaultValue = "10ms", converter = DurationText.class,
        description = "Embedded relays' --sender-pause: the longest they stop reading a sender behind a backlogged "
            + "destination; 0 = drop at the full queue without pausing, as derper does. Default: ${DEFAULT-VALUE}.")
    Duration relaySenderPause;

    @Option(names = "--tls-insecure",
        description = "Don't verify https:// relays' certificates (self-signed test relays).")
    boolean tlsInsecure;

    @Option(names = "--drain-timeout", paramLabel = "TIME", defaultValue = "2s", converter = DurationText.class,
        description = "Longest wait for packets in flight after sending stops. Default: ${DEFAULT-VALUE}.")
    Duration drainTimeout;

    @Option(names = "--cross-relay",
        description = "Put each pair's receiver on the next relay after its sender's, so all traffic crosses the "
            + "relays' mesh (--relay URLs of meshed relays, or embedded relays meshed for the run). Needs --client raw "
            + "and two or more relays.")
    boolean crossRelay;

    @Option(names = {"-q", "--quiet"}, description = "No progress lines on stderr.")
    boolean quiet;

    @Option(names = "--fault-proxy",
        description = "Fault soak: a loopback proxy between the clients and each embedded relay injects faults (reset "
            + "mid-frame, half-open, relay restart, slow reader, slow dataplane) on --fault-schedule; clients must "
            + "recover on their own. Needs --client engine (set automatically) and embedded relays.")
    boolean faultProxy;

    @Option(names = "--fault-schedule", paramLabel = "SPEC",
        description = "With --fault-proxy: every:TIME (each fault in turn, one per TIME) or FAULT:TIME[,FAULT:TIME...] "
            + "at offsets from the start of sending; faults: reset, halfopen, restart, slow-reader, slow-dataplane. "
            + "Default: every:20s.")
    String faultSchedule;

    // issue 16: multi-region under load (engine clients)
    @Option(names = "--cross-region",
        description = "Home each pair's receiver on the region after its sender's: data wakes the receiver's home "
            + "region, acks the sender's. Needs --client engine and two or more regions.")
    boolean crossRegion;

    @Option(names = "--no-netmap-home",
        description = "With --cross-region: receivers' netmaps leave their sender's home out, so acks take the route "
            + "the data was observed on.")
    boolean noNetmapHome;

    @Option(names = "--idle-grace", paramLabel = "TIME", converter = DurationText.class,
        description = "Engine clients: close a non-home region after this long without traffic (100ms..24h). "
            + "Default: the engine's (60s).")
    Duration idleGrace;

    @Option(names = "--pause-every", paramLabel = "TIME", converter = DurationText.class,
        description = "Pause all traffic after each TIME of sending (with --pause-for), so idle regions close and "
            + "wake again.")
    Duration pauseEvery;

    @Option(names = "--pause-for", paramLabel = "TIME", converter = DurationText.class,
        description = "How long each --pause-every pause lasts.")
    Duration pauseFor;

    @Option(names = "--region-churn", paramLabel = "TIME", converter = DurationText.class,
        description = "Every TIME of the measured phase apply one region event of a fixed seeded schedule (relay "
            + "restart on its port, region removed and re-added, a node's home moved, a region's node list changed). "
            + "Needs --client engine, embedded relays and two or more regions.")
    Duration regionChurn;
    // issue 16: the delivery verdict
    @Option(names = "--min-delivered-fraction", paramLabel = "F",
        defaultValue = "" + LoadOptions.DEFAULT_MIN_DELIVERED_FRACTION,
        description = "Share of the data packets sent that must arrive, 0..1; below it (or with nothing delivered at "
            + "all) the run is not OK and exits 3. Lower it for overload runs that expect heavy drops. "
            + "Default: ${DEFAULT-VALUE}.")
    double minDeliveredFraction;
    // issue 15: the dumb-forwarder baseline
    @Option(names = "--baseline", paramLabel = "tcp",
        description = "First push the same packet stream through a dumb TCP forwarder (derpring forwarder, spawned as "
            + "its own process), then report the relay's throughput and CPU per packet as ratios to it.")
    String baseline;

    @Option(names = "--baseline-cpus", paramLabel = "LIST",
        description = "With --baseline: pin the forwarder with taskset -c LIST (give it the relay's CPUs). "
            + "Default: not pinned.")
    String baselineCpus;

    @Option(names = "--baseline-threads", paramLabel = "N", defaultValue = "0",
        description = "With --baseline: the forwarder's event loop threads (the relay's --threads); "
            + "0 = the number of cores. Default: ${DEFAULT-VALUE}.")
    int baselineThreads;
    // issue 15: the HTML report
    @Option(names = "--html", paramLabel = "FILE",
        description = "Also write a self-contained HTML page (inline SVG, no network): throughput and p50/p99/p99.9 "
            + "latency over time, drops by reason, relay CPU per packet, the run's settings.")
    Path html;

    // issue 15: idle memory per connection
    @Option(names = "--idle-connections", paramLabel = "N", defaultValue = "0",
        description = "Instead of traffic: open N idle DERP connections (handshaken, then silent) and report the "
            + "relay's RSS growth per connection. Without --relay the relay runs in a child JVM on the same "
            + "transport (heap, direct memory split out); with --relay, its --relay-metrics must export "
            + "process_resident_memory_bytes. Default: 0 (off).")
    int idleConnections;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The run these options describe (validated). */
    LoadOptions options() {
        return LoadOptions.builder().relays(relays).relayMetrics(relayMetrics).pairs(pairs).regions(regions)
            .sizeBytes(size).duration(duration).warmup(warmup).ratePerPair(rate).window(window).client(client)
            .transport(transport).jsonFile(json).relayQueueDepth(relayQueueDepth)
            .relaySenderPause(relaySenderPause).tlsInsecure(tlsInsecure)
            .crossRelay(crossRelay)
            .drainTimeout(drainTimeout).progress(!quiet).faultProxy(faultProxy)
            .client(faultProxy && !clientGiven() ? ClientKind.ENGINE : client)
            .faultSchedule(faultSchedule == null ? null : FaultSchedule.parse(faultSchedule, DurationText::parse))
            .crossRegion(crossRegion).noNetmapHome(noNetmapHome).idleGrace(idleGrace).pauses(pauseEvery, pauseFor)
            .regionChurn(regionChurn)
            .minDeliveredFraction(minDeliveredFraction)
            .baseline(baseline).baselineCpus(baselineCpus).baselineThreads(baselineThreads)
            .htmlFile(html)
            .idleConnections(idleConnections)
            .build();
    }

    /** --fault-proxy picks the engine client unless --client was given (then a raw choice fails with a reason). */
    private boolean clientGiven() {
        return spec != null && spec.commandLine().getParseResult().hasMatchedOption("--client");
    }

    @Override
    public Integer call() throws Exception {
        if (idleConnections > 0) {
            final IdleReport idle = new LoadGenerator(options()).runIdle(System.err);
            spec.commandLine().getOut().print(idle.toText());
            spec.commandLine().getOut().flush();
            return idle.exitStatus();
        }
        final LoadReport report = new LoadGenerator(options()).run(System.err);
        spec.commandLine().getOut().print(report.toText());
        if (json != null) {
            spec.commandLine().getOut().println("  json        " + json.toAbsolutePath());
        }
        if (html != null) {
            spec.commandLine().getOut().println("  html        " + html.toAbsolutePath());
        }
        spec.commandLine().getOut().flush();
        if (!report.ok()) {
            spec.commandLine().getErr().println("derpring: " + report.verdict()); // the reason, in one line
        }
        return report.exitStatus();
    }

    static final class ClientKindConverter implements CommandLine.ITypeConverter<ClientKind> {
        @Override
        public ClientKind convert(final String text) {
            return ClientKind.fromCliName(text);
        }
    }
}
