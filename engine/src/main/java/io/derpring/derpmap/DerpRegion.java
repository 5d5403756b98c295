package io.derpring.derpmap;

import java.util.List;
import java.util.Objects;

/**
 * A DERP region, as {@code tailcfg.DERPRegion} (SPEC §5.10): one or more nodes that relay among themselves.
 * Immutable; the constructor validates.
 *
 * @param regionId        {@code RegionID}: 1..{@link Integer#MAX_VALUE} (900–999 are reserved for self-hosted relays);
 *                        SPEC §5.10 allows up to 2^53-1, derpring keeps region ids in an {@code int} (README,
 *                        "Divergences from SPEC")
 * @param regionCode      {@code RegionCode}: short name such as "nyc"; {@code ""} if absent
 * @param regionName      {@code RegionName}: long name such as "New York City"; {@code ""} if absent
 * @param latitude        {@code Latitude}, 0 if absent
 * @param longitude       {@code Longitude}, 0 if absent
 * @param avoid           {@code Avoid} (deprecated upstream): do not pick as home; use only to reach a peer there
 * @param noMeasureNoHome {@code NoMeasureNoHome}: never measured or chosen as home, but may be connected to reach a
 *                        peer homed there
 * @param nodes           {@code Nodes} in priority order: connect to the first, fall back to the next
 */
public record DerpRegion(int regionId, String regionCode, String regionName, double latitude, double longitude,
                         boolean avoid, boolean noMeasureNoHome, List<DerpNode> nodes) {

    /** Smallest region ID (tailcfg.DERPRegion: "RegionIDs must be non-zero, positive"). */
    public static final int MIN_REGION_ID = 1;
    /**
     * Largest region ID: {@link Integer#MAX_VALUE}. tailcfg allows up to 2^53-1 ("guaranteed to fit in a JavaScript
     * number"), but every region in use has a 1–4 digit id, and the engine, its listener events and its ring slots
     * address regions by {@code int}; a larger id is refused when the map is parsed or built, naming the region.
     */
    public static final int MAX_REGION_ID = Integer.MAX_VALUE;
    /** Most nodes in one region; derpring choice (Tailscale's regions have 1–6) bounding hostile maps. */
    public static final int MAX_NODES_PER_REGION = 64;

    public DerpRegion {
        requireRegionId(regionId, "RegionID");
        DerpNode.requireText(regionCode, "RegionCode");
        DerpNode.requireText(regionName, "RegionName");
        requireFinite(latitude, "Latitude");
        requireFinite(longitude, "Longitude");
        nodes = List.copyOf(Objects.requireNonNull(nodes, "Nodes"));
        if (nodes.size() > MAX_NODES_PER_REGION) {
            throw new DerpMapException("Nodes has " + nodes.size() + " entries, more than " + MAX_NODES_PER_REGION);
        }
        for (int i = 0; i < nodes.size(); i++) {
            if (nodes.get(i).regionId() != regionId) {
                throw new DerpMapException("Nodes[" + i + "].RegionID " + nodes.get(i).regionId()
                    + " does not match the region's RegionID " + regionId);
            }
        }
    }

    /** {@code regionId} as an int, or a {@link DerpMapException} naming {@code field} when it is out of range. */
    static int requireRegionId(final long regionId, final String field) {
        if (regionId < MIN_REGION_ID || regionId > MAX_REGION_ID) {
            throw new DerpMapException(field + " must be " + MIN_REGION_ID + ".." + MAX_REGION_ID + ", got " + regionId);
        }
        return (int) regionId;
    }

    static void requireFinite(final double value, final String field) {
        if (!Double.isFinite(value)) {
            throw new DerpMapException(field + " must be a finite number, got " + value);
        }
    }
}
