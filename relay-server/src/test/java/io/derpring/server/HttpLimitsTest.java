package io.derpring.server;

import static io.derpring.server.Await.awaitTrue;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.derpring.runtime.InvalidConfigException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The HTTP limits of issue 12: requests per connection on both ports, and the metrics port's timeout. */
@Timeout(60)
class HttpLimitsTest {
    private static final int LIMIT = 3;
    private static final long METRICS_TIMEOUT_NS = TimeUnit.MILLISECONDS.toNanos(500);
    private static final Pattern CONTENT_LENGTH = Pattern.compile("(?i)content-length: (\\d+)");
    private static final Pattern STATUS = Pattern.compile("HTTP/1\\.1 (\\d{3}) ");
    private DerpRelayServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private void start() throws Exception {
        server = DerpRelayServer.builder().threads(1).maxHttpRequestsPerConnection(LIMIT)
            .metricsTimeoutNs(METRICS_TIMEOUT_NS).build().start();
    }

    @ParameterizedTest(name = "{0} requests")
    @ValueSource(ints = {LIMIT - 1, LIMIT, LIMIT + 1})
    @DisplayName("the DERP port answers up to maxHttpRequestsPerConnection pipelined requests; the next gets 429 and a close")
    void derpPortRequestLimit(final int requests) throws Exception {
        start();
        assertLimit(server.localAddress(), "/", requests);
    }

    @ParameterizedTest(name = "{0} requests")
    @ValueSource(ints = {LIMIT - 1, LIMIT, LIMIT + 1})
    @DisplayName("the metrics port has the same per-connection request limit")
    void metricsPortRequestLimit(final int requests) throws Exception {
        start();
        assertLimit(server.metricsAddress(), "/metrics", requests);
    }

    private void assertLimit(final InetSocketAddress where, final String path, final int requests) throws Exception {
        final StringBuilder pipelined = new StringBuilder();
        for (int i = 1; i <= requests; i++) {
            pipelined.append("GET ").append(path).append(" HTTP/1.1\r\nHost: relay\r\n")
                .append(i == requests ? "Connection: close\r\n" : "").append("\r\n");
        }
        final String answers = exchange(where, pipelined.toString());
        final Matcher m = STATUS.matcher(answers);
        int ok = 0;
        int refused = 0;
        while (m.find()) {
            if (m.group(1).equals("200")) {
                ok++;
            } else if (m.group(1).equals("429")) {
                refused++;
            }
        }
        assertThat(ok).isEqualTo(Math.min(requests, LIMIT));
        assertThat(refused).isEqualTo(requests > LIMIT ? 1 : 0);
        assertThat(server.stats().server(ServerCounter.HTTP_REQUEST_LIMIT)).isEqualTo(requests > LIMIT ? 1 : 0);
    }

    @Test
    @DisplayName("D2: a half-sent request on the metrics port is closed at the metrics timeout and counted")
    void halfSentMetricsRequestIsClosed() throws Exception {
        start();
        try (Socket s = new Socket()) {
            final long sentNs = System.nanoTime(); // before connect: the relay's timer starts at accept, not later
            s.connect(server.metricsAddress(), 5000);
            s.getOutputStream().write("GET /metr".getBytes(US_ASCII));
            s.setSoTimeout(5000);
            assertThat(s.getInputStream().read()).as("EOF from the relay").isEqualTo(-1);
            assertThat(System.nanoTime() - sentNs).isGreaterThanOrEqualTo(METRICS_TIMEOUT_NS / 2);
        }
        awaitTrue("timeout counted", () -> server.stats().server(ServerCounter.METRICS_TIMEOUTS) == 1,
            Duration.ofSeconds(5));
    }

    @Test
    @DisplayName("a metrics request-target with a bad %-escape is answered 400 and closed; what is pipelined behind it is ignored")
    void badMetricsRequestTargetIsAnswered400AndClosed() throws Exception {
        start();
        final String answers = exchange(server.metricsAddress(),
            "GET /metrics%zz HTTP/1.1\r\nHost: relay\r\n\r\nGET /metrics HTTP/1.1\r\nHost: relay\r\n\r\n");
        final Matcher m = STATUS.matcher(answers);
        assertThat(m.find()).isTrue();
        assertThat(m.group(1)).isEqualTo("400");
        assertThat(m.find()).as("no answer after the closing 400").isFalse();
        assertThat(server.stats().server(ServerCounter.HTTP_BAD_REQUESTS)).isEqualTo(1);
    }

    @Test
    @DisplayName("each answered metrics request gives the connection a fresh timeout")
    void answeredMetricsRequestsRestartTheTimeout() throws Exception {
        start();
        try (Socket s = new Socket()) {
            s.connect(server.metricsAddress(), 5000);
            s.setSoTimeout(5000);
            final InputStream in = s.getInputStream();
            for (int i = 0; i < LIMIT; i++) {
                s.getOutputStream().write("GET /metrics HTTP/1.1\r\nHost: relay\r\n\r\n".getBytes(US_ASCII));
                final String head = readHead(in);
                assertThat(head).startsWith("HTTP/1.1 200 ");
                final Matcher length = CONTENT_LENGTH.matcher(head);
                assertThat(length.find()).isTrue();
                in.readNBytes(Integer.parseInt(length.group(1)));
            }
        }
        assertThat(server.stats().server(ServerCounter.METRICS_TIMEOUTS)).isZero();
    }

    @Test
    void limitsAreCheckedAtBuild() {
        assertThatThrownBy(() -> DerpRelayServer.builder().maxHttpRequestsPerConnection(0).build())
            .isInstanceOf(InvalidConfigException.class);
        assertThatThrownBy(() -> DerpRelayServer.builder().metricsTimeoutNs(0).build())
            .isInstanceOf(InvalidConfigException.class);
        assertThatThrownBy(() -> DerpRelayServer.builder()
            .directMemoryBudgetBytes(DerpRelayServer.Settings.MIN_DIRECT_MEMORY_BUDGET_BYTES - 1).build())
            .isInstanceOf(InvalidConfigException.class);
        assertThat(DerpRelayServer.builder().directMemoryBudgetBytes(DerpRelayServer.Settings.MIN_DIRECT_MEMORY_BUDGET_BYTES)
            .build().settings().directMemoryBudgetBytes()).isEqualTo(DerpRelayServer.Settings.MIN_DIRECT_MEMORY_BUDGET_BYTES);
        assertThat(DerpRelayServer.builder().build().settings().maxHttpRequestsPerConnection())
            .isEqualTo(DerpRelayServer.Settings.DEFAULT_MAX_HTTP_REQUESTS_PER_CONNECTION);
    }

    private static String exchange(final InetSocketAddress to, final String request) throws Exception {
        try (Socket s = new Socket()) {
            s.connect(to, 5000);
            s.setSoTimeout(5000);
            s.getOutputStream().write(request.getBytes(US_ASCII));
            final InputStream in = s.getInputStream();
            final ByteArrayOutputStream out = new ByteArrayOutputStream();
            final byte[] buf = new byte[8192];
            for (int n; (n = in.read(buf)) > 0; ) {
                out.write(buf, 0, n);
            }
            return out.toString(US_ASCII);
        }
    }

    private static String readHead(final InputStream in) throws Exception {
        final ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            final int c = in.read();
            assertThat(c).as("EOF in a response head").isNotNegative();
            head.write(c);
            matched = c == "\r\n\r\n".charAt(matched) ? matched + 1 : (c == '\r' ? 1 : 0);
        }
        return head.toString(US_ASCII);
    }
}
