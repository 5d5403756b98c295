package io.derpring.internal.region;

import java.util.function.LongSupplier;

import io.derpring.keys.NodeKey;
import io.derpring.internal.metrics.Counters;
import io.derpring.netmap.Netmap;
import io.derpring.internal.netmap.NetmapHolder;
import io.derpring.internal.route.ObservedRoutes;
import io.derpring.internal.route.OutboundRegionChoice;
import org.agrona.DirectBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The send path, callable from any thread: picks the peer's region (SPEC §5.5) and hands the packet to that
 * region's connection, or — while the region connects — to its bounded queue and wakes it, so the waking packet is
 * sent, not lost (B46). Lock-free and allocation-free: a netmap lookup, an array read, a queue offer.
 */
public final class OutboundRouter {
    public static final int SENT = 0;
    public static final int QUEUED = 1;
    public static final int DROPPED = 2;

    private static final Logger LOG = LoggerFactory.getLogger(OutboundRouter.class);

    private final RegionConductor conductor;
    private final NetmapHolder netmaps;
    private final ObservedRoutes routes;
    private final LongSupplier nanoClock;
    private final Counters<RegionCounter> counters;
    private volatile boolean warnedUnknownDiscoRegion;

    public OutboundRouter(final RegionConductor conductor, final NetmapHolder netmaps, final ObservedRoutes routes,
                          final LongSupplier nanoClock) {
        this.conductor = conductor;
        this.netmaps = netmaps;
        this.routes = routes;
        this.nanoClock = nanoClock;
        this.counters = conductor.counters();
    }

    /**
     * The region a packet to {@code peer} would go to now (SPEC §5.5: netmap home, else observed route, else our
     * home; only if live), or {@link OutboundRegionChoice#NONE} — also for a key not in the netmap (RS
     * {@code region_for_node}). Lock-free, allocation-free.
     */
    public int regionFor(final NodeKey peer) {
        final Netmap netmap = netmaps.current();
        return regionFor(netmap, netmap.peerIdOf(peer), conductor.table());
    }

    private int regionFor(final Netmap netmap, final int peerId, final RegionTable table) {
        return peerId == Netmap.NO_PEER ? OutboundRegionChoice.NONE : OutboundRegionChoice.choose(
            netmap.homeRegion(peerId), routes.regionOf(netmap, peerId), conductor.home(), table);
    }

    /** Sends a packet to a netmap peer; returns {@link #SENT}, {@link #QUEUED} or {@link #DROPPED} (counted). */
    public int send(final NodeKey peer, final DirectBuffer buffer, final int offset, final int length) {
        final Netmap netmap = netmaps.current();
        final RegionTable table = conductor.table();
        final int region = regionFor(netmap, netmap.peerIdOf(peer), table);
        if (region == OutboundRegionChoice.NONE) {
            counters.increment(RegionCounter.DROPPED_NO_REGION);
            return DROPPED;
        }
        final RegionSlot slot = table.get(region);
        slot.lastSendNs = nanoClock.getAsLong();
        final DerpLink link = slot.link;
        if (link != null) {
            if (link.send(peer, buffer, offset, length)) {
                counters.increment(RegionCounter.SENT);
                return SENT;
            }
            counters.increment(RegionCounter.DROPPED_BY_CONNECTION);
            return DROPPED;
        }
        if (slot.pending.offer(peer, buffer, offset, length) == OutboundQueue.QUEUED_DROPPED_OLDEST) {
            counters.increment(RegionCounter.DROPPED_QUEUE_OLDEST);
        }
        counters.increment(RegionCounter.QUEUED_UNTIL_CONNECTED);
        slot.wake.lazySet(true);
        return QUEUED;
    }

    /**
     * Sends a sealed disco frame to {@code peer} through {@code regionId} (SPEC §5.8): a region not in the DERP map
     * drops it (B60); otherwise it goes to the connection, or to the region's disco queue (8, drop-newest, B61),
     * which also wakes a dormant region.
     */
    public int sendDisco(final NodeKey peer, final int regionId, final DirectBuffer frame, final int offset,
                         final int length) {
        final RegionSlot slot = conductor.table().get(regionId);
        if (slot == null) {
            counters.increment(RegionCounter.DISCO_DROPPED_UNKNOWN_REGION);
            if (!warnedUnknownDiscoRegion) {
                warnedUnknownDiscoRegion = true; // once: the counter carries the rest
                LOG.warn("no derp region info for region {}, dropping disco frame", regionId);
            }
            return DROPPED;
        }
        slot.lastSendNs = nanoClock.getAsLong();
        final DerpLink link = slot.link;
        if (link != null) {
            link.sendDisco(peer, frame, offset, length);
            counters.increment(RegionCounter.DISCO_SENT);
            return SENT;
        }
        if (slot.disco.offer(peer, frame, offset, length) == OutboundQueue.DROPPED_NEWEST) {
            counters.increment(RegionCounter.DISCO_DROPPED_QUEUE_FULL);
            return DROPPED;
        }
        slot.wake.lazySet(true);
        return QUEUED;
    }
}
