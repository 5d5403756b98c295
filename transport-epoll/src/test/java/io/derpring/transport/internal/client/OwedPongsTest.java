package io.derpring.transport.internal.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import io.derpring.internal.frame.FrameHeaderFlyweight;
import io.derpring.internal.frame.FrameType;
import io.derpring.internal.frame.PingFlyweight;
import io.derpring.internal.metrics.Counters;
import io.derpring.internal.queue.OutboundQueue;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 16: Pongs owed to a server are written only while the channel is writable, as data is, and at most
 * {@link OutboundDrain#MAX_OWED_PONGS} are kept; the oldest beyond that are dropped and counted. An
 * {@link EmbeddedChannel} made unwritable by an unflushed write stands in for a server that pings but does not read.
 */
class OwedPongsTest {
    /** Bytes held unflushed to push the channel over its 2-byte high-water mark. */
    private static final int CLOG_BYTES = 16;
    private static final int PASS_BUDGET_BYTES = 64 * 1024;

    private final Counters<ClientCounter> counters = new Counters<>(ClientCounter.class);
    private final EmbeddedChannel channel = new EmbeddedChannel(new ChannelInboundHandlerAdapter());
    private OutboundDrain drain;

    private void startDrainOnUnwritableChannel() {
        channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(1, 2));
        channel.write(Unpooled.wrappedBuffer(new byte[CLOG_BYTES])); // not flushed: the channel is unwritable
        assertThat(channel.isWritable()).isFalse();
        final ChannelHandlerContext ctx = channel.pipeline().firstContext();
        drain = new OutboundDrain(new OutboundQueue(4, 64, OutboundQueue.Overflow.REFUSE_NEWEST),
            new OutboundQueue(4, 64, OutboundQueue.Overflow.REFUSE_NEWEST), counters, System::nanoTime,
            channel.eventLoop(), PASS_BUDGET_BYTES);
        drain.enable(ctx);
    }

    @AfterEach
    void close() {
        if (drain != null) {
            drain.disable();
        }
        channel.finishAndReleaseAll();
    }

    @ParameterizedTest(name = "{0} pings")
    @ValueSource(ints = {OutboundDrain.MAX_OWED_PONGS - 1, OutboundDrain.MAX_OWED_PONGS,
        OutboundDrain.MAX_OWED_PONGS + 1, 3 * OutboundDrain.MAX_OWED_PONGS})
    void pongsWaitForWritabilityAndAtMostTheCapIsOwed(final int pings) {
        startDrainOnUnwritableChannel();
        for (int i = 0; i < pings; i++) {
            drain.owePong(i);
        }
        channel.runPendingTasks(); // the passes the pings woke

        assertThat(counters.get(ClientCounter.PONGS_SENT)).as("nothing written while unwritable").isZero();
        final int owed = Math.min(pings, OutboundDrain.MAX_OWED_PONGS);
        assertThat(counters.get(ClientCounter.PONGS_DROPPED)).isEqualTo(pings - owed);

        channel.flush(); // the server reads: writable again, and the handler's writability hook runs a pass
        assertThat(channel.isWritable()).isTrue();
        drain.run();

        assertThat(counters.get(ClientCounter.PONGS_SENT)).isEqualTo(owed);
        final List<Long> answered = pongData();
        final List<Long> newest = new ArrayList<>();
        for (long d = pings - owed; d < pings; d++) {
            newest.add(d);
        }
        assertThat(answered).as("the newest pings are answered, oldest first").isEqualTo(newest);
    }

    /** The Pongs' data in the order written, skipping the clog. */
    private List<Long> pongData() {
        final List<Long> out = new ArrayList<>();
        ByteBuf written;
        while ((written = channel.readOutbound()) != null) {
            try {
                while (written.readableBytes() >= PingFlyweight.FRAME_LENGTH
                    && written.getByte(written.readerIndex()) == FrameType.PONG) {
                    final UnsafeBuffer frame = new UnsafeBuffer(new byte[PingFlyweight.FRAME_LENGTH]);
                    written.readBytes(frame.byteArray());
                    out.add(PingFlyweight.data(frame, FrameHeaderFlyweight.HEADER_LENGTH));
                }
            } finally {
                written.release();
            }
        }
        return out;
    }
}
