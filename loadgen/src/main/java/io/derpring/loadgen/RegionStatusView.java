package io.derpring.loadgen;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

import io.derpring.region.RegionStatus;

/**
 * The operator's view of one sample engine's regions: every {@link #PRINT_INTERVAL_NS} a line with each region's
 * state (DORMANT, CONNECTING, CONNECTED, BACKOFF; the home marked) goes to the progress stream, and every change seen
 * by the {@link #SAMPLE_INTERVAL_NS} samples goes into a bounded timeline for the JSON report. A region that wakes
 * and idles out between two samples is not seen here; the engines' wake and idle-close counters count it.
 */
final class RegionStatusView implements Runnable {
    static final long SAMPLE_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(100);
    static final long PRINT_INTERVAL_NS = TimeUnit.SECONDS.toNanos(1);
    /** Timeline entries kept; later changes are counted in {@link #timelineDropped()} only. */
    static final int MAX_TIMELINE = 512;

    private final Supplier<List<RegionStatus>> engine;
    private final PrintStream out;
    private final long startNs;
    private final List<Map<String, Object>> timeline = new ArrayList<>();
    private long timelineDropped;
    private String last = "";
    private volatile boolean stopped;

    /**
     * @param engine the sample engine's {@code status()}
     * @param out    where the per-second line goes; null = timeline only (quiet run)
     */
    RegionStatusView(final Supplier<List<RegionStatus>> engine, final PrintStream out, final long startNs) {
        this.engine = engine;
        this.out = out;
        this.startNs = startNs;
    }

    void stop() {
        stopped = true;
    }

    @Override
    public void run() {
        long nextPrintNs = System.nanoTime() + PRINT_INTERVAL_NS;
        while (!stopped) {
            final long nowNs = System.nanoTime();
            final String states = sample(nowNs);
            if (out != null && nowNs - nextPrintNs >= 0) {
                nextPrintNs += PRINT_INTERVAL_NS;
                out.println(String.format(Locale.ROOT, "[%5.1fs regions] %s", (nowNs - startNs) / 1e9, states));
            }
            LockSupport.parkNanos(SAMPLE_INTERVAL_NS);
        }
        sample(System.nanoTime()); // the state at the end
    }

    /** Reads the states, records them when they changed, returns them as text ("1 CONNECTED home  2 DORMANT"). */
    String sample(final long nowNs) {
        final StringBuilder text = new StringBuilder();
        final Map<String, String> states = new LinkedHashMap<>();
        for (final RegionStatus s : engine.get()) {
            final String state = s.state().name() + (s.home() ? " home" : "");
            states.put(String.valueOf(s.regionId()), state);
            if (text.length() > 0) {
                text.append("  ");
            }
            text.append(s.regionId()).append(' ').append(state);
        }
        final String now = text.toString();
        synchronized (timeline) {
            if (!now.equals(last)) {
                last = now;
                if (timeline.size() < MAX_TIMELINE) {
                    final Map<String, Object> entry = new LinkedHashMap<>();
                    entry.put("t_s", Math.round((nowNs - startNs) / 1e6) / 1000.0);
                    entry.put("states", states);
                    timeline.add(entry);
                } else {
                    timelineDropped++;
                }
            }
        }
        return now;
    }

    /** The state changes seen, oldest first (a copy). */
    List<Map<String, Object>> timeline() {
        synchronized (timeline) {
            return new ArrayList<>(timeline);
        }
    }

    long timelineDropped() {
        synchronized (timeline) {
            return timelineDropped;
        }
    }
}
