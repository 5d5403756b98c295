package io.derpring.region;

/**
 * A point-in-time view of one region, for status pages and tests.
 *
 * @param connectedSinceNs on the engine's clock; 0 when not connected
 * @param lastError        the last failure's message (never key material), or null
 */
public record RegionStatus(int regionId, RegionState state, boolean home, String nodeName, String health,
                           String lastError, long connectedSinceNs, int consecutiveFailures) {
}
