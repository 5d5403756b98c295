package io.derpring.server;

import java.util.concurrent.TimeUnit;

import io.derpring.runtime.InvalidConfigException;
import org.agrona.concurrent.NanoClock;

/**
 * derper's {@code --accept-connection-limit} / {@code --accept-connection-burst} ({@code rateLimitedListener}): a
 * token bucket of accepts, one token per connection, refilled at {@code limit} per second up to {@code burst}, and
 * full at start, as Go's {@code rate.NewLimiter(limit, burst).Allow()}. An infinite limit allows every accept
 * whatever the burst (Go's {@code rate.Inf}). Used only by the listening channel's loop: plain fields, no allocation.
 */
final class AcceptRateLimiter {
    /** derper.go {@code -accept-connection-limit} default {@code math.Inf(+1)}: no limit. */
    static final double UNLIMITED = Double.POSITIVE_INFINITY;
    /** derper.go {@code -accept-connection-burst} default {@code math.MaxInt}; Java's int maximum here. */
    static final int DEFAULT_BURST = Integer.MAX_VALUE;
    private static final double NS_PER_SECOND = TimeUnit.SECONDS.toNanos(1);

    private final double perSecond;
    private final int burst;
    private final NanoClock clock;
    private double tokens;
    private long refilledAtNs;

    AcceptRateLimiter(final double perSecond, final int burst, final NanoClock clock) {
        this.perSecond = requireLimit(perSecond);
        this.burst = requireBurst(burst);
        this.clock = clock;
        this.tokens = burst;
        this.refilledAtNs = clock.nanoTime();
    }

    static double requireLimit(final double perSecond) {
        if (!(perSecond >= 0)) { // NaN fails too
            throw new InvalidConfigException("acceptConnectionLimit = " + perSecond + " must be >= 0 (Infinity: no limit)");
        }
        return perSecond;
    }

    static int requireBurst(final int burst) {
        return InvalidConfigException.requireInRange("acceptConnectionBurst", burst, 0, Integer.MAX_VALUE);
    }

    /** True when one more connection may be accepted now (and takes its token). */
    boolean tryAcquire() {
        if (perSecond == UNLIMITED) {
            return true;
        }
        final long nowNs = clock.nanoTime();
        tokens = Math.min(burst, tokens + (nowNs - refilledAtNs) * perSecond / NS_PER_SECOND);
        refilledAtNs = nowNs;
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }
}
