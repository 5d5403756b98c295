package io.derpring.derpmap;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Builds a {@link DerpMap} in code, for tests and static maps; {@link DerpMap#builder()} makes one. The common case
 * is one line:
 *
 * <pre>{@code
 * DerpMap map = DerpMap.builder()
 *     .region(900, "test", r -> r.node("900a", "127.0.0.1", port).insecureForTests())
 *     .build();
 * }</pre>
 *
 * <p>Every value is checked by the same constructors the JSON parser uses ({@link DerpNode}, {@link DerpRegion},
 * {@link DerpMap}, {@link HomeParams}), so a built map obeys exactly the parser's rules (SPEC §5.10, with
 * derpring's int region ids). A bad value fails at the {@link #region} call that brought it, with a
 * {@link DerpMapException} whose message starts with the path, e.g. {@code Regions[900].Nodes[0] ("900a"): DERPPort
 * must be ...}. Unset fields take the JSON defaults (absent = 0, "" or false), except the addresses of a node named
 * by an IPv4 literal (see {@link Region#node}).
 *
 * <p>Plain HTTP is not a map setting (SPEC §5.10: never inferred from a map); a test that wants it chooses it in the
 * transport's settings. Not thread-safe; use one builder on one thread.
 */
public final class DerpMapBuilder {
    private final List<DerpRegion> regions = new ArrayList<>();
    private final TreeMap<Integer, Double> regionScore = new TreeMap<>();
    private boolean omitDefaultRegions;

    DerpMapBuilder() {
    }

    /**
     * Adds region {@code regionId} with {@code RegionCode} {@code regionCode}; {@code nodes} adds its nodes in
     * priority order and may set the region's other fields.
     *
     * @throws DerpMapException naming the region (and node) when a value is out of range
     */
    public DerpMapBuilder region(final int regionId, final String regionCode, final Consumer<Region> nodes) {
        Objects.requireNonNull(nodes, "nodes");
        final String path = "Regions[" + regionId + "]";
        try {
            DerpRegion.requireRegionId(regionId, "RegionID");
        } catch (final DerpMapException e) {
            throw e.at(path);
        }
        final Region region = new Region(regionId, path);
        nodes.accept(region);
        regions.add(region.build(regionCode));
        return this;
    }

    /** {@code omitDefaultRegions}: use only this map's regions, not Tailscale's defaults. Default false. */
    public DerpMapBuilder omitDefaultRegions(final boolean omit) {
        omitDefaultRegions = omit;
        return this;
    }

    /**
     * {@code HomeParams.RegionScore[regionId] = score}: scales the region's measured latency when choosing home (below
     * 1 favours it). Without any score the map has no {@code HomeParams}.
     */
    public DerpMapBuilder regionScore(final int regionId, final double score) {
        if (regionScore.put(regionId, score) != null) {
            throw new DerpMapException("HomeParams.RegionScore[" + regionId + "]: region " + regionId
                + " is scored twice");
        }
        return this;
    }

    /**
     * The map.
     *
     * @throws DerpMapException on a duplicate region ID, too many regions, or a bad region score
     */
    public DerpMap build() {
        HomeParams homeParams = null;
        if (!regionScore.isEmpty()) {
            try {
                homeParams = new HomeParams(regionScore);
            } catch (final DerpMapException e) {
                throw e.at("HomeParams");
            }
        }
        return new DerpMap(regions, homeParams, omitDefaultRegions);
    }

    /** One region's fields and nodes, inside {@link DerpMapBuilder#region}. */
    public static final class Region {
        private final int regionId;
        private final String path;
        private final List<Node> nodes = new ArrayList<>();
        private String regionName = "";
        private double latitude;
        private double longitude;
        private boolean avoid;
        private boolean noMeasureNoHome;

        private Region(final int regionId, final String path) {
            this.regionId = regionId;
            this.path = path;
        }

        /**
         * Adds a DERP node, after the ones added before (priority order). {@code hostName} is the TLS SNI and URL
         * host; when it is an IPv4 literal, that literal is also the node's {@code IPv4} and its {@code IPv6} is
         * {@code "none"}, so dialing it never asks DNS. Otherwise both address families resolve {@code hostName}
         * unless {@link Node#ipv4}/{@link Node#ipv6} say otherwise.
         *
         * @param derpPort {@code DERPPort}: the TLS port, 0 = 443
         * @return the node, to set its other fields
         */
        public Node node(final String name, final String hostName, final int derpPort) {
            final Node node = new Node(name, hostName, derpPort);
            nodes.add(node);
            return node;
        }

        /** {@code RegionName}, the long name such as "New York City". */
        public Region name(final String regionName) {
            this.regionName = regionName;
            return this;
        }

        /** {@code Latitude} and {@code Longitude}. */
        public Region location(final double latitude, final double longitude) {
            this.latitude = latitude;
            this.longitude = longitude;
            return this;
        }

        /** {@code Avoid} (deprecated upstream): not picked as home. */
        public Region avoid() {
            this.avoid = true;
            return this;
        }

        /** {@code NoMeasureNoHome}: never measured or chosen as home, but may be connected to reach a peer there. */
        public Region noMeasureNoHome() {
            this.noMeasureNoHome = true;
            return this;
        }

        private DerpRegion build(final String regionCode) {
            final List<DerpNode> built = new ArrayList<>(nodes.size());
            for (int i = 0; i < nodes.size(); i++) {
                built.add(nodes.get(i).build(regionId, path + ".Nodes[" + i + "]"));
            }
            try {
                return new DerpRegion(regionId, regionCode, regionName, latitude, longitude, avoid, noMeasureNoHome,
                    built);
            } catch (final DerpMapException e) {
                throw e.at(path);
            }
        }
    }

    /** One node's fields, returned by {@link Region#node}. */
    public static final class Node {
        /** {@code IPv6} of a node named by an IPv4 literal: any string that is not a literal disables the family. */
        private static final String NO_ADDRESS = "none";

        private final String name;
        private final String hostName;
        private final int derpPort;
        private String certName = "";
        private String ipv4;
        private String ipv6;
        private int stunPort;
        private boolean stunOnly;
        private boolean insecureForTests;
        private String stunTestIp = "";
        private boolean canPort80;

        private Node(final String name, final String hostName, final int derpPort) {
            this.name = name;
            this.hostName = hostName;
            this.derpPort = derpPort;
            final boolean ipv4Literal = hostName != null && IpLiteral.parseIpv4(hostName) != null;
            this.ipv4 = ipv4Literal ? hostName : "";
            this.ipv6 = ipv4Literal ? NO_ADDRESS : "";
        }

        /**
         * {@code CertName}: a name to verify instead of the host name, or {@code "sha256-raw:<64 hex>"} to pin the
         * leaf certificate (self-signed relays reached by IP).
         */
        public Node certName(final String certName) {
            this.certName = certName;
            return this;
        }

        /** {@code InsecureForTests}: TLS without certificate verification (still TLS, never plain HTTP). */
        public Node insecureForTests() {
            this.insecureForTests = true;
            return this;
        }

        /** {@code IPv4}: "" = resolve the host name, a literal = dial it, anything else = no IPv4. */
        public Node ipv4(final String ipv4) {
            this.ipv4 = ipv4;
            return this;
        }

        /** {@code IPv6}: "" = resolve the host name, a literal = dial it, anything else = no IPv6. */
        public Node ipv6(final String ipv6) {
            this.ipv6 = ipv6;
            return this;
        }

        /** {@code STUNPort}: 0 = 3478 (the default), {@link DerpNode#STUN_DISABLED} = no STUN. */
        public Node stunPort(final int stunPort) {
            this.stunPort = stunPort;
            return this;
        }

        /** {@code STUNOnly}: a STUN server, not a DERP server. */
        public Node stunOnly() {
            this.stunOnly = true;
            return this;
        }

        /** {@code STUNTestIP}: test-only STUN address override. */
        public Node stunTestIp(final String stunTestIp) {
            this.stunTestIp = stunTestIp;
            return this;
        }

        /** {@code CanPort80}: the node also answers plain HTTP on port 80 (captive-portal checks). */
        public Node canPort80() {
            this.canPort80 = true;
            return this;
        }

        private DerpNode build(final int regionId, final String path) {
            try {
                return new DerpNode(name, regionId, hostName, certName, NodeAddress.ipv4(ipv4), NodeAddress.ipv6(ipv6),
                    stunPort, stunOnly, derpPort, insecureForTests, stunTestIp, canPort80);
            } catch (final DerpMapException e) {
                throw e.at(path + (name == null || name.isEmpty() ? "" : " (" + DerpMapException.quote(name) + ")"));
            }
        }
    }
}
