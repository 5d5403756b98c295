package io.derpring.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.derpring.internal.region.RegionSettings;
import io.derpring.internal.ring.InboundRingConfig;
import io.derpring.runtime.InvalidConfigException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
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
}
