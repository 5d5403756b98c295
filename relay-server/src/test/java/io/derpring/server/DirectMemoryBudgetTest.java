package io.derpring.server;

import static io.derpring.server.Await.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import io.derpring.internal.frame.FrameType;
import io.derpring.internal.metrics.Counters;
import io.derpring.internal.relay.RelayCounter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** D2 (issue 12): over its direct-memory budget the relay stops reading, counts it, and reads again once back under. */
@Timeout(60)
class DirectMemoryBudgetTest {
    /** Far above the budget's headroom, so whichever view of direct memory is largest crosses it. */
    private static final int HOG_BYTES = 96 << 20;
    private static final long HEADROOM_BYTES = 16L << 20;
    private static final Duration WAIT = Duration.ofSeconds(10);
    /** How long a paused relay is watched for not forwarding (a negative check needs some window). */

    private static long usedNow() {
        return new DirectMemoryBudget(Long.MAX_VALUE, PooledByteBufAllocator.DEFAULT, new Counters<>(ServerCounter.class))
            .usedBytes();
    }

    @Test
    @DisplayName("over the budget, packets wait unread and the pause is counted; back under, they are relayed")
    void overBudgetPausesReadingUntilBackUnder() throws Exception {
        final long budget = Math.max(DerpRelayServer.Settings.MIN_DIRECT_MEMORY_BUDGET_BYTES, usedNow() + HEADROOM_BYTES);
        try (DerpRelayServer server = DerpRelayServer.builder().threads(1).directMemoryBudgetBytes(budget).build().start();
             DerpTestClient a = DerpTestClient.connect(server.localAddress(), DerpTestClient.Mode.HTTP, null);
             DerpTestClient b = DerpTestClient.connect(server.localAddress(), DerpTestClient.Mode.HTTP, null)) {
            a.sendPacket(b.publicKey(), new byte[] {1});
            assertThat(DerpTestClient.packet(b.awaitFrame(FrameType.RECV_PACKET, WAIT))).containsExactly(1);
            final ByteBuf hog = PooledByteBufAllocator.DEFAULT.directBuffer(HOG_BYTES, HOG_BYTES);
            try {
                awaitTrue("pause counted", () -> server.stats().server(ServerCounter.DIRECT_MEMORY_PAUSES) == 1, WAIT);
                // The event that makes "not relayed" hold: both connections have stopped reading.
                awaitTrue("both connections stop reading", () -> server.connectionsNotReading() == 2, WAIT);
                final long received = server.relay().counter(RelayCounter.PACKETS_RECEIVED);
                a.sendPacket(b.publicKey(), new byte[] {2});
                assertThat(server.connectionsNotReading()).as("still paused").isEqualTo(2);
                assertThat(server.relay().counter(RelayCounter.PACKETS_RECEIVED)).as("nothing read while paused")
                    .isEqualTo(received);
            } finally {
                hog.release();
            }
            assertThat(DerpTestClient.packet(b.awaitFrame(FrameType.RECV_PACKET, WAIT))).containsExactly(2);
            assertThat(server.stats().server(ServerCounter.DIRECT_MEMORY_PAUSES)).isEqualTo(1);
        }
    }

    @Test
    @DisplayName("a connection accepted while over the budget starts paused; one accepted under it does not")
    void acceptedWhileOverStartsPaused() {
        final Counters<ServerCounter> counters = new Counters<>(ServerCounter.class);
        final DefaultChannelGroup group = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
        final DirectMemoryBudget under = new DirectMemoryBudget(Long.MAX_VALUE, PooledByteBufAllocator.DEFAULT, counters, group);
        under.run();
        final EmbeddedChannel first = new EmbeddedChannel();
        under.onAccepted(first);
        assertThat(first.config().isAutoRead()).isTrue();
        final DirectMemoryBudget over = new DirectMemoryBudget(1, PooledByteBufAllocator.DEFAULT, counters, group);
        over.run();
        assertThat(counters.get(ServerCounter.DIRECT_MEMORY_PAUSES)).isEqualTo(1);
        final EmbeddedChannel second = new EmbeddedChannel();
        over.onAccepted(second);
        assertThat(second.config().isAutoRead()).isFalse();
        first.finishAndReleaseAll();
        second.finishAndReleaseAll();
    }
}
