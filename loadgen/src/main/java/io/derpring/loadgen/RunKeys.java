package io.derpring.loadgen;

import io.derpring.keys.DiscoPrivateKey;
import io.derpring.keys.MeshKey;
import io.derpring.keys.NodePrivateKey;

/**
 * Where a run's secrets come from: every node key, disco key, embedded relay key and mesh key of a run is drawn here.
 * A normal run draws fresh random keys; the key-leak security gate supplies keys it knows, so that it can search the
 * run's whole output for each of them.
 */
interface RunKeys {
    /** Fresh random keys and no mesh key: what every real run uses. */
    RunKeys RANDOM = new RunKeys() {
        @Override
        public NodePrivateKey nodeKey() {
            return NodePrivateKey.generate();
        }

        @Override
        public DiscoPrivateKey discoKey() {
            return DiscoPrivateKey.generate();
        }

        @Override
        public MeshKey meshKey() {
            return null;
        }
    };

    /** A client node key, or an embedded relay's server key. */
    NodePrivateKey nodeKey();

    DiscoPrivateKey discoKey();

    /** The embedded relays' mesh key; null = none. */
    MeshKey meshKey();
}
