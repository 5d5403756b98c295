package io.derpring.transport.internal.client;

import static io.derpring.transport.internal.client.TranscriptSupport.serverInfoFrame;
import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.SocketException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.derpring.derpmap.TransportSecurity;
import io.derpring.internal.frame.FrameHeaderFlyweight;
import io.derpring.internal.frame.FrameType;
import io.derpring.internal.frame.ServerInfo;
import io.derpring.internal.frame.ServerKeyFlyweight;
import io.derpring.keys.NodePrivateKey;
import io.derpring.transport.Transport;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The WebSocket client ({@link DerpClientSettings.Builder#webSocket}) against a scripted server that speaks RFC 6455
 * by hand, so message boundaries, the handshake and refusals are exactly what the test writes.
 */
@Timeout(60)
class WebSocketClientTranscriptTest {
    private static final ClientHarness HARNESS = new ClientHarness();
    private static final String ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final Pattern KEY = Pattern.compile("(?im)^sec-websocket-key: *(\\S+)");
    private static final int OPCODE_CONTINUATION = 0x0;
    private static final int OPCODE_TEXT = 0x1;
    private static final int OPCODE_BINARY = 0x2;
    private static final int OPCODE_PING = 0x9;
    /** RFC 6455 §5.5: the largest control frame payload. */
    private static final int MAX_CONTROL_PAYLOAD = 125;

    final NodePrivateKey serverKey = NodePrivateKey.generate();
    final NodePrivateKey clientKey = NodePrivateKey.generate();

    static List<Transport> transports() {
        return Transport.available();
    }

    @AfterAll
    static void shutdown() {
        HARNESS.close();
    }

    private DerpNodeConnection client(final Transport transport, final ScriptedServer server, final TestRing ring,
                                      final DerpNodeListener listener) {
        return DerpNodeConnection.builder()
            .transport(transport, HARNESS.group(transport))
            .node(ClientHarness.node("derp1.example.test", server.port()))
            .security(new TransportSecurity.PlainHttp())
            .privateKey(clientKey)
            .ring(ring.ring, ClientHarness.REGION)
            .listener(listener)
            .settings(DerpClientSettings.builder().webSocket(true).build())
            .build();
    }

    /** RFC 6455 §4.2.2. */
    static String accept(final String requestHead) throws Exception {
        final Matcher m = KEY.matcher(requestHead);
        assertThat(m.find()).as("Sec-WebSocket-Key in %s", requestHead).isTrue();
        return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1")
            .digest((m.group(1) + ACCEPT_GUID).getBytes(ISO_8859_1)));
    }

    static String switchingProtocols(final String requestHead, final String protocol) throws Exception {
        return "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Accept: " + accept(requestHead) + "\r\n"
            + (protocol == null ? "" : "Sec-WebSocket-Protocol: " + protocol + "\r\n") + "\r\n";
    }

    /** One unmasked server frame. */
    static byte[] frame(final int opcode, final boolean fin, final byte[] payload) {
        final ByteArrayOutputStream f = new ByteArrayOutputStream();
        f.write((fin ? 0x80 : 0) | opcode);
        if (payload.length < 126) {
            f.write(payload.length);
        } else if (payload.length <= 0xFFFF) {
            f.write(126);
            f.write(payload.length >>> 8);
            f.write(payload.length);
        } else {
            f.write(127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                f.write((int) ((long) payload.length >>> shift));
            }
        }
        f.writeBytes(payload);
        return f.toByteArray();
    }

    static byte[] concat(final byte[]... parts) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (final byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    static byte[] serverKeyFrame(final NodePrivateKey key) {
        final UnsafeBuffer b = new UnsafeBuffer(new byte[ServerKeyFlyweight.FRAME_LENGTH]);
        ServerKeyFlyweight.encode(b, 0, key.publicKey());
        return b.byteArray();
    }

    static byte[] derpFrame(final int type, final byte[] payload) {
        final UnsafeBuffer b = new UnsafeBuffer(new byte[FrameHeaderFlyweight.HEADER_LENGTH + payload.length]);
        FrameHeaderFlyweight.write(b, 0, type, payload.length);
        b.putBytes(FrameHeaderFlyweight.HEADER_LENGTH, payload);
        return b.byteArray();
    }

    /** The client's DERP bytes: payloads of its frames (which must be masked binary or continuation), joined. */
    static final class ClientBytes {
        private final ScriptedServer.Peer peer;
        private byte[] left = new byte[0];

        ClientBytes(final ScriptedServer.Peer peer) {
            this.peer = peer;
        }

        /** Exactly the next {@code n} bytes, reading frames as needed and keeping the rest. */
        byte[] read(final int n) throws IOException {
            while (left.length < n) {
                left = concat(left, nextPayload());
            }
            final byte[] out = Arrays.copyOf(left, n);
            left = Arrays.copyOfRange(left, n, left.length);
            return out;
        }

        /** The next whole DERP frame. */
        byte[] readFrame() throws IOException {
            final byte[] header = read(FrameHeaderFlyweight.HEADER_LENGTH);
            return concat(header, read((int) FrameHeaderFlyweight.payloadLength(new UnsafeBuffer(header), 0)));
        }

        private byte[] nextPayload() throws IOException {
            final int b0 = peer.in.readUnsignedByte();
            final int b1 = peer.in.readUnsignedByte();
            assertThat(b1 & 0x80).as("client frames are masked").isEqualTo(0x80);
            assertThat(b0 & 0x0F).as("binary data").isIn(OPCODE_BINARY, OPCODE_CONTINUATION);
            long length = b1 & 0x7F;
            if (length == 126) {
                length = peer.in.readUnsignedShort();
            } else if (length == 127) {
                length = peer.in.readLong();
            }
            final byte[] mask = new byte[4];
            peer.in.readFully(mask);
            final byte[] payload = new byte[(int) length];
            peer.in.readFully(payload);
            for (int i = 0; i < payload.length; i++) {
                payload[i] ^= mask[i & 3];
            }
            return payload;
        }
    }

    /** Accepts, answers the upgrade with a valid 101 selecting derp, and returns the request head and the peer. */
    private ScriptedServer.Peer upgrade(final ScriptedServer server, final byte[] afterHead) throws Exception {
        final ScriptedServer.Peer peer = server.accept();
        final String head = peer.readHead();
        peer.write(concat(switchingProtocols(head, "derp").getBytes(ISO_8859_1), afterHead));
        return peer;
    }

    /** Upgrade, ServerKey, ClientInfo read, ServerInfo: a connected client. */
    private ScriptedServer.Peer connected(final ScriptedServer server) throws Exception {
        final ScriptedServer.Peer peer = upgrade(server, frame(OPCODE_BINARY, true, serverKeyFrame(serverKey)));
        assertThat(new ClientBytes(peer).readFrame()[0] & 0xFF).isEqualTo(FrameType.CLIENT_INFO);
        peer.write(frame(OPCODE_BINARY, true, serverInfoFrame(serverKey, clientKey.publicKey(),
            ServerInfo.standard())));
        return peer;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    @DisplayName("the request is a version-13 WebSocket upgrade of /derp offering subprotocol derp, never fast start")
    void requestIsAWebSocketUpgradeOfferingDerp(final Transport transport) throws Exception {
        try (ScriptedServer server = new ScriptedServer(null); TestRing ring = new TestRing(64)) {
            final DerpNodeConnection c = client(transport, server, ring, DerpNodeListener.NONE);
            c.connect();
            try (ScriptedServer.Peer peer = server.accept()) {
                final String head = peer.readHead();
                assertThat(head).startsWith("GET /derp HTTP/1.1\r\n");
                final String lower = head.toLowerCase(Locale.ROOT);
                assertThat(lower).contains("upgrade: websocket\r\n", "connection: upgrade\r\n",
                    "sec-websocket-version: 13\r\n", "sec-websocket-protocol: derp\r\n",
                    "host: derp1.example.test:" + server.port() + "\r\n", "user-agent: derpring\r\n")
                    .doesNotContain("derp-fast-start");
                assertThat(Base64.getDecoder().decode(KEY.matcher(head).results().findFirst().orElseThrow()
                    .group(1))).as("a 16-byte nonce").hasSize(16);
            } finally {
                c.close();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    @DisplayName("DERP flows both ways in messages with arbitrary boundaries: ServerKey split across the 101's read "
        + "and a continuation, ServerInfo and a Ping in one message, the client's Pong in binary messages")
    void derpFlowsInMessagesWithArbitraryBoundaries(final Transport transport) throws Exception {
        try (ScriptedServer server = new ScriptedServer(null); TestRing ring = new TestRing(64)) {
            final RecordingListener events = new RecordingListener();
            final DerpNodeConnection c = client(transport, server, ring, events);
            final var connected = c.connect();
            final byte[] serverKeyBytes = serverKeyFrame(serverKey);
            // the 101 and the first 3 bytes of ServerKey in one write; the rest in a continuation frame
            try (ScriptedServer.Peer peer = upgrade(server,
                frame(OPCODE_BINARY, false, Arrays.copyOfRange(serverKeyBytes, 0, 3)))) {
                peer.write(frame(OPCODE_CONTINUATION, true,
                    Arrays.copyOfRange(serverKeyBytes, 3, serverKeyBytes.length)));
                final ClientBytes fromClient = new ClientBytes(peer);
                assertThat(fromClient.readFrame()[0] & 0xFF).isEqualTo(FrameType.CLIENT_INFO);
                final byte[] pingData = {1, 2, 3, 4, 5, 6, 7, 8};
                peer.write(frame(OPCODE_BINARY, true, concat(serverInfoFrame(serverKey, clientKey.publicKey(),
                    ServerInfo.standard()), derpFrame(FrameType.PING, pingData))));
                connected.get(10, TimeUnit.SECONDS);
                assertThat(c.usedFastStart()).isFalse();
                assertThat(c.serverKey()).isEqualTo(serverKey.publicKey());
                final byte[] pong = fromClient.readFrame();
                assertThat(pong[0] & 0xFF).isEqualTo(FrameType.PONG);
                assertThat(Arrays.copyOfRange(pong, FrameHeaderFlyweight.HEADER_LENGTH, pong.length))
                    .isEqualTo(pingData);
            } finally {
                c.close();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    @DisplayName("a status other than 101 is GET failed (UPGRADE_FAILED), as on the DERP upgrade")
    void non101IsGetFailed(final Transport transport) throws Exception {
        try (ScriptedServer server = new ScriptedServer(null); TestRing ring = new TestRing(64)) {
            final RecordingListener events = new RecordingListener();
            final DerpNodeConnection c = client(transport, server, ring, events);
            final var connected = c.connect();
            try (ScriptedServer.Peer peer = server.accept()) {
                peer.readHead();
                peer.write("HTTP/1.1 426 Upgrade Required\r\nContent-Length: 32\r\n\r\nDERP requires connection upgrade");
                final Throwable cause = events.closed.get(10, TimeUnit.SECONDS);
                assertThat(cause).isInstanceOf(DerpConnectionException.class).hasMessageContaining("GET failed")
                    .hasMessageContaining("426");
                assertThat(((DerpConnectionException) cause).failure())
                    .isEqualTo(DerpConnectionException.Failure.UPGRADE_FAILED);
                assertThat(connected).isCompletedExceptionally();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    @DisplayName("a 101 that does not select subprotocol derp is UPGRADE_FAILED")
    void upgradeWithoutDerpSubprotocolFails(final Transport transport) throws Exception {
        assertUpgradeFails(transport, false);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    @DisplayName("a 101 whose Sec-WebSocket-Accept does not match the key is UPGRADE_FAILED")
    void upgradeWithWrongAcceptFails(final Transport transport) throws Exception {
        assertUpgradeFails(transport, true);
    }

    private void assertUpgradeFails(final Transport transport, final boolean wrongAccept) throws Exception {
        try (ScriptedServer server = new ScriptedServer(null); TestRing ring = new TestRing(64)) {
            final RecordingListener events = new RecordingListener();
            final DerpNodeConnection c = client(transport, server, ring, events);
            c.connect();
            try (ScriptedServer.Peer peer = server.accept()) {
                final String head = peer.readHead();
                peer.write(wrongAccept
                    ? switchingProtocols(head, "derp").replace(accept(head), "d3JvbmcgYWNjZXB0IGtleQ==")
                    : switchingProtocols(head, null));
                final Throwable cause = events.closed.get(10, TimeUnit.SECONDS);
                assertThat(((DerpConnectionException) cause).failure())
                    .isEqualTo(DerpConnectionException.Failure.UPGRADE_FAILED);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    @DisplayName("a text message from the server ends the connection as WEBSOCKET_ERROR")
    void textMessageFails(final Transport transport) throws Exception {
        try (ScriptedServer server = new ScriptedServer(null); TestRing ring = new TestRing(64)) {
            final RecordingListener events = new RecordingListener();
            final DerpNodeConnection c = client(transport, server, ring, events);
            c.connect();
            try (ScriptedServer.Peer peer = upgrade(server, frame(OPCODE_TEXT, true, "hi".getBytes(ISO_8859_1)))) {
                final Throwable cause = events.closed.get(10, TimeUnit.SECONDS);
                assertThat(((DerpConnectionException) cause).failure())
                    .isEqualTo(DerpConnectionException.Failure.WEBSOCKET_ERROR);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    @DisplayName("a ping over the 125-byte control frame limit ends the connection as WEBSOCKET_ERROR")
    void pingOverTheControlLimitFails(final Transport transport) throws Exception {
        try (ScriptedServer server = new ScriptedServer(null); TestRing ring = new TestRing(64)) {
            final RecordingListener events = new RecordingListener();
            final DerpNodeConnection c = client(transport, server, ring, events);
            c.connect();
            try (ScriptedServer.Peer peer = upgrade(server, frame(OPCODE_PING, true,
                new byte[MAX_CONTROL_PAYLOAD + 1]))) {
                final Throwable cause = events.closed.get(10, TimeUnit.SECONDS);
                assertThat(((DerpConnectionException) cause).failure())
                    .isEqualTo(DerpConnectionException.Failure.WEBSOCKET_ERROR);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    @DisplayName("a message of exactly the payload limit is read (unknown frame skipped, then KeepAlive)")
    void messageAtTheLimitIsRead(final Transport transport) throws Exception {
        try (ScriptedServer server = new ScriptedServer(null); TestRing ring = new TestRing(64)) {
            final RecordingListener events = new RecordingListener();
            final DerpNodeConnection c = client(transport, server, ring, events);
            final var connected = c.connect();
            try (ScriptedServer.Peer peer = connected(server)) {
                connected.get(10, TimeUnit.SECONDS);
                final int header = FrameHeaderFlyweight.HEADER_LENGTH;
                final byte[] unknown = derpFrame(0x7f,
                    new byte[WebSocketStream.MAX_FRAME_PAYLOAD_BYTES - header - header]);
                peer.write(frame(OPCODE_BINARY, true, concat(unknown, derpFrame(FrameType.KEEP_ALIVE, new byte[0]))));
                Await.until("KeepAlive after the unknown frame", () -> events.events.contains("keepalive"));
                assertThat(c.isConnected()).isTrue();
            } finally {
                c.close();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    @DisplayName("a frame one byte over the payload limit ends the connection as WEBSOCKET_ERROR")
    void frameOverTheLimitFails(final Transport transport) throws Exception {
        try (ScriptedServer server = new ScriptedServer(null); TestRing ring = new TestRing(64)) {
            final RecordingListener events = new RecordingListener();
            final DerpNodeConnection c = client(transport, server, ring, events);
            final var connected = c.connect();
            try (ScriptedServer.Peer peer = connected(server)) {
                connected.get(10, TimeUnit.SECONDS);
                try {
                    peer.write(frame(OPCODE_BINARY, true, new byte[WebSocketStream.MAX_FRAME_PAYLOAD_BYTES + 1]));
                } catch (final SocketException e) {
                    // the client may refuse on the frame's header and reset before the payload is all written
                }
                final Throwable cause = events.closed.get(10, TimeUnit.SECONDS);
                assertThat(((DerpConnectionException) cause).failure())
                    .isEqualTo(DerpConnectionException.Failure.WEBSOCKET_ERROR);
            }
        }
    }
}
