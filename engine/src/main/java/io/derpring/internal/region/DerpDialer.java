package io.derpring.internal.region;

import io.derpring.derpmap.DerpNode;
import io.derpring.derpmap.DerpRegion;

/**
 * Opens DERP connections for the conductor; the transport's job (dial, TLS, upgrade, handshake). Called on the
 * conductor thread; must return at once — the outcome arrives through {@code listener}.
 */
public interface DerpDialer {
    /**
     * Starts connecting to {@code node} of {@code region}. {@code idealNodeName} is the region's first node when
     * dialing another one (the {@code Ideal-Node} header), else null.
     */
    DerpLink dial(DerpRegion region, DerpNode node, String idealNodeName, LinkListener listener);
}
