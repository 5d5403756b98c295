package io.derpring.derpmap;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every case of {@code vectors/derpmap.json} (SPEC §5.9, §5.10, §2.6). */
class DerpMapVectorsTest {
    private static final JsonNode VECTORS = load();
    private static final DerpMap MAP = DerpMapParser.parse(VECTORS.get("derp_map").toString());

    static JsonNode load() {
        try (InputStream in = DerpMapVectorsTest.class.getResourceAsStream("/vectors/derpmap.json")) {
            return new ObjectMapper().readTree(in);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static DerpNode node(final String name) {
        return MAP.regions().stream().flatMap(r -> r.nodes().stream()).filter(n -> n.name().equals(name))
            .findFirst().orElseThrow(() -> new AssertionError("no node " + name + " in derpmap.json"));
    }

    /** "a.b.c.d:port" built from the address bytes (getHostAddress never resolves). */
    static String hostPort(final InetSocketAddress address) {
        return address.getAddress().getHostAddress() + ":" + address.getPort();
    }

    @Test
    @DisplayName("B62: derpmap.json STUN list equals expected_stun_servers_v4, in region-ID then node order")
    void b62StunListEqualsExpectedStunServersV4() {
        final List<String> expected = new ArrayList<>();
        VECTORS.get("expected_stun_servers_v4").forEach(v -> expected.add(v.asText()));
        assertThat(MAP.stunServersV4().stream().map(DerpMapVectorsTest::hostPort).toList())
            .containsExactlyElementsOf(expected);
    }

    @Test
    void regionIdsAreSortedAsRegionIdsSorted() {
        final int[] expected = StreamSupport.stream(VECTORS.get("region_ids_sorted").spliterator(), false)
            .mapToInt(JsonNode::asInt).toArray();
        assertThat(MAP.regionIds()).containsExactly(expected);
        assertThat(MAP.regions().stream().map(DerpRegion::regionId).toList())
            .containsExactly(900, 901, 902, 903);
    }

    static Stream<Arguments> perNode() {
        return StreamSupport.stream(VECTORS.get("per_node").spliterator(), false)
            .map(row -> Arguments.of(row.get("node").asText(), row));
    }

    @ParameterizedTest(name = "derpmap.json per_node {0}: ipv4_usage")
    @MethodSource("perNode")
    void perNodeIpv4Usage(final String name, final JsonNode row) {
        final AddressMode expected = switch (row.get("ipv4_usage").asText()) {
            case "FixedAddr" -> AddressMode.FIXED;
            case "UseDns" -> AddressMode.USE_DNS;
            case "Disable" -> AddressMode.DISABLED;
            default -> throw new AssertionError("unknown ipv4_usage " + row);
        };
        assertThat(node(name).ipv4().mode()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "derpmap.json per_node {0}: stun_port")
    @MethodSource("perNode")
    void perNodeStunPort(final String name, final JsonNode row) {
        final DerpNode node = node(name);
        if (row.get("stun_port").isNull()) {
            assertThat(node.stunEnabled()).isFalse();
            assertThat(node.effectiveStunPort()).isEqualTo(DerpNode.STUN_DISABLED);
        } else {
            assertThat(node.stunEnabled()).isTrue();
            assertThat(node.effectiveStunPort()).isEqualTo(row.get("stun_port").asInt());
        }
    }

    @ParameterizedTest(name = "derpmap.json per_node {0}: included in the STUN list")
    @MethodSource("perNode")
    void perNodeIncluded(final String name, final JsonNode row) {
        final DerpNode node = node(name);
        final boolean included = node.ipv4().isFixed() && node.stunEnabled()
            && MAP.stunServersV4().contains(new InetSocketAddress(node.ipv4().address(), node.effectiveStunPort()));
        assertThat(included).isEqualTo(row.get("included").asBoolean());
    }

    @Test
    void perNodeTableCoversEveryNode() {
        final List<String> tableNames = perNode().map(a -> (String) a.get()[0]).toList();
        assertThat(MAP.regions().stream().flatMap(r -> r.nodes().stream()).map(DerpNode::name).toList())
            .containsExactlyElementsOf(tableNames);
    }

    static Stream<Arguments> derpUrls() {
        return VECTORS.get("derp_urls").properties().stream()
            .map(e -> Arguments.of(e.getKey(), e.getValue().asText()));
    }

    @ParameterizedTest(name = "derpmap.json derp_urls {0}")
    @MethodSource("derpUrls")
    void derpUrlMatches(final String name, final String value) {
        // A value may carry a note: "<url> (dial <ip>, SNI <host>)".
        final int note = value.indexOf(" (");
        final String url = note < 0 ? value : value.substring(0, note);
        final DerpNode node = node(name);
        assertThat(node.derpUrl()).isEqualTo(url);
        if (note >= 0) {
            final String[] parts = value.substring(note + 2, value.length() - 1).split(", ");
            assertThat(parts[0]).startsWith("dial ");
            assertThat(parts[1]).startsWith("SNI ");
            assertThat(node.ipv4().address().getHostAddress()).isEqualTo(parts[0].substring("dial ".length()));
            assertThat(node.transportSecurity().sniHostName()).isEqualTo(parts[1].substring("SNI ".length()));
        }
    }

    @Test
    void everyVectorNodeIsInsecureForTestsSoTlsSkipsVerificationButStaysTls() {
        MAP.regions().stream().flatMap(r -> r.nodes().stream()).forEach(n ->
            assertThat(n.transportSecurity()).as(n.name())
                .isEqualTo(new TransportSecurity.InsecureSkipVerify(n.hostName())));
    }

    @Test
    void regionFieldsAreRead() {
        final DerpRegion r900 = MAP.region(900);
        assertThat(r900.regionCode()).isEqualTo("lo1");
        assertThat(r900.regionName()).isEqualTo("Loopback One");
        assertThat(r900.noMeasureNoHome()).isFalse();
        assertThat(MAP.region(902).noMeasureNoHome()).isTrue();
        assertThat(MAP.omitDefaultRegions()).isTrue();
        assertThat(MAP.homeParams()).isEmpty();
        assertThat(MAP.hasRegion(904)).isFalse();
        assertThat(MAP.region(904)).isNull();
    }

    @Test
    void nodeFieldsAreRead() {
        final DerpNode n902s = node("902s");
        assertThat(n902s.stunOnly()).isTrue();
        assertThat(n902s.derpPort()).isZero();
        assertThat(n902s.effectiveDerpPort()).isEqualTo(443);
        assertThat(n902s.derpUrl()).isEqualTo("https://stun902.example.test/derp");
        assertThat(node("903a").canPort80()).isTrue();
        assertThat(node("900a").canPort80()).isFalse();
        assertThat(node("902a").ipv6().isFixed()).isTrue();
        assertThat(node("902a").ipv6().address().getHostAddress()).isEqualTo("0:0:0:0:0:0:0:1");
        assertThat(node("900a").ipv6().mode()).isEqualTo(AddressMode.DISABLED);
        assertThat(node("901b").ipv6().mode()).isEqualTo(AddressMode.USE_DNS);
        assertThat(node("900a").isTestNode()).isTrue();
        assertThat(node("903b").isTestNode()).isFalse();
        assertThat(node("900b").regionId()).isEqualTo(900);
    }

    @Test
    void reparsingGivesAnEqualMap() {
        assertThat(DerpMapParser.parse(VECTORS.get("derp_map").toString())).isEqualTo(MAP).hasSameHashCodeAs(MAP);
    }
}
