package io.derpring.internal.region;

import java.util.Arrays;

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
    /** Ascending, for metrics that list every region; never written after construction. */
    private final int[] regionIds;

    RegionTable(final Int2ObjectHashMap<RegionSlot> slots) {
        this.slots = slots;
        final int[] ids = new int[slots.size()];
        int i = 0;
        for (final Int2ObjectHashMap<RegionSlot>.KeyIterator it = slots.keySet().iterator(); it.hasNext(); ) {
            ids[i++] = it.nextInt();
        }
        Arrays.sort(ids);
        this.regionIds = ids;
    }

    /** The regions' ids in ascending order; shared, so callers must not write to it. */
    int[] regionIds() {
        return regionIds;
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
