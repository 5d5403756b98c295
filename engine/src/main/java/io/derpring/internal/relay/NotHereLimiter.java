package io.derpring.internal.relay;

/**
 * Token bucket for one sender's PeerGone(NotHere) replies (SPEC §3.1, §3.2; Go {@code rate.NewLimiter(rate.Every(1 s),
 * 3)}): starts full with {@code burst} tokens and earns one per interval. Tokens are kept in nanoseconds of
 * credit so refills are exact integer arithmetic. Single-threaded (the sender's shard).
 */
final class NotHereLimiter {
    private final long intervalNs;
    private final long capacityNs;
    private long creditNs;
    private long lastNs;

    NotHereLimiter(final int burst, final long intervalNs, final long nowNs) {
        this.intervalNs = intervalNs;
        this.capacityNs = burst * intervalNs;
        this.creditNs = capacityNs;
        this.lastNs = nowNs;
    }

    /** Takes a token if one is there. */
    boolean tryAcquire(final long nowNs) {
        final long elapsed = nowNs - lastNs;
        if (elapsed > 0) {
            creditNs = elapsed >= capacityNs ? capacityNs : Math.min(capacityNs, creditNs + elapsed);
            lastNs = nowNs;
        }
        if (creditNs >= intervalNs) {
            creditNs -= intervalNs;
            return true;
        }
        return false;
    }
}
