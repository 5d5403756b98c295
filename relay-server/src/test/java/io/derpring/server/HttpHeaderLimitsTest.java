package io.derpring.server;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;

import io.derpring.transport.Transport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The HTTP stage's size limits, at, below and above each: the request line ({@code maxHttpInitialLineBytes}) and the
 * header section ({@code maxHttpHeaderBytes}, the bytes of all header lines without their CRLFs, which also bounds
 * how many lines a request may carry). Within a limit the request is routed; one byte over it is answered 400 and
 * the connection closed, counted as a bad request, before anything is buffered past the limit.
 */
@Timeout(60)
class HttpHeaderLimitsTest {
    private static final int LINE_LIMIT = 128;
    private static final int HEADER_LIMIT = 256;
    /** One short header line; the header section is many of them, so the limit is also a line-count limit. */
    private static final int FILLER_LINE_BYTES = "h00:vvvv".length();
    private DerpRelayServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private void start() throws Exception {
        server = DerpRelayServer.builder().transport(Transport.NIO).threads(1).metricsAddress(null)
            .maxHttpInitialLineBytes(LINE_LIMIT).maxHttpHeaderBytes(HEADER_LIMIT).build().start();
    }

    @ParameterizedTest(name = "limit {0}")
    @ValueSource(ints = {-1, 0, 1})
    @DisplayName("a request line up to maxHttpInitialLineBytes is routed; one byte longer is answered 400 and closed")
    void requestLineLimit(final int overLimit) throws Exception {
        start();
        final String prefix = "GET /";
        final String suffix = " HTTP/1.1";
        final int pathBytes = LINE_LIMIT + overLimit - prefix.length() - suffix.length();
        final String request = prefix + "a".repeat(pathBytes) + suffix + "\r\nHost: relay\r\n\r\n";
        assertAnswer(request, overLimit <= 0 ? "404" : "400");
    }

    @ParameterizedTest(name = "limit {0}")
    @ValueSource(ints = {-1, 0, 1})
    @DisplayName("header lines summing to maxHttpHeaderBytes are routed, however many; one byte more is answered 400")
    void headerSectionLimit(final int overLimit) throws Exception {
        start();
        final StringBuilder request = new StringBuilder("GET /derp/probe HTTP/1.1\r\n");
        int bytes = 0;
        int lines = 0;
        while (bytes + 2 * FILLER_LINE_BYTES <= HEADER_LIMIT) {
            request.append(String.format("h%02d:vvvv\r\n", lines++));
            bytes += FILLER_LINE_BYTES;
        }
        final int lastLine = HEADER_LIMIT + overLimit - bytes;
        request.append("z:").append("v".repeat(lastLine - 2)).append("\r\n\r\n");
        assertThat(lines).as("the section is many lines").isGreaterThan(16);
        assertAnswer(request.toString(), overLimit <= 0 ? "200" : "400");
    }

    private void assertAnswer(final String request, final String status) throws Exception {
        final long badBefore = server.stats().server(ServerCounter.HTTP_BAD_REQUESTS);
        try (Socket s = new Socket(server.localAddress().getAddress(), server.localAddress().getPort())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(request.getBytes(US_ASCII));
            s.getOutputStream().flush();
            final String head = readStatusLine(s.getInputStream());
            assertThat(head).startsWith("HTTP/1.1 " + status + " ");
            if (status.equals("400")) {
                assertThat(drainsToEof(s.getInputStream())).as("closed after the 400").isTrue();
                assertThat(server.stats().server(ServerCounter.HTTP_BAD_REQUESTS)).isEqualTo(badBefore + 1);
            } else {
                assertThat(server.stats().server(ServerCounter.HTTP_BAD_REQUESTS)).isEqualTo(badBefore);
            }
        }
    }

    private static String readStatusLine(final InputStream in) throws Exception {
        final ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            line.write(b);
        }
        return line.toString(US_ASCII).trim();
    }

    /** Reads to EOF (the server closed); false if the 10 s socket timeout ran out first. */
    private static boolean drainsToEof(final InputStream in) throws Exception {
        final byte[] sink = new byte[4096];
        try {
            while (in.read(sink) != -1) {
                // the rest of the 400 answer
            }
            return true;
        } catch (final java.net.SocketTimeoutException e) {
            return false;
        }
    }
}
