package io.derpring.region;

import io.derpring.keys.NodeKey;

/**
 * Lifecycle events of the engine's regions, for the embedding gateway. Every method is called on the conductor
 * thread, in order; implementations must return quickly and must not call back into the engine synchronously in a
 * way that waits for the conductor. A callback that throws is caught there, logged once per kind and counted
 * ({@code derpring_engine_region_listener_errors}); the event has already been applied and the engine carries on.
 */
public interface RegionListener {
    default void onConnected(final int regionId, final String nodeName) {
    }

    /**
     * A connection that had reported {@link #onConnected} ended (exactly once per connect), or an attempt failed.
     * {@code cause} is null when the engine closed it on purpose: idle grace, DERP-map change or removal, engine
     * close; otherwise the failure.
     */
    default void onDisconnected(final int regionId, final Throwable cause) {
    }

    default void onHealth(final int regionId, final String problem) {
    }

    default void onPeerGone(final int regionId, final NodeKey peer, final int reason) {
    }

    default void onPeerPresent(final int regionId, final NodeKey peer) {
    }

    default void onHomeChanged(final int oldHome, final int newHome) {
    }
}
