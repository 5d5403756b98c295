package io.derpring.metrics;

import java.io.IOException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

import io.derpring.internal.metrics.PrometheusText;

/**
 * Every number an engine exports, as one live view: the engine-wide metrics (inbound ring, outbound regions, client
 * connections) and the per-region ones (queue depths, labelled by region id). Both exports read it, the Prometheus
 * text of {@link #writePrometheus} and the Micrometer binder of {@code derpring-micrometer}, so they always agree.
 *
 * <p>The lists are fixed when the engine is built; the region ids follow the engine's current DERP map. Reading a
 * value never allocates; {@link #writePrometheus(StringBuilder)} into a reused builder allocates nothing once the
 * builder has grown to size. Any thread.
 */
public final class EngineMetrics {
    private static final String REGION_LABEL = "region";

    private final List<Metric> engineWide;
    private final List<RegionMetric> perRegion;
    private final Supplier<int[]> regionIds;

    /**
     * @param regionIds the current DERP map's region ids in ascending order; the array is read, never written, so
     *                  it may be shared
     * @throws IllegalArgumentException if two metrics would have the same exposed name
     */
    public EngineMetrics(final List<Metric> engineWide, final List<RegionMetric> perRegion,
                         final Supplier<int[]> regionIds) {
        this.engineWide = List.copyOf(engineWide);
        this.perRegion = List.copyOf(perRegion);
        this.regionIds = Objects.requireNonNull(regionIds, "region ids");
        final Set<String> names = new HashSet<>();
        for (final Metric m : this.engineWide) {
            requireUnique(names, exposedName(m.name(), m.type()));
        }
        for (final RegionMetric m : this.perRegion) {
            requireUnique(names, exposedName(m.name(), m.type()));
        }
    }

    /** Engine-wide metrics, in export order. */
    public List<Metric> engineWide() {
        return engineWide;
    }

    /** Metrics kept per region, in export order. */
    public List<RegionMetric> perRegion() {
        return perRegion;
    }

    /** The region ids of the engine's current DERP map, ascending (a copy). */
    public int[] regionIds() {
        return regionIds.get().clone();
    }

    /**
     * The current value of the engine-wide metric {@code name} (as {@link Metric#name()}, no {@code _total}); a
     * linear search, for tests and tools.
     *
     * @throws IllegalArgumentException if there is no such metric
     */
    public long value(final String name) {
        for (final Metric m : engineWide) {
            if (m.name().equals(name)) {
                return m.value();
            }
        }
        throw new IllegalArgumentException("no engine-wide metric named " + name);
    }

    /**
     * The current value of the per-region metric {@code name} for {@code regionId}, or {@link RegionMetric#ABSENT}
     * if the region is not in the map.
     *
     * @throws IllegalArgumentException if there is no such metric
     */
    public long value(final String name, final int regionId) {
        for (final RegionMetric m : perRegion) {
            if (m.name().equals(name)) {
                return m.value(regionId);
            }
        }
        throw new IllegalArgumentException("no per-region metric named " + name);
    }

    /** Appends every metric in the Prometheus text format (0.0.4); counters get the format's {@code _total}. */
    public void writePrometheus(final StringBuilder out) {
        for (int i = 0; i < engineWide.size(); i++) {
            final Metric m = engineWide.get(i);
            final String suffix = suffix(m.type());
            PrometheusText.header(out, m.name(), suffix, m.help(), m.type());
            PrometheusText.sample(out, m.name(), suffix, m.value());
        }
        final int[] regions = regionIds.get();
        for (int i = 0; i < perRegion.size(); i++) {
            final RegionMetric m = perRegion.get(i);
            final String suffix = suffix(m.type());
            PrometheusText.header(out, m.name(), suffix, m.help(), m.type());
            for (final int region : regions) {
                final long value = m.value(region);
                if (value != RegionMetric.ABSENT) { // the map changed since the ids were read
                    PrometheusText.sample(out, m.name(), suffix, REGION_LABEL, region, value);
                }
            }
        }
    }

    /** As {@link #writePrometheus(StringBuilder)}, to any character sink (e.g. an HTTP response's writer). */
    public void writePrometheus(final Appendable out) throws IOException {
        if (out instanceof StringBuilder b) {
            writePrometheus(b);
            return;
        }
        final StringBuilder b = new StringBuilder(8192);
        writePrometheus(b);
        out.append(b);
    }

    /** Every metric in the Prometheus text format (0.0.4), served as {@code text/plain; version=0.0.4}. */
    public String prometheusText() {
        final StringBuilder b = new StringBuilder(8192);
        writePrometheus(b);
        return b.toString();
    }

    private static String suffix(final MetricType type) {
        return type == MetricType.COUNTER ? PrometheusText.COUNTER_SUFFIX : "";
    }

    private static String exposedName(final String name, final MetricType type) {
        return name + suffix(type);
    }

    private static void requireUnique(final Set<String> names, final String name) {
        if (!names.add(name)) {
            throw new IllegalArgumentException("two metrics are named " + name);
        }
    }

    // ---- connection lifecycle (issue 16): names a load generator or dashboard reads with value(name) ----
    // Additive contract: these names are the exported metric names without Prometheus' _total.

    /** Regions connected (ServerInfo received), counted by the engine. */
    public static final String REGION_CONNECTS = "derpring_engine_region_connects";
    /** Dials that failed and connections that were lost, counted by the engine (each is followed by a backoff). */
    public static final String REGION_CONNECT_FAILURES = "derpring_engine_region_connect_failures";
    /** Dials after a failed or lost connection, once its backoff delay had passed. */
    public static final String REGION_RECONNECTS = "derpring_engine_region_reconnects";
    /** Health frames replaced by a newer one before the conductor applied them. */
    public static final String REGION_HEALTH_COALESCED = "derpring_engine_region_health_coalesced";
    /** PeerGone/PeerPresent events dropped because the conductor's command queue was full. */
    public static final String REGION_EVENTS_DROPPED_QUEUE_FULL = "derpring_engine_region_events_dropped_queue_full";
    /** Received-frame health stamps recorded (at most one per region per 5 s). */
    public static final String REGION_FRAME_STAMPS = "derpring_engine_region_frame_stamps";
    /** Connections closed by rebind because their local address was no longer valid. */
    public static final String REGION_REBIND_CLOSES = "derpring_engine_region_rebind_closes";
    /** Connections kept by rebind: they answered its Ping in time. */
    public static final String REGION_REBIND_PINGS_ANSWERED = "derpring_engine_region_rebind_pings_answered";
    /** Connections closed by rebind because they did not answer its Ping in time. */
    public static final String REGION_REBIND_PING_TIMEOUTS = "derpring_engine_region_rebind_ping_timeouts";
    /** The embedder's RegionListener callbacks that threw (caught, logged once per kind; the engine carried on). */
    public static final String REGION_LISTENER_ERRORS = "derpring_engine_region_listener_errors";
    /**
     * Conductor duty cycles that evaluated every region, counted after the regions' ticks: once it has moved on by 2
     * from a value read at time t, every region was evaluated at t or later, so what the conductor would have done
     * by then (a dial, an idle close, a retry) has happened. Tests wait on it to prove that something did not.
     */
    public static final String REGION_DUTY_CYCLES = "derpring_engine_region_duty_cycles";
    /** Transport connections that reached ServerInfo (present when the transport counts its connections). */
    public static final String CLIENT_CONNECTS = "derpring_engine_client_connects";
    /** Transport connections that ended before ServerInfo. */
    public static final String CLIENT_CONNECT_FAILURES = "derpring_engine_client_connect_failures";
    /** Transport connections that ended after ServerInfo. */
    public static final String CLIENT_DISCONNECTS = "derpring_engine_client_disconnects";
    /** Frames of a type a client does not read, skipped. */
    public static final String CLIENT_FRAMES_SKIPPED = "derpring_engine_client_frames_skipped";
    /** Pongs owed to a server beyond the cap while the channel was unwritable (or a pass was pending), dropped. */
    public static final String CLIENT_PONGS_DROPPED = "derpring_engine_client_pongs_dropped";
    /** WebSocket pings from a server never answered: a later one came while the channel was unwritable. */
    public static final String CLIENT_WEBSOCKET_PONGS_SKIPPED = "derpring_engine_client_websocket_pongs_skipped";
    /**
     * Prefix of the per-reason counts of transport connections' ends ({@code keepalive_timeout}, {@code by_server},
     * {@code protocol_error}, ...); they add up to connect failures + disconnects. See {@link #valuesStartingWith}.
     */
    public static final String CLIENT_CLOSES_PREFIX = "derpring_engine_client_closes_";

    /**
     * Whether an engine-wide metric named {@code name} exists (the {@code client} group exists only when the
     * transport counts its connections).
     */
    public boolean has(final String name) {
        for (final Metric m : engineWide) {
            if (m.name().equals(name)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Every engine-wide metric whose name starts with {@code prefix}, with the prefix cut off, in export order: e.g.
     * {@code valuesStartingWith(CLIENT_CLOSES_PREFIX)} gives each close reason and its count. Allocates: for reports.
     */
    public Map<String, Long> valuesStartingWith(final String prefix) {
        final Map<String, Long> out = new LinkedHashMap<>();
        for (final Metric m : engineWide) {
            if (m.name().startsWith(prefix)) {
                out.put(m.name().substring(prefix.length()), m.value());
            }
        }
        return out;
    }
}
