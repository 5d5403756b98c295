package io.derpring.loadgen;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

import io.derpring.internal.frame.FrameLimits;
import io.derpring.loadgen.fault.FaultSchedule;
import io.derpring.internal.region.RegionSettings;
import io.derpring.internal.relay.RelayConfig;
import io.derpring.runtime.InvalidConfigException;
import io.derpring.transport.Transport;

/**
 * One load run, validated at construction: a bad value fails with the option's name and range. The CLI's
 * {@code loadgen} options map one to one onto these components.
 *
 * @param relays          DERP servers to drive, one per region ({@code http://} or {@code https://}); empty = start
 *                        {@code regions} embedded relays on 127.0.0.1
 * @param relayMetrics    Prometheus {@code /metrics} URLs of external derpring relays, scraped before and after the
 *                        run for their drop counters; empty = relay drops unknown for external relays
 * @param pairs           sender/receiver pairs; each pair is two DERP clients (nodes) on one region
 * @param regions         regions; pairs are spread over them round-robin (ignored when {@code relays} is given: one
 *                        region per relay URL)
 * @param sizeBytes       packet size, {@link PayloadFlyweight#HEADER_LENGTH} .. {@link FrameLimits#MAX_PACKET_SIZE}
 * @param duration        measured sending time
 * @param warmup          sending time before the measured phase (not in throughput or latency)
 * @param ratePerPair     packets per second per pair; 0 = as fast as the window allows
 * @param window          packets in flight per pair, acknowledged by the receiver; 0 = no flow control (and no acks)
 * @param client          bare DERP connections or full engines
 * @param transport       Netty transport for clients and embedded relays; null = the best available
 * @param jsonFile        where to write the JSON report; null = none
 * @param relayQueueDepth per-client queue depth of embedded relays (Go's 32 by default)
 * @param tlsInsecure     skip certificate verification for {@code https://} relays (self-signed test relays)
 * @param drainTimeout    how long to wait for packets in flight after sending stops
 * @param progress        print a progress line every second on stderr
 * @param faultProxy      soak: put a {@link io.derpring.loadgen.fault.FaultProxy} between the clients and each embedded relay and inject
 *                        {@code faultSchedule}; needs embedded relays and engine clients (they reconnect)
 * @param faultSchedule   when to inject which fault; null = {@link FaultSchedule#every} {@link
 *                        FaultSchedule#DEFAULT_PERIOD}
 * @param crossRelay      each pair's receiver sits on the next relay after its sender's, so every packet crosses the
 *                        relays' mesh; needs two or more relays and raw clients (embedded relays are meshed)
 * @param crossRegion     engine clients: each pair's receiver is homed on the region after its sender's, so data and
 *                        acks wake the other end's home region; needs two or more regions
 * @param noNetmapHome    with {@code crossRegion}: the receiver's netmap leaves the sender's home out, so its acks
 *                        must take the route the data was observed on
 * @param idleGrace       engine clients: the engine's idle grace for non-home regions; null = the engine's default
 * @param pauseEvery      traffic pauses after each {@code pauseEvery} of sending, for {@code pauseFor}; null = never
 * @param pauseFor        how long each pause lasts (with {@code pauseEvery})
 * @param regionChurn     engine clients on embedded relays: one region event of {@link RegionChurnSchedule} every
 *                        {@code regionChurn} of the measured phase; null = none
 * @param minDeliveredFraction the share of the data packets sent that must arrive for the run to pass, 0..1; a run
 *                        below it (or one that delivered nothing at all) measured drops, not delivery, and exits
 *                        {@link LoadReport#EXIT_NOT_DELIVERED}
 * @param baseline        "tcp": first push the same stream through the dumb TCP forwarder in its own process and
 *                        report the relay's figures as ratios to it; null = no baseline
 * @param baselineCpus    {@code taskset -c} CPU list for the forwarder process (the relay's pinning); null = unpinned
 * @param baselineThreads the forwarder's event loop threads; 0 = its default (the number of cores)
 * @param htmlFile        where to write the self-contained HTML report ({@link HtmlReport}); null = none
 * @param idleConnections instead of traffic, open this many idle DERP connections and report the relay's RSS per
 *                        connection ({@link IdleMemoryProbe}); 0 = a traffic run
 * @param relaySenderPause embedded relays' longest pause of a sender behind a backlogged destination (the relay's
 *                        {@code --sender-pause}); {@link Duration#ZERO} drops at the full queue without pausing, as
 *                        derper does
 */
public record LoadOptions(List<URI> relays, List<URI> relayMetrics, int pairs, int regions, int sizeBytes,
                          Duration duration, Duration warmup, long ratePerPair, int window, ClientKind client,
                          Transport transport, Path jsonFile, int relayQueueDepth, boolean tlsInsecure,
                          Duration drainTimeout, boolean progress, boolean faultProxy,
                          FaultSchedule faultSchedule, boolean crossRelay,
                          // issue 16, multi-region under load (see the @param list)
                          boolean crossRegion, boolean noNetmapHome, Duration idleGrace, Duration pauseEvery,
                          Duration pauseFor, Duration regionChurn,
                          // issue 16: the delivery verdict
                          double minDeliveredFraction,
                          // issue 15: the dumb-forwarder baseline
                          String baseline, String baselineCpus, int baselineThreads,
                          // issue 15: the self-contained HTML report; null = none
                          Path htmlFile,
                          // issue 15: idle-memory probe: this many idle connections instead of traffic; 0 = off
                          int idleConnections,
                          // embedded relays' sender pause; ZERO = derper's drop-only behaviour
                          Duration relaySenderPause) {
    public static final int DEFAULT_PAIRS = 4;
    public static final int MAX_PAIRS = 4096;
    public static final int DEFAULT_REGIONS = 1;
    /** Regions are embedded relays or relay URLs; a DERP map holds at most 512 (DerpMap.MAX_REGIONS). */
    public static final int MAX_REGIONS = 64;
    /** A WireGuard packet at the usual 1280-1420 MTU. */
    public static final int DEFAULT_SIZE_BYTES = 1200;
    /** 15 s measured + 3 s warmup + start and drain: the default run takes about 20 s. */
    public static final Duration DEFAULT_DURATION = Duration.ofSeconds(15);
    public static final Duration DEFAULT_WARMUP = Duration.ofSeconds(3);
    public static final Duration MAX_DURATION = Duration.ofHours(24);
    /**
     * The relay's per-client queue (derpserver.go defaultPerClientSendQueueDepth = 32). A receiver gets packets from
     * one sender only, so with at most this many in flight its relay queue can never overflow: a default run loses
     * nothing to relay queue drops.
     */
    public static final int DEFAULT_WINDOW = RelayConfig.DEFAULT_QUEUE_DEPTH;
    /** Above this the window no longer bounds anything real (the client queue max is 4096). */
    public static final int MAX_WINDOW = 1 << 20;
    public static final long MAX_RATE_PER_PAIR = 10_000_000;
    /** Packets still in flight after sending stops normally land within milliseconds; 2 s bounds a stuck one. */
    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(2);
    /**
     * Two nodes per pair, and a half-open fault holds the frozen connections while the clients reconnect: the
     * proxy's cap ({@link io.derpring.loadgen.fault.FaultProxy#MAX_CONNECTIONS}) must hold four per pair.
     */
    /**
     * Idle-memory probe connections: the probe's process holds one descriptor each (a child relay another), so the
     * cap is what a 64 Ki descriptor limit allows with room to spare.
     */
    public static final int MAX_IDLE_CONNECTIONS = 60_000;
    public static final int MAX_FAULT_PROXY_PAIRS = io.derpring.loadgen.fault.FaultProxy.MAX_CONNECTIONS / 4;
    /** A pause shorter than this is lost in the sender's park granularity and the engine's duty cycle. */
    public static final Duration MIN_PAUSE = Duration.ofMillis(10);
    /** Region churn events need time to take effect (a relay restart, a reconnect) before the next one. */
    public static final Duration MIN_REGION_CHURN = Duration.ofMillis(200);
    /**
     * Half: a run where most packets were dropped measured its drops, not the path, and its throughput describes
     * what survived. A healthy overload run ({@code --window 0}, the relay's queues dropping) delivers far more than
     * this (81-85% in perf-results/2026-11-30-engine-send-before-after-jdk17); one that delivered 2% did so because
     * the client threw packets away, which the verdict must not call OK. Experiments that expect heavier drops lower
     * it explicitly.
     */
    public static final double DEFAULT_MIN_DELIVERED_FRACTION = 0.5;

    /** The one baseline there is: {@code --baseline tcp}. */
    public static final String BASELINE_TCP = "tcp";
    public static final int MAX_BASELINE_THREADS = 1024;

    public LoadOptions {
        if (baseline != null && !baseline.equals(BASELINE_TCP)) {
            throw new InvalidConfigException("baseline = '" + baseline + "': the only baseline is " + BASELINE_TCP);
        }
        InvalidConfigException.requireInRange("baseline threads", baselineThreads, 0, MAX_BASELINE_THREADS);
        if (baseline != null && faultProxy) {
            throw new InvalidConfigException("--baseline and --fault-proxy do not combine");
        }
        if (baselineCpus != null && !baselineCpus.matches("[0-9]+([-,][0-9]+)*")) {
            throw new InvalidConfigException("baseline CPUs = '" + baselineCpus + "': a taskset -c list such as 1 or "
                + "0-1 or 0,2");
        }
        relays = List.copyOf(Objects.requireNonNull(relays, "relays"));
        relayMetrics = List.copyOf(Objects.requireNonNull(relayMetrics, "relayMetrics"));
        for (final URI u : relays) {
            RelayUrl.parse(u); // fails fast with the URL in the message
        }
        InvalidConfigException.requireInRange("pairs", pairs, 1, MAX_PAIRS);
        if (!relays.isEmpty()) {
            regions = relays.size();
        }
        InvalidConfigException.requireInRange("regions", regions, 1, MAX_REGIONS);
        InvalidConfigException.requireInRange("size (bytes)", sizeBytes, PayloadFlyweight.HEADER_LENGTH,
            FrameLimits.MAX_PACKET_SIZE);
        requireDuration("duration", duration, Duration.ofMillis(1));
        requireDuration("warmup", warmup, Duration.ZERO);
        requireDuration("drain timeout", drainTimeout, Duration.ZERO);
        if (ratePerPair < 0 || ratePerPair > MAX_RATE_PER_PAIR) {
            throw new InvalidConfigException("rate = " + ratePerPair + " packets/s per pair, must be 0 (unpaced).."
                + MAX_RATE_PER_PAIR);
        }
        InvalidConfigException.requireInRange("window", window, 0, MAX_WINDOW);
        InvalidConfigException.requireInRange("idle connections", idleConnections, 0, MAX_IDLE_CONNECTIONS);
        Objects.requireNonNull(client, "client");
        InvalidConfigException.requireInRange("relay queue depth", relayQueueDepth, RelayConfig.MIN_QUEUE_DEPTH,
            RelayConfig.MAX_QUEUE_DEPTH);
        Objects.requireNonNull(relaySenderPause, "relaySenderPause");
        // compareTo, not toNanos(): a duration of centuries would overflow toNanos and throw the wrong error
        if (relaySenderPause.isNegative()
            || relaySenderPause.compareTo(Duration.ofNanos(RelayConfig.MAX_SENDER_PAUSE_NS)) > 0) {
            throw new InvalidConfigException("relay sender pause = " + relaySenderPause.toMillis()
                + " ms, must be 0 (off).." + RelayConfig.MAX_SENDER_PAUSE_NS / 1_000_000 + " ms");
        }
        if (crossRelay) {
            if (client != ClientKind.RAW) {
                throw new InvalidConfigException("--cross-relay needs --client raw: an engine maps one region per "
                    + "relay URL and would dial the receiver's relay directly, bypassing the mesh");
            }
            if (regions < 2) {
                throw new InvalidConfigException("--cross-relay needs at least two relays (--relay URLs or --regions)");
            }
            if (faultProxy) {
                throw new InvalidConfigException("--cross-relay and --fault-proxy do not combine");
            }
        }
        if (!(minDeliveredFraction >= 0.0 && minDeliveredFraction <= 1.0)) { // NaN fails too
            throw new InvalidConfigException("min delivered fraction = " + minDeliveredFraction + ", must be 0..1");
        }
        if (faultProxy) {
            if (!relays.isEmpty()) {
                throw new InvalidConfigException("--fault-proxy drives embedded relays (it restarts them): drop --relay");
            }
            if (client != ClientKind.ENGINE) {
                throw new InvalidConfigException("--fault-proxy needs --client engine: bare connections are used once "
                    + "and never reconnect, so no fault could be recovered from");
            }
            if (pairs > MAX_FAULT_PROXY_PAIRS) {
                throw new InvalidConfigException("pairs = " + pairs + " is more than --fault-proxy takes ("
                    + MAX_FAULT_PROXY_PAIRS + ": its connection cap must hold every node twice over)");
            }
            if (faultSchedule == null) {
                faultSchedule = FaultSchedule.every(FaultSchedule.DEFAULT_PERIOD);
            }
        }
        requireMultiRegion(client, regions, relays.isEmpty(), faultProxy, crossRegion, noNetmapHome, idleGrace,
            regionChurn);
        if ((pauseEvery == null) != (pauseFor == null)) {
            throw new InvalidConfigException("--pause-every and --pause-for go together");
        }
        if (pauseEvery != null) {
            requireDuration("pause every", pauseEvery, MIN_PAUSE);
            requireDuration("pause for", pauseFor, MIN_PAUSE);
        }
    }

    private static void requireMultiRegion(final ClientKind client, final int regions, final boolean embedded,
                                           final boolean faultProxy, final boolean crossRegion,
                                           final boolean noNetmapHome, final Duration idleGrace,
                                           final Duration regionChurn) {
        if (crossRegion) {
            if (client != ClientKind.ENGINE) {
                throw new InvalidConfigException("--cross-region needs --client engine: only an engine has a home "
                    + "region and wakes others on traffic");
            }
            if (regions < 2) {
                throw new InvalidConfigException("--cross-region needs at least two regions (--regions or --relay URLs)");
            }
        }
        if (noNetmapHome && !crossRegion) {
            throw new InvalidConfigException("--no-netmap-home needs --cross-region (on one region every route is home)");
        }
        if (idleGrace != null) {
            if (client != ClientKind.ENGINE) {
                throw new InvalidConfigException("--idle-grace needs --client engine");
            }
            if (idleGrace.compareTo(RegionSettings.MIN_IDLE_TIMEOUT) < 0
                || idleGrace.compareTo(RegionSettings.MAX_IDLE_TIMEOUT) > 0) {
                throw new InvalidConfigException("idle grace = " + idleGrace + " must be between "
                    + RegionSettings.MIN_IDLE_TIMEOUT + " and " + RegionSettings.MAX_IDLE_TIMEOUT);
            }
        }
        if (regionChurn != null) {
            if (!embedded) {
                throw new InvalidConfigException("--region-churn needs embedded relays (it stops and restarts them): "
                    + "drop --relay");
            }
            if (client != ClientKind.ENGINE) {
                throw new InvalidConfigException("--region-churn needs --client engine: bare connections have no DERP "
                    + "map or home region to change");
            }
            if (regions < 2) {
                throw new InvalidConfigException("--region-churn needs at least two regions (a home moves between them)");
            }
            if (faultProxy) {
                throw new InvalidConfigException("--region-churn and --fault-proxy do not combine");
            }
            requireDuration("region churn period", regionChurn, MIN_REGION_CHURN);
        }
    }

    /** True when traffic pauses now and then ({@code --pause-every}). */
    public boolean pauses() {
        return pauseEvery != null;
    }

    private static void requireDuration(final String option, final Duration d, final Duration min) {
        Objects.requireNonNull(d, option);
        if (d.compareTo(min) < 0 || d.compareTo(MAX_DURATION) > 0) {
            throw new InvalidConfigException(option + " = " + d + " must be between " + min + " and " + MAX_DURATION);
        }
    }

    /** The defaults: 4 pairs on 1 embedded relay, 1200-byte packets, 3 s warmup + 15 s, unpaced, window 32, raw. */
    public static Builder builder() {
        return new Builder();
    }

    /** True when the run starts its own relays. */
    public boolean embeddedRelays() {
        return relays.isEmpty();
    }

    /** True when receivers acknowledge and senders respect a window. */
    public boolean flowControl() {
        return window > 0;
    }

    /** Mutable; every setter keeps the default's meaning when not called. */
    public static final class Builder {
        private List<URI> relays = List.of();
        private List<URI> relayMetrics = List.of();
        private int pairs = DEFAULT_PAIRS;
        private int regions = DEFAULT_REGIONS;
        private int sizeBytes = DEFAULT_SIZE_BYTES;
        private Duration duration = DEFAULT_DURATION;
        private Duration warmup = DEFAULT_WARMUP;
        private long ratePerPair;
        private int window = DEFAULT_WINDOW;
        private ClientKind client = ClientKind.RAW;
        private Transport transport;
        private Path jsonFile;
        private int relayQueueDepth = RelayConfig.DEFAULT_QUEUE_DEPTH;
        private Duration relaySenderPause = Duration.ofNanos(RelayConfig.DEFAULT_SENDER_PAUSE_NS);
        private boolean tlsInsecure;
        private Duration drainTimeout = DEFAULT_DRAIN_TIMEOUT;
        private boolean progress;
        private boolean faultProxy;
        private boolean crossRelay;
        private FaultSchedule faultSchedule;
        private boolean crossRegion;
        private boolean noNetmapHome;
        private Duration idleGrace;
        private Duration pauseEvery;
        private Duration pauseFor;
        private Duration regionChurn;
        private double minDeliveredFraction = DEFAULT_MIN_DELIVERED_FRACTION;
        private String baseline;
        private String baselineCpus;
        private int baselineThreads;
        private Path htmlFile;
        private int idleConnections;

        private Builder() {
        }

        public Builder relays(final List<URI> v) {
            relays = v;
            return this;
        }

        public Builder relayMetrics(final List<URI> v) {
            relayMetrics = v;
            return this;
        }

        public Builder pairs(final int v) {
            pairs = v;
            return this;
        }

        public Builder regions(final int v) {
            regions = v;
            return this;
        }

        public Builder sizeBytes(final int v) {
            sizeBytes = v;
            return this;
        }

        public Builder duration(final Duration v) {
            duration = v;
            return this;
        }

        public Builder warmup(final Duration v) {
            warmup = v;
            return this;
        }

        public Builder ratePerPair(final long v) {
            ratePerPair = v;
            return this;
        }

        public Builder window(final int v) {
            window = v;
            return this;
        }

        public Builder client(final ClientKind v) {
            client = v;
            return this;
        }

        public Builder transport(final Transport v) {
            transport = v;
            return this;
        }

        public Builder jsonFile(final Path v) {
            jsonFile = v;
            return this;
        }

        public Builder relayQueueDepth(final int v) {
            relayQueueDepth = v;
            return this;
        }

        public Builder tlsInsecure(final boolean v) {
            tlsInsecure = v;
            return this;
        }

        public Builder drainTimeout(final Duration v) {
            drainTimeout = v;
            return this;
        }

        public Builder progress(final boolean v) {
            progress = v;
            return this;
        }

        public Builder faultProxy(final boolean v) {
            faultProxy = v;
            return this;
        }

        public Builder faultSchedule(final FaultSchedule v) {
            faultSchedule = v;
            return this;
        }

        public Builder crossRelay(final boolean v) {
            crossRelay = v;
            return this;
        }

        public Builder crossRegion(final boolean v) {
            crossRegion = v;
            return this;
        }

        public Builder noNetmapHome(final boolean v) {
            noNetmapHome = v;
            return this;
        }

        public Builder idleGrace(final Duration v) {
            idleGrace = v;
            return this;
        }

        /** Both or neither: pause for {@code pauseFor} after each {@code every} of sending. */
        public Builder pauses(final Duration every, final Duration pauseFor) {
            this.pauseEvery = every;
            this.pauseFor = pauseFor;
            return this;
        }

        public Builder regionChurn(final Duration v) {
            regionChurn = v;
            return this;
        }

        public Builder minDeliveredFraction(final double v) {
            minDeliveredFraction = v;
            return this;
        }

        public Builder baseline(final String v) {
            baseline = v;
            return this;
        }

        public Builder baselineCpus(final String v) {
            baselineCpus = v;
            return this;
        }

        public Builder baselineThreads(final int v) {
            baselineThreads = v;
            return this;
        }

        public Builder htmlFile(final Path v) {
            htmlFile = v;
            return this;
        }

        public Builder idleConnections(final int v) {
            idleConnections = v;
            return this;
        }

        public Builder relaySenderPause(final Duration v) {
            relaySenderPause = v;
            return this;
        }

        public LoadOptions build() {
            return new LoadOptions(relays, relayMetrics, pairs, regions, sizeBytes, duration, warmup, ratePerPair,
                window, client, transport, jsonFile, relayQueueDepth, tlsInsecure, drainTimeout, progress, faultProxy,
                faultSchedule, crossRelay, crossRegion, noNetmapHome, idleGrace, pauseEvery, pauseFor, regionChurn,
                minDeliveredFraction, baseline, baselineCpus, baselineThreads,
                htmlFile, idleConnections, relaySenderPause);
        }
    }
}
