package io.derpring.internal.region;

import java.lang.invoke.VarHandle;
import java.util.function.LongSupplier;

import io.derpring.engine.SendResult;
import io.derpring.internal.frame.FrameLimits;
import io.derpring.internal.metrics.Counters;
import io.derpring.internal.netmap.NetmapHolder;
import io.derpring.internal.queue.OutboundQueue;
import io.derpring.internal.route.ObservedRoutes;
import io.derpring.internal.route.OutboundRegionChoice;
import io.derpring.keys.NodeKey;
import io.derpring.netmap.Netmap;
import org.agrona.DirectBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The send path, callable from any thread: checks the caller's arguments (the one place they are checked), picks the
 * peer's region (SPEC §5.5) and hands the packet to that region's connection, or — while the region connects — to
 * its bounded pending queue and wakes it, so the waking packet is sent, not lost (B46). A full queue answers
 * {@link SendResult#BACK_PRESSURED} whether the region is connected or connecting. Lock-free and allocation-free: a
 * netmap lookup, an array read, a queue offer.
 */
public final class OutboundRouter {
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

    /**
     * True when the arguments describe a packet that can be sent: a key, a buffer, a length of 0..64 KiB
     * ({@link FrameLimits#MAX_PACKET_SIZE}) and a range inside the buffer. Checked here so that nothing a caller
     * passes can fail later inside a queue or on a conductor or I/O thread (issue 13, bug 1).
     */
    static boolean validArguments(final NodeKey peer, final DirectBuffer buffer, final int offset, final int length) {
        return peer != null && buffer != null && length >= 0 && length <= FrameLimits.MAX_PACKET_SIZE && offset >= 0
            && offset <= buffer.capacity() - length;
    }

    /** Sends a packet to a netmap peer; every outcome but ACCEPTED and QUEUED is counted. */
    public SendResult send(final NodeKey peer, final DirectBuffer buffer, final int offset, final int length) {
        if (!validArguments(peer, buffer, offset, length)) {
            counters.increment(RegionCounter.REJECTED_INVALID);
            return SendResult.REJECTED;
        }
        final Netmap netmap = netmaps.current();
        final int peerId = netmap.peerIdOf(peer);
        if (peerId == Netmap.NO_PEER) {
            counters.increment(RegionCounter.REJECTED_NOT_A_PEER);
            return SendResult.REJECTED;
        }
        final RegionTable table = conductor.table();
        final int region = regionFor(netmap, peerId, table);
        if (region == OutboundRegionChoice.NONE) {
            counters.increment(RegionCounter.DROPPED_NO_REGION);
            return SendResult.NO_ROUTE;
        }
        final RegionSlot slot = table.get(region);
        slot.lastSendNs = nanoClock.getAsLong();
        final DerpLink link = slot.link;
        if (link != null) {
            final SendResult result = link.send(peer, buffer, offset, length);
            countLinkResult(result, RegionCounter.SENT, RegionCounter.BACK_PRESSURED);
            return result;
        }
        final int offered = slot.pending.offer(peer, buffer, offset, length);
        // Wake the region on a refusal too: what fills the queue is sent once it connects.
        slot.wake.lazySet(true);
        if (offered == OutboundQueue.REFUSED) {
            counters.increment(RegionCounter.BACK_PRESSURED);
            return SendResult.BACK_PRESSURED;
        }
        if (offered == OutboundQueue.OFFERED_DROPPED_OLDEST) {
            counters.increment(RegionCounter.DROPPED_QUEUE_OLDEST);
        }
        if (removedMeanwhile(slot, slot.pending)) {
            return SendResult.NO_ROUTE;
        }
        counters.increment(RegionCounter.QUEUED_UNTIL_CONNECTED);
        return SendResult.QUEUED;
    }

    /**
     * True if {@code slot}'s region left the table while this sender offered into {@code queue}: then the conductor
     * may already have cleared it, and nothing would ever drain what this sender put there. It swaps the table before
     * it clears; this offer published before the fence and the table is read after it, so one side sees the other.
     * This side takes back whatever is left and counts it as {@link RegionCounter#DROPPED_REGION_GONE}. Only on the
     * connecting path: a queued send costs one fence.
     */
    private boolean removedMeanwhile(final RegionSlot slot, final OutboundQueue queue) {
        VarHandle.fullFence();
        if (conductor.table().get(slot.regionId) == slot) {
            return false;
        }
        counters.add(RegionCounter.DROPPED_REGION_GONE, queue.clear());
        return true;
    }

    /**
     * Sends a sealed disco frame to {@code peer} through {@code regionId} (SPEC §5.8): a region not in the DERP map
     * answers NO_ROUTE (B60); otherwise it goes to the connection's disco queue, or to the region's (drop-newest,
     * B61), which also wakes a dormant region. A full disco queue answers BACK_PRESSURED; data never fills it.
     */
    public SendResult sendDisco(final NodeKey peer, final int regionId, final DirectBuffer frame, final int offset,
                                final int length) {
        if (!validArguments(peer, frame, offset, length)) {
            counters.increment(RegionCounter.REJECTED_INVALID);
            return SendResult.REJECTED;
        }
        final RegionSlot slot = conductor.table().get(regionId);
        if (slot == null) {
            counters.increment(RegionCounter.DISCO_DROPPED_UNKNOWN_REGION);
            if (!warnedUnknownDiscoRegion) {
                warnedUnknownDiscoRegion = true; // once: the counter carries the rest
                LOG.warn("no derp region info for region {}, dropping disco frame", regionId);
            }
            return SendResult.NO_ROUTE;
        }
        slot.lastSendNs = nanoClock.getAsLong();
        final DerpLink link = slot.link;
        if (link != null) {
            final SendResult result = link.sendDisco(peer, frame, offset, length);
            countLinkResult(result, RegionCounter.DISCO_SENT, RegionCounter.DISCO_DROPPED_QUEUE_FULL);
            return result;
        }
        if (slot.disco.offer(peer, frame, offset, length) == OutboundQueue.REFUSED) {
            counters.increment(RegionCounter.DISCO_DROPPED_QUEUE_FULL);
            return SendResult.BACK_PRESSURED;
        }
        slot.wake.lazySet(true);
        return removedMeanwhile(slot, slot.disco) ? SendResult.NO_ROUTE : SendResult.QUEUED;
    }

    private void countLinkResult(final SendResult result, final RegionCounter accepted, final RegionCounter full) {
        switch (result) {
            case ACCEPTED:
                counters.increment(accepted);
                break;
            case BACK_PRESSURED:
                counters.increment(full);
                break;
            default:
                counters.increment(RegionCounter.DROPPED_BY_CONNECTION);
                break;
        }
    }
}
