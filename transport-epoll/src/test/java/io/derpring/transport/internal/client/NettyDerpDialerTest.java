package io.derpring.transport.internal.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.derpring.engine.SendResult;
import io.derpring.derpmap.DerpRegion;
import io.derpring.derpmap.TransportSecurity;
import io.derpring.keys.NodeKey;
import io.derpring.keys.NodePrivateKey;
import io.derpring.internal.metrics.Counters;
import io.derpring.internal.region.DerpLink;
import io.derpring.internal.region.LinkListener;
import io.derpring.transport.Transport;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The engine's seam: the region conductor's dialer opens a {@link DerpNodeConnection} and hears its events. */
@Timeout(60)
class NettyDerpDialerTest {
    static final ClientHarness HARNESS = new ClientHarness();

    static List<Transport> transports() {
        return Transport.available();
    }

    @AfterAll
    static void shutdown() {
        HARNESS.close();
    }

    static final class Events implements LinkListener {
        final CompletableFuture<Void> connected = new CompletableFuture<>();
        final CompletableFuture<Throwable> closed = new CompletableFuture<>();

        @Override
        public void onConnected() {
            connected.complete(null);
        }

        @Override
        public void onClosed(final Throwable cause) {
            closed.complete(cause);
        }

        @Override
        public void onHealth(final String problem) {
        }

        @Override
        public void onPeerGone(final NodeKey peer, final int reason) {
        }

        @Override
        public void onPeerPresent(final NodeKey peer) {
        }

        @Override
        public void onPong(final long data) {
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void dialedLinkConnectsCarriesPacketsAndReportsAPurposefulClose(final Transport transport) throws Exception {
        final NodePrivateKey self = NodePrivateKey.generate();
        try (MiniDerpServer server = new MiniDerpServer(null); TestRing ring = new TestRing(64, self.publicKey())) {
            final var node = ClientHarness.node("derp.test", server.port());
            final DerpRegion region = new DerpRegion(ClientHarness.REGION, "test", "Test", 0, 0, false, false,
                List.of(node));
            final Counters<ClientCounter> counters = new Counters<>(ClientCounter.class);
            final var dialer = NettyDerpDialer.factory(transport, HARNESS.group(transport),
                DerpClientSettings.defaults(), new TransportSecurity.PlainHttp(), null, counters).create(ring.ring, self);
            final Events events = new Events();
            final DerpLink link = dialer.dial(region, node, null, events);
            events.connected.get(10, TimeUnit.SECONDS);
            assertThat(link.send(self.publicKey(), new UnsafeBuffer(new byte[] {1, 2}), 0, 2)).isEqualTo(SendResult.ACCEPTED);
            assertThat(link.sendDisco(self.publicKey(), new UnsafeBuffer(new byte[] {3}), 0, 1)).isEqualTo(SendResult.ACCEPTED);
            Await.until("both back through the relay", () -> ring.count.get() == 2);
            assertThat(ring.received.peek().regionId()).isEqualTo(ClientHarness.REGION);
            assertThat(link.lastReceiveNs()).isPositive();
            link.close();
            assertThat(events.closed.get(10, TimeUnit.SECONDS)).as("closed on purpose: no cause").isNull();
            assertThat(counters.get(ClientCounter.CONNECTS)).isEqualTo(1);
        }
    }
}
