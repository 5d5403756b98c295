package io.derpring.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.derpring.internal.frame.FrameType;
import io.derpring.runtime.InvalidConfigException;
import io.derpring.transport.Transport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** TLS from PEM files: a self-signed certificate generated at test time. */
@Timeout(60)
class TlsTest {
    @TempDir
    static Path dir;
    private static TestCertificates certs;

    @BeforeAll
    static void makeCertificate() throws Exception {
        certs = TestCertificates.selfSigned(dir);
    }

    static List<Transport> transports() {
        return Transport.available();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void derpOverTlsFromSelfSignedPemFiles(final Transport transport) throws Exception {
        try (DerpRelayServer server = DerpRelayServer.builder().transport(transport).threads(2)
            .tls(certs.certificatePem, certs.keyPem).build().start();
             DerpTestClient a = DerpTestClient.connect(server.localAddress(), DerpTestClient.Mode.HTTP, certs.clientContext());
             DerpTestClient b = DerpTestClient.connect(server.localAddress(), DerpTestClient.Mode.HTTP, certs.clientContext())) {
            a.sendPacket(b.publicKey(), new byte[] {4, 5, 6});
            assertThat(DerpTestClient.packet(b.awaitFrame(FrameType.RECV_PACKET, Duration.ofSeconds(10)))).containsExactly(4, 5, 6);
            b.sendPing(7);
            assertThat(b.awaitFrame(FrameType.PONG, Duration.ofSeconds(10)).payload()).hasSize(8);
        }
    }

    @Test
    void missingKeyFileIsAConfigError() {
        assertThatThrownBy(() -> DerpRelayServer.builder().tls(certs.certificatePem, null).build())
            .isInstanceOf(InvalidConfigException.class);
        assertThatThrownBy(() -> DerpRelayServer.builder().tls(certs.certificatePem, dir.resolve("absent.pem")).build().start())
            .isInstanceOf(InvalidConfigException.class).hasMessageContaining("not readable");
    }
}
