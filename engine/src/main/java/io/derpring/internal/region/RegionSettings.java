package io.derpring.internal.region;

import static io.derpring.runtime.InvalidConfigException.requireInRange;

import java.time.Duration;

import io.derpring.engine.OutboundOverflow;
import io.derpring.engine.ReconnectSchedule;
import io.derpring.runtime.InvalidConfigException;

/**
 * The region rules' settings, validated at construction (SPEC §5.1 defaults).
 *
 * @param idleTimeoutNs      non-home region closes after this long with no send or receive (default 60 s, Go and
 *                           RS HEAD; the reference multiderp used 10 s)
 * @param backoff            reconnect schedule (default Go's)
 * @param outboundQueueDepth packets queued per region while it connects (Go derpWriteQueueDepth: 32)
 * @param discoQueueDepth    disco frames queued per region (RS: 8, drop-newest)
 * @param outboundOverflow   what a full outbound queue does, here and on each connection: refuse with
 *                           backpressure (default) or drop the oldest (Go, SPEC B65)
 * @param minStableConnectionNs a connection resets the reconnect backoff only once it has lived this long or
 *                           received a packet (default 10 s), not at ServerInfo: a relay that completes the
 *                           handshake and then fails every connection would otherwise be redialed at the backoff's
 *                           first step (5–15 ms) forever (issue 16); 0 resets at ServerInfo (the old rule)
 */
public record RegionSettings(long idleTimeoutNs, ReconnectSchedule backoff, int outboundQueueDepth,
                             int discoQueueDepth, OutboundOverflow outboundOverflow, long minStableConnectionNs) {
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration MIN_IDLE_TIMEOUT = Duration.ofMillis(100);
    public static final Duration MAX_IDLE_TIMEOUT = Duration.ofHours(24);
    public static final int DEFAULT_OUTBOUND_QUEUE_DEPTH = 32;
    public static final int DEFAULT_DISCO_QUEUE_DEPTH = 8;
    public static final int MAX_QUEUE_DEPTH = 4096;
    /** derpring's default; Go drops the oldest (SPEC B65, see engine/README.md "Divergences from SPEC"). */
    public static final OutboundOverflow DEFAULT_OUTBOUND_OVERFLOW = OutboundOverflow.BACK_PRESSURE;
    /** derpring choice: longer than any single backoff step (7.5 s at most), short next to a healthy connection. */
    public static final Duration DEFAULT_MIN_STABLE_CONNECTION = Duration.ofSeconds(10);
    public static final Duration MAX_MIN_STABLE_CONNECTION = Duration.ofHours(24);

    public RegionSettings {
        if (idleTimeoutNs < MIN_IDLE_TIMEOUT.toNanos() || idleTimeoutNs > MAX_IDLE_TIMEOUT.toNanos()) {
            throw new InvalidConfigException("idle timeout = " + Duration.ofNanos(idleTimeoutNs) + " is outside ["
                + MIN_IDLE_TIMEOUT + ", " + MAX_IDLE_TIMEOUT + "]");
        }
        if (backoff == null) {
            throw new InvalidConfigException("backoff schedule is required");
        }
        requireInRange("outbound queue depth", outboundQueueDepth, 1, MAX_QUEUE_DEPTH);
        requireInRange("disco queue depth", discoQueueDepth, 1, MAX_QUEUE_DEPTH);
        if (outboundOverflow == null) {
            throw new InvalidConfigException("outbound overflow policy is required");
        }
        if (minStableConnectionNs < 0 || minStableConnectionNs > MAX_MIN_STABLE_CONNECTION.toNanos()) {
            throw new InvalidConfigException("minimum stable connection = " + Duration.ofNanos(minStableConnectionNs)
                + " is outside [0, " + MAX_MIN_STABLE_CONNECTION + "]");
        }
    }

    /** With the default minimum stable connection, {@link #DEFAULT_MIN_STABLE_CONNECTION}. */
    public RegionSettings(final long idleTimeoutNs, final ReconnectSchedule backoff, final int outboundQueueDepth,
                          final int discoQueueDepth, final OutboundOverflow outboundOverflow) {
        this(idleTimeoutNs, backoff, outboundQueueDepth, discoQueueDepth, outboundOverflow,
            DEFAULT_MIN_STABLE_CONNECTION.toNanos());
    }

    /** With the default overflow policy, {@link OutboundOverflow#BACK_PRESSURE}. */
    public RegionSettings(final long idleTimeoutNs, final ReconnectSchedule backoff,
                          final int outboundQueueDepth, final int discoQueueDepth) {
        this(idleTimeoutNs, backoff, outboundQueueDepth, discoQueueDepth, DEFAULT_OUTBOUND_OVERFLOW);
    }

    /** The same settings with another overflow policy. */
    public RegionSettings withOutboundOverflow(final OutboundOverflow overflow) {
        return new RegionSettings(idleTimeoutNs, backoff, outboundQueueDepth, discoQueueDepth, overflow,
            minStableConnectionNs);
    }

    /** The same settings with another minimum stable connection time. */
    public RegionSettings withMinStableConnection(final Duration minStable) {
        return new RegionSettings(idleTimeoutNs, backoff, outboundQueueDepth, discoQueueDepth, outboundOverflow,
            minStable.toNanos());
    }

    public static RegionSettings defaults() {
        return new RegionSettings(DEFAULT_IDLE_TIMEOUT.toNanos(), ReconnectSchedule.GO,
            DEFAULT_OUTBOUND_QUEUE_DEPTH, DEFAULT_DISCO_QUEUE_DEPTH);
    }
}
