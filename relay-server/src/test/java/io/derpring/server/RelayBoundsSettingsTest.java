package io.derpring.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.util.function.UnaryOperator;

import io.derpring.internal.relay.RelayConfig;
import io.derpring.runtime.InvalidConfigException;
import org.junit.jupiter.api.Test;

/** The relay's growth bounds reach its relay rules through the builder, and are range-checked when it is built. */
class RelayBoundsSettingsTest {
    private static DerpRelayServer.Builder builder() {
        return DerpRelayServer.builder().listen(new InetSocketAddress("127.0.0.1", 0)).metricsAddress(null);
    }

    private static RelayConfig configOf(final UnaryOperator<DerpRelayServer.Builder> settings) {
        return settings.apply(builder()).build().settings().relayConfig();
    }

    @Test
    void defaultsAreTheRelayRulesDefaults() {
        final RelayConfig c = configOf(b -> b);
        assertThat(c.maxKeysPerMeshPeer()).isEqualTo(RelayConfig.DEFAULT_MAX_KEYS_PER_MESH_PEER);
        assertThat(c.maxQueuedMeshFrames()).isEqualTo(RelayConfig.DEFAULT_MAX_QUEUED_MESH_FRAMES);
        assertThat(c.maxSourcesPerReceiver()).isEqualTo(RelayConfig.DEFAULT_MAX_SOURCES_PER_RECEIVER);
        assertThat(c.shardCommandCapacity()).isEqualTo(RelayConfig.DEFAULT_SHARD_COMMAND_CAPACITY);
    }

    @Test
    void eachSettingReachesTheRelayRules() {
        final RelayConfig c = configOf(b -> b.meshMaxKeys(7).meshMaxQueuedFrames(8).maxSourcesPerReceiver(9)
            .shardCommandCapacity(10));
        assertThat(c.maxKeysPerMeshPeer()).isEqualTo(7);
        assertThat(c.maxQueuedMeshFrames()).isEqualTo(8);
        assertThat(c.maxSourcesPerReceiver()).isEqualTo(9);
        assertThat(c.shardCommandCapacity()).isEqualTo(10);
    }

    @Test
    void aSettingOutOfRangeFailsTheBuildNamingIt() {
        assertThatThrownBy(() -> builder().meshMaxQueuedFrames(0).build()).isInstanceOf(InvalidConfigException.class)
            .hasMessageContaining("maxQueuedMeshFrames");
        assertThatThrownBy(() -> builder().maxSourcesPerReceiver(0).build()).isInstanceOf(InvalidConfigException.class)
            .hasMessageContaining("maxSourcesPerReceiver");
        assertThatThrownBy(() -> builder().shardCommandCapacity(0).build()).isInstanceOf(InvalidConfigException.class)
            .hasMessageContaining("shardCommandCapacity");
        assertThatThrownBy(() -> builder().meshMaxKeys(0).build()).isInstanceOf(InvalidConfigException.class)
            .hasMessageContaining("maxKeysPerMeshPeer");
    }
}
