package io.derpring.loadgen;

import static io.derpring.loadgen.LoadGeneratorTest.assertNothingUnexplained;
import static io.derpring.loadgen.LoadGeneratorTest.run;
import static io.derpring.loadgen.LoadGeneratorTest.shortRun;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;

import io.derpring.runtime.InvalidConfigException;
import io.derpring.server.DerpRelayServer;
import io.derpring.server.ServerCounter;
import io.derpring.server.TestCertificates;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code loadgen --relay ws://…} and {@code wss://…}: DERP over WebSocket end to end, with exact loss accounting. */
@Timeout(120)
class WebSocketLoadgenTest {
    @TempDir
    Path dir;

    private static DerpRelayServer.Builder loopbackRelay() {
        return DerpRelayServer.builder().listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
            .threads(1);
    }

    @Test
    @DisplayName("raw clients over ws:// with relay metrics: every connection is a WebSocket, nothing unexplained")
    void rawClientsOverWsLoseNothingUnexplained() throws Exception {
        try (DerpRelayServer relay = loopbackRelay()
            .metricsAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).build().start()) {
            final LoadReport r = run(shortRun().client(ClientKind.RAW)
                .relays(List.of(URI.create("ws://127.0.0.1:" + relay.localAddress().getPort())))
                .relayMetrics(List.of(URI.create("http://127.0.0.1:" + relay.metricsAddress().getPort()
                    + "/metrics"))).build());
            assertNothingUnexplained(r);
            assertThat(r.received()).isPositive();
            assertThat(relay.stats().server(ServerCounter.HTTP_WEBSOCKET_UPGRADES)).as("two nodes per pair")
                .isEqualTo(2L * r.pairs());
            assertThat(relay.stats().server(ServerCounter.HTTP_UPGRADES)).isZero();
        }
    }

    @Test
    @DisplayName("engine clients over wss:// to a self-signed relay (verification off): nothing unexplained")
    void engineClientsOverWssLoseNothingUnexplained() throws Exception {
        final TestCertificates certs = TestCertificates.selfSigned(dir);
        try (DerpRelayServer relay = loopbackRelay().metricsAddress(null).tls(certs.certificatePem, certs.keyPem)
            .build().start()) {
            final LoadReport r = run(shortRun().tlsInsecure(true).client(ClientKind.ENGINE)
                .relays(List.of(URI.create("wss://127.0.0.1:" + relay.localAddress().getPort()))).build());
            assertNothingUnexplained(r);
            assertThat(r.received()).isPositive();
            assertThat(relay.stats().server(ServerCounter.HTTP_WEBSOCKET_UPGRADES)).isEqualTo(2L * r.pairs());
        }
    }

    @Test
    @DisplayName("engine clients share one dialer: ws:// and http:// relays in one run are refused with a reason")
    void engineClientsRefuseMixedWebSocketAndUpgradeRelays() throws Exception {
        try (DerpRelayServer relay = loopbackRelay().metricsAddress(null).build().start()) {
            final String hostPort = "127.0.0.1:" + relay.localAddress().getPort();
            assertThatThrownBy(() -> run(shortRun().client(ClientKind.ENGINE)
                .relays(List.of(URI.create("ws://" + hostPort), URI.create("http://" + hostPort))).build()))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("WebSocket");
        }
    }
}
