package io.derpring.internal.route;

import java.util.Arrays;
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
 *
 * <p>Two threads write: the route-learning stage ({@link #learn}) and the conductor ({@link #forget},
 * {@link #forgetRegion}). A frame received on a connection just before it dropped can reach the stage after the
 * conductor forgot that region's routes; learning from it would send the peer's replies to a dead region. So a
 * dropped region stays in {@link #droppedRegions} until it is dialled again, and a learn through it is refused.
 * The check and the drop race like a Dekker pair, so both sides store, then load (volatile accesses, sequentially
 * consistent): the stage writes the route and then re-checks the dropped set, undoing its write if the region was
 * dropped meanwhile; the conductor publishes the drop and then scans the table. At least one of them sees the
 * other.
 */
public final class ObservedRoutes implements NetmapSwapListener {
    /** No route learned. Region ids are positive (tailcfg: RegionID > 0). */
    public static final int NO_REGION = 0;
    private static final int[] NONE_DROPPED = {};

    private volatile Table table;
    /**
     * Regions whose connection dropped and has not been dialled since; copy-on-write, written by the conductor only
     * (drops and dials are rare), read by the stage only when a route would change.
     */
    private volatile int[] droppedRegions = NONE_DROPPED;

    public ObservedRoutes(final Netmap initial) {
        this.table = new Table(initial);
    }

    /**
     * Records that {@code peerId} of {@code netmap} was heard on {@code regionId}. Called by the route-learning
     * stage only; a frame from a region whose connection has dropped since teaches nothing.
     *
     * @return true if the route was written (new, or the peer moved region)
     */
    public boolean learn(final Netmap netmap, final int peerId, final int regionId) {
        final Table t = table;
        final int index = t.indexOf(netmap, peerId);
        if (index == Netmap.NO_PEER || t.regions.getAcquire(index) == regionId || isDropped(regionId)) {
            return false;
        }
        t.regions.set(index, regionId); // volatile: ordered before the re-check below
        if (isDropped(regionId)) {
            // Dropped between the check and the write: the conductor's scan may have run before our write.
            t.regions.compareAndSet(index, regionId, NO_REGION);
            return false;
        }
        return true;
    }

    private boolean isDropped(final int regionId) {
        for (final int dropped : droppedRegions) {
            if (dropped == regionId) {
                return true;
            }
        }
        return false;
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

    /**
     * Forgets every route through {@code regionId} (its connection dropped), and refuses routes through it until
     * {@link #regionDialled}. Conductor thread.
     */
    public void forgetRegion(final int regionId) {
        if (!isDropped(regionId)) {
            final int[] before = droppedRegions;
            final int[] after = Arrays.copyOf(before, before.length + 1);
            after[before.length] = regionId;
            droppedRegions = after; // published before the scan below: see the class notes
        }
        final AtomicIntegerArray regions = table.regions;
        for (int i = 0; i < regions.length(); i++) {
            regions.compareAndSet(i, regionId, NO_REGION);
        }
    }

    /**
     * A new connection to {@code regionId} is being dialled: its frames teach routes again. A frame of the old
     * connection still in the ring may then teach a route to the region it reconnects. Conductor thread, before the
     * dial, so no frame of the new connection is refused.
     */
    public void regionDialled(final int regionId) {
        if (!isDropped(regionId)) {
            return;
        }
        final int[] before = droppedRegions;
        final int[] after = new int[before.length - 1];
        int kept = 0;
        for (final int dropped : before) {
            if (dropped != regionId) {
                after[kept++] = dropped;
            }
        }
        droppedRegions = after;
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
