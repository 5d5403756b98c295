package io.derpring.server;

import static io.derpring.server.Await.awaitTrue;
import static io.derpring.server.DerpTestClient.Mode.HTTP;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.SplittableRandom;

import io.derpring.internal.frame.FrameType;
import io.derpring.internal.frame.PingFlyweight;
import io.derpring.internal.relay.RelayConfig;
import io.derpring.internal.relay.RelayCounter;
import io.derpring.server.DerpTestClient.Frame;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** DERP over WebSocket on the relay (Go cmd/derper/websocket.go), with a raw client that sets message boundaries. */
@Timeout(60)
class WebSocketLoopbackTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    /** SendPacket framing around a packet: 5-byte header and 32-byte destination key. */
    private static final int SEND_PACKET_OVERHEAD = 5 + 32;
    private static final int SMALL_SOCKET_BUFFER = 4096;
    /** 60 KiB: under the 64 KiB high-water mark, so only frames stop leaving (SlowReaderWriteTimeoutTest). */
    private static final int STALL_PACKETS = 60;
    private static final int STALL_PACKET_BYTES = 1024;
    private DerpRelayServer server;

    @BeforeEach
    void start() throws Exception {
        server = DerpRelayServer.builder().threads(1).listen(new InetSocketAddress("127.0.0.1", 0)).build().start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static byte[] randomPacket(final SplittableRandom random, final int length) {
        final byte[] p = new byte[length];
        random.nextBytes(p);
        return p;
    }

    @Test
    @DisplayName("the 101 selects subprotocol derp with the RFC 6455 accept key, and is counted")
    void handshakeSelectsDerpSubprotocol() throws Exception {
        try (WebSocketTestClient c = WebSocketTestClient.connect(server.localAddress())) {
            assertThat(c.responseHead()).startsWithIgnoringCase("HTTP/1.1 101 Switching Protocols\r\n")
                .containsIgnoringCase("upgrade: websocket\r\n").containsIgnoringCase("sec-websocket-protocol: derp\r\n");
        }
        assertThat(server.stats().server(ServerCounter.HTTP_WEBSOCKET_UPGRADES)).isEqualTo(1);
    }

    @Test
    @DisplayName("two WebSocket clients exchange packets both ways, payloads verified")
    void webSocketClientsExchangePacketsBothWays() throws Exception {
        final long seed = System.nanoTime();
        final SplittableRandom random = new SplittableRandom(seed);
        try (WebSocketTestClient a = WebSocketTestClient.connect(server.localAddress());
             WebSocketTestClient b = WebSocketTestClient.connect(server.localAddress())) {
            for (int i = 0; i < 50; i++) {
                final byte[] ab = randomPacket(random, random.nextInt(0, 2000));
                final byte[] ba = randomPacket(random, random.nextInt(0, 2000));
                a.sendMessage(WebSocketTestClient.sendPacketFrame(b.publicKey(), ab));
                b.sendMessage(WebSocketTestClient.sendPacketFrame(a.publicKey(), ba));
                final Frame atB = b.awaitFrame(FrameType.RECV_PACKET);
                final Frame atA = a.awaitFrame(FrameType.RECV_PACKET);
                assertThat(DerpTestClient.source(atB)).as("seed %d", seed).isEqualTo(a.publicKey());
                assertThat(DerpTestClient.packet(atB)).as("seed %d", seed).isEqualTo(ab);
                assertThat(DerpTestClient.source(atA)).as("seed %d", seed).isEqualTo(b.publicKey());
                assertThat(DerpTestClient.packet(atA)).as("seed %d", seed).isEqualTo(ba);
            }
        }
    }

    @Test
    @DisplayName("a mixed pair, one client on WebSocket and one on the DERP upgrade, exchanges packets both ways")
    void mixedPairExchangesPacketsBothWays() throws Exception {
        final SplittableRandom random = new SplittableRandom(7);
        try (WebSocketTestClient ws = WebSocketTestClient.connect(server.localAddress());
             DerpTestClient plain = DerpTestClient.connect(server.localAddress(), HTTP, null)) {
            for (int i = 0; i < 20; i++) {
                final byte[] toPlain = randomPacket(random, random.nextInt(0, 1500));
                final byte[] toWs = randomPacket(random, random.nextInt(0, 1500));
                ws.sendMessage(WebSocketTestClient.sendPacketFrame(plain.publicKey(), toPlain));
                plain.sendPacket(ws.publicKey(), toWs);
                final Frame atPlain = plain.awaitFrame(FrameType.RECV_PACKET, WAIT);
                final Frame atWs = ws.awaitFrame(FrameType.RECV_PACKET);
                assertThat(DerpTestClient.source(atPlain)).isEqualTo(ws.publicKey());
                assertThat(DerpTestClient.packet(atPlain)).isEqualTo(toPlain);
                assertThat(DerpTestClient.source(atWs)).isEqualTo(plain.publicKey());
                assertThat(DerpTestClient.packet(atWs)).isEqualTo(toWs);
            }
        }
    }

    @Test
    @DisplayName("a DERP frame split across messages, and a message split into continuation frames, arrive whole")
    void frameSpanningMessagesArrivesWhole() throws Exception {
        final byte[] packet = randomPacket(new SplittableRandom(1), 1000);
        try (WebSocketTestClient a = WebSocketTestClient.connect(server.localAddress());
             WebSocketTestClient b = WebSocketTestClient.connect(server.localAddress())) {
            final byte[] frame = WebSocketTestClient.sendPacketFrame(b.publicKey(), packet);
            // the 5-byte header itself is cut: 2 bytes, then 500, then the rest in three continuation fragments
            a.sendMessage(Arrays.copyOfRange(frame, 0, 2));
            a.sendMessage(Arrays.copyOfRange(frame, 2, 502));
            a.sendMessage(Arrays.copyOfRange(frame, 502, 600), Arrays.copyOfRange(frame, 600, 601),
                Arrays.copyOfRange(frame, 601, frame.length));
            final Frame got = b.awaitFrame(FrameType.RECV_PACKET);
            assertThat(DerpTestClient.source(got)).isEqualTo(a.publicKey());
            assertThat(DerpTestClient.packet(got)).isEqualTo(packet);
        }
    }

    @Test
    @DisplayName("one message holding several DERP frames (and the start of the next) delivers each packet in order")
    void severalFramesInOneMessageAllArrive() throws Exception {
        final SplittableRandom random = new SplittableRandom(2);
        final int packets = 10;
        final byte[][] sent = new byte[packets][];
        try (WebSocketTestClient a = WebSocketTestClient.connect(server.localAddress());
             WebSocketTestClient b = WebSocketTestClient.connect(server.localAddress())) {
            final java.io.ByteArrayOutputStream joined = new java.io.ByteArrayOutputStream();
            for (int i = 0; i < packets; i++) {
                sent[i] = randomPacket(random, 100 + i);
                joined.write(WebSocketTestClient.sendPacketFrame(b.publicKey(), sent[i]));
            }
            final byte[] all = joined.toByteArray();
            final int cut = all.length - 50; // the last frame's tail goes in a second message
            a.sendMessage(Arrays.copyOfRange(all, 0, cut));
            a.sendMessage(Arrays.copyOfRange(all, cut, all.length));
            for (int i = 0; i < packets; i++) {
                assertThat(DerpTestClient.packet(b.awaitFrame(FrameType.RECV_PACKET))).as("packet %d", i)
                    .isEqualTo(sent[i]);
            }
        }
    }

    @ParameterizedTest(name = "Sec-WebSocket-Protocol: {0}")
    @ValueSource(strings = {"chat", "", "none"})
    @DisplayName("a websocket Upgrade without the derp subprotocol falls through to the plain DERP upgrade, as in Go")
    void nonDerpSubprotocolGetsPlainDerpUpgrade(final String protocol) throws Exception {
        try (DerpTestClient c = DerpTestClient.open(server.localAddress(), null,
            io.derpring.keys.NodePrivateKey.generate())) {
            c.sendRaw(WebSocketTestClient.upgradeRequest(WebSocketTestClient.newSecKey(),
                protocol.equals("none") ? null : protocol).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            final String head = c.readHttpHead();
            assertThat(head).isEqualTo(new String(HttpRouter.switchingProtocols(server.publicKey()),
                java.nio.charset.StandardCharsets.US_ASCII));
            assertThat(c.readFrame().type()).as("plain DERP framing follows").isEqualTo(FrameType.SERVER_KEY);
        }
        assertThat(server.stats().server(ServerCounter.HTTP_UPGRADES)).isEqualTo(1);
        assertThat(server.stats().server(ServerCounter.HTTP_WEBSOCKET_UPGRADES)).isZero();
    }

    @Test
    @DisplayName("a client that offers derp only inside another token gets the 101, then close 1008, as in Go")
    void derpSubstringWithoutExactTokenIsClosedAsPolicyViolation() throws Exception {
        try (WebSocketTestClient c = WebSocketTestClient.open(server.localAddress())) {
            c.upgrade("derpish");
            assertThat(c.responseHead()).doesNotContainIgnoringCase("sec-websocket-protocol");
            assertThat(c.awaitClose()).isEqualTo(1008);
        }
        awaitTrue("counted", () -> server.stats().server(ServerCounter.WEBSOCKET_PROTOCOL_ERRORS) == 1, WAIT);
    }

    @ParameterizedTest(name = "payload limit {0}")
    @ValueSource(ints = {-1, 0})
    @DisplayName("a message at or just below the frame payload limit is relayed whole")
    void messageAtOrBelowLimitIsRelayed(final int belowLimit) throws Exception {
        final int messageBytes = WebSocketUpgrade.MAX_FRAME_PAYLOAD_BYTES + belowLimit;
        // two SendPackets filling the message exactly
        final int packetBytes = messageBytes - 2 * SEND_PACKET_OVERHEAD;
        final byte[] first = new byte[packetBytes / 2];
        final byte[] second = new byte[packetBytes - first.length];
        Arrays.fill(first, (byte) 1);
        Arrays.fill(second, (byte) 2);
        try (WebSocketTestClient a = WebSocketTestClient.connect(server.localAddress());
             WebSocketTestClient b = WebSocketTestClient.connect(server.localAddress())) {
            final byte[] f1 = WebSocketTestClient.sendPacketFrame(b.publicKey(), first);
            final byte[] f2 = WebSocketTestClient.sendPacketFrame(b.publicKey(), second);
            final byte[] message = Arrays.copyOf(f1, f1.length + f2.length);
            System.arraycopy(f2, 0, message, f1.length, f2.length);
            assertThat(message).hasSize(messageBytes);
            a.sendMessage(message);
            assertThat(DerpTestClient.packet(b.awaitFrame(FrameType.RECV_PACKET))).isEqualTo(first);
            assertThat(DerpTestClient.packet(b.awaitFrame(FrameType.RECV_PACKET))).isEqualTo(second);
        }
        assertThat(server.stats().server(ServerCounter.WEBSOCKET_PROTOCOL_ERRORS)).isZero();
    }

    @Test
    @DisplayName("a frame one byte over the payload limit is answered with close 1009, dropped and counted")
    void frameOverLimitIsRejected() throws Exception {
        try (WebSocketTestClient a = WebSocketTestClient.connect(server.localAddress())) {
            try {
                a.sendMessage(new byte[WebSocketUpgrade.MAX_FRAME_PAYLOAD_BYTES + 1]);
            } catch (final java.net.SocketException e) {
                // the relay may refuse on the frame's header and reset before the payload is all written
            }
            assertThat(a.awaitClose()).isIn(1009, -1); // -1: the reset came before the close frame could be read
        }
        awaitTrue("counted", () -> server.stats().server(ServerCounter.WEBSOCKET_PROTOCOL_ERRORS) == 1
            && server.stats().end(ConnectionEnd.PROTOCOL_ERROR) == 1, WAIT);
    }

    @Test
    @DisplayName("a text message closes the connection with 1003 (DERP is binary), counted")
    void textMessageIsRejected() throws Exception {
        try (WebSocketTestClient a = WebSocketTestClient.connect(server.localAddress())) {
            a.sendFrame(WebSocketTestClient.OPCODE_TEXT, true, "hello".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            assertThat(a.awaitClose()).isEqualTo(1003);
        }
        awaitTrue("counted", () -> server.stats().server(ServerCounter.WEBSOCKET_PROTOCOL_ERRORS) == 1, WAIT);
    }

    @Test
    @DisplayName("a ping is answered with a pong carrying its payload, between DERP frames")
    void pingIsAnsweredWithPong() throws Exception {
        try (WebSocketTestClient a = WebSocketTestClient.connect(server.localAddress())) {
            a.sendFrame(WebSocketTestClient.OPCODE_PING, true, new byte[] {1, 2, 3});
            final byte[] ping = new byte[PingFlyweight.FRAME_LENGTH];
            final org.agrona.concurrent.UnsafeBuffer pb = new org.agrona.concurrent.UnsafeBuffer(ping);
            PingFlyweight.encodePing(pb, 0, 42L);
            a.sendMessage(ping); // a DERP Ping after it: its Pong shows the control frame was read past
            a.awaitFrame(FrameType.PONG);
            assertThat(a.lastControlOpcode()).isEqualTo(WebSocketTestClient.OPCODE_PONG);
            assertThat(a.lastControlPayload()).containsExactly(1, 2, 3);
        }
    }

    @Test
    @DisplayName("a WebSocket reader that reads nothing is closed for the write timeout, as on the plain path")
    void stalledWebSocketReaderIsClosedForTheWriteTimeout() throws Exception {
        server.close();
        server = DerpRelayServer.builder().threads(1).listen(new InetSocketAddress("127.0.0.1", 0))
            .socketSendBufferBytes(SMALL_SOCKET_BUFFER).build().start();
        try (DerpTestClient sender = DerpTestClient.connect(server.localAddress(), HTTP, null);
             WebSocketTestClient stalled = WebSocketTestClient.open(server.localAddress(), SMALL_SOCKET_BUFFER)) {
            stalled.upgrade("derp");
            stalled.derpHandshake();
            for (int i = 0; i < STALL_PACKETS; i++) {
                sender.sendPacket(stalled.publicKey(), new byte[STALL_PACKET_BYTES]);
            }
            awaitTrue("closed for the write timeout",
                () -> server.relay().counter(RelayCounter.CLOSED_WRITE_TIMEOUT) == 1,
                Duration.ofNanos(RelayConfig.DEFAULT_WRITE_DEADLINE_NS).plus(WAIT));
        }
    }

    @Test
    @DisplayName("a WebSocket request without Sec-WebSocket-Key is answered 400 and closed")
    void missingKeyIsBadRequest() throws Exception {
        final String request = "GET /derp HTTP/1.1\r\nHost: derp.test\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
            + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: derp\r\n\r\n";
        assertThat(HttpEndpointsTest.exchange(server.localAddress(), request)).startsWith("HTTP/1.1 400 ");
    }
}
