package io.derpring.server;

import java.util.concurrent.atomic.AtomicLongArray;

import io.derpring.internal.frame.FrameError;
import io.derpring.internal.metrics.Counters;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.group.ChannelGroup;
import io.netty.util.AttributeKey;

/**
 * First handler of every connection: counts accepts, keeps the open channels for shutdown, and counts each
 * connection's end once, under the first reason recorded for it ({@link #closeWith}); a connection that ends with no
 * reason recorded was closed by its client.
 */
@ChannelHandler.Sharable
final class ConnectionTracker extends ChannelInboundHandlerAdapter {
    private static final AttributeKey<ConnectionEnd> END = AttributeKey.valueOf("derpring.connectionEnd");

    final Counters<ConnectionEnd> ends = new Counters<>(ConnectionEnd.class);
    final Counters<ServerCounter> counters;
    private final AtomicLongArray frameErrors = new AtomicLongArray(FrameError.values().length);
    private final ChannelGroup channels;
    private final DirectMemoryBudget budget;
    private volatile boolean shuttingDown;

    ConnectionTracker(final ChannelGroup channels, final Counters<ServerCounter> counters,
                      final DirectMemoryBudget budget) {
        this.channels = channels;
        this.counters = counters;
        this.budget = budget;
    }

    @Override
    public void channelActive(final ChannelHandlerContext ctx) {
        counters.increment(ServerCounter.CONNECTIONS_ACCEPTED);
        channels.add(ctx.channel());
        budget.onAccepted(ctx.channel()); // after joining the group, which a budget sweep walks
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx) {
        ConnectionEnd end = ctx.channel().attr(END).get();
        if (end == null) {
            end = shuttingDown ? ConnectionEnd.SHUTDOWN : ConnectionEnd.CLIENT_CLOSED;
        }
        ends.increment(end);
        ctx.fireChannelInactive();
    }

    /** Records why {@code channel} ends (the first reason wins) and closes it. */
    void closeWith(final Channel channel, final ConnectionEnd reason) {
        note(channel, reason);
        channel.close();
    }

    /** Records why {@code channel} will end, if nothing was recorded yet. */
    void note(final Channel channel, final ConnectionEnd reason) {
        channel.attr(END).setIfAbsent(shuttingDown ? ConnectionEnd.SHUTDOWN : reason);
    }

    void protocolError(final Channel channel, final FrameError error) {
        frameErrors.incrementAndGet(error.ordinal());
        closeWith(channel, ConnectionEnd.PROTOCOL_ERROR);
    }

    long frameErrors(final FrameError error) {
        return frameErrors.get(error.ordinal());
    }

    void beginShutdown() {
        shuttingDown = true;
    }

    boolean isShuttingDown() {
        return shuttingDown;
    }
}
