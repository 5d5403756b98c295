package io.derpring.derpmap;

import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Builds small DERP map JSON documents for tests. Host names are unresolvable {@code .test} names. */
final class TestMaps {
    static final ObjectMapper JSON = new ObjectMapper();

    private TestMaps() {
    }

    /** One region 900 ("tst") with one node "900a": HostName derp900a.example.test, IPv4 192.0.2.1. */
    static ObjectNode oneNodeMap() {
        final ObjectNode root = JSON.createObjectNode();
        final ObjectNode region = root.putObject("Regions").putObject("900");
        region.put("RegionID", 900).put("RegionCode", "tst").put("RegionName", "Test Region");
        region.putArray("Nodes").addObject()
            .put("Name", "900a").put("RegionID", 900).put("HostName", "derp900a.example.test")
            .put("IPv4", "192.0.2.1");
        return root;
    }

    static ObjectNode region(final ObjectNode map) {
        return (ObjectNode) map.get("Regions").get("900");
    }

    static ObjectNode node(final ObjectNode map) {
        return (ObjectNode) region(map).get("Nodes").get(0);
    }

    /** The one-node map with {@code field} of node 900a set to {@code value}. */
    static ObjectNode withNodeField(final String field, final JsonNode value) {
        final ObjectNode map = oneNodeMap();
        node(map).set(field, value);
        return map;
    }

    static ObjectNode withNodeField(final String field, final long value) {
        return withNodeField(field, JSON.getNodeFactory().numberNode(value));
    }

    static ObjectNode withNodeField(final String field, final String value) {
        return withNodeField(field, JSON.getNodeFactory().textNode(value));
    }

    static DerpMap parse(final JsonNode map) {
        return DerpMapParser.parse(map.toString());
    }

    static DerpNode onlyNode(final DerpMap map) {
        return map.regions().get(0).nodes().get(0);
    }

    /** A map with {@code regions} regions 1..regions, each with {@code nodesPerRegion} nodes. */
    static ObjectNode mapWith(final int regions, final int nodesPerRegion) {
        final ObjectNode root = JSON.createObjectNode();
        final ObjectNode rs = root.putObject("Regions");
        for (int r = 1; r <= regions; r++) {
            final ObjectNode region = rs.putObject(Integer.toString(r));
            region.put("RegionID", r);
            final ArrayNode nodes = region.putArray("Nodes");
            for (int n = 0; n < nodesPerRegion; n++) {
                nodes.addObject().put("Name", r + "n" + n).put("RegionID", r).put("HostName", "h" + n + ".example.test");
            }
        }
        return root;
    }

    static byte[] utf8(final String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
