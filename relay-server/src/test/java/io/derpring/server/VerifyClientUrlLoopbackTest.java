package io.derpring.server;

import static io.derpring.server.Await.awaitTrue;
import static io.derpring.server.DerpTestClient.Mode.HTTP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.derpring.internal.frame.ClientInfo;
import io.derpring.keys.MeshKey;
import io.derpring.keys.NodePrivateKey;
import io.derpring.relay.AdmissionDecision;
import io.derpring.runtime.InvalidConfigException;
import io.derpring.server.AdmissionController.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * derper's {@code --verify-client-url} through a relay over real sockets: the DERP handshake waits for the
 * controller, its answer admits or refuses (closed after ClientInfo, no ServerInfo), fail-open applies only to a
 * silent controller, mesh peers are never asked, and the outcomes reach {@code /metrics}.
 */
@Timeout(120)
class VerifyClientUrlLoopbackTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final MeshKey MESH = MeshKey.parse("6b".repeat(32));
    /** For the timeout tests, whose controller never answers: small, so they are quick. */
    private static final long SILENT_TIMEOUT_NS = TimeUnit.MILLISECONDS.toNanos(300);

    private AdmissionController controller;
    private DerpRelayServer server;
    private final List<DerpTestClient> clients = new ArrayList<>();

    @BeforeEach
    void startController() throws IOException {
        controller = new AdmissionController();
    }

    @AfterEach
    void stop() {
        clients.forEach(DerpTestClient::close);
        if (server != null) {
            server.close();
        }
        controller.close();
    }

    /** Go's 5 s webhook timeout, so that a loaded CI machine cannot turn an answer into a timeout. */
    private void start(final boolean failOpen) throws Exception {
        start(failOpen, VerifyClientUrl.DEFAULT_TIMEOUT_NS);
    }

    private void start(final boolean failOpen, final long timeoutNs) throws Exception {
        server = DerpRelayServer.builder().threads(1).listen(new InetSocketAddress("127.0.0.1", 0)).meshKey(MESH)
            .verifyClientUrl(controller.url()).verifyClientUrlFailOpen(failOpen).verifyClientUrlTimeoutNs(timeoutNs)
            .build().start();
    }

    private DerpTestClient connect(final NodePrivateKey key, final ClientInfo info) throws IOException {
        final DerpTestClient c = DerpTestClient.connect(server.localAddress(), HTTP, null, key, info);
        clients.add(c);
        return c;
    }

    private DerpTestClient connect(final NodePrivateKey key) throws IOException {
        return connect(key, ClientInfo.standard());
    }

    private void assertRefused(final NodePrivateKey key) {
        assertThatThrownBy(() -> connect(key)).isInstanceOf(IOException.class); // closed: no ServerInfo
        awaitTrue("refusal counted", () -> server.stats().end(ConnectionEnd.ADMISSION_REFUSED) == 1, WAIT);
    }

    private long outcome(final VerifyClientOutcome o) {
        return server.stats().verifyClient(o);
    }

    @Test
    @DisplayName("Allow:true: the client gets ServerInfo; the controller got its key and 127.0.0.1")
    void allowedClientConnects() throws Exception {
        start(false);
        final NodePrivateKey key = NodePrivateKey.generate();
        connect(key);
        assertThat(server.relay().keyCount()).isEqualTo(1);
        assertThat(controller.nextRequest(WAIT.toMillis()).body())
            .isEqualTo("{\"NodePublic\":\"" + key.publicKey() + "\",\"Source\":\"127.0.0.1\"}");
        assertThat(outcome(VerifyClientOutcome.ALLOWED)).isEqualTo(1);
        assertThat(server.stats().admission(AdmissionDecision.ADMITTED)).isEqualTo(1);
    }

    @Test
    @DisplayName("Allow:false: closed after ClientInfo with no ServerInfo, counted as a refusal")
    void deniedClientIsClosed() throws Exception {
        controller.reply(Reply.json("{\"Allow\":false}"));
        start(true);
        assertRefused(NodePrivateKey.generate());
        assertThat(outcome(VerifyClientOutcome.DENIED)).isEqualTo(1);
        assertThat(server.stats().admission(AdmissionDecision.CALLBACK_REFUSED)).isEqualTo(1);
        assertThat(server.relay().keyCount()).isZero();
    }

    @Test
    @DisplayName("a 500 refuses even with fail-open")
    void serverErrorRefusesEvenFailOpen() throws Exception {
        controller.reply(Reply.status(500));
        start(true);
        assertRefused(NodePrivateKey.generate());
        assertThat(outcome(VerifyClientOutcome.HTTP_ERROR)).isEqualTo(1);
    }

    @Test
    @DisplayName("bad JSON refuses even with fail-open")
    void badJsonRefusesEvenFailOpen() throws Exception {
        controller.reply(Reply.json("Allow: true"));
        start(true);
        assertRefused(NodePrivateKey.generate());
        assertThat(outcome(VerifyClientOutcome.BAD_JSON)).isEqualTo(1);
    }

    @Test
    @DisplayName("a silent controller with fail-open: the client is admitted after the webhook timeout")
    void timeoutFailOpenAdmits() throws Exception {
        controller.reply(Reply.HANG);
        start(true, SILENT_TIMEOUT_NS);
        connect(NodePrivateKey.generate());
        assertThat(server.relay().keyCount()).isEqualTo(1);
        assertThat(outcome(VerifyClientOutcome.TIMEOUT_FAIL_OPEN)).isEqualTo(1);
    }

    @Test
    @DisplayName("a silent controller with fail-closed: the client is refused after the webhook timeout")
    void timeoutFailClosedRefuses() throws Exception {
        controller.reply(Reply.HANG);
        start(false, SILENT_TIMEOUT_NS);
        assertRefused(NodePrivateKey.generate());
        assertThat(outcome(VerifyClientOutcome.TIMEOUT_FAIL_CLOSED)).isEqualTo(1);
        assertThat(server.stats().end(ConnectionEnd.HANDSHAKE_TIMEOUT)).isZero(); // the webhook's timeout decided
    }

    @Test
    @DisplayName("a mesh peer is admitted without asking the controller, counted as mesh_skipped")
    void meshPeerSkipsTheWebhook() throws Exception {
        controller.reply(Reply.json("{\"Allow\":false}"));
        start(false);
        connect(NodePrivateKey.generate(), new ClientInfo(MESH, 2, true, false, ""));
        assertThat(server.relay().keyCount()).isEqualTo(1);
        assertThat(outcome(VerifyClientOutcome.MESH_SKIPPED)).isEqualTo(1);
        // An ordinary client after it is asked: had the mesh peer been asked, it would be the second request.
        assertRefused(NodePrivateKey.generate());
        assertThat(controller.requestCount()).isEqualTo(1);
    }

    @Test
    @DisplayName("a reconnect within the cache TTL is admitted without asking again")
    void reconnectUsesTheCache() throws Exception {
        start(false);
        final NodePrivateKey key = NodePrivateKey.generate();
        connect(key).close();
        connect(key);
        assertThat(controller.requestCount()).isEqualTo(1);
        assertThat(outcome(VerifyClientOutcome.CACHE_HIT_ALLOWED)).isEqualTo(1);
    }

    @Test
    @DisplayName("/metrics has derp_verify_client_url_total by outcome when the webhook is on, and not when it is off")
    void outcomesAreExported() throws Exception {
        start(false);
        connect(NodePrivateKey.generate());
        final String page = RelayMetricsText.render(server.stats());
        assertThat(page).contains("# TYPE derp_verify_client_url_total counter\n")
            .contains("derp_verify_client_url_total{outcome=\"allowed\"} 1\n")
            .contains("derp_verify_client_url_total{outcome=\"mesh_skipped\"} 0\n");
        for (final VerifyClientOutcome o : VerifyClientOutcome.values()) {
            assertThat(page).contains("derp_verify_client_url_total{outcome=\"" + o.label() + "\"} ");
        }
        server.close();
        server = DerpRelayServer.builder().threads(1).build().start();
        assertThat(RelayMetricsText.render(server.stats())).doesNotContain("derp_verify_client_url_total");
    }

    @Test
    @DisplayName("defaults: fail-open true and a 5 s timeout, as derper")
    void defaultsAreDerpers() {
        assertThat(DerpRelayServer.Settings.DEFAULT_VERIFY_CLIENT_URL_FAIL_OPEN).isTrue();
        assertThat(DerpRelayServer.Settings.DEFAULT_VERIFY_CLIENT_URL_TIMEOUT_NS).isEqualTo(TimeUnit.SECONDS.toNanos(5));
        DerpRelayServer.builder().verifyClientUrl(controller.url()).build(); // 5 s is below the 10 s handshake deadline
    }

    @Test
    @DisplayName("the URL must be http(s) with a host; a bad one is a typed error that does not echo it")
    void badUrlIsATypedError() {
        for (final String bad : new String[] {"ftp://example.com/x?token=s3cret", "file:///tmp/x?token=s3cret",
            "/relative?token=s3cret", "http:///no-host?token=s3cret"}) {
            assertThatThrownBy(() -> DerpRelayServer.builder().verifyClientUrl(URI.create(bad)).build())
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("verifyClientUrl")
                .hasMessageNotContaining("s3cret");
        }
        DerpRelayServer.builder().verifyClientUrl(URI.create("https://admission.example/verify")).build();
    }

    @Test
    @DisplayName("the timeout must be > 0 and below the handshake timeout, or fail-open could never apply")
    void timeoutIsBoundedByTheHandshakeDeadline() {
        final long handshakeNs = TimeUnit.SECONDS.toNanos(2);
        final DerpRelayServer.Builder b = DerpRelayServer.builder().verifyClientUrl(controller.url())
            .handshakeTimeoutNs(handshakeNs);
        b.verifyClientUrlTimeoutNs(handshakeNs - 1).build();
        assertThatThrownBy(() -> b.verifyClientUrlTimeoutNs(handshakeNs).build())
            .isInstanceOf(InvalidConfigException.class).hasMessageContaining("verifyClientUrlTimeoutNs");
        assertThatThrownBy(() -> b.verifyClientUrlTimeoutNs(0).build()).isInstanceOf(InvalidConfigException.class);
    }

    @Test
    @DisplayName("the in-flight cap is 1 to MAX_VERIFY_CLIENT_URL_MAX_IN_FLIGHT")
    void maxInFlightIsInRange() {
        final int max = DerpRelayServer.Settings.MAX_VERIFY_CLIENT_URL_MAX_IN_FLIGHT;
        final DerpRelayServer.Builder b = DerpRelayServer.builder().verifyClientUrl(controller.url());
        b.verifyClientUrlMaxInFlight(1).build();
        b.verifyClientUrlMaxInFlight(max).build();
        assertThatThrownBy(() -> b.verifyClientUrlMaxInFlight(0).build()).isInstanceOf(InvalidConfigException.class);
        assertThatThrownBy(() -> b.verifyClientUrlMaxInFlight(max + 1).build())
            .isInstanceOf(InvalidConfigException.class).hasMessageContaining("verifyClientUrlMaxInFlight");
    }
}
