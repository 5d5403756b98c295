package io.derpring.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import io.derpring.internal.metrics.Counters;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The relay's WebSocket pong rule, one ping at a time: answered at once while the channel is writable; while it is
 * not, only the latest ping is owed ({@link WebSocketDerpStream#MAX_OWED_WEBSOCKET_PONGS}), sent once writable, and
 * every ping it replaced is released and counted. An {@link EmbeddedChannel} made unwritable by an unflushed write
 * stands in for a client that pings and does not read.
 */
class WebSocketOwedPongTest {
    /** Bytes held unflushed to push the channel over its 2-byte high-water mark. */
    private static final int CLOG_BYTES = 16;

    private final Counters<ServerCounter> counters = new Counters<>(ServerCounter.class);
    private final EmbeddedChannel channel = new EmbeddedChannel(new WebSocketDerpStream(tracker(counters)));

    private static ConnectionTracker tracker(final Counters<ServerCounter> counters) {
        final DefaultChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
        return new ConnectionTracker(channels, counters,
            new DirectMemoryBudget(Long.MAX_VALUE, PooledByteBufAllocator.DEFAULT, counters, channels));
    }

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    private void clog() {
        channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(1, 2));
        channel.write(Unpooled.wrappedBuffer(new byte[CLOG_BYTES])); // not flushed: the channel is unwritable
        assertThat(channel.isWritable()).isFalse();
    }

    private ByteBuf ping(final int id) {
        final ByteBuf payload = Unpooled.buffer(1).writeByte(id);
        channel.writeInbound(new PingWebSocketFrame(payload));
        return payload;
    }

    /** The payload bytes of the pongs written, in order; everything written is released. */
    private List<Integer> pongsWritten() {
        final List<Integer> ids = new ArrayList<>();
        for (Object m; (m = channel.readOutbound()) != null; ) {
            if (m instanceof PongWebSocketFrame) {
                ids.add((int) ((PongWebSocketFrame) m).content().getByte(0));
            }
            ReferenceCountUtil.release(m);
        }
        return ids;
    }

    private long skipped() {
        return counters.get(ServerCounter.WEBSOCKET_PONGS_SKIPPED);
    }

    @Test
    void pingWhileWritableIsAnsweredAtOnce() {
        ping(7);

        assertThat(pongsWritten()).containsExactly(7);
        assertThat(skipped()).isZero();
    }

    @ParameterizedTest(name = "{0} pings")
    @ValueSource(ints = {WebSocketDerpStream.MAX_OWED_WEBSOCKET_PONGS - 1, WebSocketDerpStream.MAX_OWED_WEBSOCKET_PONGS,
        WebSocketDerpStream.MAX_OWED_WEBSOCKET_PONGS + 1, 5 * WebSocketDerpStream.MAX_OWED_WEBSOCKET_PONGS})
    void whileUnwritableOnlyTheLatestPingIsOwedAndTheRestCounted(final int pings) {
        clog();
        final List<ByteBuf> payloads = new ArrayList<>();
        for (int i = 0; i < pings; i++) {
            payloads.add(ping(i));
        }

        assertThat(channel.outboundMessages()).as("nothing written while unwritable").isEmpty();
        final int owed = Math.min(pings, WebSocketDerpStream.MAX_OWED_WEBSOCKET_PONGS);
        assertThat(skipped()).isEqualTo(pings - owed);
        for (int i = 0; i < pings - owed; i++) {
            assertThat(payloads.get(i).refCnt()).as("skipped ping %d released", i).isZero();
        }

        channel.flush(); // the client reads: writable again
        channel.runPendingTasks();
        assertThat(channel.isWritable()).isTrue();

        final List<Integer> latest = new ArrayList<>();
        for (int i = pings - owed; i < pings; i++) {
            latest.add(i);
        }
        assertThat(pongsWritten()).as("the latest ping answered once writable").isEqualTo(latest);
        assertThat(skipped()).isEqualTo(pings - owed);
    }

    @Test
    void pingWhileWritableAgainIsAnsweredAtOnce() {
        clog();
        ping(1);
        channel.flush();
        channel.runPendingTasks();
        assertThat(pongsWritten()).containsExactly(1);

        ping(2);

        assertThat(pongsWritten()).containsExactly(2);
        assertThat(skipped()).isZero();
    }

    @Test
    void owedPongIsReleasedWhenTheConnectionCloses() {
        clog();
        final ByteBuf owed = ping(3);
        assertThat(owed.refCnt()).isOne();

        channel.close();
        channel.runPendingTasks();

        assertThat(owed.refCnt()).isZero();
        assertThat(pongsWritten()).isEmpty();
    }
}
