package io.derpring.internal.region;

import io.derpring.internal.route.OutboundRegionChoice;
import org.agrona.collections.Int2ObjectHashMap;

/**
 * Region id → {@link RegionSlot} for the regions of the current DERP map. Built by the conductor on each map update
 * and never changed after it is published (through a volatile field), so any thread may read it without locks;
 * {@code get} does not allocate.
 */
final class RegionTable implements OutboundRegionChoice.Liveness {
    static final RegionTable EMPTY = new RegionTable(new Int2ObjectHashMap<>());

    private final Int2ObjectHashMap<RegionSlot> slots;

    RegionTable(final Int2ObjectHashMap<RegionSlot> slots) {
        this.slots = slots;
    }

    /** The slot of a region in the map (its task is live), or null. */
    RegionSlot get(final int regionId) {
        return slots.get(regionId);
    }

    @Override
    public boolean isLive(final int regionId) {
        return slots.containsKey(regionId);
    }
}
