package io.derpring.server;

import static io.derpring.server.Await.awaitTrue;
import static io.derpring.server.DerpTestClient.Mode.HTTP;
import static io.derpring.server.DerpTestClient.Mode.HTTP_FAST_START;
import static io.derpring.server.DerpTestClient.Mode.RAW;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import io.derpring.internal.frame.ClientInfo;
import io.derpring.internal.frame.FrameType;
import io.derpring.internal.frame.PeerGoneFlyweight;
import io.derpring.internal.frame.PingFlyweight;
import io.derpring.internal.frame.ServerInfo;
import io.derpring.keys.NodePrivateKey;
import io.derpring.internal.relay.DropReason;
import io.derpring.internal.relay.RelayCounter;
import io.derpring.internal.relay.RelayDrop;
import io.derpring.server.DerpTestClient.Frame;
import io.derpring.transport.Transport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The relay over real sockets, on every transport available here. */
@Timeout(120)
class RelayLoopbackTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private DerpRelayServer server;

    static List<Transport> transports() {
        return Transport.available();
    }

    private DerpRelayServer start(final Transport transport, final DerpRelayServer.Builder b) throws Exception {
        server = b.transport(transport).threads(2).listen(new InetSocketAddress("127.0.0.1", 0)).build().start();
        return server;
    }

    private DerpRelayServer start(final Transport transport) throws Exception {
        return start(transport, DerpRelayServer.builder());
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    @DisplayName("B14: two clients exchange packets both ways with payloads verified")
    void twoClientsExchangePacketsBothWays(final Transport transport) throws Exception {
        start(transport);
        final long seed = System.nanoTime();
        final SplittableRandom random = new SplittableRandom(seed);
        try (DerpTestClient a = DerpTestClient.connect(server.localAddress(), HTTP, null);
             DerpTestClient b = DerpTestClient.connect(server.localAddress(), HTTP, null)) {
            assertThat(a.serverInfo()).isEqualTo(ServerInfo.standard());
            for (int i = 0; i < 50; i++) {
                final byte[] ab = new byte[random.nextInt(0, 2000)];
                random.nextBytes(ab);
                final byte[] ba = new byte[random.nextInt(0, 2000)];
                random.nextBytes(ba);
                a.sendPacket(b.publicKey(), ab);
                b.sendPacket(a.publicKey(), ba);
                final Frame atB = b.awaitFrame(FrameType.RECV_PACKET, WAIT);
                final Frame atA = a.awaitFrame(FrameType.RECV_PACKET, WAIT);
                assertThat(DerpTestClient.source(atB)).as("seed %d", seed).isEqualTo(a.publicKey());
                assertThat(DerpTestClient.packet(atB)).as("seed %d", seed).isEqualTo(ab);
                assertThat(DerpTestClient.source(atA)).isEqualTo(b.publicKey());
                assertThat(DerpTestClient.packet(atA)).as("seed %d", seed).isEqualTo(ba);
            }
        }
        assertThat(server.relay().counter(RelayCounter.PACKETS_FORWARDED)).isEqualTo(100);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    @DisplayName("B34: GET /derp with Upgrade: DERP gets exactly the 101 of SPEC §2.6")
    void upgradeResponseIsExact(final Transport transport) throws Exception {
        start(transport);
        try (DerpTestClient a = DerpTestClient.connect(server.localAddress(), HTTP, null)) {
            assertThat(a.upgradeResponse()).isEqualTo("HTTP/1.1 101 Switching Protocols\r\nUpgrade: DERP\r\n"
                + "Connection: Upgrade\r\nDerp-Version: 2\r\nDerp-Public-Key: " + server.publicKey().toHex() + "\r\n\r\n");
            assertThat(a.serverKey()).isEqualTo(server.publicKey());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    @DisplayName("B34: with Derp-Fast-Start: 1 no HTTP response is written and ServerKey is the first byte")
    void fastStartWritesNoHttpResponse(final Transport transport) throws Exception {
        start(transport);
        try (DerpTestClient raw = DerpTestClient.open(server.localAddress(), null, NodePrivateKey.generate())) {
            raw.sendRaw(DerpTestClient.upgradeRequest(true).getBytes(StandardCharsets.US_ASCII));
            final InputStream in = raw.socket().getInputStream();
            assertThat(in.read()).isEqualTo(FrameType.SERVER_KEY);
        }
        // And a fast-start client whose ClientInfo follows the request in the same write works end to end.
        try (DerpTestClient a = DerpTestClient.connect(server.localAddress(), HTTP_FAST_START, null);
             DerpTestClient b = DerpTestClient.connect(server.localAddress(), HTTP, null)) {
            a.sendPacket(b.publicKey(), new byte[] {1, 2, 3});
            assertThat(DerpTestClient.packet(b.awaitFrame(FrameType.RECV_PACKET, WAIT))).containsExactly(1, 2, 3);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void rawDerpModeSkipsHttp(final Transport transport) throws Exception {
        start(transport, DerpRelayServer.builder().rawDerp(true));
        try (DerpTestClient a = DerpTestClient.connect(server.localAddress(), RAW, null);
             DerpTestClient b = DerpTestClient.connect(server.localAddress(), RAW, null)) {
            a.sendPacket(b.publicKey(), new byte[] {9});
            assertThat(DerpTestClient.packet(b.awaitFrame(FrameType.RECV_PACKET, WAIT))).containsExactly(9);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    @DisplayName("B12/B13: a packet to an absent peer is dropped and counted; only disco gets PeerGone(NotHere)")
    void absentPeerDropIsCountedAndDiscoGetsPeerGone(final Transport transport) throws Exception {
        start(transport);
        final NodePrivateKey absent = NodePrivateKey.generate();
        try (DerpTestClient a = DerpTestClient.connect(server.localAddress(), HTTP, null)) {
            a.sendPacket(absent.publicKey(), new byte[100]);
            final byte[] disco = new byte[100];
            System.arraycopy(new byte[] {0x54, 0x53, (byte) 0xf0, (byte) 0x9f, (byte) 0x92, (byte) 0xac}, 0, disco, 0, 6);
            a.sendPacket(absent.publicKey(), disco);
            final Frame gone = a.awaitFrame(FrameType.PEER_GONE, WAIT);
            assertThat(PeerGoneFlyweight.readPeer(gone.buffer(), 0)).isEqualTo(absent.publicKey());
            assertThat(PeerGoneFlyweight.reason(gone.buffer(), 0, gone.payload().length)).isEqualTo(PeerGoneFlyweight.REASON_NOT_HERE);
            awaitTrue("drops counted", () -> server.relay().drops(RelayDrop.UNKNOWN_DEST_OTHER) == 1
                && server.relay().drops(RelayDrop.UNKNOWN_DEST_DISCO) == 1, WAIT);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    @DisplayName("B27: Ping is answered with Pong carrying the same 8 bytes")
    void pingPong(final Transport transport) throws Exception {
        start(transport);
        try (DerpTestClient a = DerpTestClient.connect(server.localAddress(), HTTP, null)) {
            a.sendPing(0x1122334455667788L);
            final Frame pong = a.awaitFrame(FrameType.PONG, WAIT);
            assertThat(PingFlyweight.data(pong.buffer(), 0)).isEqualTo(0x1122334455667788L);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    @DisplayName("B29: KeepAlive arrives on schedule (short interval via settings)")
    void keepAliveArrives(final Transport transport) throws Exception {
        start(transport, DerpRelayServer.builder().keepAliveIntervalNs(TimeUnit.MILLISECONDS.toNanos(200))
            .keepAliveJitterNs(TimeUnit.MILLISECONDS.toNanos(50)).timerTickNs(TimeUnit.MILLISECONDS.toNanos(20)));
        try (DerpTestClient a = DerpTestClient.connect(server.localAddress(), HTTP, null)) {
            final Frame k1 = a.awaitFrame(FrameType.KEEP_ALIVE, WAIT);
            final Frame k2 = a.awaitFrame(FrameType.KEEP_ALIVE, WAIT);
            assertThat(k1.payload()).isEmpty();
            assertThat(k2.payload()).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    @DisplayName("B32: a second connection with the same key becomes active; when it closes the first is active again")
    void duplicateKeyFollowsThePolicy(final Transport transport) throws Exception {
        start(transport);
        final NodePrivateKey key = NodePrivateKey.generate();
        try (DerpTestClient first = DerpTestClient.connect(server.localAddress(), HTTP, null, key, ClientInfo.standard());
             DerpTestClient sender = DerpTestClient.connect(server.localAddress(), HTTP, null)) {
            final DerpTestClient second = DerpTestClient.connect(server.localAddress(), HTTP, null, key, ClientInfo.standard());
            sender.sendPacket(key.publicKey(), new byte[] {2});
            assertThat(DerpTestClient.packet(second.awaitFrame(FrameType.RECV_PACKET, WAIT))).containsExactly(2);
            second.close();
            awaitTrue("second unregistered", () -> server.relay().counter(RelayCounter.CONNECTIONS_UNREGISTERED) == 1, WAIT);
            sender.sendPacket(key.publicKey(), new byte[] {1});
            assertThat(DerpTestClient.packet(first.awaitFrame(FrameType.RECV_PACKET, WAIT))).as("only now, to the first")
                .containsExactly(1);
            assertThat(server.relay().counter(RelayCounter.DUPLICATE_CONNECTIONS)).isEqualTo(1);
            assertThat(server.relay().counter(RelayCounter.PEER_GONE_DISCONNECTED_SENT)).as("none on a 2 -> 1 drop").isZero();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    @DisplayName("B33: the last connection of K closing sends PeerGone(K, Disconnected) to clients that received from K")
    void peerGoneDisconnected(final Transport transport) throws Exception {
        start(transport);
        try (DerpTestClient a = DerpTestClient.connect(server.localAddress(), HTTP, null);
             DerpTestClient b = DerpTestClient.connect(server.localAddress(), HTTP, null)) {
            a.sendPacket(b.publicKey(), new byte[] {1});
            b.awaitFrame(FrameType.RECV_PACKET, WAIT);
            a.close();
            final Frame gone = b.awaitFrame(FrameType.PEER_GONE, WAIT);
            assertThat(PeerGoneFlyweight.readPeer(gone.buffer(), 0)).isEqualTo(a.publicKey());
            assertThat(PeerGoneFlyweight.reason(gone.buffer(), 0, gone.payload().length)).isEqualTo(PeerGoneFlyweight.REASON_DISCONNECTED);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void closeCountsQueuedPacketsAsShutdownAndIsIdempotent(final Transport transport) throws Exception {
        start(transport, DerpRelayServer.builder().writeBufferWaterMark(1, 2).socketSendBufferBytes(4096)
            .writeDeadlineNs(TimeUnit.SECONDS.toNanos(60)));
        try (DerpTestClient slow = DerpTestClient.open(server.localAddress(), null, NodePrivateKey.generate())) {
            slow.socket().setReceiveBufferSize(4096);
            slow.handshake(HTTP, ClientInfo.standard());
            try (DerpTestClient sender = DerpTestClient.connect(server.localAddress(), HTTP, null)) {
                final byte[] packet = new byte[60_000];
                for (int i = 0; i < 40; i++) {
                    sender.sendPacket(slow.publicKey(), packet);
                }
                awaitTrue("packets queued for the slow reader",
                    () -> server.relay().gauge(io.derpring.internal.relay.RelayGauge.QUEUED_DATA_PACKETS) > 0, WAIT);
                server.close();
                server.close();
                assertThat(server.relay().drops(DropReason.SHUTDOWN)).isPositive();
                assertThat(server.stats().end(ConnectionEnd.SHUTDOWN)).isGreaterThanOrEqualTo(2);
                assertThat(slow.awaitClosedByServer(WAIT)).isTrue();
            }
        }
    }
}
