package io.derpring.server;

import static io.derpring.server.Await.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.derpring.internal.relay.MeshPeer;
import io.derpring.keys.MeshKey;
import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Mesh peers over https: verified against {@code meshTrust} (PEM CAs), by name; an untrusted peer is never used. */
@Timeout(60)
class MeshTlsTest {
    private static final MeshKey MESH = MeshKey.parse("7473747473747473747473747473747473747473747473747473747473747474");
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;
    private TestCertificates certs;
    private DerpRelayServer tlsPeer;
    private final List<DerpRelayServer> watchers = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        certs = TestCertificates.selfSigned(dir);
        tlsPeer = DerpRelayServer.builder().threads(1).listen(new InetSocketAddress("127.0.0.1", 0))
            .tls(certs.certificatePem, certs.keyPem).meshKey(MESH).build().start();
    }

    @AfterEach
    void stop() {
        for (final DerpRelayServer w : watchers) {
            w.close();
        }
        tlsPeer.close();
    }

    private MeshPeer<ByteBuf> watch(final MeshAddress peer, final Path trust) throws InterruptedException {
        final DerpRelayServer w = DerpRelayServer.builder().threads(1).listen(new InetSocketAddress("127.0.0.1", 0))
            .meshKey(MESH).meshWith(List.of(peer)).meshTrust(trust).build().start();
        watchers.add(w);
        return w.meshPeers().get(0);
    }

    private int port() {
        return tlsPeer.localAddress().getPort();
    }

    @Test
    void aPeerWhoseCertificateChainsToTheMeshTrustFileIsWatched() throws Exception {
        final MeshPeer<ByteBuf> p = watch(MeshAddress.parse("https://localhost:" + port()), certs.certificatePem);
        awaitTrue("watching over TLS", p::isConnected, WAIT);
        assertThat(p.connectFailures()).isZero();
    }

    @Test
    void withoutTheMeshTrustFileTheJvmTrustStoreRefusesASelfSignedPeer() throws Exception {
        final MeshPeer<ByteBuf> p = watch(MeshAddress.parse("https://localhost:" + port()), null);
        awaitTrue("the TLS handshake fails", () -> p.connectFailures() >= 1, WAIT);
        assertThat(p.isConnected()).isFalse();
    }

    @Test
    void aPeerWhoseCertificateDoesNotNameItIsRefusedEvenWhenTrusted() throws Exception {
        final MeshPeer<ByteBuf> p = watch(new MeshAddress("derp9.example.com", "127.0.0.1", port(), true),
            certs.certificatePem);
        awaitTrue("the name check fails", () -> p.connectFailures() >= 1, WAIT);
        assertThat(p.isConnected()).isFalse();
    }

    @Test
    void anEntryNamedLikeThisServersHostnameIsSkippedAsDerperDoes() throws Exception {
        final DerpRelayServer w = DerpRelayServer.builder().threads(1).listen(new InetSocketAddress("127.0.0.1", 0))
            .meshKey(MESH).hostname("localhost").meshWith(List.of(MeshAddress.parse("https://localhost:" + port())))
            .build().start();
        watchers.add(w);
        assertThat(w.meshPeers()).isEmpty();
    }
}
