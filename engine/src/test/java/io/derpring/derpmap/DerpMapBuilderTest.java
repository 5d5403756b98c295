package io.derpring.derpmap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

/** {@link DerpMap#builder()}: short for the common case, the parser's rules for every value. */
class DerpMapBuilderTest {
    private static final String PIN = "sha256-raw:" + "ab".repeat(32);

    private static DerpNode onlyNode(final DerpMap map) {
        return map.regions().get(0).nodes().get(0);
    }

    @Test
    void aBuiltMapEqualsTheSameMapParsedFromJson() {
        final DerpMap built = DerpMap.builder()
            .region(900, "tst", r -> r.name("Test Region")
                .node("900a", "derp900a.example.test", 0).ipv4("192.0.2.1"))
            .build();

        assertThat(built).isEqualTo(DerpMapParser.parse(TestMaps.oneNodeMap().toString()));
    }

    @Test
    void aLoopbackNodeIsDialedAtItsLiteralWithoutDns() {
        final DerpNode node = onlyNode(DerpMap.builder().region(900, "test", r -> r.node("900a", "127.0.0.1", 3340))
            .build());

        assertThat(node.ipv4().isFixed()).isTrue();
        assertThat(node.ipv4().text()).isEqualTo("127.0.0.1");
        assertThat(node.ipv6().mode()).isEqualTo(AddressMode.DISABLED);
        assertThat(node.effectiveDerpPort()).isEqualTo(3340);
    }

    @Test
    void aNodeNamedByDnsResolvesItsHostName() {
        final DerpNode node = onlyNode(DerpMap.builder()
            .region(900, "test", r -> r.node("900a", "derp.example.test", 0)).build());

        assertThat(node.ipv4().mode()).isEqualTo(AddressMode.USE_DNS);
        assertThat(node.ipv6().mode()).isEqualTo(AddressMode.USE_DNS);
        assertThat(node.effectiveDerpPort()).isEqualTo(DerpNode.DEFAULT_DERP_PORT);
    }

    @Test
    void aNodeWithACertNameVerifiesThatName() {
        final DerpNode node = onlyNode(DerpMap.builder()
            .region(900, "test", r -> r.node("900a", "127.0.0.1", 3340).certName("relay.example.test")).build());

        assertThat(node.transportSecurity())
            .isEqualTo(new TransportSecurity.VerifyName("127.0.0.1", "relay.example.test"));
    }

    @Test
    void aNodeWithAPinVerifiesTheLeafHash() {
        final DerpNode node = onlyNode(DerpMap.builder()
            .region(900, "test", r -> r.node("900a", "127.0.0.1", 3340).certName(PIN)).build());

        assertThat(node.transportSecurity()).isEqualTo(new TransportSecurity.PinnedSha256("127.0.0.1", "ab".repeat(32)));
    }

    @Test
    void anInsecureForTestsNodeKeepsTls() {
        final DerpNode node = onlyNode(DerpMap.builder()
            .region(900, "test", r -> r.node("900a", "127.0.0.1", 3340).insecureForTests()).build());

        assertThat(node.transportSecurity()).isEqualTo(new TransportSecurity.InsecureSkipVerify("127.0.0.1"));
    }

    @Test
    void nodesKeepTheOrderTheyWereAddedIn() {
        final DerpMap map = DerpMap.builder().region(900, "test", r -> {
            r.node("900b", "127.0.0.1", 3341);
            r.node("900a", "127.0.0.1", 3340);
        }).build();

        assertThat(map.region(900).nodes()).extracting(DerpNode::name).containsExactly("900b", "900a");
    }

    @Test
    void regionsAreKeptInRegionIdOrder() {
        final DerpMap map = DerpMap.builder()
            .region(902, "c", r -> r.node("c", "127.0.0.1", 1))
            .region(900, "a", r -> r.node("a", "127.0.0.1", 1))
            .build();

        assertThat(map.regionIds()).containsExactly(900, 902);
    }

    @Test
    void theSmallestRegionIdIsAccepted() {
        assertThat(DerpMap.builder().region(DerpRegion.MIN_REGION_ID, "a", r -> { }).build().regionIds())
            .containsExactly(1);
    }

    @Test
    void regionIdZeroIsRejectedNamingTheRegion() {
        assertThatThrownBy(() -> DerpMap.builder().region(0, "a", r -> r.node("a", "127.0.0.1", 1)))
            .isInstanceOf(DerpMapException.class).hasMessageStartingWith("Regions[0]: RegionID must be 1..");
    }

    @Test
    void theLargestRegionIdIsAccepted() {
        assertThat(DerpMap.builder().region(DerpRegion.MAX_REGION_ID, "a", r -> { }).build().regionIds())
            .containsExactly(Integer.MAX_VALUE);
    }

    @Test
    void aBadNodeValueIsRejectedNamingRegionNodeAndField() {
        assertThatThrownBy(() -> DerpMap.builder().region(900, "a", r -> r.node("900a", "127.0.0.1", 65_536)))
            .isInstanceOf(DerpMapException.class)
            .hasMessageStartingWith("Regions[900].Nodes[0] (\"900a\"): DERPPort must be");
    }

    @Test
    void aHostNameThatCouldChangeTheUrlIsRejectedAsTheParserRejectsIt() {
        assertThatThrownBy(() -> DerpMap.builder().region(900, "a", r -> r.node("900a", "evil.test/x", 1)))
            .isInstanceOf(DerpMapException.class).hasMessageContaining("HostName must be a DNS name");
    }

    @Test
    void aRegionAddedTwiceIsRejected() {
        final DerpMapBuilder builder = DerpMap.builder()
            .region(900, "a", r -> r.node("a", "127.0.0.1", 1))
            .region(900, "b", r -> r.node("b", "127.0.0.1", 2));

        assertThatThrownBy(builder::build).isInstanceOf(DerpMapException.class).hasMessageContaining("900 twice");
    }

    @Test
    void regionScoresBecomeHomeParams() {
        final DerpMap map = DerpMap.builder().region(900, "a", r -> { }).regionScore(900, 0.5).build();

        assertThat(map.homeParams().orElseThrow().regionScore()).containsExactly(Map.entry(900, 0.5));
    }

    @Test
    void aNegativeRegionScoreIsRejected() {
        final DerpMapBuilder builder = DerpMap.builder().region(900, "a", r -> { }).regionScore(900, -1);

        assertThatThrownBy(builder::build).isInstanceOf(DerpMapException.class)
            .hasMessageContaining("HomeParams: RegionScore[900] must not be negative");
    }

    @Test
    void withoutScoresTheMapHasNoHomeParams() {
        assertThat(DerpMap.builder().region(900, "a", r -> { }).build().homeParams()).isEmpty();
    }
}
