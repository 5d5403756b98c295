package io.derpring.derpmap;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet4Address;
import java.net.InetSocketAddress;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.derpring.testing.Fuzzing;

/**
 * {@link DerpMapParser#parse(byte[])} on attacker-chosen bytes (SPEC §5.10): a valid map or a
 * {@link DerpMapException} with a message, never another exception, and the same bytes always give an equal map.
 * The corpus (DerpMapParserFuzzTestInputs/) starts from derpmap.json's map plus a few shapes it lacks (HomeParams,
 * null regions and nodes, pinned certificates, IPv6); it runs as a regression test in the normal build. Set
 * JAZZER_FUZZ=1 to fuzz. {@link DerpMapFuzzTest} is the seeded, Jazzer-free sibling.
 */
class DerpMapParserFuzzTest {

    @FuzzTest(maxDuration = Fuzzing.MAX_DURATION)
    void parseGivesAValidMapOrDerpMapException(final byte[] json) {
        final DerpMap map;
        try {
            map = DerpMapParser.parse(json);
        } catch (final DerpMapException expected) {
            assertThat(expected.getMessage()).isNotBlank();
            return;
        }
        assertThat(DerpMapParser.parse(json)).isEqualTo(map);
        int previous = 0;
        for (final DerpRegion region : map.regions()) {
            assertThat(region.regionId()).isGreaterThan(previous).isBetween(DerpRegion.MIN_REGION_ID,
                DerpRegion.MAX_REGION_ID);
            previous = region.regionId();
            assertThat(map.region(region.regionId())).isEqualTo(region);
            assertThat(region.nodes()).hasSizeLessThanOrEqualTo(DerpRegion.MAX_NODES_PER_REGION);
            for (final DerpNode node : region.nodes()) {
                assertThat(node.regionId()).isEqualTo(region.regionId());
                assertThat(node.transportSecurity()).isNotNull();
                assertThat(node.derpUrl()).isNotBlank();
                assertThat(node.effectiveDerpPort()).isBetween(1, DerpNode.MAX_PORT);
            }
        }
        assertThat(map.regions()).hasSizeLessThanOrEqualTo(DerpMap.MAX_REGIONS);
        for (final InetSocketAddress stun : map.stunServersV4()) {
            assertThat(stun.getAddress()).isInstanceOf(Inet4Address.class);
            assertThat(stun.getPort()).isBetween(1, DerpNode.MAX_PORT);
        }
        assertThat(map.toString()).isNotBlank();
    }
}
