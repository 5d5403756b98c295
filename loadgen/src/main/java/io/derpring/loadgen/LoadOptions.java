package io.derpring.loadgen;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

import io.derpring.internal.frame.FrameLimits;
import io.derpring.loadgen.fault.FaultSchedule;
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
 * @param htmlFile        where to write the self-contained HTML report ({@link HtmlReport}); null = none
 * @param idleConnections instead of traffic, open this many idle DERP connections and report the relay's RSS per
 *                        connection ({@link IdleMemoryProbe}); 0 = a traffic run
 */
public record LoadOptions(List<URI> relays, List<URI> relayMetrics, int pairs, int regions, int sizeBytes,
                          Duration duration, Duration warmup, long ratePerPair, int window, ClientKind client,
                          Transport transport, Path jsonFile, int relayQueueDepth, boolean tlsInsecure,
                          Duration drainTimeout, boolean progress, boolean faultProxy,
                          FaultSchedule faultSchedule, boolean crossRelay,
                          // issue 15: the self-contained HTML report; null = none
                          Path htmlFile,
                          // issue 15: idle-memory probe: this many idle connections instead of traffic; 0 = off
                          int idleConnections) {
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

    public LoadOptions {
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
        private boolean tlsInsecure;
        private Duration drainTimeout = DEFAULT_DRAIN_TIMEOUT;
        private boolean progress;
        private boolean faultProxy;
        private boolean crossRelay;
        private FaultSchedule faultSchedule;
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

        public Builder htmlFile(final Path v) {
            htmlFile = v;
            return this;
        }

        public Builder idleConnections(final int v) {
            idleConnections = v;
            return this;
        }

        public LoadOptions build() {
            return new LoadOptions(relays, relayMetrics, pairs, regions, sizeBytes, duration, warmup, ratePerPair,
                window, client, transport, jsonFile, relayQueueDepth, tlsInsecure, drainTimeout, progress, faultProxy,
                faultSchedule, crossRelay, htmlFile, idleConnections);
        }
    }
}
