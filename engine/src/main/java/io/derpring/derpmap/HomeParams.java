package io.derpring.derpmap;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * {@code DERPMap.HomeParams} (SPEC §5.10): hints for choosing the home region.
 *
 * @param regionScore {@code RegionScore}: region ID to a factor that scales the region's measured latency when
 *                    choosing home (below 1 favours it, above 1 disfavours it); regions not listed have factor 1.
 *                    Sorted by region ID, unmodifiable. Factors are finite and not negative.
 */
public record HomeParams(SortedMap<Integer, Double> regionScore) {
    /** Most {@code RegionScore} entries: one per region at most ({@link DerpMap#MAX_REGIONS}). */
    public static final int MAX_REGION_SCORES = DerpMap.MAX_REGIONS;

    public HomeParams {
        Objects.requireNonNull(regionScore, "RegionScore");
        if (regionScore.size() > MAX_REGION_SCORES) {
            throw new DerpMapException("RegionScore has " + regionScore.size() + " entries, more than "
                + MAX_REGION_SCORES);
        }
        final TreeMap<Integer, Double> copy = new TreeMap<>();
        for (final Map.Entry<Integer, Double> e : regionScore.entrySet()) {
            final int regionId = Objects.requireNonNull(e.getKey(), "RegionScore key");
            final double score = Objects.requireNonNull(e.getValue(), "RegionScore value");
            DerpRegion.requireRegionId(regionId, "RegionScore key");
            DerpRegion.requireFinite(score, "RegionScore[" + regionId + "]");
            if (score < 0) {
                throw new DerpMapException("RegionScore[" + regionId + "] must not be negative, got " + score);
            }
            copy.put(regionId, score);
        }
        regionScore = Collections.unmodifiableSortedMap(copy);
    }
}
