package io.derpring.loadgen;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import io.derpring.internal.region.RegionCounter;
import io.derpring.internal.region.RegionSettings;
import io.derpring.keys.MeshKey;
import io.derpring.keys.NodePrivateKey;
import io.derpring.loadgen.fault.DataplaneStall;
import io.derpring.loadgen.fault.FaultProxy;
import io.derpring.loadgen.fault.InjectedClock;
import io.derpring.runtime.JvmRequirements;
import io.derpring.server.DerpRelayServer;
import io.derpring.server.MeshAddress;
import io.derpring.transport.internal.EventLoops;
import io.derpring.transport.Transport;
import io.derpring.transport.internal.client.ClientCounter;
import io.derpring.transport.internal.client.DerpClientSettings;
import io.derpring.internal.metrics.Counters;
import io.netty.channel.EventLoopGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Synthetic DERP traffic: pairs of DERP clients on one or more relays (embedded or external), one sender thread
 * pushing checksummed, sequenced packets through the relay to each pair's receiver, and exact accounting of what
 * arrived, what the relay and our own clients dropped on purpose, and what is left unexplained.
 *
 * <pre>
 *  sender thread --sendData--> sender node --DERP--> relay (region r) --DERP--> receiver node
 *       ^                                                                           |
 *       |  window: cumulative acks &lt;--DERP-- relay &lt;--DERP-- (ack per batch) -------+--&gt; TrafficSink: CRC, seq,
 *                                                                                         duplicates, latency
 * </pre>
 *
 * <p>A run: start embedded relays (or take the URLs), connect every node, then warmup, measured phase, stop sending,
 * drain what is in flight (bounded by {@link LoadOptions#drainTimeout()}), read every counter, close everything.
 * With {@link LoadOptions#faultProxy()} (a fault soak) a {@link FaultProxy} sits in front of each embedded relay and
 * a {@link FaultInjector} thread injects the schedule's faults and times the clients' recovery; a
 * {@link MemorySampler} samples heap and direct memory every second in every run.
 * {@link #run} blocks for the whole run and returns the report.
 */
public final class LoadGenerator {
    private static final Logger LOG = LoggerFactory.getLogger(LoadGenerator.class);
    /** Every node must be connected within this (SPEC §2.6's 10 s dial budget, plus room for many nodes). */
    static final long CONNECT_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(20);
    /**
     * The drain ends early once nothing has moved for a quarter of the drain timeout, and at least this long (what is
     * missing by then is not coming). A quarter, so a longer timeout also rides out a longer stall (a GC pause, a
     * starved reader on a busy machine) instead of calling packets still in flight lost.
     */
    static final long DRAIN_QUIET_NS = TimeUnit.MILLISECONDS.toNanos(300);
    static final long DRAIN_POLL_NS = TimeUnit.MILLISECONDS.toNanos(2);

    private final LoadOptions options;
    private final RunKeys keys;

    public LoadGenerator(final LoadOptions options) {
        this(options, RunKeys.RANDOM);
    }

    /** With the run's secrets taken from {@code keys} (the key-leak gate knows every key it hands out). */
    LoadGenerator(final LoadOptions options, final RunKeys keys) {
        this.options = options;
        this.keys = keys;
    }

    /**
     * Runs the load test. Progress lines go to {@code progress} when {@link LoadOptions#progress()} is on; the
     * JSON report is written when {@link LoadOptions#jsonFile()} is set.
     */
    public LoadReport run(final PrintStream progress) throws Exception {
        if (options.idleConnections() > 0) {
            throw new IllegalStateException("an idle-memory probe is run by runIdle()");
        }
        JvmRequirements.requireAgronaAccess();
        final Transport transport = options.transport() != null ? options.transport() : Transport.detect();
        // First, in its own process and before this one's relays and clients exist: the same stream, the forwarder
        final LoadReport.Baseline baseline = options.baseline() == null ? null
            : TcpBaseline.run(options, transport, progress);
        final List<DerpRelayServer> servers = new CopyOnWriteArrayList<>();
        final List<FaultProxy> proxies = new ArrayList<>();
        final InjectedClock clock = new InjectedClock();
        final DataplaneStall stall = new DataplaneStall();
        final MemorySampler memory = new MemorySampler();
        final Thread memoryThread = new Thread(memory, "derpring-loadgen-memory");
        memoryThread.setDaemon(true);
        memoryThread.start();
        EventLoopGroup group = null;
        LoadClients clients = null;
        ProgressPrinter printer = null;
        Thread printerThread = null;
        FaultInjector injector = null;
        Thread injectorThread = null;
        RegionStatusView statusView = null;
        Thread statusThread = null;
        RegionChurn churn = null;
        Thread churnThread = null;
        final long cpuRunStart = processCpuNs();
        try {
            final List<RelayUrl> relays = new ArrayList<>();
            final RelayDrops relayDrops;
            final DerpRelayServer[] current = new DerpRelayServer[options.regions()];
            final NodePrivateKey[] relayKeys = new NodePrivateKey[options.regions()];
            if (options.embeddedRelays()) {
                final List<MeshAddress> region = options.crossRelay() ? MeshRegion.addresses(options.regions())
                    : List.of();
                final MeshKey regionKey = options.crossRelay() ? regionMeshKey() : null;
                for (int r = 0; r < options.regions(); r++) {
                    relayKeys[r] = keys.nodeKey(); // a restarted relay keeps its key, as derper does
                    current[r] = region.isEmpty() ? startRelay(transport, relayKeys[r])
                        : startMeshedRelay(transport, relayKeys[r], regionKey, region, r);
                    servers.add(current[r]);
                    InetSocketAddress address = current[r].localAddress();
                    if (options.faultProxy()) {
                        final FaultProxy proxy = FaultProxy.start(address);
                        proxies.add(proxy);
                        address = proxy.localAddress();
                    }
                    relays.add(new RelayUrl(false, address.getAddress().getHostAddress(), address.getPort()));
                }
                relayDrops = RelayDrops.embedded(servers);
            } else {
                for (final URI u : options.relays()) {
                    relays.add(RelayUrl.parse(u));
                }
                relayDrops = RelayDrops.scraped(options.relayMetrics());
            }
            final FaultInjector.RelayRestarter restarter = () -> {
                final List<InetSocketAddress> fresh = new ArrayList<>();
                for (int r = 0; r < current.length; r++) {
                    current[r].close();
                    current[r] = startRelay(transport, relayKeys[r]);
                    servers.add(current[r]);
                    fresh.add(current[r].localAddress());
                }
                return fresh;
            };
            final DerpClientSettings clientSettings = options.faultProxy()
                ? DerpClientSettings.defaults().toBuilder().nanoClock(clock).build() : DerpClientSettings.defaults();

            final PairState[] pairs = new PairState[options.pairs()];
            for (int p = 0; p < pairs.length; p++) {
                final int region = 1 + p % relays.size(); // round-robin; region ids 1..n
                pairs[p] = new PairState(p, region, RawClients.receiverRegion(region, relays.size(),
                    options.crossRelay() || options.crossRegion()));
            }
            final LatencyRecorder latency = new LatencyRecorder();
            final TimeSeries series = new TimeSeries();
            final AtomicLong corrupted = new AtomicLong();
            final SenderWakeup wakeup = new SenderWakeup();
            final ConnectionEvents events = new ConnectionEvents(LOG::warn); // default level: once per reason
            group = EventLoops.create(transport, EventLoops.defaultThreads(), "derpring-loadgen-io", false);
            if (options.client() == ClientKind.RAW) {
                final TrafficSink sink = new TrafficSink(pairs, options.sizeBytes(), options.window(), latency,
                    corrupted, wakeup);
                final RawClients raw = new RawClients(pairs, relays, options.tlsInsecure(), transport, group, sink,
                    options.sizeBytes(), keys, events);
                clients = raw;
            } else {
                final List<TrafficSink> sinks = new ArrayList<>();
                for (int i = 0; i < 2 * pairs.length; i++) {
                    final TrafficSink sink = new TrafficSink(pairs, options.sizeBytes(), options.window(), latency,
                        corrupted, wakeup);
                    if (options.faultProxy() && i % 2 == 1) {
                        sink.stall(stall); // receivers only: a slow dataplane is the data's destination
                    }
                    if (options.crossRegion() || options.regionChurn() != null) {
                        sink.acceptAnyRegion(); // acks take the observed route; churn moves homes
                    }
                    sinks.add(sink);
                }
                clients = new EngineClients(pairs, relays, options.tlsInsecure(), transport, group, sinks,
                    options.sizeBytes(), clientSettings, keys, !options.noNetmapHome(), regionRules(), events);
            }
            clients.connect(CONNECT_TIMEOUT_NS);
            if (options.crossRelay() && options.embeddedRelays()) {
                MeshRegion.awaitLearnt(current, pairs, (RawClients) clients, CONNECT_TIMEOUT_NS);
            }
            LOG.info("{} nodes connected to {}", 2 * pairs.length, relays);

            final LoadRun run = new LoadRun(pairs, latency, corrupted, relayDrops, options.sizeBytes());
            final Map<String, Long> relayDropsBefore = relayDrops.byReason();
            final TrafficSender sender = new TrafficSender(pairs, clients, options.window(), options.ratePerPair(),
                options.sizeBytes(), wakeup);
            if (options.pauses()) {
                sender.pauses(options.pauseEvery().toNanos(), options.pauseFor().toNanos());
            }
            final long startNs = System.nanoTime();
            final long measureStartNs = startNs + options.warmup().toNanos();
            final long endNs = measureStartNs + options.duration().toNanos();
            run.begin(clients, startNs, measureStartNs, endNs);
            sender.schedule(startNs, measureStartNs, endNs);
            final Thread senderThread = new Thread(sender, "derpring-loadgen-sender");
            senderThread.setDaemon(true);
            senderThread.start();
            if (options.faultProxy()) {
                injector = new FaultInjector(options.faultSchedule(), proxies, restarter, clock, clientSettings, stall,
                    clients, run, 2 * pairs.length, startNs, endNs);
                injectorThread = new Thread(injector, "derpring-loadgen-faults");
                injectorThread.setDaemon(true);
                injectorThread.start();
            }
            if (clients instanceof EngineClients engines) {
                statusView = new RegionStatusView(engines.sampleEngine()::status, options.progress() ? progress : null,
                    startNs);
                statusThread = daemon(statusView, "derpring-loadgen-regions");
                if (options.regionChurn() != null) {
                    final RegionChurn.RelayRestarter sameRegion = regionId -> {
                        final int r = regionId - 1;
                        final int port = current[r].localAddress().getPort();
                        current[r].close();
                        current[r] = startRelay(transport, relayKeys[r], port);
                        servers.add(current[r]);
                    };
                    churn = new RegionChurn(new RegionChurnSchedule(RegionChurnSchedule.DEFAULT_SEED, relays.size(),
                        engines.nodes()), engines, sameRegion, run, relayDrops, options.progress() ? progress : null,
                        relays.size(), options.regionChurn().toNanos(), startNs, measureStartNs, endNs);
                    churnThread = daemon(churn, "derpring-loadgen-churn");
                }
            }
            // Always running: its ticks are the report's time series, printed or not.
            printer = new ProgressPrinter(run, options.progress() ? progress : null, memory, injector, series);
            printerThread = new Thread(printer, "derpring-loadgen-progress");
            printerThread.setDaemon(true);
            printerThread.start();

            parkUntil(measureStartNs);
            final long cpuMeasureStart = processCpuNs();
            final double relayCpuStart = relayDrops.cpuSeconds();
            senderThread.join();
            final long cpuMeasureEnd = processCpuNs();
            final double relayCpuEnd = relayDrops.cpuSeconds();
            final long stoppedNs = sender.stoppedNs();
            if (injector != null) {
                injector.stop();
                injectorThread.join();
            }
            if (churn != null) {
                churn.stop();
                churnThread.join();
            }
            drain(run, clients, relayDrops.live(), options.drainTimeout().toNanos());
            if (statusView != null) {
                statusView.stop();
                statusThread.join();
            }
            if (churn != null) {
                churn.finish();
            }

            final long relayDropped = relayDrops.known() ? run.relayDrops() : 0;
            final long lostInTransit = run.lostInTransit(); // read once: the balance's terms must agree
            final long clientDropped = run.clientDrops();
            final double measuredS = Math.max(1e-9, (stoppedNs - measureStartNs) / 1e9);
            final long measured = run.measuredReceived();
            final double pps = measured / measuredS;
            final List<String> relayNames = new ArrayList<>();
            relays.forEach(r -> relayNames.add(r.toString()));
            final LoadReport report = new LoadReport(pairs.length, relays.size(), options.sizeBytes(),
                round3(measuredS), round3(options.warmup().toNanos() / 1e9), options.client().cliName(),
                transport.cliName(), jdk(), options.ratePerPair(), options.window(), relayNames, run.sent(),
                run.received(), run.receivedByRegion(), measured, relayDropped, relayDrops.known(), clientDropped, run.clientDropsDetail(),
                run.shortfall(relayDropped) - lostInTransit, run.duplicated(), run.reordered(), run.corrupted(), run.acksSent(),
                run.acksReceived(), run.windowStalls(), round3(pps), round3(pps * options.sizeBytes() * 8 / 1e6),
                round3((cpuMeasureEnd - cpuMeasureStart) / 1e9), round3((processCpuNs() - cpuRunStart) / 1e9),
                LoadReport.Latency.of(latency.measuredTotal()), lostInTransit, transitDetail(run, proxies),
                run.connectionsLost(), faults(injector, clients), memoryReport(memory, memoryThread),
                run.backPressuredRetries(), engineRegions(clients, run,
                    ClientDropTally.delta(relayDropsBefore, relayDrops.byReason()), sender, churn, statusView),
                connectionEvents(clients, events), options.minDeliveredFraction(),
                relayCpuS(relayCpuStart, relayCpuEnd), relayCpuUsPerPkt(relayCpuStart, relayCpuEnd, measured),
                options.embeddedRelays(), baseline, series.toJsonMap(), run.pairsDelivering(), embeddedRelaySettings());
            if (options.jsonFile() != null) {
                report.writeJson(options.jsonFile());
            }
            if (options.htmlFile() != null) {
                HtmlReport.write(report.toJsonMap(), options.htmlFile());
            }
            return report;
        } finally {
            memory.stop();
            if (injector != null) {
                injector.stop();
            }
            if (churn != null) {
                churn.stop();
                churnThread.join(TimeUnit.SECONDS.toMillis(5));
            }
            if (statusView != null) {
                statusView.stop();
            }
            if (printer != null) {
                printer.stop();
                printerThread.join(TimeUnit.SECONDS.toMillis(2));
            }
            if (clients != null) {
                clients.close();
            }
            if (group != null) {
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
            }
            for (final FaultProxy p : proxies) {
                p.close();
            }
            for (final DerpRelayServer s : servers) {
                s.close();
            }
        }
    }

    /**
     * {@code --idle-connections N}: the relay's resident memory per idle connection ({@link IdleMemoryProbe}); the
     * JSON goes to {@link LoadOptions#jsonFile()} when set.
     */
    public IdleReport runIdle(final PrintStream progress) throws Exception {
        final IdleReport report = new IdleMemoryProbe(options, keys).run(options.progress() ? progress : null);
        if (options.jsonFile() != null) {
            report.writeJson(options.jsonFile());
        }
        return report;
    }

    /** One mesh key for the whole meshed region (drawn once: the run's keys are counted by the key-leak test). */
    private MeshKey regionMeshKey() {
        final MeshKey drawn = keys.meshKey();
        return drawn != null ? drawn : MeshRegion.newKey();
    }

    /** An embedded relay of a meshed region: listens on its reserved port and meshes with every other one. */
    private DerpRelayServer startMeshedRelay(final Transport transport, final NodePrivateKey key,
                                             final MeshKey meshKey, final List<MeshAddress> region, final int index)
        throws InterruptedException {
        return DerpRelayServer.builder()
            .listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), region.get(index).port()))
            .transport(transport).metricsAddress(null).queueDepth(options.relayQueueDepth()).serverPrivateKey(key)
            .senderPauseNs(options.relaySenderPause().toNanos())
            .meshKey(meshKey).meshWith(region).build().start();
    }

    private DerpRelayServer startRelay(final Transport transport, final NodePrivateKey key)
        throws InterruptedException {
        return startRelay(transport, key, 0);
    }

    /** An embedded relay on {@code port} (0 = any; a churn restart reuses the stopped relay's port). */
    private DerpRelayServer startRelay(final Transport transport, final NodePrivateKey key, final int port)
        throws InterruptedException {
        return DerpRelayServer.builder().listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))
            .transport(transport).metricsAddress(null).queueDepth(options.relayQueueDepth()).serverPrivateKey(key)
            .senderPauseNs(options.relaySenderPause().toNanos())
            .meshKey(keys.meshKey()).build().start();
    }

    /** What the embedded relays ran with, for the report (a run is only comparable with its settings); else null. */
    private Map<String, Object> embeddedRelaySettings() {
        if (!options.embeddedRelays()) {
            return null;
        }
        final Map<String, Object> m = new LinkedHashMap<>();
        m.put("queue_depth", options.relayQueueDepth());
        m.put("sender_pause_ms", options.relaySenderPause().toNanos() / 1e6);
        return m;
    }

    /** The engines' region rules: the default ones, with {@code --idle-grace} when given. */
    private RegionSettings regionRules() {
        final RegionSettings defaults = RegionSettings.defaults();
        return options.idleGrace() == null ? defaults : new RegionSettings(options.idleGrace().toNanos(),
            defaults.backoff(), defaults.outboundQueueDepth(), defaults.discoQueueDepth(), defaults.outboundOverflow());
    }

    /** What the engines' regions did; null for raw clients (no regions, no homes). */
    private LoadReport.Regions engineRegions(final LoadClients clients, final LoadRun run,
                                             final Map<String, Long> relayDropsByReason,
                                             final TrafficSender sender, final RegionChurn churn,
                                             final RegionStatusView view) {
        if (!(clients instanceof EngineClients engines)) {
            return null;
        }
        return new LoadReport.Regions(options.crossRegion(), !options.noNetmapHome(),
            regionRules().idleTimeoutNs() / 1_000_000, engines.regionCounter(RegionCounter.WAKES),
            engines.regionCounter(RegionCounter.IDLE_CLOSES), engines.regionCounter(RegionCounter.CONNECTS),
            engines.regionCounter(RegionCounter.CONNECT_FAILURES), run.receivedByArrivalRegion(),
            sender.pausesTaken(), relayDropsByReason, churn == null ? Map.of() : churn.countsByKind(),
            churn == null ? List.of() : churn.events(), view.timeline(), view.timelineDropped());
    }

    private static Thread daemon(final Runnable task, final String name) {
        final Thread t = new Thread(task, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Where the packets lost in transit were lost: empty when none could be (no connection died). */
    private static Map<String, Long> transitDetail(final LoadRun run, final List<FaultProxy> proxies) {
        final Map<String, Long> out = new LinkedHashMap<>();
        if (run.lostInTransit() == 0 && run.connectionsLost() == 0) {
            return out;
        }
        out.put("client_to_relay", run.lostClientToRelay());
        out.put("relay_to_client", run.lostRelayToClient());
        if (!proxies.isEmpty()) {
            long inside = 0;
            for (final FaultProxy p : proxies) {
                inside += p.packetFramesLostInside();
            }
            out.put("of_which_inside_fault_proxy", inside);
        }
        return out;
    }

    private LoadReport.Faults faults(final FaultInjector injector, final LoadClients clients) {
        if (injector == null) {
            return null;
        }
        return new LoadReport.Faults(options.faultSchedule().toString(), injector.injectedByFault(),
            injector.recoveries(), injector.unrecovered(), injector.recoveryMsMax(), injector.recoveryMsMean(),
            injector.proxyStats(), clients.connectionEvents());
    }

    /** What the connections did over the whole run: counters for totals, the events for reasons and reconnects. */
    private static LoadReport.Connections connectionEvents(final LoadClients clients, final ConnectionEvents events) {
        final Counters<ClientCounter> c = clients.clientCounters();
        return new LoadReport.Connections(c.get(ClientCounter.CONNECTS), events.disconnects(),
            c.get(ClientCounter.CONNECT_FAILURES), events.connectFailures(), events.reconnects(),
            c.get(ClientCounter.FRAMES_SKIPPED), c.get(ClientCounter.PONGS_DROPPED));
    }

    /** Stops the sampler (its series have one writer), takes one last sample, returns the series. */
    private static Map<String, Object> memoryReport(final MemorySampler memory, final Thread sampler)
        throws InterruptedException {
        memory.stop();
        sampler.join();
        memory.sample();
        return memory.toMap();
    }

    /**
     * Waits until every packet sent is received or explained by a drop counter, nothing has moved for
     * {@link #drainQuietNs} of the timeout, or the drain timeout passes.
     */
    static void drain(final LoadRun run, final LoadClients clients, final boolean liveRelayDrops,
                      final long timeoutNs) {
        final long deadlineNs = System.nanoTime() + timeoutNs;
        final long quietNs = drainQuietNs(timeoutNs);
        long lastSignature = Long.MIN_VALUE;
        long lastChangeNs = System.nanoTime();
        while (true) {
            final long relayDropped = liveRelayDrops ? run.relayDrops() : 0;
            final long queued = clients.queuedPackets();
            if (run.shortfall(relayDropped) <= 0 && queued <= 0) {
                return;
            }
            final long nowNs = System.nanoTime();
            final long signature = run.received() + run.acksReceived() + run.acksSent() + run.clientDrops()
                + relayDropped + run.corrupted() + run.duplicated() + Math.max(queued, 0);
            if (signature != lastSignature) {
                lastSignature = signature;
                lastChangeNs = nowNs;
            } else if (nowNs - lastChangeNs > quietNs) {
                return;
            }
            if (nowNs - deadlineNs > 0) {
                return;
            }
            LockSupport.parkNanos(DRAIN_POLL_NS);
        }
    }

    /** How long nothing may move before a drain of {@code timeoutNs} ends: a quarter of it, {@link #DRAIN_QUIET_NS} at least. */
    static long drainQuietNs(final long timeoutNs) {
        return Math.max(DRAIN_QUIET_NS, timeoutNs / 4);
    }

    static void parkUntil(final long deadlineNs) {
        long waitNs;
        while ((waitNs = deadlineNs - System.nanoTime()) > 0) {
            LockSupport.parkNanos(waitNs);
        }
    }

    /** The relays' CPU over the measured phase in seconds; null when it could not be read. */
    static Double relayCpuS(final double startS, final double endS) {
        return Double.isNaN(startS) || Double.isNaN(endS) ? null : round3(endS - startS);
    }

    /**
     * The headline figure: the relays' CPU over the measured phase, in µs, per packet delivered in it; null when the
     * CPU could not be read or nothing was delivered.
     */
    static Double relayCpuUsPerPkt(final double startS, final double endS, final long delivered) {
        return Double.isNaN(startS) || Double.isNaN(endS) || delivered <= 0 ? null
            : round3((endS - startS) * 1e6 / delivered);
    }

    static long processCpuNs() {
        final OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean) {
            return ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime();
        }
        return 0;
    }

    static String jdk() {
        return Runtime.version() + " (" + System.getProperty("java.vm.vendor", "?") + ", "
            + System.getProperty("java.vm.name", "?") + ")";
    }

    private static double round3(final double v) {
        return Math.round(v * 1000.0) / 1000.0;
    }
}
