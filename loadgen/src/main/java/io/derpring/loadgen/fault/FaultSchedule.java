package io.derpring.loadgen.fault;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

import io.derpring.runtime.InvalidConfigException;

/**
 * When each fault is injected, as offsets from the start of sending (warmup included). Either explicit entries,
 * {@code reset:10s,halfopen:20s,restart:30s}, or a cycle over every fault, {@code every:20s}: the first fault at 20 s,
 * then one every 20 s in {@link Fault} order, round and round until the run ends.
 */
public final class FaultSchedule {
    /** The default cycle: 20 s leaves room for the slowest recovery (a reconnect backoff of up to 5 s) and traffic. */
    public static final Duration DEFAULT_PERIOD = Duration.ofSeconds(20);
    /** Below this faults would overlap their own recovery. */
    public static final Duration MIN_PERIOD = Duration.ofSeconds(1);
    public static final String EVERY = "every";

    /** One fault at one offset. */
    public record Entry(Fault fault, Duration at) {
    }

    private final List<Entry> entries;
    private final Duration period;

    private FaultSchedule(final List<Entry> entries, final Duration period) {
        this.entries = entries;
        this.period = period;
    }

    /** Every fault in turn, one each {@code period}. */
    public static FaultSchedule every(final Duration period) {
        if (period.compareTo(MIN_PERIOD) < 0) {
            throw new InvalidConfigException("fault period = " + period + " must be at least " + MIN_PERIOD);
        }
        return new FaultSchedule(List.of(), period);
    }

    /** Exactly these faults. */
    public static FaultSchedule of(final List<Entry> entries) {
        final List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparing(Entry::at));
        return new FaultSchedule(List.copyOf(sorted), null);
    }

    /** Parses {@code every:TIME} or {@code FAULT:TIME[,FAULT:TIME...]}; {@code durations} reads TIME. */
    public static FaultSchedule parse(final String spec, final Function<String, Duration> durations) {
        final List<Entry> entries = new ArrayList<>();
        for (final String part : spec.split(",")) {
            final int colon = part.indexOf(':');
            if (colon < 0) {
                throw new InvalidConfigException("bad fault schedule entry '" + part + "': use FAULT:TIME or every:TIME");
            }
            final String name = part.substring(0, colon).trim();
            final Duration at = durations.apply(part.substring(colon + 1).trim());
            if (name.equals(EVERY)) {
                if (spec.contains(",")) {
                    throw new InvalidConfigException("'every:TIME' stands alone in a fault schedule");
                }
                return every(at);
            }
            entries.add(new Entry(Fault.fromCliName(name), at));
        }
        return of(entries);
    }

    /** The faults due before {@code end}, in time order. */
    public List<Entry> until(final Duration end) {
        final List<Entry> out = new ArrayList<>();
        if (period == null) {
            for (final Entry e : entries) {
                if (e.at().compareTo(end) < 0) {
                    out.add(e);
                }
            }
            return out;
        }
        final Fault[] faults = Fault.values();
        Duration at = period;
        for (int i = 0; at.compareTo(end) < 0; i++) {
            out.add(new Entry(faults[i % faults.length], at));
            at = at.plus(period);
        }
        return out;
    }

    @Override
    public String toString() {
        if (period != null) {
            return EVERY + ':' + period.toMillis() + "ms";
        }
        final StringBuilder b = new StringBuilder();
        for (final Entry e : entries) {
            b.append(b.length() == 0 ? "" : ",").append(e.fault().cliName()).append(':').append(e.at().toMillis())
                .append("ms");
        }
        return b.toString();
    }
}
