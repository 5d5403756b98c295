package io.derpring.disco;

import io.derpring.keys.DiscoKey;
import io.derpring.keys.NodeKey;

/**
 * The direct (UDP) path that relayed CallMeMaybe messages teach. Installed on the engine once a direct socket
 * exists; until then the disco-demux stage passes every frame to the dataplane (SPEC §5.6 step 2).
 *
 * <p>Called on the disco-demux stage thread. {@code endpoints} has already passed the SPEC §5.7 candidate filter
 * and is valid only during the call (copy what you keep). Must not block.
 */
public interface DirectPathSink {
    void onCallMeMaybe(NodeKey peer, DiscoKey peerDiscoKey, EndpointList endpoints);
}
