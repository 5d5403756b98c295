package io.derpring.internal.region;

import java.util.List;

import io.derpring.metrics.MetricType;
import io.derpring.metrics.RegionMetric;

/**
 * Per-region gauges read from the send path's {@link RegionSlot}s in the conductor's current {@link RegionTable}:
 * whether the region is connected and how many packets wait, in the engine's queues while it connects and in the
 * connection's own queue once it is up. Reads only volatile fields and queue sizes, so any thread may call them
 * without allocating.
 */
public final class RegionGauges {
    private static final String PREFIX = "derpring_engine_region_";

    private final RegionConductor conductor;

    public RegionGauges(final RegionConductor conductor) {
        this.conductor = conductor;
    }

    /** The current DERP map's region ids, ascending; shared: never write to it. */
    public int[] regionIds() {
        return conductor.table().regionIds();
    }

    public List<RegionMetric> metrics() {
        return List.of(
            new RegionMetric(PREFIX + "connected", MetricType.GAUGE,
                "1 while the region's connection is up (ServerInfo received), else 0", this::connected),
            new RegionMetric(PREFIX + "pending_packets", MetricType.GAUGE,
                "packets queued in the engine while their region connects", this::pendingPackets),
            new RegionMetric(PREFIX + "pending_disco", MetricType.GAUGE,
                "disco frames queued in the engine while their region connects", this::pendingDisco),
            new RegionMetric(PREFIX + "connection_queued_packets", MetricType.GAUGE,
                "packets in the region connection's own outbound queue, not yet written", this::connectionQueued));
    }

    private long connected(final int regionId) {
        final RegionSlot slot = conductor.table().get(regionId);
        return slot == null ? RegionMetric.ABSENT : slot.link == null ? 0 : 1;
    }

    private long pendingPackets(final int regionId) {
        final RegionSlot slot = conductor.table().get(regionId);
        return slot == null ? RegionMetric.ABSENT : slot.pending.size();
    }

    private long pendingDisco(final int regionId) {
        final RegionSlot slot = conductor.table().get(regionId);
        return slot == null ? RegionMetric.ABSENT : slot.disco.size();
    }

    private long connectionQueued(final int regionId) {
        final RegionSlot slot = conductor.table().get(regionId);
        if (slot == null) {
            return RegionMetric.ABSENT;
        }
        final DerpLink link = slot.link; // read once: it is cleared when the connection closes
        return link == null ? 0 : link.queuedPackets();
    }
}
