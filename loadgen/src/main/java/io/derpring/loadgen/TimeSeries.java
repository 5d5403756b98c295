package io.derpring.loadgen;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The run over time, one sample a second from {@link ProgressPrinter}: packets/s received and the second's p50, p99
 * and p99.9 latency, for the {@code --html} plot and the JSON's {@code series}. Bounded: at {@link #MAX_SAMPLES} it
 * keeps every other sample and from then on takes one sample in two, so a 24-hour soak holds the same memory as a
 * one-hour run and still covers the whole run (at a coarser step, given as {@code sample_every_s}).
 */
final class TimeSeries {
    /** An hour of per-second samples; a longer run is thinned, never truncated. */
    static final int MAX_SAMPLES = 3600;

    private final double[] elapsedS = new double[MAX_SAMPLES];
    private final double[] pps = new double[MAX_SAMPLES];
    private final double[] p50Us = new double[MAX_SAMPLES];
    private final double[] p99Us = new double[MAX_SAMPLES];
    private final double[] p999Us = new double[MAX_SAMPLES];
    private final String[] phase = new String[MAX_SAMPLES];
    private int count;
    /** Keep one tick in this many (doubles each time the arrays fill). */
    private int stride = 1;
    private long ticks;

    /** One second's numbers (latencies in µs; 0 when the second saw no packet). Progress thread, once a second. */
    synchronized void add(final double atS, final String phaseName, final double packetsPerS, final double p50,
                          final double p99, final double p999) {
        if (ticks++ % stride != 0) {
            return;
        }
        if (count == MAX_SAMPLES) {
            thin();
        }
        elapsedS[count] = atS;
        phase[count] = phaseName;
        pps[count] = packetsPerS;
        p50Us[count] = p50;
        p99Us[count] = p99;
        p999Us[count] = p999;
        count++;
    }

    /** Keeps samples 0, 2, 4, ... and halves the rate from now on: ticks still taken are then stride-aligned. */
    private void thin() {
        for (int i = 0; i < count / 2; i++) {
            elapsedS[i] = elapsedS[2 * i];
            phase[i] = phase[2 * i];
            pps[i] = pps[2 * i];
            p50Us[i] = p50Us[2 * i];
            p99Us[i] = p99Us[2 * i];
            p999Us[i] = p999Us[2 * i];
        }
        count /= 2;
        stride *= 2;
    }

    synchronized int size() {
        return count;
    }

    /** The JSON form: parallel arrays, one element per sample. */
    synchronized Map<String, Object> toJsonMap() {
        final Map<String, Object> m = new LinkedHashMap<>();
        m.put("sample_every_s", stride);
        m.put("t_s", list(elapsedS));
        m.put("phase", new ArrayList<>(Arrays.asList(phase).subList(0, count)));
        m.put("pps", list(pps));
        m.put("p50_us", list(p50Us));
        m.put("p99_us", list(p99Us));
        m.put("p999_us", list(p999Us));
        return m;
    }

    private List<Double> list(final double[] values) {
        final List<Double> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(Math.round(values[i] * 10.0) / 10.0);
        }
        return out;
    }
}
