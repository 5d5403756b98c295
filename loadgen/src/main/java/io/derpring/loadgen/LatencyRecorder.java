package io.derpring.loadgen;

import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Latencies in nanoseconds from each packet's scheduled send time to its arrival. Two HdrHistogram {@link Recorder}s
 * (wait-free, allocation-free, any number of writer threads): one the progress line reads and resets every second,
 * one that keeps the measured phase for the report. Warmup packets go only to the first.
 */
final class LatencyRecorder {
    /** Anything slower is recorded as this; a fixed range keeps recording allocation-free. */
    static final long MAX_TRACKED_NS = TimeUnit.MINUTES.toNanos(10);
    /** 3 significant digits: 0.1% resolution at every magnitude. */
    static final int SIGNIFICANT_DIGITS = 3;

    private final Recorder live = new Recorder(1, MAX_TRACKED_NS, SIGNIFICANT_DIGITS);
    private final Recorder measured = new Recorder(1, MAX_TRACKED_NS, SIGNIFICANT_DIGITS);
    private final Histogram measuredTotal = new Histogram(1, MAX_TRACKED_NS, SIGNIFICANT_DIGITS);
    private Histogram liveInterval;
    private Histogram measuredInterval;

    /** Receiving threads. */
    void record(final long latencyNs, final boolean warmup) {
        final long v = Math.min(Math.max(latencyNs, 1), MAX_TRACKED_NS);
        live.recordValue(v);
        if (!warmup) {
            measured.recordValue(v);
        }
    }

    /** Progress thread: the last interval's latencies (the returned histogram is reused by the next call). */
    Histogram liveInterval() {
        liveInterval = live.getIntervalHistogram(liveInterval);
        return liveInterval;
    }

    /** Report: every measured latency so far. One caller thread. */
    Histogram measuredTotal() {
        measuredInterval = measured.getIntervalHistogram(measuredInterval);
        measuredTotal.add(measuredInterval);
        return measuredTotal;
    }
}
