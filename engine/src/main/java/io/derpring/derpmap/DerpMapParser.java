package io.derpring.derpmap;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Parses Tailscale's DERP map JSON ({@code tailcfg.DERPMap}, SPEC §5.10) into a validated {@link DerpMap}.
 *
 * <p>Keys are matched exactly as upstream writes them ({@code Regions}, {@code RegionID}, {@code IPv4},
 * {@code STUNPort}, {@code DERPPort}, {@code CanPort80}, lowercase {@code omitDefaultRegions}, ...); unknown keys are
 * ignored, as Go's decoder does, so newer control servers still work. A JSON {@code null} value means the same as an
 * absent key (Go leaves the field at its zero value). The input is untrusted: every size is bounded before or while
 * parsing, and every failure, whatever the bytes, is a {@link DerpMapException}. Nothing here touches the network
 * or a resolver. Not a hot path: called once per map update from control. Stateless and thread-safe.
 */
public final class DerpMapParser {
    /** Largest accepted map document in bytes; derpring choice (Tailscale's full map is ~30 KiB). */
    public static final int MAX_MAP_JSON_BYTES = 4 * 1024 * 1024;
    /**
     * Most JSON tokens in one document; derpring choice. Bounds the parsed tree (a dense 4 MiB document would
     * otherwise become ~10^6 nodes); a real map is a few thousand tokens.
     */
    public static final long MAX_JSON_TOKENS = 262_144;
    /** Deepest JSON nesting; the map itself needs 5 (root, Regions, region, Nodes, node); derpring choice. */
    public static final int MAX_JSON_NESTING_DEPTH = 32;
    /** Longest JSON string value in chars (known fields have tighter limits); derpring choice. */
    public static final int MAX_JSON_STRING_CHARS = 64 * 1024;
    /** Longest JSON object key in chars; derpring choice. */
    public static final int MAX_JSON_KEY_CHARS = 1024;
    /** Longest JSON number literal in chars; derpring choice (a region ID has at most 16 digits). */
    public static final int MAX_JSON_NUMBER_CHARS = 100;
    /** Longest message text taken from a Jackson error (it may quote input). */
    private static final int MAX_CAUSE_MESSAGE_CHARS = 200;

    private static final ObjectMapper MAPPER = newMapper();

    private DerpMapParser() {
    }

    /** Parses a UTF-8 JSON document. */
    public static DerpMap parse(final byte[] json) {
        if (json == null) {
            throw new DerpMapException("DERP map is null");
        }
        if (json.length > MAX_MAP_JSON_BYTES) {
            throw new DerpMapException("DERP map is " + json.length + " bytes, more than " + MAX_MAP_JSON_BYTES);
        }
        final String text;
        try {
            // Decode strictly ourselves: JSON on the wire is UTF-8 (RFC 8259 §8.1), and Jackson's byte input would
            // otherwise guess UTF-16/32 for some inputs.
            text = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(json))
                .toString();
        } catch (final CharacterCodingException e) {
            throw new DerpMapException("DERP map is not valid UTF-8", e);
        }
        return parseText(text);
    }

    /** Parses a JSON document given as text; its UTF-8 form must fit {@link #MAX_MAP_JSON_BYTES}. */
    public static DerpMap parse(final String json) {
        if (json == null) {
            throw new DerpMapException("DERP map is null");
        }
        if (json.length() > MAX_MAP_JSON_BYTES) { // UTF-8 never has fewer bytes than chars
            throw new DerpMapException("DERP map is " + json.length() + " chars, more than " + MAX_MAP_JSON_BYTES
                + " bytes");
        }
        return parse(json.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Reads at most {@link #MAX_MAP_JSON_BYTES} + 1 bytes from {@code in} and parses them.
     *
     * @throws IOException      when reading the stream fails (not a map problem)
     * @throws DerpMapException when the document is too long or not a valid map
     */
    public static DerpMap parse(final InputStream in) throws IOException {
        final byte[] json = in.readNBytes(MAX_MAP_JSON_BYTES + 1);
        if (json.length > MAX_MAP_JSON_BYTES) {
            throw new DerpMapException("DERP map is more than " + MAX_MAP_JSON_BYTES + " bytes");
        }
        return parse(json);
    }

    private static DerpMap parseText(final String text) {
        final JsonNode root;
        try {
            root = MAPPER.readTree(text);
        } catch (final JsonProcessingException e) {
            throw new DerpMapException("DERP map is not valid JSON: " + shorten(e.getOriginalMessage())
                + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr()
                + ", column " + e.getLocation().getColumnNr()), e);
        }
        if (root == null || !root.isObject()) {
            throw new DerpMapException("DERP map must be a JSON object, got " + describe(root));
        }
        return readMap(root);
    }

    private static DerpMap readMap(final JsonNode root) {
        final JsonNode regionsNode = field(root, "Regions");
        final List<DerpRegion> regions = new ArrayList<>();
        if (regionsNode != null) {
            requireType(regionsNode.isObject(), "Regions", "an object", regionsNode);
            if (regionsNode.size() > DerpMap.MAX_REGIONS) {
                throw new DerpMapException("Regions has " + regionsNode.size() + " entries, more than "
                    + DerpMap.MAX_REGIONS);
            }
            for (final Map.Entry<String, JsonNode> e : regionsNode.properties()) {
                final String path = "Regions[" + DerpMapException.quote(e.getKey()) + "]";
                final int keyId = parseIdKey(e.getKey(), path);
                final JsonNode regionNode = e.getValue();
                if (regionNode.isNull()) {
                    continue; // Go: a null *DERPRegion; there is nothing to use
                }
                requireType(regionNode.isObject(), path, "an object", regionNode);
                regions.add(readRegion(regionNode, keyId, path));
            }
        }
        final JsonNode homeNode = field(root, "HomeParams");
        final HomeParams homeParams = homeNode == null ? null : readHomeParams(homeNode);
        final boolean omitDefaultRegions = bool(root, "omitDefaultRegions", "");
        return new DerpMap(regions, homeParams, omitDefaultRegions);
    }

    private static DerpRegion readRegion(final JsonNode node, final int keyId, final String path) {
        final long regionIdValue = integer(node, "RegionID", path, 0);
        if (regionIdValue != keyId) {
            throw new DerpMapException(path + ": RegionID " + regionIdValue + " does not equal its map key " + keyId);
        }
        final int regionId = keyId;
        final JsonNode nodesNode = field(node, "Nodes");
        final List<DerpNode> nodes = new ArrayList<>();
        if (nodesNode != null) {
            requireType(nodesNode.isArray(), path + ".Nodes", "an array", nodesNode);
            if (nodesNode.size() > DerpRegion.MAX_NODES_PER_REGION) {
                throw new DerpMapException(path + ".Nodes has " + nodesNode.size() + " entries, more than "
                    + DerpRegion.MAX_NODES_PER_REGION);
            }
            for (int i = 0; i < nodesNode.size(); i++) {
                final JsonNode n = nodesNode.get(i);
                final String nodePath = path + ".Nodes[" + i + "]";
                if (n.isNull()) {
                    continue; // Go: a null *DERPNode
                }
                requireType(n.isObject(), nodePath, "an object", n);
                nodes.add(readNode(n, regionId, nodePath));
            }
        }
        final String regionCode = string(node, "RegionCode", path);
        final String regionName = string(node, "RegionName", path);
        final double latitude = number(node, "Latitude", path);
        final double longitude = number(node, "Longitude", path);
        final boolean avoid = bool(node, "Avoid", path);
        final boolean noMeasureNoHome = bool(node, "NoMeasureNoHome", path);
        try {
            return new DerpRegion(regionId, regionCode, regionName, latitude, longitude, avoid, noMeasureNoHome, nodes);
        } catch (final DerpMapException e) {
            throw e.at(path);
        }
    }

    private static DerpNode readNode(final JsonNode node, final int regionId, final String path) {
        final long nodeRegionId = integer(node, "RegionID", path, 0);
        if (nodeRegionId != 0 && nodeRegionId != regionId) {
            throw new DerpMapException(path + ".RegionID " + nodeRegionId + " does not match the region's RegionID "
                + regionId);
        }
        final String name = string(node, "Name", path);
        final String hostName = string(node, "HostName", path);
        final String certName = string(node, "CertName", path);
        final String ipv4 = string(node, "IPv4", path);
        final String ipv6 = string(node, "IPv6", path);
        final int stunPort = portLike(node, "STUNPort", path);
        final boolean stunOnly = bool(node, "STUNOnly", path);
        final int derpPort = portLike(node, "DERPPort", path);
        final boolean insecureForTests = bool(node, "InsecureForTests", path);
        final String stunTestIp = string(node, "STUNTestIP", path);
        final boolean canPort80 = bool(node, "CanPort80", path);
        try {
            return new DerpNode(name, regionId, // absent RegionID: the node is in the region that lists it
                hostName, certName, NodeAddress.ipv4(ipv4), NodeAddress.ipv6(ipv6), stunPort, stunOnly, derpPort,
                insecureForTests, stunTestIp, canPort80);
        } catch (final DerpMapException e) {
            throw e.at(path + describeNode(name));
        }
    }

    private static String describeNode(final String name) {
        return name.isEmpty() ? "" : " (" + DerpMapException.quote(name) + ")";
    }

    private static HomeParams readHomeParams(final JsonNode node) {
        requireType(node.isObject(), "HomeParams", "an object", node);
        final JsonNode scores = field(node, "RegionScore");
        final TreeMap<Integer, Double> regionScore = new TreeMap<>();
        if (scores != null) {
            requireType(scores.isObject(), "HomeParams.RegionScore", "an object", scores);
            if (scores.size() > HomeParams.MAX_REGION_SCORES) {
                throw new DerpMapException("HomeParams.RegionScore has " + scores.size() + " entries, more than "
                    + HomeParams.MAX_REGION_SCORES);
            }
            for (final Map.Entry<String, JsonNode> e : scores.properties()) {
                final String path = "HomeParams.RegionScore[" + DerpMapException.quote(e.getKey()) + "]";
                final int regionId = parseIdKey(e.getKey(), path);
                final JsonNode value = e.getValue();
                requireType(value.isNumber(), path, "a number", value);
                if (regionScore.put(regionId, value.doubleValue()) != null) {
                    throw new DerpMapException(path + ": region " + regionId + " is scored twice");
                }
            }
        }
        try {
            return new HomeParams(regionScore);
        } catch (final DerpMapException e) {
            throw e.at("HomeParams");
        }
    }

    /**
     * A region map key: decimal digits naming a region ID (Go decodes {@code map[int]} keys as base-10 integers).
     * The value saturates just above {@link DerpRegion#MAX_REGION_ID}, so a key of any length is reported as out of
     * range, never wrapped into a valid id.
     */
    private static int parseIdKey(final String key, final String path) {
        if (key.isEmpty()) {
            throw new DerpMapException(path + ": key must be a decimal region ID");
        }
        long value = 0;
        for (int i = 0; i < key.length(); i++) {
            final char c = key.charAt(i);
            if (c < '0' || c > '9') {
                throw new DerpMapException(path + ": key must be a decimal region ID");
            }
            value = Math.min(value * 10 + (c - '0'), DerpRegion.MAX_REGION_ID + 1L);
        }
        try {
            return DerpRegion.requireRegionId(value, "key");
        } catch (final DerpMapException e) {
            throw new DerpMapException(path + ": key must be a region ID " + DerpRegion.MIN_REGION_ID + ".."
                + DerpRegion.MAX_REGION_ID + " (derpring keeps region IDs in an int), got " + DerpMapException.quote(key));
        }
    }

    /** The value of {@code key}, or {@code null} when absent or JSON null. */
    private static JsonNode field(final JsonNode object, final String key) {
        final JsonNode value = object.get(key);
        return value == null || value.isNull() ? null : value;
    }

    private static String string(final JsonNode object, final String key, final String path) {
        final JsonNode value = field(object, key);
        if (value == null) {
            return "";
        }
        requireType(value.isTextual(), join(path, key), "a string", value);
        return value.textValue();
    }

    private static boolean bool(final JsonNode object, final String key, final String path) {
        final JsonNode value = field(object, key);
        if (value == null) {
            return false;
        }
        requireType(value.isBoolean(), join(path, key), "a boolean", value);
        return value.booleanValue();
    }

    /** An integer field as Go's {@code int}: a JSON number without fraction or exponent that fits 64 bits. */
    private static long integer(final JsonNode object, final String key, final String path, final long absent) {
        final JsonNode value = field(object, key);
        if (value == null) {
            return absent;
        }
        requireType(value.isIntegralNumber(), join(path, key), "an integer", value);
        if (!value.canConvertToLong()) {
            throw new DerpMapException(join(path, key) + " is out of range: " + shorten(value.asText()));
        }
        return value.longValue();
    }

    /** A port-like field ({@code STUNPort}, {@code DERPPort}); values outside int range are reported, not wrapped. */
    private static int portLike(final JsonNode object, final String key, final String path) {
        final long value = integer(object, key, path, 0);
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            throw new DerpMapException(join(path, key) + " is out of range: " + value);
        }
        return (int) value;
    }

    private static double number(final JsonNode object, final String key, final String path) {
        final JsonNode value = field(object, key);
        if (value == null) {
            return 0;
        }
        requireType(value.isNumber(), join(path, key), "a number", value);
        return value.doubleValue();
    }

    private static String join(final String path, final String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    private static void requireType(final boolean ok, final String path, final String expected, final JsonNode seen) {
        if (!ok) {
            throw new DerpMapException(path + " must be " + expected + ", got " + describe(seen));
        }
    }

    private static String describe(final JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "nothing";
        }
        final String type = node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        return node.isContainerNode() ? type : type + " " + shorten(node.toString());
    }

    private static String shorten(final String s) {
        if (s == null) {
            return "";
        }
        return s.length() <= MAX_CAUSE_MESSAGE_CHARS ? s : s.substring(0, MAX_CAUSE_MESSAGE_CHARS) + "...";
    }

    private static ObjectMapper newMapper() {
        final JsonFactory factory = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                .maxDocumentLength(MAX_MAP_JSON_BYTES)
                .maxTokenCount(MAX_JSON_TOKENS)
                .maxNestingDepth(MAX_JSON_NESTING_DEPTH)
                .maxStringLength(MAX_JSON_STRING_CHARS)
                .maxNameLength(MAX_JSON_KEY_CHARS)
                .maxNumberLength(MAX_JSON_NUMBER_CHARS)
                .build())
            // A repeated key is ambiguous (parsers disagree on first or last wins), so a hostile map can't use it to
            // show one value to a validator and another to us.
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
        return new ObjectMapper(factory)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }
}
