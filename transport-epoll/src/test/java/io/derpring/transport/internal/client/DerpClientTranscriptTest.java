package io.derpring.transport.internal.client;

import static io.derpring.transport.internal.client.TranscriptSupport.ascii;
import static io.derpring.transport.internal.client.TranscriptSupport.handshake;
import static io.derpring.transport.internal.client.TranscriptSupport.openClientInfoJson;
import static io.derpring.transport.internal.client.TranscriptSupport.serverInfoFrame;
import static io.derpring.transport.internal.client.TranscriptSupport.switchingProtocols;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import io.derpring.engine.SendResult;
import io.derpring.derpmap.TransportSecurity;
import io.derpring.internal.frame.DerpProtocolException;
import io.derpring.internal.frame.FrameType;
import io.derpring.internal.frame.HealthFlyweight;
import io.derpring.internal.frame.NotePreferredFlyweight;
import io.derpring.internal.frame.PacketFlyweight;
import io.derpring.internal.frame.PeerGoneFlyweight;
import io.derpring.internal.frame.PeerPresentFlyweight;
import io.derpring.internal.frame.PingFlyweight;
import io.derpring.internal.frame.RestartingFlyweight;
import io.derpring.internal.frame.ServerInfo;
import io.derpring.keys.NodeKey;
import io.derpring.keys.NodePrivateKey;
import io.derpring.testing.Vectors;
import io.derpring.transport.Transport;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Transcript tests: the client against a scripted raw-socket server that reads and writes exact bytes (the vectors'
 * {@code http_upgrade} section and frames were checked against Go's derper, so these are the interop evidence).
 * Every test runs on each available transport.
 */
@Timeout(120)
class DerpClientTranscriptTest {
    static final ClientHarness HARNESS = new ClientHarness();
    static final JsonNode FRAMES = Vectors.load("derp_frames.json");

    final NodePrivateKey serverKey = NodePrivateKey.generate();
    final NodePrivateKey clientKey = NodePrivateKey.generate();
    final NodePrivateKey peerKey = NodePrivateKey.generate();

    static List<Transport> transports() {
        return Transport.available();
    }

    @AfterAll
    static void shutdown() {
        HARNESS.close();
    }

    private DerpNodeConnection client(final Transport transport, final ScriptedServer server, final TestRing ring,
                                      final DerpNodeListener listener, final DerpClientSettings settings) {
        return DerpNodeConnection.builder()
            .transport(transport, HARNESS.group(transport))
            .node(ClientHarness.node("derp1.example.test", server.port()))
            .security(new TransportSecurity.PlainHttp())
            .privateKey(clientKey)
            .ring(ring.ring, ClientHarness.REGION)
            .listener(listener)
            .settings(settings)
            .build();
    }

    private DerpNodeConnection client(final Transport transport, final ScriptedServer server, final TestRing ring,
                                      final DerpNodeListener listener) {
        return client(transport, server, ring, listener, DerpClientSettings.defaults());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    @DisplayName("the upgrade request is Go's request byte for byte (vectors http_upgrade.client_request_example)")
    void upgradeRequestIsGosBytes(final Transport transport) throws Exception {
        try (ScriptedServer server = new ScriptedServer(null); TestRing ring = new TestRing(64)) {
            final DerpNodeConnection c = client(transport, server, ring, DerpNodeListener.NONE,
                DerpClientSettings.builder().userAgent("Go-http-client/1.1").build());
            c.connect();
            try (ScriptedServer.Peer peer = server.accept()) {
                final String expected = FRAMES.get("http_upgrade").get("client_request_example").asText()
                    // The vector dials :443 over TLS; this server is plain HTTP on another port, so Host names it.
                    .replace("Host: derp1.example.test", "Host: derp1.example.test:" + server.port());
                assertThat(peer.readHead()).isEqualTo(expected);
            } finally {
                c.close();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void idealNodeHeaderIsSentWhenDialingAnotherNodeOfTheRegion(final Transport transport) throws Exception {
        try (ScriptedServer server = new ScriptedServer(null); TestRing ring = new TestRing(64)) {
            final DerpNodeConnection c = client(transport, server, ring, DerpNodeListener.NONE,
                DerpClientSettings.builder().idealNodeName("1a").build());
            c.connect();
            try (ScriptedServer.Peer peer = server.accept()) {
                assertThat(peer.readHead()).isEqualTo("GET /derp HTTP/1.1\r\nHost: derp1.example.test:" + server.port()
                    + "\r\nUser-Agent: derpring\r\nConnection: Upgrade\r\nIdeal-Node: 1a\r\nUpgrade: DERP\r\n\r\n");
            } finally {
                c.close();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void aStatusOtherThan101IsGetFailedAndCloses(final Transport transport) throws Exception {
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
                assertThat(peer.closedByClient()).isTrue();
                assertThat(c.counters().get(ClientCounter.CONNECT_FAILURES)).isEqualTo(1);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    @DisplayName("B5 B11 B66: 101, ServerKey, ClientInfo JSON byte-identical to Go's, data before ServerInfo, connected only after it")
    void handshakeTranscript(final Transport transport) throws Exception {
        try (ScriptedServer server = new ScriptedServer(null); TestRing ring = new TestRing(64)) {
            final RecordingListener events = new RecordingListener();
            final DerpNodeConnection c = client(transport, server, ring, events);
            final var connected = c.connect();
            try (ScriptedServer.Peer peer = server.accept()) {
                peer.readHead();
                peer.write(switchingProtocols(serverKey.publicKey()));
                peer.writeServerKey(serverKey.publicKey());
                final ScriptedServer.Frame clientInfo = peer.readFrame();
                assertThat(NodeKey.read(new UnsafeBuffer(clientInfo.payload()), 0)).isEqualTo(clientKey.publicKey());
                assertThat(ascii(openClientInfoJson(serverKey, clientInfo)))
                    .isEqualTo("{\"version\":2,\"CanAckPings\":true}");

                // B11: data may go right after ClientInfo; "connected" waits for ServerInfo.
                assertThat(c.isConnected()).isFalse();
                assertThat(c.send(peerKey.publicKey(), new UnsafeBuffer(new byte[] {7, 7, 7}), 0, 3)).isEqualTo(SendResult.ACCEPTED);
                final ScriptedServer.Frame early = peer.readFrame();
                assertThat(early.type()).isEqualTo(FrameType.SEND_PACKET);
                assertThat(NodeKey.read(new UnsafeBuffer(early.payload()), 0)).isEqualTo(peerKey.publicKey());
                assertThat(connected).isNotDone();

                peer.write(serverInfoFrame(serverKey, clientKey.publicKey(), ServerInfo.standard()));
                assertThat(connected.get(10, TimeUnit.SECONDS)).isSameAs(c);
                assertThat(c.serverKey()).isEqualTo(serverKey.publicKey());
                assertThat(c.serverInfo()).isEqualTo(ServerInfo.standard());
                assertThat(c.usedFastStart()).isFalse();
                assertThat(events.events.peek()).startsWith("connected");
            } finally {
                c.close();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    @DisplayName("B21 B24 B25 B26 B28: every server frame type is delivered or handled")
    void everyServerFrameTypeIsHandled(final Transport transport) throws Exception {
        try (ScriptedServer server = new ScriptedServer(null);
             TestRing ring = new TestRing(64, peerKey.publicKey())) {
            final RecordingListener events = new RecordingListener();
            final DerpNodeConnection c = client(transport, server, ring, events);
            final var connected = c.connect();
            try (ScriptedServer.Peer peer = handshake(server, serverKey, clientKey.publicKey(), ServerInfo.standard())) {
                connected.get(10, TimeUnit.SECONDS);
                final UnsafeBuffer b = new UnsafeBuffer(new byte[256]);
                final NodeKey peerPub = peerKey.publicKey();

                final byte[] packet = "hello over derp".getBytes(StandardCharsets.US_ASCII);
                peer.write(bytes(b, PacketFlyweight.encodeRecvPacket(b, 0, peerPub, new UnsafeBuffer(packet), 0,
                    packet.length)));
                peer.write(bytes(b, io.derpring.internal.frame.EmptyFrameFlyweight.encodeKeepAlive(b, 0)));
                peer.write(bytes(b, PingFlyweight.encodePing(b, 0, 0x0102030405060708L)));
                peer.write(bytes(b, PeerGoneFlyweight.encode(b, 0, peerPub, PeerGoneFlyweight.REASON_NOT_HERE)));
                peer.write(bytes(b, PeerGoneFlyweight.encodeWithoutReason(b, 0, peerPub)));
                peer.write(bytes(b, PeerPresentFlyweight.encode(b, 0, peerPub)));
                peer.write(bytes(b, HealthFlyweight.encode(b, 0, "BAD")));
                peer.write(bytes(b, HealthFlyweight.encode(b, 0, "")));
                peer.write(bytes(b, RestartingFlyweight.encode(b, 0, 1, 2)));

                final ScriptedServer.Frame pong = peer.readFrame();
                assertThat(pong.type()).isEqualTo(FrameType.PONG);
                assertThat(pong.payload()).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);

                c.sendPing(0x1122334455667788L);
                final ScriptedServer.Frame ping = peer.readFrame();
                assertThat(ping.type()).isEqualTo(FrameType.PING);
                peer.write(bytes(b, PingFlyweight.encodePong(b, 0, new UnsafeBuffer(ping.payload()), 0)));

                c.notePreferred(true);
                final ScriptedServer.Frame preferred = peer.readFrame();
                assertThat(preferred.type()).isEqualTo(FrameType.NOTE_PREFERRED);
                assertThat(NotePreferredFlyweight.preferred(new UnsafeBuffer(preferred.payload()), 0)).isTrue();

                Await.until("pong event", () -> events.has("pong 1122334455667788"));
                Await.until("packet in ring", () -> ring.count.get() == 1);
                final TestRing.Received r = ring.received.peek();
                assertThat(r.from()).isEqualTo(peerPub);
                assertThat(r.regionId()).isEqualTo(ClientHarness.REGION);
                assertThat(r.packet()).isEqualTo(packet);
                final String hex = peerPub.toHex();
                assertThat(events.events).contains("keepalive", "peergone " + hex + " 1", "peergone " + hex + " 0",
                    "peerpresent " + hex + " 32", "health 'BAD'", "health ''", "restarting 1 2");
                assertThat(events.offLoopCall).as("every listener call on the event loop").isFalse();
                assertThat(c.counters().get(ClientCounter.PONGS_SENT)).isEqualTo(1);
                assertThat(c.counters().get(ClientCounter.KEEP_ALIVES_RECEIVED)).isEqualTo(1);
                assertThat(c.isConnected()).isTrue();
            } finally {
                c.close();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    @DisplayName("B47: only relayed packets count as receive activity for the idle rule, not the server's KeepAlive")
    void keepAliveDoesNotCountAsReceiveActivity(final Transport transport) throws Exception {
        final ManualClock clock = new ManualClock();
        try (ScriptedServer server = new ScriptedServer(null);
             TestRing ring = new TestRing(64, peerKey.publicKey())) {
            final DerpNodeConnection c = client(transport, server, ring, new RecordingListener(),
                DerpClientSettings.builder().nanoClock(clock).build());
            final var connected = c.connect();
            try (ScriptedServer.Peer peer = handshake(server, serverKey, clientKey.publicKey(), ServerInfo.standard())) {
                connected.get(10, TimeUnit.SECONDS);
                final long atConnect = c.lastReceiveNs();
                final UnsafeBuffer b = new UnsafeBuffer(new byte[256]);

                clock.advance(5, TimeUnit.SECONDS);
                peer.write(bytes(b, io.derpring.internal.frame.EmptyFrameFlyweight.encodeKeepAlive(b, 0)));
                Await.until("keepalive read", () -> c.counters().get(ClientCounter.KEEP_ALIVES_RECEIVED) == 1);
                assertThat(c.lastReceiveNs()).isEqualTo(atConnect);

                clock.advance(5, TimeUnit.SECONDS);
                peer.write(bytes(b, PacketFlyweight.encodeRecvPacket(b, 0, peerKey.publicKey(),
                    new UnsafeBuffer(new byte[] {1}), 0, 1)));
                Await.until("packet in ring", () -> ring.count.get() == 1);
                assertThat(c.lastReceiveNs()).isEqualTo(atConnect + TimeUnit.SECONDS.toNanos(10));
            } finally {
                c.close();
            }
        }
    }

    private static byte[] bytes(final UnsafeBuffer b, final int length) {
        final byte[] out = new byte[length];
        b.getBytes(0, out);
        return out;
    }

    /** What each client-side malformed vector must do (derp_frames.json "malformed", side client or either). */
    enum Outcome { FATAL, CONTINUES, HANDSHAKE_FATAL, HANDSHAKE_ACCEPTED }

    record Case(String desc, String hex, Outcome outcome, io.derpring.internal.frame.FrameError error, long[] pongsFirst) {
        @Override
        public String toString() {
            return desc;
        }
    }

    static final long SENTINEL = 0x5e5e5e5e5e5e5e5eL;

    static List<Case> malformedCases() {
        final List<Case> cases = new ArrayList<>();
        for (final JsonNode c : FRAMES.get("malformed")) {
            final String side = c.get("side").asText();
            if (side.equals("server")) {
                continue;
            }
            final String desc = c.get("desc").asText();
            final String hex = c.get("hex").asText();
            cases.add(expectation(desc, hex));
        }
        return cases;
    }

    private static Case expectation(final String desc, final String hex) {
        final io.derpring.internal.frame.FrameError none = null;
        if (desc.startsWith("truncated header")) {
            return new Case(desc, hex, Outcome.FATAL, io.derpring.internal.frame.FrameError.TRUNCATED_HEADER, null);
        }
        if (desc.startsWith("header ok, payload truncated")) {
            return new Case(desc, hex, Outcome.FATAL, io.derpring.internal.frame.FrameError.TRUNCATED_PAYLOAD, null);
        }
        if (desc.contains("frame length 0x00100001")) {
            return new Case(desc, hex, Outcome.FATAL, io.derpring.internal.frame.FrameError.CLIENT_FRAME_TOO_LARGE, null);
        }
        if (desc.contains("unknown type 0x7f")) {
            return new Case(desc, hex, Outcome.CONTINUES, none, new long[] {0x0102030405060708L});
        }
        if (desc.contains("Ping with 12-byte payload")) {
            return new Case(desc, hex, Outcome.CONTINUES, none, new long[] {0x0001020304050607L});
        }
        if (desc.startsWith("client Recv:")) { // ServerKey after handshake, short RecvPacket/PeerGone/Ping/Restarting
            return new Case(desc, hex, Outcome.CONTINUES, none, new long[0]);
        }
        if (desc.contains("first frame is not ServerKey")) {
            return new Case(desc, hex, Outcome.HANDSHAKE_FATAL, io.derpring.internal.frame.FrameError.GREETING_WRONG_TYPE, null);
        }
        if (desc.contains("bad magic")) {
            return new Case(desc, hex, Outcome.HANDSHAKE_FATAL, io.derpring.internal.frame.FrameError.GREETING_BAD_MAGIC, null);
        }
        if (desc.contains("ServerKey 39 bytes")) {
            return new Case(desc, hex, Outcome.HANDSHAKE_FATAL, io.derpring.internal.frame.FrameError.GREETING_TOO_SHORT, null);
        }
        if (desc.contains("8 extra future bytes")) {
            return new Case(desc, hex, Outcome.HANDSHAKE_ACCEPTED, none, null);
        }
        if (desc.contains("ServerKey frame length > 1024")) {
            return new Case(desc, hex, Outcome.HANDSHAKE_FATAL, io.derpring.internal.frame.FrameError.SERVER_KEY_TOO_LONG, null);
        }
        throw new AssertionError("derp_frames.json has a client-side malformed case this test does not know: " + desc);
    }

    static Stream<org.junit.jupiter.params.provider.Arguments> transportsAndMalformedCases() {
        return transports().stream().flatMap(t -> malformedCases().stream()
            .map(c -> org.junit.jupiter.params.provider.Arguments.of(t, c)));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("transportsAndMalformedCases")
    @DisplayName("B3 B4 B21 B22 B23: derp_frames.json client-side malformed input")
    void malformedServerInput(final Transport transport, final Case c) throws Exception {
        try (ScriptedServer server = new ScriptedServer(null); TestRing ring = new TestRing(64)) {
            final RecordingListener events = new RecordingListener();
            final DerpNodeConnection client = client(transport, server, ring, events);
            final var connected = client.connect();
            final byte[] input = Vectors.hex(c.hex());
            try (ScriptedServer.Peer peer = c.outcome() == Outcome.FATAL || c.outcome() == Outcome.CONTINUES
                ? handshake(server, serverKey, clientKey.publicKey(), ServerInfo.standard()) : server.accept()) {
                if (c.outcome() == Outcome.HANDSHAKE_FATAL || c.outcome() == Outcome.HANDSHAKE_ACCEPTED) {
                    peer.readHead();
                    peer.write(switchingProtocols(serverKey.publicKey()));
                    peer.write(input);
                    if (c.outcome() == Outcome.HANDSHAKE_ACCEPTED) {
                        assertThat(peer.readFrame().type()).as("ClientInfo follows an accepted greeting")
                            .isEqualTo(FrameType.CLIENT_INFO);
                        assertThat(client.serverKey().toHex())
                            .isEqualTo("2560b5da1d717c145e3038c7ce9f39035568f484081ee43f2250b14cf2df0576");
                        return;
                    }
                    assertClosedWith(events, peer, c.error());
                    assertThat(connected).isCompletedExceptionally();
                    return;
                }
                connected.get(10, TimeUnit.SECONDS);
                peer.write(input);
                if (c.outcome() == Outcome.FATAL) {
                    if (c.error() == io.derpring.internal.frame.FrameError.TRUNCATED_HEADER
                        || c.error() == io.derpring.internal.frame.FrameError.TRUNCATED_PAYLOAD) {
                        peer.shutdownOutput(); // then EOF
                    }
                    assertClosedWith(events, peer, c.error());
                    return;
                }
                final UnsafeBuffer b = new UnsafeBuffer(new byte[PingFlyweight.FRAME_LENGTH]);
                PingFlyweight.encodePing(b, 0, SENTINEL);
                peer.write(b.byteArray());
                final List<Long> pongs = new ArrayList<>();
                while (true) {
                    final ScriptedServer.Frame f = peer.readFrame();
                    assertThat(f.type()).isEqualTo(FrameType.PONG);
                    final long data = ByteBuffer.wrap(f.payload()).getLong();
                    if (data == SENTINEL) {
                        break;
                    }
                    pongs.add(data);
                }
                assertThat(pongs).containsExactlyElementsOf(
                    java.util.Arrays.stream(c.pongsFirst()).boxed().toList());
                assertThat(client.isConnected()).isTrue();
            } finally {
                client.close();
            }
        }
    }

    private static void assertClosedWith(final RecordingListener events, final ScriptedServer.Peer peer,
                                         final io.derpring.internal.frame.FrameError error)
        throws InterruptedException, ExecutionException, java.util.concurrent.TimeoutException, java.io.IOException {
        final Throwable cause = events.closed.get(10, TimeUnit.SECONDS);
        assertThat(cause).isInstanceOf(DerpProtocolException.class);
        assertThat(((DerpProtocolException) cause).error()).isEqualTo(error);
        if (error != io.derpring.internal.frame.FrameError.TRUNCATED_HEADER
            && error != io.derpring.internal.frame.FrameError.TRUNCATED_PAYLOAD) {
            assertThat(peer.closedByClient()).as("client closes the connection").isTrue();
        }
    }

}
