package io.derpring.cli;

import static io.derpring.cli.RelayCommandTest.parse;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;

import io.derpring.internal.relay.RelayConfig;
import org.junit.jupiter.api.Test;

/** {@code --mesh-max-keys}: the most keys one mesh peer may report connected. */
class RelayMeshMaxKeysOptionTest {

    @Test
    void defaultsToTheRelayDefault() {
        assertThat(parse("relay").builder().build().settings().meshMaxKeys())
            .isEqualTo(RelayConfig.DEFAULT_MAX_KEYS_PER_MESH_PEER);
    }

    @Test
    void theOptionReachesTheRelayWithinItsRange() {
        assertThat(parse("relay", "--mesh-max-keys", "1").builder().build().settings().meshMaxKeys()).isEqualTo(1);
        assertThat(parse("relay", "--mesh-max-keys", "" + RelayConfig.MAX_MAX_KEYS_PER_MESH_PEER).builder().build()
            .settings().meshMaxKeys()).isEqualTo(RelayConfig.MAX_MAX_KEYS_PER_MESH_PEER);
    }

    @Test
    void zeroAndAboveTheMostAreUsageErrors() {
        for (final String bad : new String[] {"0", "" + (RelayConfig.MAX_MAX_KEYS_PER_MESH_PEER + 1)}) {
            final StringWriter err = new StringWriter();
            final int code = Derpring.commandLine().setErr(new PrintWriter(err))
                .execute("relay", "--mesh-max-keys", bad, "--metrics", "off", "--listen", "127.0.0.1:0");
            assertThat(code).as(bad).isNotZero();
            assertThat(err.toString()).contains("maxKeysPerMeshPeer");
        }
    }
}
