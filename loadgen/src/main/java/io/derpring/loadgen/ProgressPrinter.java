package io.derpring.loadgen;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.HdrHistogram.Histogram;

/**
 * One line a second on stderr while a run goes: the phase most of the last second was in, packets/s and MB/s
 * received in that second, drops so far
 * (relay, when its counters can be read cheaply, and client), the last second's p99 latency, the heap after the last
 * GC and direct memory ({@link MemorySampler}), and in a soak the faults injected and recovered from. Every tick
 * also goes into the run's {@link TimeSeries} (the {@code --html} plot), printed or not ({@code --quiet}).
 */
final class ProgressPrinter implements Runnable {
    static final long INTERVAL_NS = TimeUnit.SECONDS.toNanos(1);

    private static final double MIB = 1024.0 * 1024.0;

    private final LoadRun run;
    private final PrintStream out;
    private final MemorySampler memory;
    private final FaultInjector faults;
    private final TimeSeries series;
    private volatile boolean stopped;

    /**
     * @param out    where the progress lines go, or null to only record the series
     * @param faults the soak's injector, or null in a run without faults
     */
    ProgressPrinter(final LoadRun run, final PrintStream out, final MemorySampler memory, final FaultInjector faults,
                    final TimeSeries series) {
        this.run = run;
        this.out = out;
        this.memory = memory;
        this.faults = faults;
        this.series = series;
    }

    void stop() {
        stopped = true;
    }

    @Override
    public void run() {
        long lastNs = System.nanoTime();
        long lastReceived = run.received();
        long nextNs = lastNs + INTERVAL_NS;
        while (!stopped) {
            final long waitNs = nextNs - System.nanoTime();
            if (waitNs > 0) {
                LockSupport.parkNanos(Math.min(waitNs, TimeUnit.MILLISECONDS.toNanos(100)));
                continue;
            }
            nextNs += INTERVAL_NS;
            final long nowNs = System.nanoTime();
            final long received = run.received();
            final double seconds = (nowNs - lastNs) / 1e9;
            final double pps = (received - lastReceived) / seconds;
            lastNs = nowNs;
            lastReceived = received;
            final Histogram interval = run.latency().liveInterval();
            final String phase = run.phase(nowNs - INTERVAL_NS / 2);
            series.add(run.elapsedS(nowNs), phase, pps, us(interval, 50), us(interval, 99), us(interval, 99.9));
            if (out == null) {
                continue;
            }
            final String p99 = interval.getTotalCount() == 0 ? "-"
                : String.format(Locale.ROOT, "%.2f ms", interval.getValueAtPercentile(99) / 1e6);
            final long relay = run.liveRelayDrops();
            final String soak = faults == null ? "" : String.format(Locale.ROOT, "  faults %d recovered %d lost-conns %d",
                faults.injectedTotal(), faults.recoveries(), run.connectionsLost());
            out.println(String.format(Locale.ROOT, "[%5.1fs %-7s] %,10.0f pkt/s %8.1f MB/s  sent %,d recv %,d  drops "
                    + "relay %s client %,d  p99 %s  heap %.1f MiB direct %.1f MiB%s", run.elapsedS(nowNs),
                phase, pps, pps * run.sizeBytes() / 1e6, run.sent(), received,
                relay < 0 ? "?" : String.format(Locale.ROOT, "%,d", relay), run.clientDrops(), p99,
                memory.heapAfterGcLast() / MIB, memory.directLast() / MIB, soak));
        }
    }

    private static double us(final Histogram h, final double percentile) {
        return h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(percentile) / 1e3;
    }
}
