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
            final MinimalEmbedding example = new MinimalEmbedding();
            // The client side loses nothing (BACK_PRESSURED is retried); only the relay's per-client queue may drop,
            // and it counts what it drops: wait for that account to close, not for a quiet second.
            final long received = example.run(relay, PACKETS,
                () -> example.receivedByB.packets.get() + relayQueueDrops(relay) == PACKETS);
            assertThat(received + relayQueueDrops(relay)).isEqualTo(PACKETS);
            assertThat(received).isPositive();
        }
    }

    private static long relayQueueDrops(final DerpRelayServer relay) {
        return relay.relay().drops(DropReason.QUEUE_HEAD) + relay.relay().drops(DropReason.QUEUE_TAIL);
    }

    @Test
    void theExamplesMainRunsToTheEnd() throws Exception {
        MinimalEmbedding.main(new String[0]);
    }
}
