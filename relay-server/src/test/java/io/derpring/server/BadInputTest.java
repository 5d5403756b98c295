package io.derpring.server;

import static io.derpring.server.Await.awaitTrue;
import static io.derpring.server.DerpTestClient.Mode.HTTP;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import io.derpring.internal.crypto.NaclBox;
import io.derpring.internal.frame.ClientInfo;
import io.derpring.internal.frame.ClientInfoFrame;
import io.derpring.internal.frame.FrameError;
import io.derpring.internal.frame.FrameHeaderFlyweight;
import io.derpring.internal.frame.FrameLimits;
import io.derpring.internal.frame.FrameType;
import io.derpring.internal.frame.ServerKeyFlyweight;
import io.derpring.keys.NodePrivateKey;
import io.derpring.internal.relay.RelayCounter;
import io.derpring.transport.Transport;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Misbehaving clients on raw sockets: each is closed and counted under its reason, while a well-behaved pair
 * connected before keeps being served.
 */
@Timeout(120)
class BadInputTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    /** Long enough that the healthy pair's own handshake, on a cold, loaded machine, never trips it. */
    private static final long HANDSHAKE_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(3);
    private static final long WRITE_DEADLINE_NS = TimeUnit.MILLISECONDS.toNanos(500);

    private DerpRelayServer server;
    private DerpTestClient a;
    private DerpTestClient b;

    static List<Transport> transports() {
        return Transport.available();
    }

    private void start(final Transport transport) throws Exception {
        server = DerpRelayServer.builder().transport(transport).threads(2)
            .listen(new InetSocketAddress("127.0.0.1", 0))
            .handshakeTimeoutNs(HANDSHAKE_TIMEOUT_NS).writeDeadlineNs(WRITE_DEADLINE_NS)
            .timerTickNs(TimeUnit.MILLISECONDS.toNanos(50))
            .socketSendBufferBytes(4096).writeBufferWaterMark(1024, 2048)
            .build().start();
        a = DerpTestClient.connect(server.localAddress(), HTTP, null);
        b = DerpTestClient.connect(server.localAddress(), HTTP, null);
    }

    @AfterEach
    void stop() {
        if (a != null) {
            a.close();
            b.close();
        }
        if (server != null) {
            server.close();
        }
    }

    /** The good pair still exchanges packets both ways. */
    private void healthyPairStillServed() throws Exception {
        a.sendPacket(b.publicKey(), new byte[] {1, 2});
        assertThat(DerpTestClient.packet(b.awaitFrame(FrameType.RECV_PACKET, WAIT))).containsExactly(1, 2);
        b.sendPacket(a.publicKey(), new byte[] {3});
        assertThat(DerpTestClient.packet(a.awaitFrame(FrameType.RECV_PACKET, WAIT))).containsExactly(3);
    }

    private void assertClosed(final DerpTestClient bad, final ConnectionEnd reason) throws Exception {
        assertThat(bad.awaitClosedByServer(WAIT)).as("server closed the connection").isTrue();
        awaitTrue(reason + " counted", () -> server.stats().end(reason) >= 1, WAIT);
        healthyPairStillServed();
    }

    /** A socket that went through the upgrade and read ServerKey; nothing else sent. */
    private DerpTestClient upgraded() throws Exception {
        final DerpTestClient c = DerpTestClient.open(server.localAddress(), null, NodePrivateKey.generate());
        c.sendRaw(DerpTestClient.upgradeRequest(false).getBytes(US_ASCII));
        assertThat(c.readHttpHead()).startsWith("HTTP/1.1 101 ");
        assertThat(c.readFrame().type()).isEqualTo(FrameType.SERVER_KEY);
        return c;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void garbageBeforeTheUpgradeIsAnsweredBadRequestAndClosed(final Transport transport) throws Exception {
        start(transport);
        try (DerpTestClient bad = DerpTestClient.open(server.localAddress(), null, NodePrivateKey.generate())) {
            bad.sendRaw("\u0001\u0002 this is not HTTP\r\n\r\n".getBytes(US_ASCII));
            assertClosed(bad, ConnectionEnd.HTTP);
        }
        assertThat(server.stats().server(ServerCounter.HTTP_BAD_REQUESTS)).isPositive();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void binaryGarbageLongerThanTheRequestLineLimitIsClosed(final Transport transport) throws Exception {
        start(transport);
        final long seed = System.nanoTime();
        final byte[] junk = new byte[DerpRelayServer.Settings.DEFAULT_MAX_HTTP_INITIAL_LINE_BYTES + 1000];
        new SplittableRandom(seed).nextBytes(junk);
        for (int i = 0; i < junk.length; i++) {
            if (junk[i] == '\r' || junk[i] == '\n') {
                junk[i] = 'x';
            }
        }
        try (DerpTestClient bad = DerpTestClient.open(server.localAddress(), null, NodePrivateKey.generate())) {
            bad.sendRaw(junk);
            assertThat(bad.awaitClosedByServer(WAIT)).as("seed %d", seed).isTrue();
            awaitTrue("counted", () -> server.stats().end(ConnectionEnd.HTTP) >= 1, WAIT);
        }
        healthyPairStillServed();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void oversizeFrameClosesTheSender(final Transport transport) throws Exception {
        start(transport);
        try (DerpTestClient bad = DerpTestClient.connect(server.localAddress(), HTTP, null)) {
            final byte[] header = new byte[FrameHeaderFlyweight.HEADER_LENGTH];
            FrameHeaderFlyweight.write(new UnsafeBuffer(header), 0, FrameType.SEND_PACKET, FrameLimits.KEYED_PACKET_MAX_LENGTH + 1);
            bad.sendRaw(header);
            assertClosed(bad, ConnectionEnd.PROTOCOL_ERROR);
        }
        assertThat(server.stats().frameError(FrameError.SEND_PACKET_TOO_LONG)).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void shortClientInfoIsClosedWithoutServerInfo(final Transport transport) throws Exception {
        start(transport);
        try (DerpTestClient bad = upgraded()) {
            bad.sendFrame(FrameType.CLIENT_INFO, new byte[FrameLimits.CLIENT_INFO_MIN_LENGTH - 1]);
            assertClosed(bad, ConnectionEnd.PROTOCOL_ERROR);
        }
        assertThat(server.stats().frameError(FrameError.CLIENT_INFO_TOO_SHORT)).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void unopenableClientInfoBoxIsClosed(final Transport transport) throws Exception {
        start(transport);
        try (DerpTestClient bad = upgraded()) {
            final UnsafeBuffer f = new UnsafeBuffer(new byte[512]);
            final int n = ClientInfoFrame.seal(new NaclBox(), NodePrivateKey.generate(), NodePrivateKey.generate().publicKey(),
                ClientInfo.standard(), f, 0);
            final byte[] frame = new byte[n];
            f.getBytes(0, frame);
            bad.sendRaw(frame);
            assertClosed(bad, ConnectionEnd.PROTOCOL_ERROR);
        }
        assertThat(server.stats().frameError(FrameError.CLIENT_INFO_OPEN_FAILED)).isEqualTo(1);
        assertThat(server.relay().keyCount()).as("never registered").isEqualTo(2);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void unknownFrameTypesAreSkippedAndTheConnectionKeepsWorking(final Transport transport) throws Exception {
        start(transport);
        try (DerpTestClient odd = DerpTestClient.connect(server.localAddress(), HTTP, null)) {
            odd.sendFrame(0x7f, new byte[3000]);
            odd.sendFrame(0x0b, new byte[0]);
            odd.sendFrame(FrameType.PONG, new byte[8]);
            odd.sendPing(42);
            assertThat(odd.awaitFrame(FrameType.PONG, WAIT).payload()).hasSize(8);
            odd.sendPacket(a.publicKey(), new byte[] {5});
            assertThat(DerpTestClient.packet(a.awaitFrame(FrameType.RECV_PACKET, WAIT))).containsExactly(5);
        }
        healthyPairStillServed();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void halfSentFrameThenSilenceHitsTheHandshakeTimeout(final Transport transport) throws Exception {
        start(transport);
        try (DerpTestClient bad = upgraded()) {
            bad.sendRaw(new byte[] {FrameType.CLIENT_INFO, 0, 0});
            assertClosed(bad, ConnectionEnd.HANDSHAKE_TIMEOUT);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void silenceBeforeTheHttpRequestHitsTheHandshakeTimeout(final Transport transport) throws Exception {
        start(transport);
        try (DerpTestClient bad = DerpTestClient.open(server.localAddress(), null, NodePrivateKey.generate())) {
            bad.sendRaw("GET /derp HTTP/1.1\r\n".getBytes(US_ASCII)); // and never the rest
            assertClosed(bad, ConnectionEnd.HANDSHAKE_TIMEOUT);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void aClientThatNeverReadsIsClosedAtTheWriteDeadline(final Transport transport) throws Exception {
        start(transport);
        try (DerpTestClient sleeper = DerpTestClient.open(server.localAddress(), null, NodePrivateKey.generate())) {
            sleeper.socket().setReceiveBufferSize(4096);
            sleeper.handshake(HTTP, ClientInfo.standard());
            final byte[] packet = new byte[1000];
            final long deadline = System.nanoTime() + WAIT.toNanos();
            while (server.relay().counter(RelayCounter.CLOSED_WRITE_TIMEOUT) == 0 && System.nanoTime() < deadline) {
                for (int i = 0; i < 50; i++) {
                    a.sendPacket(sleeper.publicKey(), packet); // a's reader never blocks on the sleeper
                }
                java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            }
            assertThat(server.relay().counter(RelayCounter.CLOSED_WRITE_TIMEOUT)).isEqualTo(1);
            assertClosed(sleeper, ConnectionEnd.RELAY_RULE);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void aClientThatCompletesTheHandshakeInTimeIsNotClosed(final Transport transport) throws Exception {
        start(transport);
        final long deadlinesDueNs = System.nanoTime() + HANDSHAKE_TIMEOUT_NS; // both were scheduled before this
        awaitTrue("a's and b's handshake deadlines were met: their timers are cancelled",
            () -> server.stats().server(ServerCounter.HANDSHAKE_DEADLINES_MET) == 2, WAIT);
        // Belt and braces for a cancel that does not hold: once the deadline is due, a ping answered and then a
        // second one show the connection's event loop has been through its due timers (they run after each read).
        awaitTrue("the handshake deadline is due", () -> System.nanoTime() - deadlinesDueNs >= 0, WAIT);
        for (int ping = 1; ping <= 2; ping++) {
            a.sendPing(ping);
            assertThat(a.awaitFrame(FrameType.PONG, WAIT).payload()).hasSize(8);
        }
        assertThat(server.stats().end(ConnectionEnd.HANDSHAKE_TIMEOUT)).isZero();
        assertThat(ServerKeyFlyweight.FRAME_LENGTH).isEqualTo(45);
    }
}
