package io.derpring.loadgen;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import io.derpring.internal.region.RegionSettings;
import io.derpring.runtime.InvalidConfigException;
import org.junit.jupiter.api.Test;

/** Issue 16's loadgen options: what each needs, and their limits at, below and above. */
class MultiRegionOptionsTest {
    private static LoadOptions.Builder engines() {
        return LoadOptions.builder().client(ClientKind.ENGINE).regions(3);
    }

    @Test
    void crossRegionNeedsEngineClientsAndTwoRegions() {
        assertThatCode(() -> engines().regions(2).crossRegion(true).build()).doesNotThrowAnyException();
        assertThatThrownBy(() -> engines().regions(1).crossRegion(true).build())
            .isInstanceOf(InvalidConfigException.class).hasMessageContaining("two regions");
        assertThatThrownBy(() -> engines().client(ClientKind.RAW).crossRegion(true).build())
            .isInstanceOf(InvalidConfigException.class).hasMessageContaining("--client engine");
    }

    @Test
    void crossRegionTakesRelayUrlsAsRegions() {
        assertThatCode(() -> LoadOptions.builder().client(ClientKind.ENGINE).crossRegion(true)
            .relays(List.of(URI.create("http://127.0.0.1:1"), URI.create("http://127.0.0.1:2"))).build())
            .doesNotThrowAnyException();
    }

    @Test
    void noNetmapHomeNeedsCrossRegion() {
        assertThatCode(() -> engines().crossRegion(true).noNetmapHome(true).build()).doesNotThrowAnyException();
        assertThatThrownBy(() -> engines().noNetmapHome(true).build())
            .isInstanceOf(InvalidConfigException.class).hasMessageContaining("--cross-region");
    }

    @Test
    void idleGraceBelowAtAndAboveTheEnginesLimits() {
        final Duration min = RegionSettings.MIN_IDLE_TIMEOUT;
        final Duration max = RegionSettings.MAX_IDLE_TIMEOUT;
        assertThatCode(() -> engines().idleGrace(min).build()).doesNotThrowAnyException();
        assertThatCode(() -> engines().idleGrace(max).build()).doesNotThrowAnyException();
        assertThatThrownBy(() -> engines().idleGrace(min.minusMillis(1)).build())
            .isInstanceOf(InvalidConfigException.class).hasMessageContaining("idle grace");
        assertThatThrownBy(() -> engines().idleGrace(max.plusMillis(1)).build())
            .isInstanceOf(InvalidConfigException.class).hasMessageContaining("idle grace");
        assertThatThrownBy(() -> engines().client(ClientKind.RAW).idleGrace(min).build())
            .isInstanceOf(InvalidConfigException.class).hasMessageContaining("--client engine");
    }

    @Test
    void pausesGoInPairsAndHaveAFloor() {
        final Duration min = LoadOptions.MIN_PAUSE;
        assertThatCode(() -> engines().pauses(min, min).build()).doesNotThrowAnyException();
        assertThatThrownBy(() -> engines().pauses(min.minusMillis(1), min).build())
            .isInstanceOf(InvalidConfigException.class).hasMessageContaining("pause every");
        assertThatThrownBy(() -> engines().pauses(min, min.minusMillis(1)).build())
            .isInstanceOf(InvalidConfigException.class).hasMessageContaining("pause for");
        assertThatThrownBy(() -> engines().pauses(min, null).build())
            .isInstanceOf(InvalidConfigException.class).hasMessageContaining("go together");
        assertThatThrownBy(() -> engines().pauses(null, min).build())
            .isInstanceOf(InvalidConfigException.class).hasMessageContaining("go together");
        assertThatCode(() -> LoadOptions.builder().pauses(min.plusMillis(1), min.plusMillis(1)).build())
            .as("raw clients pause too").doesNotThrowAnyException();
    }

    @Test
    void regionChurnPeriodBelowAtAndAboveItsFloor() {
        final Duration min = LoadOptions.MIN_REGION_CHURN;
        assertThatCode(() -> engines().regionChurn(min).build()).doesNotThrowAnyException();
        assertThatCode(() -> engines().regionChurn(min.plusMillis(1)).build()).doesNotThrowAnyException();
        assertThatThrownBy(() -> engines().regionChurn(min.minusMillis(1)).build())
            .isInstanceOf(InvalidConfigException.class).hasMessageContaining("region churn");
    }

    @Test
    void regionChurnIsRejectedForExternalRelays() {
        assertThatThrownBy(() -> engines().regionChurn(Duration.ofSeconds(1))
            .relays(List.of(URI.create("http://127.0.0.1:1"), URI.create("http://127.0.0.1:2"))).build())
            .isInstanceOf(InvalidConfigException.class).hasMessageContaining("embedded relays");
    }

    @Test
    void regionChurnNeedsEngineClientsTwoRegionsAndNoFaultProxy() {
        assertThatThrownBy(() -> engines().client(ClientKind.RAW).regionChurn(Duration.ofSeconds(1)).build())
            .isInstanceOf(InvalidConfigException.class).hasMessageContaining("--client engine");
        assertThatThrownBy(() -> engines().regions(1).regionChurn(Duration.ofSeconds(1)).build())
            .isInstanceOf(InvalidConfigException.class).hasMessageContaining("two regions");
        assertThatThrownBy(() -> engines().faultProxy(true).pairs(2).regionChurn(Duration.ofSeconds(1)).build())
            .isInstanceOf(InvalidConfigException.class).hasMessageContaining("--fault-proxy");
    }
}
