package io.derpring.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import io.derpring.internal.frame.FrameLimits;
import io.derpring.loadgen.fault.FaultSchedule;
import io.derpring.internal.relay.RelayConfig;
import io.derpring.runtime.InvalidConfigException;
import org.junit.jupiter.api.Test;

class LoadOptionsTest {
    @Test
    void defaultsFinishInAboutTwentySecondsWithoutRelayQueueDrops() {
        final LoadOptions o = LoadOptions.builder().build();
        assertThat(o.pairs()).isEqualTo(4);
        assertThat(o.regions()).isEqualTo(1);
        assertThat(o.sizeBytes()).isEqualTo(1200);
        assertThat(o.duration().plus(o.warmup()).plus(o.drainTimeout())).isLessThanOrEqualTo(Duration.ofSeconds(20));
        assertThat(o.ratePerPair()).isZero();
        assertThat(o.window()).isPositive().isLessThanOrEqualTo(RelayConfig.DEFAULT_QUEUE_DEPTH);
        assertThat(o.client()).isEqualTo(ClientKind.RAW);
        assertThat(o.embeddedRelays()).isTrue();
        assertThat(o.flowControl()).isTrue();
    }

    @Test
    void relaySenderPauseDefaultsToTheRelaysAndIsBoundedLikeIt() {
        assertThat(LoadOptions.builder().build().relaySenderPause())
            .isEqualTo(Duration.ofNanos(RelayConfig.DEFAULT_SENDER_PAUSE_NS));
        assertThatCode(() -> LoadOptions.builder().relaySenderPause(Duration.ZERO).build())
            .as("0 = derper's drop-only rule").doesNotThrowAnyException();
        assertThatThrownBy(() -> LoadOptions.builder().relaySenderPause(Duration.ofNanos(-1)).build())
            .isInstanceOf(InvalidConfigException.class).hasMessageContaining("relay sender pause");
        final long max = RelayConfig.MAX_SENDER_PAUSE_NS;
        assertThatCode(() -> LoadOptions.builder().relaySenderPause(Duration.ofNanos(max - 1)).build())
            .doesNotThrowAnyException();
        assertThatCode(() -> LoadOptions.builder().relaySenderPause(Duration.ofNanos(max)).build())
            .doesNotThrowAnyException();
        assertThatThrownBy(() -> LoadOptions.builder().relaySenderPause(Duration.ofNanos(max + 1)).build())
            .isInstanceOf(InvalidConfigException.class).hasMessageContaining("relay sender pause");
        assertThatThrownBy(() -> LoadOptions.builder().relaySenderPause(Duration.ofDays(365L * 1_000)).build())
            .as("too long to count in nanoseconds: still the typed error").isInstanceOf(InvalidConfigException.class);
    }

    @Test
    void sizeLimitsAreTheHeaderAndDerpsMaxPacketSize() {
        assertThatCode(() -> LoadOptions.builder().sizeBytes(PayloadFlyweight.HEADER_LENGTH).build())
            .doesNotThrowAnyException();
        assertThatThrownBy(() -> LoadOptions.builder().sizeBytes(PayloadFlyweight.HEADER_LENGTH - 1).build())
            .isInstanceOf(InvalidConfigException.class).hasMessageContaining("size");
        assertThatCode(() -> LoadOptions.builder().sizeBytes(FrameLimits.MAX_PACKET_SIZE).build())
            .doesNotThrowAnyException();
        assertThatThrownBy(() -> LoadOptions.builder().sizeBytes(FrameLimits.MAX_PACKET_SIZE + 1).build())
            .isInstanceOf(InvalidConfigException.class);
    }

    @Test
    void pairsRegionsWindowAndRateHaveRanges() {
        assertThatThrownBy(() -> LoadOptions.builder().pairs(0).build()).hasMessageContaining("pairs");
        assertThatCode(() -> LoadOptions.builder().pairs(LoadOptions.MAX_PAIRS).build()).doesNotThrowAnyException();
        assertThatThrownBy(() -> LoadOptions.builder().pairs(LoadOptions.MAX_PAIRS + 1).build())
            .hasMessageContaining("pairs");
        assertThatThrownBy(() -> LoadOptions.builder().regions(0).build()).hasMessageContaining("regions");
        assertThatThrownBy(() -> LoadOptions.builder().regions(LoadOptions.MAX_REGIONS + 1).build())
            .hasMessageContaining("regions");
        assertThatCode(() -> LoadOptions.builder().window(0).build()).doesNotThrowAnyException();
        assertThatThrownBy(() -> LoadOptions.builder().window(-1).build()).hasMessageContaining("window");
        assertThatThrownBy(() -> LoadOptions.builder().ratePerPair(-1).build()).hasMessageContaining("rate");
        assertThatCode(() -> LoadOptions.builder().ratePerPair(LoadOptions.MAX_RATE_PER_PAIR).build())
            .doesNotThrowAnyException();
        assertThatThrownBy(() -> LoadOptions.builder().ratePerPair(LoadOptions.MAX_RATE_PER_PAIR + 1).build())
            .hasMessageContaining("rate");
    }

    @Test
    void durationMustBePositiveAndWarmupMayBeZero() {
        assertThatThrownBy(() -> LoadOptions.builder().duration(Duration.ZERO).build())
            .hasMessageContaining("duration");
        assertThatCode(() -> LoadOptions.builder().warmup(Duration.ZERO).build()).doesNotThrowAnyException();
        assertThatThrownBy(() -> LoadOptions.builder().warmup(Duration.ofSeconds(-1)).build())
            .hasMessageContaining("warmup");
    }

    @Test
    void relayUrlsSetTheRegionCountAndAreCheckedUpFront() {
        final LoadOptions o = LoadOptions.builder().regions(1)
            .relays(List.of(URI.create("http://127.0.0.1:1"), URI.create("https://derp.example"))).build();
        assertThat(o.regions()).isEqualTo(2);
        assertThat(o.embeddedRelays()).isFalse();
        assertThatThrownBy(() -> LoadOptions.builder().relays(List.of(URI.create("ftp://x"))).build())
            .isInstanceOf(InvalidConfigException.class);
    }

    @Test
    void clientKindsParseByCliName() {
        assertThat(ClientKind.fromCliName("raw")).isEqualTo(ClientKind.RAW);
        assertThat(ClientKind.fromCliName("ENGINE")).isEqualTo(ClientKind.ENGINE);
        assertThatThrownBy(() -> ClientKind.fromCliName("udp")).hasMessageContaining("raw or engine");
    }

    @Test
    void faultProxyNeedsEngineClientsThatReconnect() {
        assertThatThrownBy(() -> LoadOptions.builder().faultProxy(true).client(ClientKind.RAW).build())
            .isInstanceOf(InvalidConfigException.class).hasMessageContaining("--client engine");
        assertThatCode(() -> LoadOptions.builder().faultProxy(true).client(ClientKind.ENGINE).build())
            .doesNotThrowAnyException();
    }

    @Test
    void faultProxyNeedsEmbeddedRelays() {
        assertThatThrownBy(() -> LoadOptions.builder().faultProxy(true).client(ClientKind.ENGINE)
            .relays(List.of(URI.create("http://127.0.0.1:3340"))).build())
            .isInstanceOf(InvalidConfigException.class).hasMessageContaining("embedded");
    }

    @Test
    void faultProxyDefaultsToTheCycleOverEveryFault() {
        final LoadOptions o = LoadOptions.builder().faultProxy(true).client(ClientKind.ENGINE).build();
        assertThat(o.faultSchedule()).hasToString(FaultSchedule.every(FaultSchedule.DEFAULT_PERIOD).toString());
        assertThat(LoadOptions.builder().build().faultSchedule()).as("no proxy, no schedule").isNull();
    }

    @Test
    void faultProxyPairsBelowAtAndAboveItsLimit() {
        final LoadOptions.Builder b = LoadOptions.builder().faultProxy(true).client(ClientKind.ENGINE);
        assertThatCode(() -> b.pairs(LoadOptions.MAX_FAULT_PROXY_PAIRS - 1).build()).doesNotThrowAnyException();
        assertThatCode(() -> b.pairs(LoadOptions.MAX_FAULT_PROXY_PAIRS).build()).doesNotThrowAnyException();
        assertThatThrownBy(() -> b.pairs(LoadOptions.MAX_FAULT_PROXY_PAIRS + 1).build())
            .isInstanceOf(InvalidConfigException.class).hasMessageContaining("--fault-proxy");
    }

    @Test
    void minDeliveredFractionIsZeroToOneInclusive() {
        assertThat(LoadOptions.builder().build().minDeliveredFraction())
            .isEqualTo(LoadOptions.DEFAULT_MIN_DELIVERED_FRACTION);
        assertThatCode(() -> LoadOptions.builder().minDeliveredFraction(0.0).build()).doesNotThrowAnyException();
        assertThatCode(() -> LoadOptions.builder().minDeliveredFraction(1.0).build()).doesNotThrowAnyException();
        assertThatThrownBy(() -> LoadOptions.builder().minDeliveredFraction(-0.001).build())
            .isInstanceOf(InvalidConfigException.class).hasMessageContaining("min delivered fraction");
        assertThatThrownBy(() -> LoadOptions.builder().minDeliveredFraction(1.001).build())
            .isInstanceOf(InvalidConfigException.class).hasMessageContaining("min delivered fraction");
        assertThatThrownBy(() -> LoadOptions.builder().minDeliveredFraction(Double.NaN).build())
            .isInstanceOf(InvalidConfigException.class);
    }

    @Test
    void baselineIsTcpOrNothing() {
        assertThat(LoadOptions.builder().baseline("tcp").build().baseline()).isEqualTo("tcp");
        assertThat(LoadOptions.builder().build().baseline()).isNull();
        assertThatThrownBy(() -> LoadOptions.builder().baseline("udp").build())
            .isInstanceOf(InvalidConfigException.class).hasMessageContaining("tcp");
    }

    @Test
    void baselineThreadsFrom0ToTheirBound() {
        assertThat(LoadOptions.builder().baselineThreads(0).build().baselineThreads()).isZero();
        assertThat(LoadOptions.builder().baselineThreads(LoadOptions.MAX_BASELINE_THREADS).build().baselineThreads())
            .isEqualTo(LoadOptions.MAX_BASELINE_THREADS);
        assertThatThrownBy(() -> LoadOptions.builder().baselineThreads(LoadOptions.MAX_BASELINE_THREADS + 1).build())
            .isInstanceOf(InvalidConfigException.class);
        assertThatThrownBy(() -> LoadOptions.builder().baselineThreads(-1).build())
            .isInstanceOf(InvalidConfigException.class);
    }

    @Test
    void baselineCpusIsATasksetList() {
        assertThat(LoadOptions.builder().baselineCpus("0-1,3").build().baselineCpus()).isEqualTo("0-1,3");
        assertThatThrownBy(() -> LoadOptions.builder().baselineCpus("1; rm -rf /").build())
            .isInstanceOf(InvalidConfigException.class);
    }
}
