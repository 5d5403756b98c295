package io.derpring.loadgen;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.HdrHistogram.Histogram;

/**
 * The outcome of one run. Loss accounting covers the whole run (warmup included: every packet sent must be
 * accounted for); throughput and latency cover the measured phase only.
 *
 * <p>The balance: {@code (sent + acks_sent) - (received + acks_received + corrupted) = dropped_by_relay +
 * dropped_by_client + unexplained_lost}. Acks are in it because the relay's and client's drop counters count
 * packets without knowing data from acks; with {@code --window 0} there are no acks.
 *
 * <p>When connections die (a fault soak), a fourth explained term joins the right side, {@code lost_in_transit}:
 * packets one end (our client, or the relay) wrote to a connection that the other end never read, because the
 * connection died with them in a socket buffer, the fault proxy or an endpoint's unflushed output. It is measured by
 * both ends' own counters ({@link LoadRun#lostInTransit()}), never inferred from the shortfall.
 *
 * <p>A balanced account is not enough for a verdict: a relay that closes every connection after the handshake gives
 * a perfect balance (every packet {@code dropped_not_connected}) and delivers nothing. So a run also has to deliver
 * at least {@code minDeliveredFraction} of what it sent ({@link #delivered()}), and its connection events are part of
 * the report ({@link Connections}).
 */
public record LoadReport(int pairs, int regions, int size, double durationS, double warmupS, String client,
                         String transport, String jdk, long ratePerPair, int window, List<String> relays,
                         long sent, long received, Map<Integer, Long> receivedByRegion, long measuredReceived,
                         long droppedByRelay,
                         boolean relayDropsKnown, long droppedByClient, Map<String, Long> droppedByClientDetail,
                         long unexplainedLost, long duplicated, long reordered, long corrupted, long acksSent,
                         long acksReceived, long windowStalls, double throughputPps, double throughputMbps,
                         double cpuS, double cpuTotalS, Latency latencyUs, long lostInTransit,
                         Map<String, Long> lostInTransitDetail, long connectionsLost, Faults faults,
                         Map<String, Object> memory, long backPressuredRetries,
                         // issue 16: the engines' regions (null for raw clients)
                         Regions engineRegions,
                         // issue 16: what the connections did, and the delivery threshold of the verdict
                         Connections connectionEvents, double minDeliveredFraction,
                         // issue 15: the relay's own CPU (scraped), and the dumb-forwarder baseline of the same run
                         Double relayCpuS, Double relayCpuUsPerPkt, boolean relayInProcess, Baseline baseline,
                         // issue 15: per-second samples (TimeSeries.toJsonMap) for --html
                         Map<String, Object> series,
                         // issue 15: pairs whose receiver got at least one packet (many pairs: none starved)
                         int pairsDelivering,
                         // the embedded relays' settings (queue_depth, sender_pause_ms); null with --relay URLs
                         Map<String, Object> embeddedRelay) {


    /**
     * What the engines' regions did (engine clients only): lifecycle counters summed over every engine for the whole
     * run (the first connects included), where data arrived, pauses, region churn, and a sample engine's states.
     *
     * @param receivedByArrivalRegion data packets by the region they arrived over (the receiver's home, or wherever
     *                                churn moved it)
     * @param relayDropsByReason      the relays' drops since sending began, by reason, non-zero ones (embedded
     *                                relays; else empty): {@code dropped_by_relay} split
     * @param churnEvents             each {@code --region-churn} event: time, kind, target and the losses from it to
     *                                the next event (client drops by counter, relay drops by reason, connections
     *                                lost)
     * @param stateTimeline           the sample engine's region states, one entry per change seen (bounded)
     */
    public record Regions(boolean crossRegion, boolean netmapHome, long idleGraceMs, long wakes, long idleCloses,
                          long connects, long failures, Map<Integer, Long> receivedByArrivalRegion, long pauses,
                          Map<String, Long> relayDropsByReason, Map<String, Long> churnByKind,
                          List<Map<String, Object>> churnEvents, List<Map<String, Object>> stateTimeline,
                          long stateTimelineDropped) {
        void putJson(final Map<String, Object> m) {
            m.put("cross_region", crossRegion);
            m.put("netmap_home", netmapHome);
            m.put("idle_grace_ms", idleGraceMs);
            m.put("region_wakes", wakes);
            m.put("region_idle_closes", idleCloses);
            m.put("region_connects", connects);
            m.put("region_failures", failures);
            final Map<String, Long> byRegion = new LinkedHashMap<>();
            receivedByArrivalRegion.forEach((region, n) -> byRegion.put(String.valueOf(region), n));
            m.put("received_by_arrival_region", byRegion);
            m.put("pauses", pauses);
            m.put("dropped_by_relay_detail", relayDropsByReason);
            m.put("region_churn_by_kind", churnByKind);
            m.put("region_churn_events", churnEvents);
            m.put("region_state_timeline", stateTimeline);
            m.put("region_state_timeline_dropped", stateTimelineDropped);
        }

        void appendText(final StringBuilder b) {
            b.append("  regions     ").append(fmt("wakes %,d  idle closes %,d  connects %,d  failures %,d", wakes,
                idleCloses, connects, failures)).append(crossRegion ? "  cross-region" : "")
                .append(crossRegion && !netmapHome ? " (no netmap home)" : "")
                .append(pauses > 0 ? fmt("  pauses %,d", pauses) : "").append('\n');
            b.append("  arrived on  ").append(receivedByArrivalRegion).append(" data packets by region\n");
            if (!relayDropsByReason.isEmpty()) {
                b.append("  relay drops ").append(relayDropsByReason).append('\n');
            }
            for (final Map<String, Object> e : churnEvents) {
                b.append("  churn       ").append(fmt("%6.1fs ", ((Number) e.get("t_s")).doubleValue()))
                    .append(RegionChurn.describe(e)).append(": client ").append(e.get("client_drops"))
                    .append(" relay ").append(e.get("relay_drops")).append(" connections lost ")
                    .append(e.get("connections_lost")).append('\n');
            }
        }
    }

    /**
     * Our clients' connection events over the whole run (connects include the first ones).
     *
     * @param disconnects           connections closed after ServerInfo, by typed reason ({@link ConnectionEvents})
     * @param connectFailures       connection attempts that failed before ServerInfo
     * @param connectFailureReasons the same, by typed reason
     * @param reconnects            connections that reached ServerInfo where the same node had lost one to the same
     *                              region before (bare connections are used once: always 0 with raw clients)
     * @param framesSkipped         frames of a type a client does not read, skipped (SPEC §1.4)
     * @param pongsDropped          Pongs not written: more server Pings owed at once than the cap
     */
    public record Connections(long connects, Map<String, Long> disconnects, long connectFailures,
                              Map<String, Long> connectFailureReasons, long reconnects, long framesSkipped,
                              long pongsDropped) {
        /** Connections closed after ServerInfo, whatever the reason. */
        public long disconnectsTotal() {
            return ClientDropTally.sum(disconnects);
        }

        Map<String, Object> toJsonMap() {
            final Map<String, Object> m = new LinkedHashMap<>();
            m.put("connects", connects);
            m.put("disconnects", disconnects);
            m.put("connect_failures", connectFailures);
            m.put("connect_failure_reasons", connectFailureReasons);
            m.put("reconnects", reconnects);
            m.put("frames_skipped", framesSkipped);
            m.put("pongs_dropped", pongsDropped);
            return m;
        }

        String toText() {
            return fmt("connects %,d  disconnects %,d %s  connect failures %,d %s  reconnects %,d  frames skipped %,d"
                + "  pongs dropped %,d", connects, disconnectsTotal(), disconnects, connectFailures,
                connectFailureReasons, reconnects, framesSkipped, pongsDropped);
        }
    }


    /**
     * The dumb TCP forwarder's run ({@code --baseline tcp}): the same packet stream through a process that only
     * copies length-prefixed packets from one socket to another. Null in a run without {@code --baseline}.
     *
     * @param cpuUsPerPkt the forwarder process's CPU per delivered packet in its measured phase, µs; null when its
     *                    CPU could not be read
     * @param wireBytes   bytes the forwarder forwarded over the baseline's traffic (payload + the 4-byte length
     *                    prefix per packet): proof that no DERP framing is on its wire
     * @param wirePackets packets (data and acks) the forwarder forwarded, over its whole life
     * @param cpus        the {@code taskset -c} list the forwarder was pinned to, or null when it was not
     */
    public record Baseline(String kind, double throughputPps, double throughputMbps, long measuredReceived,
                           Double cpuS, Double cpuUsPerPkt, long sent, long received, long unexplainedLost,
                           long wireBytes, long wirePackets, String cpus) {
    }

    /** Relay throughput / forwarder throughput of the same run (1.0 = as fast as the dumb forwarder); or null. */
    public Double ratioToBaseline() {
        return baseline == null || baseline.throughputMbps() <= 0 ? null
            : round3(throughputMbps / baseline.throughputMbps());
    }

    /** Relay CPU per delivered packet / the forwarder's (1.0 = as cheap as the dumb forwarder); or null. */
    public Double cpuRatioToBaseline() {
        return baseline == null || relayCpuUsPerPkt == null || baseline.cpuUsPerPkt() == null
            || baseline.cpuUsPerPkt() <= 0 ? null : round3(relayCpuUsPerPkt / baseline.cpuUsPerPkt());
    }

    private static Double round3(final double v) {
        return Math.round(v * 1000.0) / 1000.0;
    }

    /**
     * What a fault soak injected and how the clients recovered; null in a run without {@code --fault-proxy}.
     *
     * @param proxy        the fault proxies' own counts, summed
     * @param clientEvents our clients' connection events over the whole run (connects include the first ones)
     */
    public record Faults(String schedule, Map<String, Long> injected, long recoveries, long unrecovered,
                         long recoveryMsMax, long recoveryMsMean, Map<String, Long> proxy,
                         Map<String, Long> clientEvents) {
        long injectedTotal() {
            long sum = 0;
            for (final long n : injected.values()) {
                sum += n;
            }
            return sum;
        }
    }

    /** Latency percentiles in microseconds, from each packet's scheduled send time to its arrival. */
    public record Latency(long count, double p50, double p90, double p99, double p999, double max, double mean) {
        static Latency of(final Histogram h) {
            if (h.getTotalCount() == 0) {
                return new Latency(0, 0, 0, 0, 0, 0, 0);
            }
            return new Latency(h.getTotalCount(), us(h.getValueAtPercentile(50)), us(h.getValueAtPercentile(90)),
                us(h.getValueAtPercentile(99)), us(h.getValueAtPercentile(99.9)), us(h.getMaxValue()),
                Math.round(h.getMean() / 100.0) / 10.0);
        }

        private static double us(final long ns) {
            return Math.round(ns / 100.0) / 10.0;
        }
    }

    /**
     * True when nothing was lost without a reason, duplicated or corrupted, and (a soak) every fault was recovered
     * from.
     */
    public boolean intact() {
        return unexplainedLost <= 0 && intactArrivals();
    }

    /** Nothing that arrived was duplicated or corrupted, and (a soak) every fault was recovered from. */
    private boolean intactArrivals() {
        return duplicated == 0 && corrupted == 0 && (faults == null || faults.unrecovered() == 0);
    }

    /**
     * True when something arrived and at least {@code minDeliveredFraction} of the data packets sent did: the run
     * measured delivery, not only drops. Exactly at the fraction passes.
     */
    public boolean delivered() {
        return received > 0 && received >= minDeliveredFraction * sent;
    }

    /** {@link #intact()} and {@link #delivered()}: the exit status is 0. */
    public boolean ok() {
        return intact() && delivered();
    }

    /**
     * 0 when {@link #ok()}. {@link #EXIT_INTEGRITY_FAILURE} for duplicated or corrupted packets or an unrecovered
     * fault, whatever else happened; then {@link #EXIT_NOT_DELIVERED} when too little arrived, even with unexplained
     * loss: packets written to a connection the relay then killed are lost where an external relay's counters can't
     * see, so next to a dead path that loss says nothing about our accounting (the verdict line still gives it);
     * then {@link #EXIT_INTEGRITY_FAILURE} for unexplained loss in a run that did deliver.
     */
    public int exitStatus() {
        if (!intactArrivals()) {
            return EXIT_INTEGRITY_FAILURE;
        }
        if (!delivered()) {
            return EXIT_NOT_DELIVERED;
        }
        return intact() ? 0 : EXIT_INTEGRITY_FAILURE;
    }

    /** Unexplained loss, duplication or corruption. (picocli uses 2 for usage errors.) */
    public static final int EXIT_INTEGRITY_FAILURE = 1;

    /**
     * Too little delivered: the run did not measure the path (e.g. the relay closed every connection). The cli's
     * status for a run that could not happen at all, because this one effectively did not either.
     */
    public static final int EXIT_NOT_DELIVERED = 3;

    /** The client drop counter of packets sent while no connection was up, as it appears in the drop detail. */
    static final String DROPPED_NOT_CONNECTED = "connection.dropped_not_connected";

    /** Packets our clients dropped because no connection was up (0 if none). */
    public long droppedNotConnected() {
        return droppedByClientDetail.getOrDefault(DROPPED_NOT_CONNECTED, 0L);
    }

    /**
     * The verdict in one line: OK, NOT DELIVERED or FAILED, with the reason, and any packets dropped for want of a
     * connection (those are explained, but a reader must see them).
     */
    public String verdict() {
        final StringBuilder b = new StringBuilder(160);
        switch (exitStatus()) {
            case 0:
                b.append("OK: nothing lost without a reason, duplicated or corrupted");
                break;
            case EXIT_NOT_DELIVERED:
                b.append(fmt("NOT DELIVERED: %,d of %,d packets sent arrived (%s), below the minimum delivered "
                    + "fraction %s", received, sent, percent(received, sent), minDeliveredFraction));
                if (unexplainedLost > 0) {
                    b.append(fmt("; unexplained %,d", unexplainedLost));
                }
                break;
            default:
                b.append("FAILED: unexplained loss, duplication or corruption, or a fault not recovered from");
                break;
        }
        final long notConnected = droppedNotConnected();
        if (notConnected > 0) {
            b.append(fmt("; dropped_not_connected %,d", notConnected));
        }
        if (!delivered() && connectionEvents != null && connectionEvents.disconnectsTotal() > 0) {
            b.append(fmt("; %,d disconnects %s, %,d reconnects", connectionEvents.disconnectsTotal(),
                connectionEvents.disconnects(), connectionEvents.reconnects()));
        }
        return b.toString();
    }

    private static String percent(final long part, final long whole) {
        return whole == 0 ? "nothing sent" : fmt("%.1f%%", 100.0 * part / whole);
    }

    /**
     * The JSON report. The first keys are a contract scripts rely on (issue 9): add keys, never rename them.
     */
    public Map<String, Object> toJsonMap() {
        final Map<String, Object> m = new LinkedHashMap<>();
        m.put("pairs", pairs);
        m.put("regions", regions);
        m.put("size", size);
        m.put("duration_s", durationS);
        m.put("client", client);
        m.put("transport", transport);
        m.put("jdk", jdk);
        m.put("sent", sent);
        m.put("received", received);
        m.put("dropped_by_relay", droppedByRelay);
        m.put("unexplained_lost", unexplainedLost);
        m.put("duplicated", duplicated);
        m.put("reordered", reordered);
        m.put("corrupted", corrupted);
        m.put("throughput_pps", throughputPps);
        m.put("throughput_mbps", throughputMbps);
        m.put("cpu_s", cpuS);
        final Map<String, Object> lat = new LinkedHashMap<>();
        lat.put("p50", latencyUs.p50());
        lat.put("p90", latencyUs.p90());
        lat.put("p99", latencyUs.p99());
        lat.put("p999", latencyUs.p999());
        lat.put("max", latencyUs.max());
        lat.put("mean", latencyUs.mean());
        lat.put("count", latencyUs.count());
        m.put("latency_us", lat);
        // derpring additions
        m.put("ok", ok());
        m.put("warmup_s", warmupS);
        m.put("rate_pps_per_pair", ratePerPair);
        m.put("window", window);
        m.put("relays", relays);
        m.put("measured_received", measuredReceived);
        final Map<String, Long> byRegion = new LinkedHashMap<>();
        receivedByRegion.forEach((region, n) -> byRegion.put(String.valueOf(region), n));
        m.put("received_by_region", byRegion);
        m.put("relay_drops_known", relayDropsKnown);
        m.put("dropped_by_client", droppedByClient);
        m.put("dropped_by_client_detail", droppedByClientDetail);
        m.put("acks_sent", acksSent);
        m.put("acks_received", acksReceived);
        m.put("window_stalls", windowStalls);
        m.put("back_pressured_retries", backPressuredRetries);
        m.put("cpu_total_s", cpuTotalS);
        m.put("lost_in_transit", lostInTransit);
        m.put("lost_in_transit_detail", lostInTransitDetail);
        m.put("connections_lost", connectionsLost);
        if (faults != null) {
            m.put("fault_schedule", faults.schedule());
            m.put("faults_injected", faults.injected());
            m.put("fault_recoveries", faults.recoveries());
            m.put("fault_unrecovered", faults.unrecovered());
            m.put("fault_recovery_ms_max", faults.recoveryMsMax());
            m.put("fault_recovery_ms_mean", faults.recoveryMsMean());
            m.put("fault_proxy", faults.proxy());
            m.put("fault_client_events", faults.clientEvents());
        }
        m.put("memory", memory);
        if (engineRegions != null) {
            engineRegions.putJson(m);
        }
        // issue 16
        m.put("verdict", verdict());
        m.put("min_delivered_fraction", minDeliveredFraction);
        if (connectionEvents != null) {
            m.put("connection_events", connectionEvents.toJsonMap());
        }
        // issue 15: relay CPU seen from the load generator (null when the relay runs in this process: its CPU
        // cannot be told from ours) and the dumb-forwarder baseline (null without --baseline)
        m.put("relay_cpu_s", relayCpuS);
        m.put("relay_cpu_us_per_pkt", relayCpuUsPerPkt);
        m.put("relay_in_process", relayInProcess);
        m.put("baseline", baseline == null ? null : baseline.kind());
        m.put("baseline_tcp_mbps", baseline == null ? null : baseline.throughputMbps());
        m.put("baseline_tcp_pps", baseline == null ? null : baseline.throughputPps());
        m.put("baseline_cpu_s", baseline == null ? null : baseline.cpuS());
        m.put("baseline_cpu_us_per_pkt", baseline == null ? null : baseline.cpuUsPerPkt());
        m.put("baseline_unexplained_lost", baseline == null ? null : baseline.unexplainedLost());
        m.put("baseline_wire_bytes", baseline == null ? null : baseline.wireBytes());
        m.put("baseline_wire_packets", baseline == null ? null : baseline.wirePackets());
        m.put("baseline_cpus", baseline == null ? null : baseline.cpus());
        m.put("ratio_to_baseline", ratioToBaseline());
        m.put("cpu_ratio_to_baseline", cpuRatioToBaseline());
        m.put("series", series);
        m.put("pairs_delivering", pairsDelivering);
        m.put("embedded_relay", embeddedRelay);
        return m;
    }

    public void writeJson(final Path file) throws IOException {
        final Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), toJsonMap());
    }

    /** The human report printed at the end of a run. */
    public String toText() {
        final StringBuilder b = new StringBuilder(1024);
        b.append("derpring loadgen: ").append(pairs).append(pairs == 1 ? " pair" : " pairs").append(" on ")
            .append(regions).append(regions == 1 ? " region" : " regions").append(", ").append(size)
            .append("-byte packets, ").append(client).append(" client, ").append(transport).append(", ")
            .append(ratePerPair == 0 ? "unpaced" : ratePerPair + " pkt/s per pair").append(", ")
            .append(window == 0 ? "no window" : "window " + window).append('\n');
        b.append("  relays      ").append(String.join(", ", relays));
        if (embeddedRelay != null) {
            b.append(" (embedded: queue depth ").append(embeddedRelay.get("queue_depth")).append(", sender pause ")
                .append(embeddedRelay.get("sender_pause_ms")).append(" ms)");
        }
        b.append('\n');
        b.append("  measured    ").append(fmt("%.1f s", durationS)).append(" after ").append(fmt("%.1f s", warmupS))
            .append(" warmup\n");
        b.append("  throughput  ").append(fmt("%,.0f pkt/s", throughputPps)).append("  ")
            .append(fmt("%,.1f Mbit/s", throughputMbps)).append(fmt(" (%,.1f MB/s)", throughputMbps / 8)).append('\n');
        b.append("  relay cpu   ").append(relayCpuText()).append('\n');
        if (baseline != null) {
            b.append("  baseline    ").append(baselineText()).append('\n');
        }
        b.append("  latency µs  ").append(fmt("p50 %.1f  p90 %.1f  p99 %.1f  p99.9 %.1f  max %.1f", latencyUs.p50(),
            latencyUs.p90(), latencyUs.p99(), latencyUs.p999(), latencyUs.max())).append(fmt("  (%,d samples, from "
            + "scheduled send time)", latencyUs.count())).append('\n');
        b.append("  packets     ").append(fmt("sent %,d  received %,d", sent, received))
            .append(acksSent > 0 ? fmt("  (acks sent %,d received %,d)", acksSent, acksReceived) : "").append('\n');
        if (regions > 1) {
            b.append("  by region   ").append(receivedByRegion).append(" received\n");
        }
        b.append("  loss        ").append("dropped by relay ")
            .append(relayDropsKnown ? fmt("%,d", droppedByRelay) : "unknown").append(fmt("  dropped by client %,d",
                droppedByClient)).append(fmt("  unexplained %,d", unexplainedLost)).append('\n');
        if (!droppedByClientDetail.isEmpty()) {
            b.append("  client drops ").append(droppedByClientDetail).append('\n');
        }
        if (connectionsLost > 0) {
            b.append("  transit     ").append(fmt("lost in transit %,d %s on %,d lost connections", lostInTransit,
                lostInTransitDetail, connectionsLost)).append('\n');
        }
        if (faults != null) {
            b.append("  faults      ").append(fmt("%,d injected %s (%s), %,d recovered, %,d not; recovery max %,d ms "
                + "mean %,d ms", faults.injectedTotal(), faults.injected(), faults.schedule(), faults.recoveries(),
                faults.unrecovered(), faults.recoveryMsMax(), faults.recoveryMsMean())).append('\n');
            b.append("  proxy       ").append(faults.proxy()).append('\n');
            b.append("  connections ").append(faults.clientEvents()).append('\n');
        }
        if (engineRegions != null) {
            engineRegions.appendText(b);
        }
        if (connectionEvents != null) {
            b.append("  conn events ").append(connectionEvents.toText()).append('\n');
        }
        b.append("  memory      ").append(memoryText()).append('\n');
        b.append("  integrity   ").append(fmt("duplicated %,d  reordered %,d  corrupted %,d", duplicated, reordered,
            corrupted)).append(windowStalls > 0 ? fmt("  window stalls %,d", windowStalls) : "")
            .append(backPressuredRetries > 0 ? fmt("  back-pressured retries %,d", backPressuredRetries) : "")
            .append('\n');
        b.append("  cpu         ").append(fmt("%.2f s process CPU in the measured phase (%.0f%% of one core), "
            + "%.2f s in total", cpuS, durationS > 0 ? 100 * cpuS / durationS : 0.0, cpuTotalS)).append('\n');
        b.append("  jdk         ").append(jdk).append('\n');
        b.append("  result      ").append(verdict()).append('\n');
        return b.toString();
    }

    private String relayCpuText() {
        if (relayCpuUsPerPkt != null) {
            return fmt("%.2f µs per delivered packet (%.2f s relay process CPU in the measured phase)",
                relayCpuUsPerPkt, relayCpuS);
        }
        return relayInProcess ? "not separable: the relay runs in this process (run it as its own process and pass "
            + "--relay and --relay-metrics)" : "unknown (no --relay-metrics, or no process_cpu_seconds_total there)";
    }

    private String baselineText() {
        return fmt("%s forwarder %,.1f Mbit/s (%,.0f pkt/s), %s; relay/forwarder: throughput %s, CPU per packet %s",
            baseline.kind(), baseline.throughputMbps(), baseline.throughputPps(), baseline.cpuUsPerPkt() == null
                ? "CPU unknown" : fmt("%.2f µs CPU per packet", baseline.cpuUsPerPkt()),
            ratioToBaseline() == null ? "n/a" : fmt("%.2f×", ratioToBaseline()),
            cpuRatioToBaseline() == null ? "n/a" : fmt("%.2f×", cpuRatioToBaseline()));
    }

    private static String fmt(final String format, final Object... args) {
        return String.format(Locale.ROOT, format, args);
    }

    /** "heap after GC 1.0 → 16.1 MiB (max 16.1), direct …": first, last and max of each sampled series. */
    private String memoryText() {
        if (memory == null) {
            return "not sampled";
        }
        final StringBuilder t = new StringBuilder();
        for (final Map.Entry<String, Object> e : memory.entrySet()) {
            if (!(e.getValue() instanceof Map)) {
                continue;
            }
            final Map<?, ?> series = (Map<?, ?>) e.getValue();
            if (t.length() > 0) {
                t.append(",  ");
            }
            t.append(e.getKey().replace("_bytes", "").replace('_', ' ')).append(' ')
                .append(fmt("%.1f → %.1f MiB (max %.1f)", mib(series.get("first")), mib(series.get("last")),
                    mib(series.get("max"))));
        }
        return t.toString();
    }

    private static double mib(final Object bytes) {
        return bytes instanceof Number ? ((Number) bytes).longValue() / (1024.0 * 1024.0) : 0.0;
    }
}
