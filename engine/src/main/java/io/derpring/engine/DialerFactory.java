package io.derpring.engine;

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
}
