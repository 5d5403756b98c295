package io.derpring.transport.internal.client;

import static io.derpring.transport.internal.client.TranscriptSupport.ascii;
import static io.derpring.transport.internal.client.TranscriptSupport.handshake;
import static io.derpring.transport.internal.client.TranscriptSupport.openClientInfoJson;
import static io.derpring.transport.internal.client.TranscriptSupport.serverInfoFrame;
import static io.derpring.transport.internal.client.TranscriptSupport.switchingProtocols;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.TimeUnit;

import io.derpring.engine.SendResult;
import io.derpring.derpmap.DerpNode;
import io.derpring.derpmap.TransportSecurity;
import io.derpring.internal.frame.FrameType;
import io.derpring.internal.frame.ServerInfo;
import io.derpring.keys.NodePrivateKey;
import io.derpring.testing.Vectors;
import io.derpring.transport.Transport;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Fast start (SPEC §2.6), the send limiter (§2.5) and the time-based rules, against the scripted server. */
@Timeout(120)
class FastStartAndDeadlinesTest {
    static final ClientHarness HARNESS = new ClientHarness();

    final NodePrivateKey serverKey = NodePrivateKey.generate();
    final NodePrivateKey clientKey = NodePrivateKey.generate();
    final NodePrivateKey peerKey = NodePrivateKey.generate();
    final ManualClock clock = new ManualClock();

    static List<Transport> transports() {
        return Transport.available();
    }

    @AfterAll
    static void shutdown() {
        HARNESS.close();
    }

    private DerpNodeConnection client(final Transport transport, final DerpNode node, final TransportSecurity security,
                                      final TestRing ring, final DerpNodeListener listener,
                                      final DerpClientSettings settings) {
        return DerpNodeConnection.builder()
            .transport(transport, HARNESS.group(transport))
            .node(node)
            .security(security)
            .privateKey(clientKey)
            .ring(ring.ring, ClientHarness.REGION)
            .listener(listener)
            .settings(settings)
            .build();
    }

    private DerpClientSettings.Builder manualTime() {
        // The tick still runs (every 5 ms) but reads the manual clock: only the test moves time.
        return DerpClientSettings.builder().nanoClock(clock).deadlineCheckInterval(5, TimeUnit.MILLISECONDS);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    @DisplayName("B21: forced fast start (plain mode): Derp-Fast-Start request, ClientInfo at once, later ServerKey skipped")
    void forcedFastStartSkipsThe101AndTheGreeting(final Transport transport) throws Exception {
        try (ScriptedServer server = new ScriptedServer(null); TestRing ring = new TestRing(64)) {
            final DerpNodeConnection c = client(transport, ClientHarness.node("derp1.example.test", server.port()),
                new TransportSecurity.PlainHttp(), ring, DerpNodeListener.NONE, DerpClientSettings.builder()
                    .userAgent("Go-http-client/1.1").forceFastStartForTests(serverKey.publicKey()).build());
            final var connected = c.connect();
            try (ScriptedServer.Peer peer = server.accept()) {
                assertThat(peer.readHead()).isEqualTo(Vectors.load("derp_frames.json").get("http_upgrade")
                    .get("client_request_fast_start_example").asText()
                    .replace("Host: derp1.example.test", "Host: derp1.example.test:" + server.port()));
                // Nothing written by the server yet: ClientInfo comes straight after the request.
                assertThat(ascii(openClientInfoJson(serverKey, peer.readFrame())))
                    .isEqualTo("{\"version\":2,\"CanAckPings\":true}");
                peer.writeServerKey(serverKey.publicKey()); // derper still sends it; the client skips it
                peer.write(serverInfoFrame(serverKey, clientKey.publicKey(), ServerInfo.standard()));
                assertThat(connected.get(10, TimeUnit.SECONDS).usedFastStart()).isTrue();
                assertThat(c.counters().get(ClientCounter.FRAMES_SKIPPED)).isEqualTo(1);
            } finally {
                c.close();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    @DisplayName("TLS 1.3 chain with the meta-certificate: fast start, server key taken from the certificate")
    void metaCertificateOverTls13EnablesFastStart(final Transport transport) throws Exception {
        final TestCertificates certs = TestCertificates.selfSigned("derp.test");
        try (ScriptedServer server = new ScriptedServer(certs.serverContext(certs.leaf,
                 certs.metaCertificate(serverKey.publicKey().toHex(), 2)), "TLSv1.3");
             TestRing ring = new TestRing(64)) {
            final DerpNode node = ClientHarness.node("derp.test", "sha256-raw:" + certs.leafSha256Hex(), "127.0.0.1",
                "none", server.port(), false);
            final DerpNodeConnection c = client(transport, node, node.transportSecurity(), ring,
                DerpNodeListener.NONE, DerpClientSettings.defaults());
            final var connected = c.connect();
            try (ScriptedServer.Peer peer = server.accept()) {
                assertThat(peer.readHead()).contains("\r\nDerp-Fast-Start: 1\r\n");
                assertThat(ascii(openClientInfoJson(serverKey, peer.readFrame())))
                    .isEqualTo("{\"version\":2,\"CanAckPings\":true}");
                peer.writeServerKey(serverKey.publicKey());
                peer.write(serverInfoFrame(serverKey, clientKey.publicKey(), ServerInfo.standard()));
                assertThat(connected.get(10, TimeUnit.SECONDS).usedFastStart()).isTrue();
                assertThat(c.serverKey()).isEqualTo(serverKey.publicKey());
            } finally {
                c.close();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void metaCertificateOverTls12DoesNotFastStart(final Transport transport) throws Exception {
        final TestCertificates certs = TestCertificates.selfSigned("derp.test");
        try (ScriptedServer server = new ScriptedServer(certs.serverContext(certs.leaf,
                 certs.metaCertificate(serverKey.publicKey().toHex(), 2)), "TLSv1.2");
             TestRing ring = new TestRing(64)) {
            final DerpNode node = ClientHarness.node("derp.test", "", "127.0.0.1", "none", server.port(), true);
            final DerpNodeConnection c = client(transport, node, node.transportSecurity(), ring,
                DerpNodeListener.NONE, DerpClientSettings.defaults());
            final var connected = c.connect();
            try (ScriptedServer.Peer peer = server.accept()) {
                assertThat(peer.readHead()).doesNotContain("Derp-Fast-Start");
                peer.write(switchingProtocols(serverKey.publicKey()));
                peer.writeServerKey(serverKey.publicKey());
                assertThat(peer.readFrame().type()).isEqualTo(FrameType.CLIENT_INFO);
                peer.write(serverInfoFrame(serverKey, clientKey.publicKey(), ServerInfo.standard()));
                assertThat(connected.get(10, TimeUnit.SECONDS).usedFastStart()).isFalse();
            } finally {
                c.close();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    @DisplayName("B10: a ServerInfo token bucket drops over-budget packets silently and counts them; Ping is not limited")
    void serverTokenBucketLimitsSendPacketsOnly(final Transport transport) throws Exception {
        try (ScriptedServer server = new ScriptedServer(null); TestRing ring = new TestRing(64)) {
            final DerpNodeConnection c = client(transport, ClientHarness.node("derp.test", server.port()),
                new TransportSecurity.PlainHttp(), ring, DerpNodeListener.NONE, manualTime().build());
            final var connected = c.connect();
            // Burst = exactly one 100-byte packet: 5 + 32 + 100.
            try (ScriptedServer.Peer peer = handshake(server, serverKey, clientKey.publicKey(),
                new ServerInfo(2, 1, 137))) {
                connected.get(10, TimeUnit.SECONDS);
                for (int i = 0; i < 3; i++) {
                    assertThat(c.send(peerKey.publicKey(), new UnsafeBuffer(new byte[100]), 0, 100)).isEqualTo(SendResult.ACCEPTED);
                }
                Await.until("one sent, two rate-limited", () -> c.counters().get(ClientCounter.PACKETS_SENT) == 1
                    && c.counters().get(ClientCounter.DROPPED_RATE_LIMITED) == 2);
                c.sendPing(42);
                assertThat(peer.readFrame().type()).isEqualTo(FrameType.SEND_PACKET);
                assertThat(peer.readFrame().type()).isEqualTo(FrameType.PING);
                assertThat(c.isConnected()).as("dropping is silent").isTrue();
            } finally {
                c.close();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    @DisplayName("B29: silent for the keepalive deadline is alive, a nanosecond more is dead; any frame resets it")
    void keepAliveDeadline(final Transport transport) throws Exception {
        try (ScriptedServer server = new ScriptedServer(null); TestRing ring = new TestRing(64)) {
            final RecordingListener events = new RecordingListener();
            final DerpNodeConnection c = client(transport, ClientHarness.node("derp.test", server.port()),
                new TransportSecurity.PlainHttp(), ring, events, manualTime().build());
            final var connected = c.connect();
            try (ScriptedServer.Peer peer = handshake(server, serverKey, clientKey.publicKey(), ServerInfo.standard())) {
                connected.get(10, TimeUnit.SECONDS);
                final long deadlineS = DerpClientSettings.DEFAULT_KEEPALIVE_DEADLINE_NS / 1_000_000_000L;
                clock.advance(deadlineS - 1, TimeUnit.SECONDS);
                peer.write(new byte[] {FrameType.KEEP_ALIVE, 0, 0, 0, 0});
                Await.until("keepalive seen", () -> events.has("keepalive"));
                clock.advance(deadlineS, TimeUnit.SECONDS); // exactly the deadline since the KeepAlive
                c.checkDeadlinesNow().get(10, TimeUnit.SECONDS);
                assertThat(c.isConnected()).isTrue();
                clock.advance(1, TimeUnit.NANOSECONDS);
                c.checkDeadlinesNow().get(10, TimeUnit.SECONDS);
                final Throwable cause = events.closed.get(10, TimeUnit.SECONDS);
                assertThat(((DerpConnectionException) cause).failure())
                    .isEqualTo(DerpConnectionException.Failure.KEEPALIVE_TIMEOUT);
                assertThat(peer.closedByClient()).isTrue();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    @DisplayName("issue 16: a relay dripping one byte a minute of a frame it never finishes dies at the keepalive deadline")
    void drippingRelayDiesAtTheKeepAliveDeadline(final Transport transport) throws Exception {
        try (ScriptedServer server = new ScriptedServer(null); TestRing ring = new TestRing(64)) {
            final RecordingListener events = new RecordingListener();
            final DerpNodeConnection c = client(transport, ClientHarness.node("derp.test", server.port()),
                new TransportSecurity.PlainHttp(), ring, events, manualTime().build());
            final var connected = c.connect();
            try (ScriptedServer.Peer peer = handshake(server, serverKey, clientKey.publicKey(), ServerInfo.standard())) {
                connected.get(10, TimeUnit.SECONDS);
                // A RecvPacket of 1000 bytes announced, then its bytes one a minute: never a whole frame.
                final byte[] header = {FrameType.RECV_PACKET, 0, 0, 0x03, (byte) 0xE8};
                final long minuteNs = TimeUnit.MINUTES.toNanos(1);
                final long deadlineNs = DerpClientSettings.DEFAULT_KEEPALIVE_DEADLINE_NS;
                long sinceFrameNs = 0;
                int dripped = 0;
                while (sinceFrameNs + minuteNs <= deadlineNs) {
                    clock.advance(minuteNs, TimeUnit.NANOSECONDS);
                    sinceFrameNs += minuteNs;
                    peer.write(new byte[] {header[dripped++]});
                    final long byteAtNs = clock.getAsLong();
                    Await.until("dripped byte read", () -> c.lastReadNsOnLoop().syncUninterruptibly().getNow() == byteAtNs);
                    c.checkDeadlinesNow().get(10, TimeUnit.SECONDS);
                    assertThat(c.isConnected()).as("%d ns since ServerInfo", sinceFrameNs).isTrue();
                }
                clock.advance(deadlineNs - sinceFrameNs + 1, TimeUnit.NANOSECONDS); // just past, a byte ago
                peer.write(new byte[] {header[dripped]});
                final long byteAtNs = clock.getAsLong();
                Await.until("dripped byte read", () -> c.lastReadNsOnLoop().syncUninterruptibly().getNow() == byteAtNs);
                c.checkDeadlinesNow().get(10, TimeUnit.SECONDS);
                final Throwable cause = events.closed.get(10, TimeUnit.SECONDS);
                assertThat(((DerpConnectionException) cause).failure())
                    .isEqualTo(DerpConnectionException.Failure.KEEPALIVE_TIMEOUT);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void connectTimeoutCoversTheWholeHandshake(final Transport transport) throws Exception {
        try (ScriptedServer server = new ScriptedServer(null); TestRing ring = new TestRing(64)) {
            final RecordingListener events = new RecordingListener();
            final DerpNodeConnection c = client(transport, ClientHarness.node("derp.test", server.port()),
                new TransportSecurity.PlainHttp(), ring, events, manualTime().build());
            final var connected = c.connect();
            try (ScriptedServer.Peer peer = server.accept()) {
                peer.readHead(); // and never answer
                clock.advance(DerpClientSettings.DEFAULT_CONNECT_TIMEOUT_NS, TimeUnit.NANOSECONDS);
                c.checkDeadlinesNow().get(10, TimeUnit.SECONDS);
                assertThat(c.isClosed()).isFalse();
                clock.advance(1, TimeUnit.NANOSECONDS);
                c.checkDeadlinesNow().get(10, TimeUnit.SECONDS);
                final Throwable cause = events.closed.get(10, TimeUnit.SECONDS);
                assertThat(((DerpConnectionException) cause).failure())
                    .isEqualTo(DerpConnectionException.Failure.CONNECT_TIMEOUT);
                assertThat(connected).isCompletedExceptionally();
                assertThat(peer.closedByClient()).isTrue();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void channelUnwritablePastTheWriteDeadlineIsDead(final Transport transport) throws Exception {
        try (ScriptedServer server = new ScriptedServer(null); TestRing ring = new TestRing(64)) {
            final RecordingListener events = new RecordingListener();
            final DerpNodeConnection c = client(transport, ClientHarness.node("derp.test", server.port()),
                new TransportSecurity.PlainHttp(), ring, events, manualTime().build());
            final var connected = c.connect();
            try (ScriptedServer.Peer peer = handshake(server, serverKey, clientKey.publicKey(), ServerInfo.standard())) {
                connected.get(10, TimeUnit.SECONDS);
                final UnsafeBuffer packet = new UnsafeBuffer(new byte[60_000]);
                // The server reads nothing more: kernel buffers fill, then Netty's high-water mark is crossed. The
                // kernel may still take more bytes and flip the channel writable again (buffer auto-tuning), which
                // restarts the deadline; so keep the pressure on and check again until the deadline fires.
                Await.until("closed by the write deadline", () -> {
                    c.send(peerKey.publicKey(), packet, 0, packet.capacity());
                    if (!c.channel().isWritable()) {
                        clock.advance(DerpClientSettings.DEFAULT_WRITE_DEADLINE_NS + 1, TimeUnit.NANOSECONDS);
                        c.checkDeadlinesNow().syncUninterruptibly();
                    }
                    return c.isClosed();
                });
                final Throwable cause = events.closed.get(10, TimeUnit.SECONDS);
                assertThat(((DerpConnectionException) cause).failure())
                    .isEqualTo(DerpConnectionException.Failure.WRITE_TIMEOUT);
                assertThat(peer).isNotNull();
            }
        }
    }
}
