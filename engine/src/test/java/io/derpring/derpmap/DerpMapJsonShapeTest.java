package io.derpring.derpmap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** JSON shape rules: exact keys, unknown keys ignored, null = absent, wrong types and malformed JSON rejected. */
class DerpMapJsonShapeTest {
    private static final String NODE = "{\"Name\":\"1a\",\"RegionID\":1,\"HostName\":\"h.example.test\"%s}";

    private static String withNode(final String extra) {
        return "{\"Regions\":{\"1\":{\"RegionID\":1,\"Nodes\":[" + String.format(NODE, extra) + "]}}}";
    }

    private static String withRegion(final String extra) {
        return "{\"Regions\":{\"1\":{\"RegionID\":1" + extra + "}}}";
    }

    static Stream<Arguments> rejected() {
        return Stream.of(
            Arguments.of("empty document", ""),
            Arguments.of("whitespace only", "   \n"),
            Arguments.of("root is an array", "[]"),
            Arguments.of("root is a string", "\"Regions\""),
            Arguments.of("root is null", "null"),
            Arguments.of("root is a number", "42"),
            Arguments.of("unterminated object", "{\"Regions\":{"),
            Arguments.of("trailing document", "{} {}"),
            Arguments.of("trailing garbage", "{}x"),
            Arguments.of("duplicate key at root", "{\"Regions\":{},\"Regions\":{}}"),
            Arguments.of("duplicate region key", "{\"Regions\":{\"1\":{\"RegionID\":1},\"1\":{\"RegionID\":1}}}"),
            Arguments.of("duplicate node key", withNode(",\"STUNPort\":1,\"STUNPort\":2")),
            Arguments.of("comment", "{/* c */}"),
            Arguments.of("single quotes", "{'Regions':{}}"),
            Arguments.of("NaN", withRegion(",\"Latitude\":NaN")),
            Arguments.of("leading zero number", withRegion(",\"Latitude\":01")),
            Arguments.of("BOM", "\uFEFF{}"),
            Arguments.of("Regions is an array", "{\"Regions\":[]}"),
            Arguments.of("Regions is a number", "{\"Regions\":5}"),
            Arguments.of("region is an array", "{\"Regions\":{\"1\":[]}}"),
            Arguments.of("region is a string", "{\"Regions\":{\"1\":\"r\"}}"),
            Arguments.of("RegionID is a string", "{\"Regions\":{\"1\":{\"RegionID\":\"1\"}}}"),
            Arguments.of("RegionID is fractional", "{\"Regions\":{\"1\":{\"RegionID\":1.5}}}"),
            Arguments.of("RegionID has an exponent", "{\"Regions\":{\"900\":{\"RegionID\":9e2}}}"),
            Arguments.of("RegionID is 1.0", "{\"Regions\":{\"1\":{\"RegionID\":1.0}}}"),
            Arguments.of("RegionID is true", "{\"Regions\":{\"1\":{\"RegionID\":true}}}"),
            Arguments.of("Nodes is an object", withRegion(",\"Nodes\":{}")),
            Arguments.of("node is a string", withRegion(",\"Nodes\":[\"1a\"]")),
            Arguments.of("node is an array", withRegion(",\"Nodes\":[[]]")),
            Arguments.of("RegionCode is a number", withRegion(",\"RegionCode\":7")),
            Arguments.of("Avoid is a string", withRegion(",\"Avoid\":\"true\"")),
            Arguments.of("NoMeasureNoHome is a number", withRegion(",\"NoMeasureNoHome\":1")),
            Arguments.of("Latitude is a string", withRegion(",\"Latitude\":\"1\"")),
            Arguments.of("Longitude is an object", withRegion(",\"Longitude\":{}")),
            Arguments.of("HostName is a number", withNode(",\"HostName\":1")),
            Arguments.of("IPv4 is a number", withNode(",\"IPv4\":2130706433")),
            Arguments.of("IPv6 is an array", withNode(",\"IPv6\":[]")),
            Arguments.of("CertName is a boolean", withNode(",\"CertName\":true")),
            Arguments.of("STUNPort is a string", withNode(",\"STUNPort\":\"3478\"")),
            Arguments.of("STUNPort is 3478.0", withNode(",\"STUNPort\":3478.0")),
            Arguments.of("DERPPort is a string", withNode(",\"DERPPort\":\"443\"")),
            Arguments.of("STUNOnly is a string", withNode(",\"STUNOnly\":\"true\"")),
            Arguments.of("InsecureForTests is a number", withNode(",\"InsecureForTests\":1")),
            Arguments.of("CanPort80 is a string", withNode(",\"CanPort80\":\"yes\"")),
            Arguments.of("STUNTestIP is a number", withNode(",\"STUNTestIP\":1")),
            Arguments.of("Name is an object", withNode(",\"Name\":{}")),
            Arguments.of("omitDefaultRegions is a string", "{\"omitDefaultRegions\":\"true\"}"),
            Arguments.of("HomeParams is an array", "{\"HomeParams\":[]}"),
            Arguments.of("RegionScore is an array", "{\"HomeParams\":{\"RegionScore\":[]}}"),
            Arguments.of("RegionScore value is a string", "{\"HomeParams\":{\"RegionScore\":{\"1\":\"2\"}}}"),
            Arguments.of("RegionScore value is infinite", "{\"HomeParams\":{\"RegionScore\":{\"1\":1e999}}}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rejected")
    void rejectedWithTypedError(final String name, final String json) {
        assertThatThrownBy(() -> DerpMapParser.parse(json)).isInstanceOf(DerpMapException.class);
    }

    @Test
    void invalidUtf8IsRejected() {
        final byte[] doc = "{\"Regions\":{},\"Pad\":\"xx\"}".getBytes(StandardCharsets.UTF_8);
        doc[22] = (byte) 0xC3; // a lead byte followed by '"' is not UTF-8
        assertThatThrownBy(() -> DerpMapParser.parse(doc)).isInstanceOf(DerpMapException.class)
            .hasMessageContaining("UTF-8");
    }

    @Test
    void utf16DocumentIsRejectedNotGuessed() {
        final byte[] doc = "{\"Regions\":{}}".getBytes(StandardCharsets.UTF_16);
        assertThatThrownBy(() -> DerpMapParser.parse(doc)).isInstanceOf(DerpMapException.class);
    }

    @Test
    void emptyObjectIsAnEmptyMap() {
        final DerpMap map = DerpMapParser.parse("{}");
        assertThat(map.regions()).isEmpty();
        assertThat(map.stunServersV4()).isEmpty();
        assertThat(map.omitDefaultRegions()).isFalse();
    }

    @Test
    void unknownKeysAreIgnoredAtEveryLevel() {
        final String json = "{\"Future\":{\"x\":[1,2,{}]},\"Regions\":{\"1\":{\"RegionID\":1,\"NewRegionField\":true,"
            + "\"Nodes\":[" + String.format(NODE, ",\"NewNodeField\":\"v\",\"IPv4\":\"192.0.2.9\"") + "]}},"
            + "\"HomeParams\":{\"RegionScore\":{},\"Other\":1}}";
        final DerpMap map = DerpMapParser.parse(json);
        assertThat(map.regionIds()).containsExactly(1);
        assertThat(map.stunServersV4()).extracting(DerpMapVectorsTest::hostPort).containsExactly("192.0.2.9:3478");
    }

    @Test
    void keysAreMatchedExactlyNotCaseInsensitively() {
        // "ipv4" is an unknown key (upstream writes "IPv4"), so the node keeps the DNS default and is no STUN target.
        final DerpMap map = DerpMapParser.parse(withNode(",\"ipv4\":\"192.0.2.9\",\"stunport\":-1"));
        final DerpNode node = map.regions().get(0).nodes().get(0);
        assertThat(node.ipv4().mode()).isEqualTo(AddressMode.USE_DNS);
        assertThat(node.stunPort()).isZero();
    }

    @Test
    void omitDefaultRegionsIsLowercase() {
        assertThat(DerpMapParser.parse("{\"omitDefaultRegions\":true}").omitDefaultRegions()).isTrue();
        assertThat(DerpMapParser.parse("{\"OmitDefaultRegions\":true}").omitDefaultRegions()).isFalse();
    }

    @Test
    void nullValuesMeanAbsent() {
        final String json = "{\"Regions\":{\"1\":{\"RegionID\":1,\"RegionCode\":null,\"Latitude\":null,"
            + "\"Nodes\":[null," + String.format(NODE, ",\"IPv4\":null,\"STUNPort\":null,\"DERPPort\":null,"
            + "\"STUNOnly\":null,\"CertName\":null") + "]},\"2\":null},\"HomeParams\":null,\"omitDefaultRegions\":null}";
        final DerpMap map = DerpMapParser.parse(json);
        assertThat(map.regionIds()).containsExactly(1);
        final DerpNode node = map.regions().get(0).nodes().get(0);
        assertThat(map.regions().get(0).nodes()).hasSize(1);
        assertThat(node.ipv4().mode()).isEqualTo(AddressMode.USE_DNS);
        assertThat(node.effectiveStunPort()).isEqualTo(3478);
        assertThat(node.effectiveDerpPort()).isEqualTo(443);
        assertThat(map.homeParams()).isEmpty();
    }

    @Test
    void regionWithoutNodesIsKept() {
        assertThat(DerpMapParser.parse(withRegion("")).region(1).nodes()).isEmpty();
        assertThat(DerpMapParser.parse(withRegion(",\"Nodes\":[]")).region(1).nodes()).isEmpty();
    }

    @Test
    void theLargestIntRegionIdIsRead() {
        assertThat(DerpMapParser.parse("{\"Regions\":{\"2147483647\":{\"RegionID\":2147483647}}}")
            .regionIds()).containsExactly(Integer.MAX_VALUE);
    }
}
