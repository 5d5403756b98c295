package io.derpring.server;

import io.derpring.internal.metrics.Counters;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * The first look at each accepted connection, on the listening channel, before the connection is registered with a
 * loop: no TLS handshake, no HTTP parsing and no pipeline are spent on a connection that is refused. In order: the
 * accept rate ({@link AcceptRateLimiter}, derper's {@code rateLimitedListener}), then the total and per-IP caps
 * ({@link ConnectionCaps}). A refused connection is closed at once and counted under its reason; like derper, it
 * is accepted and closed rather than left in the backlog, which tells the client something is going on and keeps
 * the kernel queue short. Refused connections never reach {@link ConnectionTracker}, so they are not in
 * {@link ServerCounter#CONNECTIONS_ACCEPTED}.
 */
final class AcceptGuard extends ChannelInboundHandlerAdapter {
    private final AcceptRateLimiter rate;
    private final ConnectionCaps caps;
    private final Counters<ServerCounter> counters;

    AcceptGuard(final AcceptRateLimiter rate, final ConnectionCaps caps, final Counters<ServerCounter> counters) {
        this.rate = rate;
        this.caps = caps;
        this.counters = counters;
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg) {
        final Channel child = (Channel) msg;
        if (!rate.tryAcquire()) {
            counters.increment(ServerCounter.ACCEPT_RATE_LIMITED);
            child.unsafe().closeForcibly();
            return;
        }
        if (!caps.tryAdmit(child)) {
            child.unsafe().closeForcibly();
            return;
        }
        ctx.fireChannelRead(child);
    }
}
