package io.derpring.internal.route;

import java.util.concurrent.atomic.AtomicIntegerArray;

import io.derpring.keys.NodeKey;
import io.derpring.netmap.Netmap;
import io.derpring.internal.netmap.NetmapSwapListener;

/**
 * Peer → region it was last heard on. One table per netmap snapshot, indexed by that snapshot's peer id, so a
 * read is an array load; the table is swapped through a volatile field when the netmap changes.
 *
 * <p>Writes happen only when the region changes (RS {@code record_observed_route}: read first, write on change),
 * so a steady stream from one peer costs a read per frame, not a write. A route learned in the instant a netmap
 * swap copies the table can be lost; the peer's next frame learns it again.
 */
public final class ObservedRoutes implements NetmapSwapListener {
    /** No route learned. Region ids are positive (tailcfg: RegionID > 0). */
    public static final int NO_REGION = 0;

    private volatile Table table;

    public ObservedRoutes(final Netmap initial) {
        this.table = new Table(initial);
    }

    /**
     * Records that {@code peerId} of {@code netmap} was heard on {@code regionId}. Called by the route-learning
     * stage only (single writer).
     *
     * @return true if the route was written (new, or the peer moved region)
     */
    public boolean learn(final Netmap netmap, final int peerId, final int regionId) {
        final Table t = table;
        final int index = t.indexOf(netmap, peerId);
        if (index == Netmap.NO_PEER || t.regions.getPlain(index) == regionId) {
            return false;
        }
        t.regions.setRelease(index, regionId);
        return true;
    }

    /** The region {@code peer} was last heard on, or {@link #NO_REGION}. Lock-free, allocation-free, any thread. */
    public int regionOf(final NodeKey peer) {
        final Table t = table;
        final int index = t.netmap.peerIdOf(peer);
        return index == Netmap.NO_PEER ? NO_REGION : t.regions.getAcquire(index);
    }

    /** As {@link #regionOf(NodeKey)} for a peer id of {@code netmap}. */
    public int regionOf(final Netmap netmap, final int peerId) {
        final Table t = table;
        final int index = t.indexOf(netmap, peerId);
        return index == Netmap.NO_PEER ? NO_REGION : t.regions.getAcquire(index);
    }

    /**
     * Forgets {@code peer}'s route if it still points at {@code regionId}: the server on that region said the
     * peer is gone (Go {@code removeDerpPeerRoute} on PeerGone), so its next packet should not be sent there.
     * A route that already moved to another region is kept.
     */
    public boolean forget(final NodeKey peer, final int regionId) {
        final Table t = table;
        final int index = t.netmap.peerIdOf(peer);
        return index != Netmap.NO_PEER && t.regions.compareAndSet(index, regionId, NO_REGION);
    }

    /** Forgets every route through {@code regionId} (its connection dropped). */
    public void forgetRegion(final int regionId) {
        final AtomicIntegerArray regions = table.regions;
        for (int i = 0; i < regions.length(); i++) {
            regions.compareAndSet(i, regionId, NO_REGION);
        }
    }

    /** Registered on the {@code NetmapHolder}: prunes before the new snapshot is visible to the stages. */
    @Override
    public void beforeSwap(final Netmap previous, final Netmap next) {
        onNetmapUpdate(next);
    }

    /**
     * Rebuilds the table for {@code next}: peers no longer in the netmap lose their routes before the new peer
     * table is used (RS prunes on every netmap update, before installing the new peer db). Control thread.
     */
    public void onNetmapUpdate(final Netmap next) {
        final Table old = table;
        final Table fresh = new Table(next);
        for (int peer = 0; peer < next.size(); peer++) {
            final int oldIndex = old.netmap.peerIdOf(next.nodeKey(peer));
            if (oldIndex != Netmap.NO_PEER) {
                fresh.regions.setPlain(peer, old.regions.getAcquire(oldIndex));
            }
        }
        table = fresh;
    }

    /** Number of peers with a route; for metrics and tests (scans the table). */
    public int size() {
        final AtomicIntegerArray regions = table.regions;
        int n = 0;
        for (int i = 0; i < regions.length(); i++) {
            if (regions.getAcquire(i) != NO_REGION) {
                n++;
            }
        }
        return n;
    }

    private static final class Table {
        final Netmap netmap;
        final AtomicIntegerArray regions;

        Table(final Netmap netmap) {
            this.netmap = netmap;
            this.regions = new AtomicIntegerArray(netmap.size());
        }

        /** The peer's index in this table; translates a peer id of an older or newer snapshot by node key. */
        int indexOf(final Netmap snapshot, final int peerId) {
            if (snapshot == netmap) {
                return peerId;
            }
            return netmap.peerIdOf(snapshot.nodeKey(peerId));
        }
    }
}
