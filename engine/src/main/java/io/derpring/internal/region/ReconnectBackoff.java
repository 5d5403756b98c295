package io.derpring.internal.region;

import java.util.function.DoubleSupplier;

import io.derpring.engine.ReconnectSchedule;

/**
 * Delay before the next reconnect attempt after consecutive failures (SPEC §5.1).
 *
 * <p>{@link ReconnectSchedule#GO}: Go {@code util/backoff}: on the n-th consecutive failure (n counted first, so 1
 * on the first) {@code d = min(n²·10 ms, 5 s) × U[0.5, 1.5)}; success resets n. The first retry waits 5–15 ms and
 * no delay exceeds 7.5 s. {@link ReconnectSchedule#RUST_HEAD} uses n before counting (first retry immediate);
 * {@link ReconnectSchedule#FLAT_500MS} is the reference multiderp's fixed sleep.
 */
public final class ReconnectBackoff {
    /** util/backoff: the un-jittered delay never exceeds this. */
    public static final long MAX_BASE_DELAY_NS = 5_000_000_000L;
    private static final long STEP_NS = 10_000_000L;
    private static final long FLAT_NS = 500_000_000L;

    private final ReconnectSchedule schedule;
    private final DoubleSupplier uniform01;
    private int failures;

    /** @param uniform01 a source of uniform doubles in [0, 1): the jitter (injectable for tests) */
    public ReconnectBackoff(final ReconnectSchedule schedule, final DoubleSupplier uniform01) {
        this.schedule = schedule;
        this.uniform01 = uniform01;
    }

    /** Records a failure and returns how long to wait before the next attempt. */
    public long onFailure() {
        final long n;
        switch (schedule) {
            case FLAT_500MS:
                failures++;
                return FLAT_NS;
            case RUST_HEAD:
                n = failures++;
                break;
            case GO:
            default:
                n = ++failures;
                break;
        }
        final long base = baseDelayNs(n);
        return (long) (base * (0.5 + uniform01.getAsDouble()));
    }

    /** {@code min(n²·10 ms, 5 s)}; n is capped before squaring so huge failure counts can't overflow. */
    static long baseDelayNs(final long n) {
        final long capped = Math.min(n, 1_000);
        return Math.min(capped * capped * STEP_NS, MAX_BASE_DELAY_NS);
    }

    /** A success resets the schedule. */
    public void onSuccess() {
        failures = 0;
    }

    public int consecutiveFailures() {
        return failures;
    }
}
