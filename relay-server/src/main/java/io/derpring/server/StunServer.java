package io.derpring.server;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.concurrent.TimeUnit;

import io.derpring.internal.metrics.Counters;
import io.derpring.internal.stun.SourceRateLimiter;
import io.derpring.internal.stun.StunCounter;
import io.derpring.internal.stun.StunResponder;
import io.derpring.internal.stun.XorMappedAddressFlyweight;
import io.derpring.transport.Transport;
import io.derpring.transport.internal.EventLoops;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import org.agrona.concurrent.NanoClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's STUN port, as derper's (Go {@code net/stunserver}): one UDP socket on the relay's transport, served by
 * a loop of its own so that a UDP flood cannot starve DERP traffic. What it answers and counts is
 * {@link StunResponder}'s business; this class binds, wires and stops.
 */
final class StunServer {
    private static final Logger LOG = LoggerFactory.getLogger(StunServer.class);
    /** One socket, one loop. */
    static final int THREADS = 1;
    /** Go's STUN server reads into {@code [64 << 10]byte}: a datagram is seen whole, never truncated. */
    static final int MAX_DATAGRAM_BYTES = 64 << 10;
    private static final InetAddress IPV6_ANY = ipv6Any();

    private final EventLoopGroup group;
    private final Channel channel;
    private final Counters<StunCounter> counters;

    private StunServer(final EventLoopGroup group, final Channel channel, final Counters<StunCounter> counters) {
        this.group = group;
        this.channel = channel;
        this.counters = counters;
    }

    /**
     * Binds {@code where} and starts answering. On a failed bind the loop is stopped and an
     * {@link IllegalStateException} names the address.
     */
    static StunServer start(final Transport transport, final InetSocketAddress where, final NanoClock clock,
                            final ByteBufAllocator allocator, final SourceRateLimiter limiter, final long shutdownTimeoutNs)
        throws InterruptedException {
        final EventLoopGroup group = EventLoops.create(transport, THREADS, "derp-relay-stun", false);
        final Counters<StunCounter> counters = new Counters<>(StunCounter.class);
        final StunResponder responder = new StunResponder(limiter, counters);
        final Bootstrap bootstrap = new Bootstrap().group(group).channel(transport.datagramChannel())
            .option(ChannelOption.ALLOCATOR, allocator)
            .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_DATAGRAM_BYTES))
            .handler(new ChannelInitializer<Channel>() { // a fresh handler per bind attempt; one socket survives
                @Override
                protected void initChannel(final Channel ch) {
                    ch.pipeline().addLast(new StunHandler(responder, clock));
                }
            });
        ChannelFuture bound = null;
        if (where.getAddress().isAnyLocalAddress()) {
            // Go listens on a wildcard with one dual-stack IPv6 socket, whichever wildcard it was given; where IPv6
            // is missing, the IPv4 wildcard below still serves IPv4.
            bound = bootstrap.bind(new InetSocketAddress(IPV6_ANY, where.getPort())).await();
        }
        if (bound == null || !bound.isSuccess()) {
            bound = bootstrap.bind(where).await();
        }
        if (!bound.isSuccess()) {
            group.shutdownGracefully(0, shutdownTimeoutNs, TimeUnit.NANOSECONDS)
                .awaitUninterruptibly(shutdownTimeoutNs, TimeUnit.NANOSECONDS);
            final Throwable cause = bound.cause();
            throw new IllegalStateException("cannot listen for STUN on " + where + ": " + cause.getMessage(), cause);
        }
        final StunServer server = new StunServer(group, bound.channel(), counters);
        LOG.info("STUN listening on {} (udp, {})", server.localAddress(), transport.cliName());
        return server;
    }

    private static InetAddress ipv6Any() {
        try {
            return InetAddress.getByAddress(new byte[XorMappedAddressFlyweight.IPV6_LENGTH]); // from bytes: no lookup
        } catch (final UnknownHostException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    Counters<StunCounter> counters() {
        return counters;
    }

    /** Closes the socket and stops the loop, waiting at most {@code timeoutNs} for each. */
    void close(final long timeoutNs) {
        channel.close().awaitUninterruptibly(timeoutNs, TimeUnit.NANOSECONDS);
        group.shutdownGracefully(0, timeoutNs, TimeUnit.NANOSECONDS)
            .awaitUninterruptibly(timeoutNs + TimeUnit.SECONDS.toNanos(1), TimeUnit.NANOSECONDS);
    }
}
