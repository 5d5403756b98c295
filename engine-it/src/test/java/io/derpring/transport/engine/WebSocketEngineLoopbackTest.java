package io.derpring.transport.engine;

import static io.derpring.server.Await.awaitTrue;
import static io.derpring.transport.engine.LoopbackRegions.R900;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

import io.derpring.engine.SendResult;
import io.derpring.server.ServerCounter;
import io.derpring.transport.Transport;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Engines built with {@code webSocket(true)} reach a real relay over DERP-in-WebSocket (Go derphttp with a ws://
 * URL), and packets cross both ways between two WebSocket engines and between a WebSocket engine and one on the
 * plain DERP upgrade.
 */
@Timeout(120)
class WebSocketEngineLoopbackTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Duration NO_IDLE = Duration.ofSeconds(60);
    /** Big enough that some packets cross several WebSocket frames' worth of socket reads. */
    private static final int LENGTH = 1200;
    private static final int PACKETS = 200;
    /** Packets in flight each way: below the relay's per-client queue, so none overflow it. */
    private static final int WINDOW = 16;

    static List<Transport> transports() {
        return Transport.available();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void twoWebSocketEnginesExchangePacketsBothWays(final Transport transport) throws Exception {
        exchangeBothWays(transport, true, true);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void webSocketEngineAndDerpUpgradeEngineExchangePacketsBothWays(final Transport transport) throws Exception {
        exchangeBothWays(transport, true, false);
    }

    /** The engine back-pressures a full queue (nothing dropped): offer again until it takes the packet. */
    private static void sendAccepted(final LoopbackPeer from, final LoopbackPeer to, final int seq) {
        final long deadlineNs = System.nanoTime() + WAIT.toNanos();
        SendResult r;
        while ((r = from.send(to, seq, LENGTH)) == SendResult.BACK_PRESSURED && System.nanoTime() < deadlineNs) {
            LockSupport.parkNanos(100_000);
        }
        assertThat(r).as("%s->%s %d", from, to, seq).isEqualTo(SendResult.ACCEPTED);
    }

    private static void exchangeBothWays(final Transport transport, final boolean aWebSocket,
                                         final boolean bWebSocket) throws Exception {
        try (LoopbackRegions regions = new LoopbackRegions(transport);
             LoopbackPeer a = new LoopbackPeer("a", transport, NO_IDLE, aWebSocket);
             LoopbackPeer b = new LoopbackPeer("b", transport, NO_IDLE, bWebSocket)) {
            a.netmap(b, R900).join(regions.map(), R900);
            b.netmap(a, R900).join(regions.map(), R900);
            awaitTrue("both connected", () -> a.connected(R900) && b.connected(R900)
                && regions.connectedAt(R900, a.key()) && regions.connectedAt(R900, b.key()), WAIT);
            final int webSockets = (aWebSocket ? 1 : 0) + (bWebSocket ? 1 : 0);
            assertThat(regions.relay(R900).stats().server(ServerCounter.HTTP_WEBSOCKET_UPGRADES))
                .isEqualTo(webSockets);
            assertThat(regions.relay(R900).stats().server(ServerCounter.HTTP_UPGRADES)).isEqualTo(2 - webSockets);
            // In windows: the relay drops what overflows a client's queue (SPEC: as Go's), which is not under test.
            for (int seq = 0; seq < PACKETS; seq++) {
                sendAccepted(a, b, seq);
                sendAccepted(b, a, seq);
                if (seq % WINDOW == WINDOW - 1 || seq == PACKETS - 1) {
                    final int sent = seq + 1;
                    awaitTrue("window up to " + seq + " arrived both ways",
                        () -> b.received.size() == sent && a.received.size() == sent, WAIT);
                }
            }
            for (int seq = 0; seq < PACKETS; seq++) {
                assertThat(b.receivedFrom(a, R900, seq)).as("a->b %d", seq).isTrue();
                assertThat(a.receivedFrom(b, R900, seq)).as("b->a %d", seq).isTrue();
            }
            assertThat(regions.relay(R900).stats().server(ServerCounter.WEBSOCKET_PROTOCOL_ERRORS)).isZero();
        }
    }
}
