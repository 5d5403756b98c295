package io.derpring.engine;

import io.derpring.internal.metrics.Counters;
import io.derpring.keys.NodePrivateKey;
import io.derpring.internal.region.DerpDialer;
import io.derpring.internal.ring.InboundRing;

/**
 * How a transport joins an engine: given the engine's inbound ring (where its connections offer received packets)
 * and our node key (for the DERP handshake), it returns the dialer the region conductor uses.
 */
@FunctionalInterface
public interface DialerFactory {
    DerpDialer create(InboundRing inbound, NodePrivateKey self);

    /**
     * What the connections of this factory's dialers count, exported with the engine's own metrics (the
     * {@code client} group of {@link DerpEngine#metrics()}); null when the transport counts nothing.
     */
    default Counters<?> connectionCounters() {
        return null;
    }
}
