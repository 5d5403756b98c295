package io.derpring.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;

import io.derpring.internal.relay.DropReason;
import io.derpring.server.DerpRelayServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** README's "Embedding" walk-through runs in every build: the example compiles against the API and works. */
@Timeout(60)
class MinimalEmbeddingTest {
    private static final int PACKETS = 2_000;

    @Test
    void everyPacketSentWithBackPressureRetryIsDeliveredOrCountedByTheRelay() throws Exception {
        try (DerpRelayServer relay = DerpRelayServer.builder().listen(new InetSocketAddress("127.0.0.1", 0))
            .metricsAddress(null).build()) {
            relay.start();
            final long received = new MinimalEmbedding().run(relay, PACKETS);
            // The client side loses nothing (BACK_PRESSURED is retried); only the relay's per-client queue may drop,
            // and it counts what it drops.
            final long relayQueueDrops = relay.relay().drops(DropReason.QUEUE_HEAD)
                + relay.relay().drops(DropReason.QUEUE_TAIL);
            assertThat(received + relayQueueDrops).isEqualTo(PACKETS);
            assertThat(received).isPositive();
        }
    }

    @Test
    void theExamplesMainRunsToTheEnd() throws Exception {
        MinimalEmbedding.main(new String[0]);
    }
}
