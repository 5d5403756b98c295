package io.derpring.transport.internal.client;

import java.util.concurrent.TimeUnit;

import io.derpring.internal.frame.ServerInfo;

/**
 * The client send limiter a server may ask for in ServerInfo (SPEC §2.5, B10; derp_client.go setSendRateLimiter and
 * send): a token bucket of {@code TokenBucketBytesPerSecond} refilling up to {@code TokenBucketBytesBurst}, starting
 * full as {@code rate.NewLimiter} does. Each SendPacket costs its whole frame, {@code 5 + 32 + len(pkt)}; without the
 * tokens the packet is dropped silently (Go's send returns nil). Ping, Pong and NotePreferred are not limited.
 *
 * <p>Single-threaded: used only by the connection's event loop, with that loop's clock reading.
 */
final class SendRateLimiter {
    private static final long NANOS_PER_SECOND = TimeUnit.SECONDS.toNanos(1);
    /** Rates above this (9 GB/s) are treated as this, so {@code nanos * rate} can't overflow a long. */
    static final long MAX_BYTES_PER_SECOND = 9_000_000_000L;

    private final long bytesPerSecond;
    private final long burstBytes;
    private long tokens;
    private long lastRefillNs;
    /** Sub-token remainder of the last refill, in byte-nanoseconds, so slow rates still accrue exactly. */
    private long remainder;

    SendRateLimiter(final long bytesPerSecond, final long burstBytes, final long nowNs) {
        this.bytesPerSecond = Math.min(bytesPerSecond, MAX_BYTES_PER_SECOND);
        this.burstBytes = burstBytes;
        this.tokens = burstBytes;
        this.lastRefillNs = nowNs;
    }

    /** A limiter for {@code info}, or null when it advertises none ({@code TokenBucketBytesPerSecond == 0}). */
    static SendRateLimiter forServerInfo(final ServerInfo info, final long nowNs) {
        if (info.tokenBucketBytesPerSecond() <= 0) {
            return null;
        }
        return new SendRateLimiter(info.tokenBucketBytesPerSecond(), Math.max(0, info.tokenBucketBytesBurst()), nowNs);
    }

    /** Takes {@code cost} bytes if the bucket holds them; a cost above the burst never passes (rate.AllowN). */
    boolean tryAcquire(final long cost, final long nowNs) {
        refill(nowNs);
        if (tokens < cost) {
            return false;
        }
        tokens -= cost;
        return true;
    }

    long tokens() {
        return tokens;
    }

    private void refill(final long nowNs) {
        final long elapsedNs = nowNs - lastRefillNs;
        if (elapsedNs <= 0) {
            return;
        }
        lastRefillNs = nowNs;
        if (tokens >= burstBytes) {
            remainder = 0;
            return;
        }
        // bytes = elapsed * rate / 1e9, computed without overflow for any elapsed up to ~290 years at 1 GB/s.
        final long whole = elapsedNs / NANOS_PER_SECOND;
        final long part = elapsedNs % NANOS_PER_SECOND;
        final long scaled = part * bytesPerSecond + remainder;
        long added = saturatingMultiply(whole, bytesPerSecond) + scaled / NANOS_PER_SECOND;
        remainder = scaled % NANOS_PER_SECOND;
        if (added < 0) {
            added = Long.MAX_VALUE;
        }
        tokens = tokens + added >= burstBytes || tokens + added < 0 ? burstBytes : tokens + added;
    }

    private static long saturatingMultiply(final long a, final long b) {
        final long high = Math.multiplyHigh(a, b);
        final long low = a * b;
        return (high == 0 && low >= 0) ? low : Long.MAX_VALUE;
    }
}
