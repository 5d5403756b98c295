package io.derpring.cli;

import static io.derpring.cli.LoadgenCommandTest.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import io.derpring.loadgen.LoadOptions;
import io.derpring.runtime.InvalidConfigException;
import org.junit.jupiter.api.Test;

/** Issue 16's loadgen options reach the run, and a churn against external relays is refused with the reason. */
class LoadgenMultiRegionOptionsTest {
    @Test
    void multiRegionOptionsReachTheRun() {
        final LoadOptions o = parse("loadgen", "--client", "engine", "--regions", "3", "--cross-region",
            "--no-netmap-home", "--idle-grace", "250ms", "--pause-every", "2s", "--pause-for", "500ms",
            "--region-churn", "5s");
        assertThat(o.crossRegion()).isTrue();
        assertThat(o.noNetmapHome()).isTrue();
        assertThat(o.idleGrace()).isEqualTo(Duration.ofMillis(250));
        assertThat(o.pauseEvery()).isEqualTo(Duration.ofSeconds(2));
        assertThat(o.pauseFor()).isEqualTo(Duration.ofMillis(500));
        assertThat(o.regionChurn()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void withoutThemARunIsSameRegionWithTheEnginesDefaults() {
        final LoadOptions o = parse("loadgen", "--client", "engine");
        assertThat(o.crossRegion()).isFalse();
        assertThat(o.noNetmapHome()).isFalse();
        assertThat(o.idleGrace()).isNull();
        assertThat(o.pauses()).isFalse();
        assertThat(o.regionChurn()).isNull();
    }

    @Test
    void regionChurnWithRelayUrlsIsRefusedWithTheReason() {
        assertThatThrownBy(() -> parse("loadgen", "--client", "engine", "--relay", "http://127.0.0.1:1",
            "--relay", "http://127.0.0.1:2", "--region-churn", "5s"))
            .isInstanceOf(InvalidConfigException.class).hasMessageContaining("--region-churn needs embedded relays");
    }
}
