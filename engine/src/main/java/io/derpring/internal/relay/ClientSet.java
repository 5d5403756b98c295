package io.derpring.internal.relay;

import io.derpring.relay.DuplicatePolicy;

import java.util.ArrayList;

/**
 * Every connection of one node key (SPEC §3.5; Go {@code clientSet} + {@code dupClientSet}). The forwarding path
 * reads only {@link #active} and {@link #size}, both volatile, without locking. Connect, disconnect and the duplicate
 * bookkeeping run under this object's monitor: they touch one key, on the (rare) connect/disconnect path or for keys
 * that really have duplicates.
 */
final class ClientSet<F> {
    final RelayKey key;
    /** Where the key's packets go; null when the key's duplicates are all disabled or none is active yet. */
    volatile RelayClient<F> active;
    /** Number of connections; read without the lock to tell {@code dup_client} from {@code unknown_dest}. */
    volatile int size;

    // Guarded by this.
    final ArrayList<RelayClient<F>> connections = new ArrayList<>(1);
    /** Go {@code dupClientSet.last}: the connection that last became active by speaking or connecting. */
    RelayClient<F> last;
    /** Go {@code dupClientSet.sendHistory}, kept only under {@link DuplicatePolicy#DISABLE_FIGHTERS}. */
    ArrayList<RelayClient<F>> sendHistory;
    /** Set when the last connection left and the set was removed from the registry: register must retry. */
    boolean removed;

    ClientSet(final RelayKey key) {
        this.key = key;
    }
}
