package io.derpring.internal.region;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The send path's handle on one region: the live link (set only while connected), queues for packets and disco
 * frames that arrive before the connection, and the wake flag. Senders touch only these fields; the conductor owns
 * everything else about the region.
 */
final class RegionSlot {
    final int regionId;
    final OutboundQueue pending;
    final OutboundQueue disco;
    final AtomicBoolean wake = new AtomicBoolean();
    /** Non-null only while connected (after ServerInfo). */
    volatile DerpLink link;
    /** Last outbound packet or disco frame, for the idle rule. */
    volatile long lastSendNs;

    RegionSlot(final int regionId, final int pendingDepth, final int discoDepth) {
        this.regionId = regionId;
        this.pending = new OutboundQueue(pendingDepth, OutboundQueue.Overflow.DROP_OLDEST);
        this.disco = new OutboundQueue(discoDepth, OutboundQueue.Overflow.DROP_NEWEST);
    }
}
