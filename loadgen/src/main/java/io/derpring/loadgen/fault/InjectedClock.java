package io.derpring.loadgen.fault;

import java.util.function.LongSupplier;

/**
 * The clients' deadline clock during a soak: {@link System#nanoTime()} plus a skew that only grows. A half-open fault
 * moves it past the keepalive deadline, so the clients' own deadline check (the rule under test) ends the silent
 * connections within one check interval instead of after two minutes of real time.
 */
public final class InjectedClock implements LongSupplier {
    private volatile long skewNs;

    @Override
    public long getAsLong() {
        return System.nanoTime() + skewNs;
    }

    /** Moves the clock forward by {@code ns}. One writer (the fault injector). */
    public void advance(final long ns) {
        if (ns < 0) {
            throw new IllegalArgumentException("a monotonic clock does not go back: " + ns);
        }
        skewNs = skewNs + ns;
    }

    public long skewNs() {
        return skewNs;
    }
}
