package io.derpring.server;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;

import io.derpring.transport.Transport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The HTTP side of the DERP port (SPEC §2.6). */
@Timeout(60)
class HttpEndpointsTest {
    private static DerpRelayServer server;

    @BeforeAll
    static void start() throws Exception {
        server = DerpRelayServer.builder().threads(1).build().start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** Sends one request with {@code Connection: close} and returns the whole response. */
    static String exchange(final InetSocketAddress to, final String request) throws Exception {
        try (Socket s = new Socket()) {
            s.connect(to, 5000);
            s.setSoTimeout(5000);
            s.getOutputStream().write(request.getBytes(US_ASCII));
            s.getOutputStream().flush();
            final InputStream in = s.getInputStream();
            final ByteArrayOutputStream out = new ByteArrayOutputStream();
            final byte[] buf = new byte[4096];
            for (int n; (n = in.read(buf)) > 0; ) {
                out.write(buf, 0, n);
            }
            return out.toString(US_ASCII);
        }
    }

    private static String request(final String method, final String path, final String... headers) {
        final StringBuilder b = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: derp.test\r\nConnection: close\r\n");
        for (final String h : headers) {
            b.append(h).append("\r\n");
        }
        return b.append("\r\n").toString();
    }

    @Test
    @DisplayName("B35: a /derp request without an Upgrade header gets 426 'DERP requires connection upgrade'")
    void noUpgradeHeaderGets426() throws Exception {
        final String r = exchange(server.localAddress(), request("GET", "/derp"));
        assertThat(r).startsWith("HTTP/1.1 426 Upgrade Required\r\n").endsWith("DERP requires connection upgrade");
    }

    @ParameterizedTest(name = "Upgrade: {0}")
    @ValueSource(strings = {"h2c", "derp2", "websocket2"})
    @DisplayName("B35: any Upgrade value other than DERP or websocket gets 426")
    void otherUpgradeValuesGet426(final String value) throws Exception {
        assertThat(exchange(server.localAddress(), request("GET", "/derp", "Upgrade: " + value, "Connection: Upgrade")))
            .startsWith("HTTP/1.1 426 ");
    }

    @ParameterizedTest(name = "Upgrade: {0}")
    @ValueSource(strings = {"DERP", "derp", "Derp"})
    @DisplayName("B34: the Upgrade value is matched case-insensitively")
    void upgradeValueIsCaseInsensitive(final String value) throws Exception {
        try (Socket s = new Socket()) {
            s.connect(server.localAddress(), 5000);
            s.setSoTimeout(5000);
            s.getOutputStream().write(("GET /derp HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: " + value + "\r\n\r\n").getBytes(US_ASCII));
            final byte[] head = s.getInputStream().readNBytes(12);
            assertThat(new String(head, US_ASCII)).isEqualTo("HTTP/1.1 101");
        }
    }

    static List<String> probePaths() {
        return List.of("/derp/probe", "/derp/latency-check");
    }

    @ParameterizedTest(name = "GET {0}")
    @MethodSource("probePaths")
    @DisplayName("B35: probe endpoints answer GET with 200 and Access-Control-Allow-Origin: *")
    void probeGet(final String path) throws Exception {
        final String r = exchange(server.localAddress(), request("GET", path));
        assertThat(r).startsWith("HTTP/1.1 200 OK\r\n").containsIgnoringCase("access-control-allow-origin: *\r\n")
            .containsIgnoringCase("content-length: 0\r\n");
    }

    @ParameterizedTest(name = "HEAD {0}")
    @MethodSource("probePaths")
    @DisplayName("B35: probe endpoints answer HEAD with 200 and Access-Control-Allow-Origin: *")
    void probeHead(final String path) throws Exception {
        final String r = exchange(server.localAddress(), request("HEAD", path));
        assertThat(r).startsWith("HTTP/1.1 200 OK\r\n").containsIgnoringCase("access-control-allow-origin: *\r\n");
    }

    @ParameterizedTest(name = "POST {0}")
    @MethodSource("probePaths")
    @DisplayName("B35: probe endpoints answer POST with 405")
    void probePost(final String path) throws Exception {
        final String r = exchange(server.localAddress(), request("POST", path, "Content-Length: 3") + "abc");
        assertThat(r).startsWith("HTTP/1.1 405 ").endsWith("bogus probe method");
    }

    @Test
    @DisplayName("B36: /generate_204 echoes a valid challenge as 'X-Tailscale-Response: response <c>'")
    void generate204EchoesAValidChallenge() throws Exception {
        final String r = exchange(server.localAddress(), request("GET", "/generate_204", "X-Tailscale-Challenge: abc.DEF_0:9-x"));
        assertThat(r).startsWith("HTTP/1.1 204 No Content\r\n")
            .containsIgnoringCase("x-tailscale-response: response abc.DEF_0:9-x\r\n")
            .containsIgnoringCase("cache-control: no-cache, no-store, must-revalidate, no-transform, max-age=0\r\n");
    }

    @ParameterizedTest(name = "challenge of {0} chars")
    @ValueSource(ints = {63, 64, 65})
    @DisplayName("B36: the challenge is echoed only up to 64 characters")
    void challengeLengthLimit(final int length) throws Exception {
        final String c = "a".repeat(length);
        final String r = exchange(server.localAddress(), request("GET", "/generate_204", "X-Tailscale-Challenge: " + c));
        assertThat(r).startsWith("HTTP/1.1 204 ");
        if (length <= HttpRouter.MAX_CHALLENGE_LENGTH) {
            assertThat(r).containsIgnoringCase("x-tailscale-response: response " + c + "\r\n");
        } else {
            assertThat(r.toLowerCase()).doesNotContain("x-tailscale-response");
        }
    }

    @ParameterizedTest(name = "challenge ''{0}''")
    @ValueSource(strings = {"a b", "a/b", "a+b", "ü"})
    @DisplayName("B36: a challenge with a character outside [a-zA-Z0-9._:-] is not echoed, but the status is still 204")
    void invalidChallengeIsNotEchoed(final String c) throws Exception {
        final String r = exchange(server.localAddress(), request("GET", "/generate_204", "X-Tailscale-Challenge: " + c));
        assertThat(r).startsWith("HTTP/1.1 204 ");
        assertThat(r.toLowerCase()).doesNotContain("x-tailscale-response");
    }

    @Test
    void generate204WithoutChallengeIs204() throws Exception {
        assertThat(exchange(server.localAddress(), request("GET", "/generate_204"))).startsWith("HTTP/1.1 204 ");
    }

    @Test
    void keepAliveServesSeveralRequestsOnOneConnection() throws Exception {
        try (Socket s = new Socket()) {
            s.connect(server.localAddress(), 5000);
            s.setSoTimeout(5000);
            final String keepAlive = "GET /derp/probe HTTP/1.1\r\nHost: x\r\n\r\n";
            s.getOutputStream().write((keepAlive + keepAlive).getBytes(US_ASCII));
            final StringBuilder got = new StringBuilder();
            final byte[] buf = new byte[1024];
            while (got.toString().split("HTTP/1.1 200 OK", -1).length < 3) {
                final int n = s.getInputStream().read(buf);
                assertThat(n).as("connection stays open for the second response").isPositive();
                got.append(new String(buf, 0, n, US_ASCII));
            }
            assertThat(s.isClosed()).isFalse();
        }
    }

    @Test
    void unknownPathIs404() throws Exception {
        assertThat(exchange(server.localAddress(), request("GET", "/nope"))).startsWith("HTTP/1.1 404 ");
    }

    @Test
    void metricsAreServedAsPrometheusTextOnTheMetricsPort() throws Exception {
        final String r = exchange(server.metricsAddress(), request("GET", "/metrics"));
        assertThat(server.metricsAddress().getAddress().isLoopbackAddress()).isTrue();
        assertThat(r).startsWith("HTTP/1.1 200 OK").contains("# TYPE derp_connections gauge\nderp_connections ")
            .contains("derp_packets_dropped_total{reason=\"unknown_dest\",kind=\"disco\"} ")
            .contains("derp_queued_packets{queue=\"data\"} ")
            .contains("derp_connections_closed_total{reason=\"handshake_timeout\"} ")
            .contains("derp_http_probes_total ");
        assertThat(exchange(server.metricsAddress(), request("GET", "/other"))).startsWith("HTTP/1.1 404 ");
    }

    @Test
    void theServerRunsOnIpv6Loopback() throws Exception {
        final java.net.InetAddress v6 = java.net.InetAddress.getByName("::1");
        final DerpRelayServer s6;
        try {
            s6 = DerpRelayServer.builder().threads(1).transport(Transport.NIO).listen(new InetSocketAddress(v6, 0))
                .metricsAddress(null).build().start();
        } catch (final Exception e) {
            org.junit.jupiter.api.Assumptions.abort("no IPv6 loopback here: " + e);
            return;
        }
        try (DerpTestClient c = DerpTestClient.connect(s6.localAddress(), DerpTestClient.Mode.HTTP, null)) {
            assertThat(c.serverKey()).isEqualTo(s6.publicKey());
        } finally {
            s6.close();
        }
    }
}
