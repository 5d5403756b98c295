package io.derpring.derpmap;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A validated DERP map, as {@code tailcfg.DERPMap} (SPEC §5.10): the relay regions this client may use.
 * Immutable and safe to share between threads. Regions are kept in ascending region-ID order, nodes in the map's
 * priority order. Two maps are equal when every region, node, home parameter and flag is equal, which is how a map
 * update finds the regions whose definition changed (SPEC §5.2).
 */
public final class DerpMap {
    /** Most regions in one map; derpring choice (Tailscale's map has ~30) bounding hostile maps. */
    public static final int MAX_REGIONS = 512;

    private final TreeMap<Integer, DerpRegion> regionsById;
    private final List<DerpRegion> regions;
    private final HomeParams homeParams;
    private final boolean omitDefaultRegions;
    private final List<InetSocketAddress> stunServersV4;

    /**
     * @param regions            the regions, any order; region IDs must be distinct
     * @param homeParams         {@code HomeParams}, or {@code null} when the map has none
     * @param omitDefaultRegions {@code omitDefaultRegions}: use only these regions, not Tailscale's defaults
     * @throws DerpMapException on a duplicate region ID or more than {@link #MAX_REGIONS} regions
     */
    public DerpMap(final Collection<DerpRegion> regions, final HomeParams homeParams,
                   final boolean omitDefaultRegions) {
        Objects.requireNonNull(regions, "Regions");
        if (regions.size() > MAX_REGIONS) {
            throw new DerpMapException("Regions has " + regions.size() + " entries, more than " + MAX_REGIONS);
        }
        final TreeMap<Integer, DerpRegion> byId = new TreeMap<>();
        for (final DerpRegion region : regions) {
            if (byId.put(Objects.requireNonNull(region, "region").regionId(), region) != null) {
                throw new DerpMapException("Regions has region ID " + region.regionId() + " twice");
            }
        }
        this.regionsById = byId;
        this.regions = List.copyOf(byId.values());
        this.homeParams = homeParams;
        this.omitDefaultRegions = omitDefaultRegions;
        this.stunServersV4 = collectStunServersV4(this.regions);
    }

    /** A builder for maps written in code (tests, static maps), validated as the JSON parser validates. */
    public static DerpMapBuilder builder() {
        return new DerpMapBuilder();
    }

    /** The regions in ascending region-ID order (unmodifiable). */
    public List<DerpRegion> regions() {
        return regions;
    }

    /** The region with this ID, or {@code null} when the map has none. */
    public DerpRegion region(final int regionId) {
        return regionsById.get(regionId);
    }

    /** True when the map has a region with this ID. */
    public boolean hasRegion(final int regionId) {
        return regionsById.containsKey(regionId);
    }

    /** Region IDs in ascending order. */
    public int[] regionIds() {
        final int[] ids = new int[regions.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = regions.get(i).regionId();
        }
        return ids;
    }

    public Optional<HomeParams> homeParams() {
        return Optional.ofNullable(homeParams);
    }

    public boolean omitDefaultRegions() {
        return omitDefaultRegions;
    }

    /**
     * The STUN servers the client may probe over IPv4 (SPEC §5.9, anti-leak): for every node, in region-ID order
     * then node order, {@code IPv4:effectiveStunPort} when the node's IPv4 is a fixed literal and STUN is on.
     * STUN-only nodes count; IPv6 never does. A node that would need DNS (IPv4 absent or {@code ""}) is skipped:
     * resolving its host name would be a second egress path telling the resolver which relays we use. Each address is
     * built from literal bytes, never from a name. May be empty (then the client falls back to reflexive addresses
     * learned from disco pongs). Unmodifiable, computed once.
     */
    public List<InetSocketAddress> stunServersV4() {
        return stunServersV4;
    }

    private static List<InetSocketAddress> collectStunServersV4(final List<DerpRegion> regions) {
        final List<InetSocketAddress> out = new ArrayList<>();
        for (final DerpRegion region : regions) {
            for (final DerpNode node : region.nodes()) {
                if (node.ipv4().isFixed() && node.stunEnabled()) {
                    // InetSocketAddress(InetAddress, port) keeps the byte-built address: no lookup here either.
                    out.add(new InetSocketAddress(node.ipv4().address(), node.effectiveStunPort()));
                }
            }
        }
        return Collections.unmodifiableList(out);
    }

    @Override
    public boolean equals(final Object o) {
        return o instanceof DerpMap other && regions.equals(other.regions)
            && Objects.equals(homeParams, other.homeParams) && omitDefaultRegions == other.omitDefaultRegions;
    }

    @Override
    public int hashCode() {
        return Objects.hash(regions, homeParams, omitDefaultRegions);
    }

    @Override
    public String toString() {
        return "DerpMap{regions=" + regionsById.keySet() + ", omitDefaultRegions=" + omitDefaultRegions + '}';
    }
}
