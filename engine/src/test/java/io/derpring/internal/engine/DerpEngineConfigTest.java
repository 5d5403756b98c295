package io.derpring.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.stream.Stream;

import io.derpring.internal.region.RegionSettings;
import io.derpring.internal.ring.InboundRingConfig;
import io.derpring.runtime.InvalidConfigException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The engine's own settings are validated once, with the same rule the component they size applies. */
class DerpEngineConfigTest {
    private static DerpEngineConfig withDiscoKeyCache(final int entries) {
        return new DerpEngineConfig(RegionSettings.defaults(), InboundRingConfig.defaults(), false, entries);
    }

    @ParameterizedTest
    @ValueSource(ints = {DerpEngineConfig.MIN_DISCO_KEY_CACHE, 4096, DerpEngineConfig.MAX_DISCO_KEY_CACHE})
    @DisplayName("a disco key cache size that is a power of two in range builds, and the cache accepts it")
    void powerOfTwoDiscoKeyCacheIsAccepted(final int entries) {
        final DerpEngineConfig c = withDiscoKeyCache(entries);
        assertThat(DerpEngineConfig.keyCacheFor(c, io.derpring.keys.DiscoPrivateKey.generate())).isNotNull();
    }

    @ParameterizedTest
    @ValueSource(ints = {5000, DerpEngineConfig.MIN_DISCO_KEY_CACHE - 1, DerpEngineConfig.MIN_DISCO_KEY_CACHE / 2,
        DerpEngineConfig.MAX_DISCO_KEY_CACHE + 1, DerpEngineConfig.MAX_DISCO_KEY_CACHE * 2})
    @DisplayName("any other size is an InvalidConfigException naming the setting, never a bare IllegalArgumentException")
    void otherDiscoKeyCacheSizesAreConfigErrors(final int entries) {
        assertThatThrownBy(() -> withDiscoKeyCache(entries)).isInstanceOf(InvalidConfigException.class)
            .hasMessageContaining("disco key cache");
    }

    private static DerpEngineConfig withConductorIdlePark(final long parkNs) {
        return new DerpEngineConfig(RegionSettings.defaults(), InboundRingConfig.defaults(), false,
            DerpEngineConfig.DEFAULT_DISCO_KEY_CACHE, parkNs, DerpEngineConfig.DEFAULT_CONNECT_TIMEOUT);
    }

    @ParameterizedTest
    @ValueSource(longs = {1_000L, 1_000_000L, 1_000_000_000L})
    @DisplayName("a conductor idle park from its minimum to its maximum builds and is kept")
    void conductorIdleParkInRangeIsAccepted(final long parkNs) {
        assertThat(withConductorIdlePark(parkNs).conductorIdleParkNs()).isEqualTo(parkNs);
    }

    @ParameterizedTest
    @ValueSource(longs = {999L, 0L, -1L, 1_000_000_001L, Long.MAX_VALUE})
    @DisplayName("a conductor idle park below the minimum or above the maximum is an InvalidConfigException naming it")
    void conductorIdleParkOutOfRangeIsAConfigError(final long parkNs) {
        assertThatThrownBy(() -> withConductorIdlePark(parkNs)).isInstanceOf(InvalidConfigException.class)
            .hasMessageContaining("conductor idle park");
    }

    @org.junit.jupiter.api.Test
    void theLimitsAreTheNamedConstants() {
        assertThat(DerpEngineConfig.MIN_CONDUCTOR_IDLE_PARK.toNanos()).isEqualTo(1_000L);
        assertThat(DerpEngineConfig.MAX_CONDUCTOR_IDLE_PARK.toNanos()).isEqualTo(1_000_000_000L);
    }

    @org.junit.jupiter.api.Test
    void theDefaultsKeepTheOneMillisecondConductorPark() {
        assertThat(DerpEngineConfig.defaults().conductorIdleParkNs())
            .isEqualTo(DerpEngineConfig.DEFAULT_CONDUCTOR_IDLE_PARK.toNanos()).isEqualTo(1_000_000L);
    }

    private static DerpEngineConfig withConnectTimeout(final Duration timeout) {
        return new DerpEngineConfig(RegionSettings.defaults(), InboundRingConfig.defaults(), false,
            DerpEngineConfig.DEFAULT_DISCO_KEY_CACHE,
            DerpEngineConfig.DEFAULT_CONDUCTOR_IDLE_PARK.toNanos(), timeout);
    }

    @Test
    void theConnectTimeoutDefaultsToTenSeconds() {
        assertThat(DerpEngineConfig.defaults().connectTimeout()).isEqualTo(Duration.ofSeconds(10))
            .isEqualTo(DerpEngineConfig.DEFAULT_CONNECT_TIMEOUT);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("connectTimeoutsInRange")
    void aConnectTimeoutInRangeIsAccepted(final Duration timeout) {
        assertThat(withConnectTimeout(timeout).connectTimeout()).isEqualTo(timeout);
    }

    static Stream<Duration> connectTimeoutsInRange() {
        return Stream.of(DerpEngineConfig.MIN_CONNECT_TIMEOUT, DerpEngineConfig.MIN_CONNECT_TIMEOUT.plusNanos(1),
            DerpEngineConfig.MAX_CONNECT_TIMEOUT.minusNanos(1), DerpEngineConfig.MAX_CONNECT_TIMEOUT);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("connectTimeoutsOutOfRange")
    void aConnectTimeoutOutOfRangeIsAConfigErrorNamingTheSetting(final Duration timeout) {
        assertThatThrownBy(() -> withConnectTimeout(timeout)).isInstanceOf(InvalidConfigException.class)
            .hasMessageContaining("connect timeout = " + timeout);
    }

    static Stream<Duration> connectTimeoutsOutOfRange() {
        return Stream.of(Duration.ZERO, Duration.ofMillis(-1), DerpEngineConfig.MIN_CONNECT_TIMEOUT.minusNanos(1),
            DerpEngineConfig.MAX_CONNECT_TIMEOUT.plusNanos(1));
    }

    @Test
    void aMissingConnectTimeoutIsAConfigError() {
        assertThatThrownBy(() -> withConnectTimeout(null)).isInstanceOf(InvalidConfigException.class)
            .hasMessageContaining("connect timeout is required");
    }
}
