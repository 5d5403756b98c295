package io.derpring.region;

import java.time.Duration;

/**
 * A point-in-time view of one region, for status pages and tests.
 *
 * @param connectedSinceNs     on the engine's clock; 0 when not connected
 * @param lastError            the last failure's message (never key material), or null
 * @param lastFrameReceivedNs  the received-frame health stamp (Go {@code NoteDERPRegionReceivedFrame}, SPEC §5.11):
 *                             when a frame of any type (ServerInfo, KeepAlive, Ping, packets...) was last recorded
 *                             as received from the region, on the engine's clock; recorded at most once per
 *                             {@link #FRAME_RECEIVE_RECORD_RATE}, so it may lag the latest frame by up to that; kept
 *                             after the connection closes; 0 before the region's first frame
 */
public record RegionStatus(int regionId, RegionState state, boolean home, String nodeName, String health,
                           String lastError, long connectedSinceNs, int consecutiveFailures,
                           long lastFrameReceivedNs) {
    /** Go {@code frameReceiveRecordRate}: at most one received-frame stamp per region per this period. */
    public static final Duration FRAME_RECEIVE_RECORD_RATE = Duration.ofSeconds(5);

    /** Without a received-frame stamp (0). */
    public RegionStatus(final int regionId, final RegionState state, final boolean home, final String nodeName,
                        final String health, final String lastError, final long connectedSinceNs,
                        final int consecutiveFailures) {
        this(regionId, state, home, nodeName, health, lastError, connectedSinceNs, consecutiveFailures, 0);
    }
}
