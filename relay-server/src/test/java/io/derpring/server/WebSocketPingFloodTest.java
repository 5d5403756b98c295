package io.derpring.server;

import static io.derpring.server.Await.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * WebSocket pings from a client that does not read: the relay answers them only while the connection is writable and
 * owes at most the latest ({@link WebSocketDerpStream#MAX_OWED_WEBSOCKET_PONGS}), so a ping flood cannot grow the
 * relay's outbound buffer past the write-buffer high-water mark; every ping left unanswered is counted.
 */
@Timeout(60)
class WebSocketPingFloodTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final int SMALL_SOCKET_BUFFER = 4096;
    /** RFC 6455 §5.5: the largest control frame payload. */
    private static final int MAX_CONTROL_PAYLOAD = 125;
    /** An unmasked pong with a 125-byte payload on the wire: 2-byte header. */
    private static final int PONG_WIRE_BYTES = 2 + MAX_CONTROL_PAYLOAD;
    /** 40 000 pongs would be 5 MB queued for a reader that reads nothing, over 4 times the bound below. */
    private static final int FLOOD_PINGS = 40_000;
    /**
     * What may reach the reader: the outbound buffer up to the high-water mark and what the kernel holds for the
     * connection, with a generous margin (about 260 KB in all was seen on loopback with io_uring).
     */
    private static final int BOUND_BYTES = DerpRelayServer.Settings.DEFAULT_WRITE_BUFFER_HIGH_BYTES + 1024 * 1024;
    /**
     * The floods run right after the upgrade, before ClientInfo (the relay's write deadline does not run yet), as an
     * attacker's would; a long handshake deadline keeps a slow loaded machine from closing the connection first.
     */
    private static final long HANDSHAKE_TIMEOUT_NS = Duration.ofSeconds(50).toNanos();
    private DerpRelayServer server;

    @BeforeEach
    void start() throws Exception {
        server = DerpRelayServer.builder().threads(1).listen(new InetSocketAddress("127.0.0.1", 0))
            .socketSendBufferBytes(SMALL_SOCKET_BUFFER).handshakeTimeoutNs(HANDSHAKE_TIMEOUT_NS).build().start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** A full-size ping payload starting with {@code sequence}. */
    private static byte[] pingPayload(final int sequence) {
        return ByteBuffer.allocate(MAX_CONTROL_PAYLOAD).putInt(sequence).array();
    }

    private static int sequence(final byte[] pongPayload) {
        return ByteBuffer.wrap(pongPayload).getInt();
    }

    private long skipped() {
        return server.stats().server(ServerCounter.WEBSOCKET_PONGS_SKIPPED);
    }

    @Test
    @DisplayName("a ping flood from a client that reads nothing queues at most the high-water mark; the rest is counted "
        + "skipped and the latest ping is answered once the client reads")
    void pingFloodAtAStalledReaderIsBounded() throws Exception {
        try (WebSocketTestClient c = WebSocketTestClient.open(server.localAddress(), SMALL_SOCKET_BUFFER)) {
            c.upgrade("derp"); // no ClientInfo: the ServerKey frame waits unread with the pongs
            for (int i = 0; i < FLOOD_PINGS; i++) {
                c.sendFrame(WebSocketTestClient.OPCODE_PING, true, pingPayload(i));
            }

            int received = 0;
            int last = -1;
            for (int seq = -1; seq != FLOOD_PINGS - 1; ) { // the client reads again, up to the latest ping's pong
                seq = sequence(c.readPong());
                assertThat(seq).as("pongs in ping order, none twice").isGreaterThan(last);
                last = seq;
                received++;
            }

            assertThat((long) received * PONG_WIRE_BYTES).as("pong bytes that were queued for the stalled reader")
                .isLessThanOrEqualTo(BOUND_BYTES);
            final int answered = received;
            awaitTrue("every ping answered or counted skipped", () -> answered + skipped() == FLOOD_PINGS, WAIT);
        }
    }

    @Test
    @DisplayName("after a flood, a ping to a client that reads is answered at once and nothing more is skipped")
    void pingIsAnsweredAtOnceOnceTheReaderReads() throws Exception {
        try (WebSocketTestClient c = WebSocketTestClient.open(server.localAddress(), SMALL_SOCKET_BUFFER)) {
            c.upgrade("derp"); // no ClientInfo: the ServerKey frame waits unread with the pongs
            for (int i = 0; i < FLOOD_PINGS; i++) {
                c.sendFrame(WebSocketTestClient.OPCODE_PING, true, pingPayload(i));
            }
            while (sequence(c.readPong()) != FLOOD_PINGS - 1) {
                // drain the flood's pongs
            }
            final long skippedBefore = skipped();
            for (int i = 0; i < 3; i++) {
                c.sendFrame(WebSocketTestClient.OPCODE_PING, true, pingPayload(FLOOD_PINGS + i));
                assertThat(sequence(c.readPong())).isEqualTo(FLOOD_PINGS + i);
            }
            assertThat(skipped()).isEqualTo(skippedBefore);
        }
    }

    @Test
    @DisplayName("a ping to a client that reads is answered with its payload and nothing is skipped")
    void pingToAReaderIsAnswered() throws Exception {
        try (WebSocketTestClient c = WebSocketTestClient.connect(server.localAddress())) {
            c.sendFrame(WebSocketTestClient.OPCODE_PING, true, pingPayload(7));
            assertThat(c.readPong()).isEqualTo(pingPayload(7));
        }
        assertThat(skipped()).isZero();
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {MAX_CONTROL_PAYLOAD - 1, MAX_CONTROL_PAYLOAD})
    @DisplayName("a ping payload up to the 125-byte control frame limit is echoed whole")
    void pingUpToTheControlLimitIsEchoed(final int length) throws Exception {
        final byte[] payload = new byte[length];
        payload[length - 1] = 42;
        try (WebSocketTestClient c = WebSocketTestClient.connect(server.localAddress())) {
            c.sendFrame(WebSocketTestClient.OPCODE_PING, true, payload);
            assertThat(c.readPong()).isEqualTo(payload);
        }
    }

    @Test
    @DisplayName("a ping over the 125-byte control frame limit closes the connection with 1002, counted")
    void pingOverTheControlLimitIsAProtocolError() throws Exception {
        try (WebSocketTestClient c = WebSocketTestClient.connect(server.localAddress())) {
            c.sendFrame(WebSocketTestClient.OPCODE_PING, true, new byte[MAX_CONTROL_PAYLOAD + 1]);
            assertThat(c.awaitClose()).isIn(1002, -1); // -1: the reset came before the close frame could be read
        }
        awaitTrue("counted", () -> server.stats().server(ServerCounter.WEBSOCKET_PROTOCOL_ERRORS) == 1, WAIT);
    }
}
