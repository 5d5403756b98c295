package io.derpring.server;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import javax.net.ssl.SSLParameters;

import io.derpring.internal.relay.MeshPeer;
import io.derpring.internal.relay.RelayShard;
import io.derpring.keys.MeshKey;
import io.derpring.keys.NodeKey;
import io.derpring.keys.NodePrivateKey;
import io.derpring.transport.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one watch connection open to one mesh peer (Go {@code RunWatchConnectionLoop}): dials, and after every end
 * dials again with a doubling backoff, reset by a completed handshake. Stops for good when the peer turns out to be
 * this server (its ServerKey is ours) or on {@link #stop}.
 */
final class MeshClient {
    private static final Logger LOG = LoggerFactory.getLogger(MeshClient.class);
    /** First retry delay after a failure; short, so a restarted peer is back within a fraction of a second. */
    static final long RETRY_MIN_NS = TimeUnit.MILLISECONDS.toNanos(100);
    /** Go's mesh backoff caps at 5 s. */
    static final long RETRY_MAX_NS = TimeUnit.SECONDS.toNanos(5);

    private final MeshAddress address;
    private final MeshPeer<ByteBuf> peer;
    private final NodePrivateKey serverPrivate;
    private final MeshKey meshKey;
    private final EventLoopGroup group;
    private final Transport transport;
    private final SslContext ssl;
    private final Function<EventLoop, RelayShard<ByteBuf>> shardFor;
    private final long handshakeTimeoutNs;
    private volatile boolean stopped;
    private volatile boolean self;
    private volatile Channel channel;
    private volatile String lastError;
    private volatile boolean retryScheduled;
    private final AtomicLong dials = new AtomicLong();
    private long retryNs = RETRY_MIN_NS;

    MeshClient(final MeshAddress address, final MeshPeer<ByteBuf> peer, final NodePrivateKey serverPrivate,
               final MeshKey meshKey, final EventLoopGroup group, final Transport transport, final SslContext ssl,
               final Function<EventLoop, RelayShard<ByteBuf>> shardFor, final long handshakeTimeoutNs) {
        this.address = address;
        this.peer = peer;
        this.serverPrivate = serverPrivate;
        this.meshKey = meshKey;
        this.group = group;
        this.transport = transport;
        this.ssl = ssl;
        this.shardFor = shardFor;
        this.handshakeTimeoutNs = handshakeTimeoutNs;
    }

    MeshAddress address() {
        return address;
    }

    MeshPeer<ByteBuf> peer() {
        return peer;
    }

    MeshKey meshKey() {
        return meshKey;
    }

    NodePrivateKey serverPrivate() {
        return serverPrivate;
    }

    /** True once the peer answered with our own ServerKey: it is this server, and is not dialed again. */
    boolean isSelfPeer() {
        return self;
    }

    /**
     * True once the peer proved to be this server, its connection has ended and no retry is pending: nothing dials it
     * again. What a test waits on instead of a quiet period.
     */
    boolean doneWithSelf() {
        return self && channel == null && !retryScheduled;
    }

    /** TCP dials started to this peer. */
    long dials() {
        return dials.get();
    }

    String lastError() {
        return lastError;
    }

    void start() {
        connect();
    }

    private void connect() {
        if (stopped || self) {
            retryScheduled = false;
            return;
        }
        dials.incrementAndGet(); // before the retry flag clears: a test reading both never misses a dial
        retryScheduled = false;
        final MeshLinkHandler[] handler = new MeshLinkHandler[1];
        final Bootstrap b = new Bootstrap().group(group).channel(transport.socketChannel())
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) TimeUnit.NANOSECONDS.toMillis(handshakeTimeoutNs))
            .handler(new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(final Channel ch) {
                    if (ssl != null) {
                        final SslHandler tls = ssl.newHandler(ch.alloc(), address.name(), address.port());
                        final SSLParameters params = tls.engine().getSSLParameters();
                        params.setEndpointIdentificationAlgorithm("HTTPS"); // the peer's name must match its cert
                        tls.engine().setSSLParameters(params);
                        ch.pipeline().addLast("tls", tls);
                    }
                    handler[0] = new MeshLinkHandler(MeshClient.this, shardFor.apply(ch.eventLoop()));
                    ch.pipeline().addLast("mesh", handler[0]);
                }
            });
        final ChannelFuture f;
        try {
            f = b.connect(address.dialHost(), address.port());
        } catch (final RejectedExecutionException e) {
            return; // the loops are shutting down
        }
        f.addListener(done -> {
            if (!done.isSuccess()) {
                failed(String.valueOf(done.cause()));
                scheduleRetry();
                return;
            }
            final Channel ch = f.channel();
            channel = ch;
            if (stopped) {
                ch.close();
                return;
            }
            ch.eventLoop().schedule(() -> {
                if (ch.isActive() && !handler[0].isLinked()) {
                    failed("handshake timeout");
                    ch.close();
                }
            }, handshakeTimeoutNs, TimeUnit.NANOSECONDS);
        });
    }

    boolean isSelf(final NodeKey key) {
        return serverPrivate.publicKey().equals(key);
    }

    void selfDetected() {
        self = true;
        peer.markSelf();
        LOG.info("mesh peer {} is this server (same server key); not dialing it", address.label());
    }

    void connected() {
        retryNs = RETRY_MIN_NS;
        lastError = null;
        LOG.info("mesh: watching {}", address.label());
    }

    void failed(final String why) {
        peer.countConnectFailure();
        if (!why.equals(lastError)) {
            LOG.warn("mesh peer {}: {}", address.label(), why);
        }
        lastError = why;
    }

    /** The connection ended (after the TCP connect succeeded). */
    void disconnected() {
        channel = null;
        scheduleRetry();
    }

    private synchronized void scheduleRetry() {
        if (stopped || self) {
            return;
        }
        final long delay = retryNs;
        retryNs = Math.min(retryNs * 2, RETRY_MAX_NS);
        try {
            retryScheduled = true;
            group.next().schedule(this::connect, delay, TimeUnit.NANOSECONDS);
        } catch (final RejectedExecutionException e) {
            // the loops are shutting down
        }
    }

    /** Closes the connection and forgets the peer's keys; no more dials. */
    void stop() {
        stopped = true;
        final Channel ch = channel;
        if (ch != null) {
            ch.close().awaitUninterruptibly(TimeUnit.NANOSECONDS.toMillis(handshakeTimeoutNs));
        }
        peer.close();
    }
}
