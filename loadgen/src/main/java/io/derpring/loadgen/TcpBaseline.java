package io.derpring.loadgen;

import java.io.PrintStream;
import java.net.URI;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.derpring.transport.Transport;
import io.derpring.transport.internal.EventLoops;
import io.netty.channel.EventLoopGroup;

/**
 * {@code loadgen --baseline tcp}: the run's packet stream (same pairs, size, window, rate, warmup and duration)
 * through the dumb TCP forwarder in a process of its own, with the same sender, sinks and accounting as the relay
 * run, and the forwarder's CPU scraped from its {@code process_cpu_seconds_total} around the measured phase, as the
 * relay's is. What the relay costs beyond moving bytes between sockets is then the ratio of the two.
 */
final class TcpBaseline {
    static final String KIND = "tcp";
    /** The forwarder's page: bytes and packets it forwarded (wire bytes: payload + the 4-byte prefix). */
    static final String BYTES_METRIC = "forwarder_bytes_forwarded_total";
    static final String PACKETS_METRIC = "forwarder_packets_forwarded_total";

    private TcpBaseline() {
    }

    static LoadReport.Baseline run(final LoadOptions options, final Transport transport, final PrintStream progress)
        throws Exception {
        try (ForwarderProcess forwarder = ForwarderProcess.start(transport, options.baselineThreads(),
            options.baselineCpus())) {
            if (options.progress()) {
                progress.println("baseline: tcp forwarder pid " + forwarder.pid() + " on " + forwarder.listen()
                    + (forwarder.cpus() != null ? ", pinned to CPUs " + forwarder.cpus() : ", not pinned"));
            }
            return measure(options, transport, forwarder);
        }
    }

    private static LoadReport.Baseline measure(final LoadOptions options, final Transport transport,
                                               final ForwarderProcess forwarder) throws Exception {
        final RelayDrops.Scraped page = new RelayDrops.Scraped(List.of(forwarder.metrics()));
        final PairState[] pairs = new PairState[options.pairs()];
        for (int p = 0; p < pairs.length; p++) {
            pairs[p] = new PairState(p, ForwarderClient.REGION, ForwarderClient.REGION);
        }
        final LatencyRecorder latency = new LatencyRecorder();
        final AtomicLong corrupted = new AtomicLong();
        final SenderWakeup wakeup = new SenderWakeup();
        final TrafficSink[] sinks = new TrafficSink[2 * pairs.length];
        for (int i = 0; i < sinks.length; i++) {
            sinks[i] = new TrafficSink(pairs, options.sizeBytes(), options.window(), latency, corrupted, wakeup);
        }
        final EventLoopGroup group = EventLoops.create(transport, EventLoops.defaultThreads(),
            "derpring-loadgen-baseline-io", false);
        final ForwarderClients clients = new ForwarderClients(pairs.length, options.sizeBytes(), forwarder.listen(),
            transport, group, sinks);
        try {
            clients.connect(LoadGenerator.CONNECT_TIMEOUT_NS);
            final long wireBytesBefore = RelayDrops.Scraped.sumOf(firstScrape(page, forwarder.metrics()),
                BYTES_METRIC);
            final LoadRun run = new LoadRun(pairs, latency, corrupted, page, options.sizeBytes());
            final TrafficSender sender = new TrafficSender(pairs, clients, options.window(), options.ratePerPair(),
                options.sizeBytes(), wakeup);
            final long startNs = System.nanoTime();
            final long measureStartNs = startNs + options.warmup().toNanos();
            final long endNs = measureStartNs + options.duration().toNanos();
            run.begin(clients, startNs, measureStartNs, endNs);
            sender.schedule(startNs, measureStartNs, endNs);
            final Thread senderThread = new Thread(sender, "derpring-loadgen-baseline-sender");
            senderThread.setDaemon(true);
            senderThread.start();
            LoadGenerator.parkUntil(measureStartNs);
            final double cpuStart = page.cpuSeconds();
            senderThread.join();
            final double cpuEnd = page.cpuSeconds();
            LoadGenerator.drain(run, clients, false, options.drainTimeout().toNanos());
            final String after = page.scrape(forwarder.metrics());
            final long measured = run.measuredReceived();
            final double measuredS = Math.max(1e-9, (sender.stoppedNs() - measureStartNs) / 1e9);
            final double pps = measured / measuredS;
            return new LoadReport.Baseline(KIND, round3(pps), round3(pps * options.sizeBytes() * 8 / 1e6), measured,
                LoadGenerator.relayCpuS(cpuStart, cpuEnd),
                LoadGenerator.relayCpuUsPerPkt(cpuStart, cpuEnd, measured), run.sent(), run.received(),
                run.shortfall(run.relayDrops()),
                RelayDrops.Scraped.sumOf(after, BYTES_METRIC) - wireBytesBefore,
                RelayDrops.Scraped.sumOf(after, PACKETS_METRIC), forwarder.cpus());
        } finally {
            clients.close();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    /**
     * The forwarder's first answer runs its HTTP path cold (class loading, a fresh JIT), which on a loaded box can
     * take longer than one scrape's timeout: retried until {@link ForwarderProcess#START_TIMEOUT_NS}.
     */
    private static String firstScrape(final RelayDrops.Scraped page, final URI u) {
        final long deadlineNs = System.nanoTime() + ForwarderProcess.START_TIMEOUT_NS;
        while (true) {
            try {
                return page.scrape(u);
            } catch (final IllegalStateException e) {
                if (System.nanoTime() - deadlineNs > 0 || Thread.currentThread().isInterrupted()) {
                    throw e;
                }
            }
        }
    }

    private static double round3(final double v) {
        return Math.round(v * 1000.0) / 1000.0;
    }
}
