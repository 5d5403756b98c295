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
                         // issue 15: per-second samples (TimeSeries.toJsonMap) for --html
                         Map<String, Object> series,
                         // issue 15: pairs whose receiver got at least one packet (many pairs: none starved)
                         int pairsDelivering) {

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
     * from: the exit status is 0.
     */
    public boolean ok() {
        return unexplainedLost <= 0 && duplicated == 0 && corrupted == 0 && (faults == null || faults.unrecovered() == 0);
    }

    /** 0 when {@link #ok()}, else {@link #EXIT_INTEGRITY_FAILURE}. */
    public int exitStatus() {
        return ok() ? 0 : EXIT_INTEGRITY_FAILURE;
    }

    /** Unexplained loss, duplication or corruption. (picocli uses 2 for usage errors.) */
    public static final int EXIT_INTEGRITY_FAILURE = 1;

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
        m.put("series", series);
        m.put("pairs_delivering", pairsDelivering);
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
        b.append("  relays      ").append(String.join(", ", relays)).append('\n');
        b.append("  measured    ").append(fmt("%.1f s", durationS)).append(" after ").append(fmt("%.1f s", warmupS))
            .append(" warmup\n");
        b.append("  throughput  ").append(fmt("%,.0f pkt/s", throughputPps)).append("  ")
            .append(fmt("%,.1f Mbit/s", throughputMbps)).append(fmt(" (%,.1f MB/s)", throughputMbps / 8)).append('\n');
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
        b.append("  memory      ").append(memoryText()).append('\n');
        b.append("  integrity   ").append(fmt("duplicated %,d  reordered %,d  corrupted %,d", duplicated, reordered,
            corrupted)).append(windowStalls > 0 ? fmt("  window stalls %,d", windowStalls) : "")
            .append(backPressuredRetries > 0 ? fmt("  back-pressured retries %,d", backPressuredRetries) : "")
            .append('\n');
        b.append("  cpu         ").append(fmt("%.2f s process CPU in the measured phase (%.0f%% of one core), "
            + "%.2f s in total", cpuS, durationS > 0 ? 100 * cpuS / durationS : 0.0, cpuTotalS)).append('\n');
        b.append("  jdk         ").append(jdk).append('\n');
        b.append("  result      ").append(ok() ? "OK: nothing lost without a reason, duplicated or corrupted"
            : "FAILED: unexplained loss, duplication or corruption, or a fault not recovered from").append('\n');
        return b.toString();
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
