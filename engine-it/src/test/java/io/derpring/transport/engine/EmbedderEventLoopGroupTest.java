package io.derpring.transport.engine;

import static io.derpring.server.Await.awaitTrue;
import static io.derpring.transport.engine.LoopbackRegions.R900;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.derpring.transport.Transport;
import io.derpring.transport.internal.EventLoops;
import io.netty.channel.EventLoopGroup;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bring your own threads: engines built with {@code eventLoopGroup(group)} run their connections on the embedder's
 * group against a real relay, and closing them leaves the group running for the next engine.
 */
@Timeout(120)
class EmbedderEventLoopGroupTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Duration NO_IDLE = Duration.ofSeconds(60);
    private static final int LENGTH = 200;

    static List<Transport> transports() {
        return Transport.available();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void twoEnginesShareTheEmbeddersGroupAndItOutlivesThem(final Transport transport) throws Exception {
        final EventLoopGroup group = EventLoops.create(transport, 1, "embedder-io", false);
        try (LoopbackRegions regions = new LoopbackRegions(transport)) {
            final LoopbackPeer a = new LoopbackPeer("a", group, NO_IDLE);
            final LoopbackPeer b = new LoopbackPeer("b", group, NO_IDLE);
            try {
                a.netmap(b, R900).join(regions.map(), R900);
                b.netmap(a, R900).join(regions.map(), R900);
                awaitTrue("both connected on the embedder's group", () -> a.connected(R900) && b.connected(R900)
                    && regions.connectedAt(R900, a.key()) && regions.connectedAt(R900, b.key()), WAIT);
                a.send(b, 1, LENGTH);
                awaitTrue("a's packet reached b", () -> b.receivedFrom(a, R900, 1), WAIT);
            } finally {
                a.close();
                b.close();
            }
            assertThat(group.isShuttingDown()).as("closing the engines leaves the group alone").isFalse();
            awaitTrue("the relay saw both leave", () -> !regions.connectedAt(R900, a.key())
                && !regions.connectedAt(R900, b.key()), WAIT);

            try (LoopbackPeer c = new LoopbackPeer("c", group, NO_IDLE)) {
                c.netmap(c, R900).join(regions.map(), R900);
                awaitTrue("a later engine connects on the same group", () -> c.connected(R900), WAIT);
                c.send(c, 2, LENGTH); // to itself through the relay: the group still carries traffic
                awaitTrue("c's packet came back", () -> c.receivedFrom(c, R900, 2), WAIT);
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
