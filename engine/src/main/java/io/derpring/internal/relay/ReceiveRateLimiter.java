package io.derpring.internal.relay;

import java.util.concurrent.TimeUnit;

import io.derpring.internal.frame.DerpProtocol;
import io.derpring.internal.frame.FrameLimits;
import org.agrona.concurrent.NanoClock;

/**
 * SPEC §3.7: one client's receive token bucket (Go {@code sclient.recvLim}, {@code rateLimit}). Each frame read after
 * the handshake costs its declared payload length, clamped to {@link #MIN_BURST_BYTES}; the bucket may go into debt,
 * and the transport stops reading until the debt is paid back ({@link #pauseNs}), so a fast sender is slowed by TCP
 * flow control rather than having packets dropped. The bucket starts full, as Go's {@code rate.NewLimiter} does.
 *
 * <p>No allocation: the refill advances its timestamp only by the time the whole bytes added are worth, so frequent
 * calls never lose fractional bytes. Shard thread only.
 */
public final class ReceiveRateLimiter {
    /**
     * derpserver.go {@code minRateLimitTokenBucketSize = MaxPacketSize + KeyLen} (65 568): the burst is raised to at
     * least this, so one full-size SendPacket always fits, and no single frame costs more.
     */
    public static final long MIN_BURST_BYTES = FrameLimits.MAX_PACKET_SIZE + DerpProtocol.KEY_LENGTH;
    private static final double NS_PER_SECOND_D = TimeUnit.SECONDS.toNanos(1);

    private final long bytesPerSecond;
    private final long burstBytes;
    private final NanoClock clock;
    private long tokens;
    private long refilledAtNs;

    /**
     * @param bytesPerSecond the sustained rate, {@code > 0}
     * @param burstBytes     the bucket depth; raised to {@link #MIN_BURST_BYTES} if lower
     */
    public ReceiveRateLimiter(final long bytesPerSecond, final long burstBytes, final NanoClock clock) {
        if (bytesPerSecond <= 0) {
            throw new IllegalArgumentException("bytesPerSecond = " + bytesPerSecond + " must be > 0");
        }
        this.bytesPerSecond = bytesPerSecond;
        this.burstBytes = effectiveBurst(burstBytes);
        this.clock = clock;
        this.tokens = this.burstBytes;
        this.refilledAtNs = clock.nanoTime();
    }

    /** Go {@code UpdateRateLimits}: the burst actually applied for a configured one. */
    public static long effectiveBurst(final long configuredBurstBytes) {
        return Math.max(configuredBurstBytes, MIN_BURST_BYTES);
    }

    /** Charges one frame of {@code declaredLength} payload bytes (clamped to {@link #MIN_BURST_BYTES}). */
    public void charge(final long declaredLength) {
        refill();
        tokens -= Math.min(Math.max(declaredLength, 0), MIN_BURST_BYTES);
    }

    /** 0 when reading may go on; else how long to stop reading until the debt is paid back. */
    public long pauseNs() {
        refill();
        if (tokens >= 0) {
            return 0;
        }
        return Math.max(1, (long) Math.ceil(-tokens * NS_PER_SECOND_D / bytesPerSecond));
    }

    /** Tokens now (negative in debt); for tests. */
    public long tokens() {
        refill();
        return tokens;
    }

    public long burstBytes() {
        return burstBytes;
    }

    private void refill() {
        final long nowNs = clock.nanoTime();
        final long elapsedNs = nowNs - refilledAtNs;
        if (elapsedNs <= 0) {
            return;
        }
        final double earned = elapsedNs * (double) bytesPerSecond / NS_PER_SECOND_D;
        final long room = burstBytes - tokens;
        if (earned >= room) {
            tokens = burstBytes;
            refilledAtNs = nowNs;
            return;
        }
        final long added = (long) earned;
        if (added > 0) {
            tokens += added;
            // Advance only by what the whole bytes are worth: the fraction left over is earned again next time.
            refilledAtNs += (long) (added * NS_PER_SECOND_D / bytesPerSecond);
        }
    }
}
