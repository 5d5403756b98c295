package io.derpring.internal.region;

import java.util.concurrent.atomic.AtomicBoolean;

import io.derpring.engine.OutboundOverflow;
import io.derpring.internal.queue.OutboundQueue;

/**
 * The send path's handle on one region: the live link (set only while connected), queues for packets and disco
 * frames that arrive before the connection, and the wake flag. Senders touch only these fields; the conductor owns
 * everything else about the region.
 */
final class RegionSlot {
    /** Bytes per queued packet before a slot grows: any WireGuard packet at the usual MTU. */
    static final int INITIAL_SLOT_BYTES = 2048;

    final int regionId;
    final OutboundQueue pending;
    final OutboundQueue disco;
    final AtomicBoolean wake = new AtomicBoolean();
    /** Non-null only while connected (after ServerInfo). */
    volatile DerpLink link;
    /** Last outbound packet or disco frame, for the idle rule. */
    volatile long lastSendNs;

    /**
     * Held by the conductor: a pending packet polled for the flush that the connection back-pressured; it goes first
     * in the next flush. Conductor thread only.
     */
    OutboundQueue.Slot heldPending;

    RegionSlot(final int regionId, final RegionSettings settings) {
        this.regionId = regionId;
        this.pending = new OutboundQueue(settings.outboundQueueDepth(), INITIAL_SLOT_BYTES,
            settings.outboundOverflow() == OutboundOverflow.DROP_OLDEST
                ? OutboundQueue.Overflow.DROP_OLDEST : OutboundQueue.Overflow.REFUSE_NEWEST);
        this.disco = new OutboundQueue(settings.discoQueueDepth(), INITIAL_SLOT_BYTES,
            OutboundQueue.Overflow.REFUSE_NEWEST);
    }
}
