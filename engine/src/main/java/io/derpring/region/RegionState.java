package io.derpring.region;

/** Where a region's connection task is. */
public enum RegionState {
    /** No connection and no reason for one: waits for traffic or for becoming home. */
    DORMANT,
    /** Dialing, TLS, upgrade or handshake in progress. */
    CONNECTING,
    /** ServerInfo received: traffic flows. */
    CONNECTED,
    /** The last attempt failed; the next one waits for the backoff deadline. */
    BACKOFF,
    /** Removed from the DERP map or the engine closed. */
    CLOSED
}
