package io.derpring.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Many pairs on one embedded relay: every connection is dialled in waves of {@link RawClients#MAX_CONNECTS_IN_FLIGHT}
 * and every pair delivers. Paced (a few packets a second per pair) so the run proves fairness and accounting, not
 * the box's throughput.
 */
@Timeout(120)
class ManyPairsTest {
    /** 2 nodes per pair: the pair counts whose connection count is one wave less one, one wave, one wave plus one. */
    @ParameterizedTest
    @ValueSource(ints = {RawClients.MAX_CONNECTS_IN_FLIGHT / 2 - 1, RawClients.MAX_CONNECTS_IN_FLIGHT / 2,
        RawClients.MAX_CONNECTS_IN_FLIGHT / 2 + 1})
    void connectWavesAroundTheLimitConnectEveryNode(final int pairs) throws Exception {
        final LoadReport r = LoadGeneratorTest.run(LoadOptions.builder().drainTimeout(LoadGeneratorTest.TEST_DRAIN)
            .pairs(pairs).ratePerPair(20)
            .duration(Duration.ofMillis(600)).warmup(Duration.ofMillis(100)).build());
        LoadGeneratorTest.assertNothingUnexplained(r);
        assertThat(r.pairsDelivering()).isEqualTo(pairs);
    }

    @Test
    void twoHundredRawPairsAllDeliver() throws Exception {
        final int pairs = 200;
        final LoadReport r = LoadGeneratorTest.run(LoadOptions.builder().drainTimeout(LoadGeneratorTest.TEST_DRAIN)
            .pairs(pairs).ratePerPair(50)
            .duration(Duration.ofSeconds(2)).warmup(Duration.ofMillis(300)).build());
        LoadGeneratorTest.assertNothingUnexplained(r);
        assertThat(r.connectionsLost()).isZero();
        assertThat(r.pairsDelivering()).as("pairs that received packets").isEqualTo(pairs);
        assertThat(r.toJsonMap()).containsEntry("pairs_delivering", pairs);
    }

    @Test
    void engineClientsConnectInWaves() throws Exception {
        final int pairs = EngineClients.PAIRS_PER_CONNECT_WAVE + 1;
        final LoadReport r = LoadGeneratorTest.run(LoadOptions.builder().drainTimeout(LoadGeneratorTest.TEST_DRAIN)
            .pairs(pairs).client(ClientKind.ENGINE)
            .ratePerPair(20).duration(Duration.ofMillis(800)).warmup(Duration.ofMillis(200)).build());
        LoadGeneratorTest.assertNothingUnexplained(r);
        assertThat(r.pairsDelivering()).isEqualTo(pairs);
    }
}
