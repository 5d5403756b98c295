package io.derpring.server;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;

import io.derpring.keys.NodePrivateKey;
import io.derpring.internal.metrics.Counters;
import io.derpring.internal.metrics.DistinctErrorLog;
import io.derpring.internal.relay.Relay;
import io.derpring.internal.relay.RelayShard;
import io.derpring.internal.relay.ShardScheduler;
import io.derpring.transport.Transport;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.DefaultChannelId;
import io.netty.channel.EventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.slf4j.LoggerFactory;

/**
 * The DERP port's pipeline as {@link DerpRelayServer} builds it for a plain-HTTP connection (tracker, HTTP codec,
 * router), on an {@link EmbeddedChannel} with a one-shard relay of its own: bytes go in with
 * {@link EmbeddedChannel#writeInbound}, answers come out with {@link EmbeddedChannel#readOutbound}, and the shard's
 * passes run as the channel's pending tasks. Only a tap that records each decoded request's method is added (after
 * the codec), so a test can tell which answers must have no body (HEAD). Test code only; nothing here reaches into a
 * handler's private state.
 */
final class EmbeddedHttpStage {
    final EmbeddedChannel channel;
    final ConnectionTracker tracker;
    final DistinctErrorLog errors;
    /** Methods of the requests the codec decoded, in order; HTTP/1.1 answers come back in the same order. */
    final List<HttpMethod> requestMethods = new ArrayList<>();

    EmbeddedHttpStage(final DerpRelayServer.Settings settings, final NodePrivateKey serverPrivate) throws Exception {
        channel = new EmbeddedChannel(DefaultChannelId.newInstance(), false, false);
        final DefaultChannelGroup channels = new DefaultChannelGroup("fuzz", GlobalEventExecutor.INSTANCE);
        final Counters<ServerCounter> counters = new Counters<>(ServerCounter.class);
        tracker = new ConnectionTracker(channels, counters, new DirectMemoryBudget(settings.directMemoryBudgetBytes,
            PooledByteBufAllocator.DEFAULT, counters, channels));
        errors = new DistinctErrorLog(LoggerFactory.getLogger(EmbeddedHttpStage.class));
        final Relay<ByteBuf> relay = new Relay<>(settings.relayConfig(), new PooledFrameMemory(ByteBufAllocator.DEFAULT),
            serverPrivate.publicKey());
        final IdentityHashMap<EventLoop, RelayShard<ByteBuf>> shards = new IdentityHashMap<>();
        final LoopTasks scheduler = new LoopTasks(channel);
        final RelayShard<ByteBuf> shard = relay.addShard(scheduler);
        scheduler.shard = shard;
        final ServerContext context = new ServerContext(serverPrivate, settings, relay, shards, tracker, errors);
        // Built once registered, as DerpRelayServer's initializer does: the loop exists and channelActive follows.
        channel.pipeline().addLast(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(final Channel ch) {
                shards.put(ch.eventLoop(), shard);
                final HandshakeDeadline deadline = new HandshakeDeadline(ch, tracker, settings.handshakeTimeoutNs);
                ch.pipeline().addLast("tracker", tracker);
                ch.pipeline().addLast("http", new HttpServerCodec(settings.maxHttpInitialLineBytes,
                    settings.maxHttpHeaderBytes, 8192));
                ch.pipeline().addLast("methods", new MethodTap(requestMethods));
                ch.pipeline().addLast("router", new HttpRouter(context, deadline));
            }
        });
        channel.register();
    }

    /** Settings for a relay on the JDK transport (always available); the server key is {@code serverPrivate}. */
    static DerpRelayServer.Settings settings(final NodePrivateKey serverPrivate) {
        return DerpRelayServer.builder().transport(Transport.NIO).threads(1).serverPrivateKey(serverPrivate).build()
            .settings();
    }

    /** True while the connection speaks DERP: the HTTP codec and router are gone and the DERP handler is in place. */
    boolean isDerpMode() {
        return channel.pipeline().get(HttpServerCodec.class) == null && channel.pipeline().get(HttpRouter.class) == null
            && channel.pipeline().get(DerpConnectionHandler.class) != null;
    }

    /** Runs the shard's passes as its event loop would, after the read. */
    private static final class LoopTasks implements ShardScheduler {
        private final EmbeddedChannel channel;
        private final Runnable pass;
        RelayShard<ByteBuf> shard;

        LoopTasks(final EmbeddedChannel channel) {
            this.channel = channel;
            this.pass = () -> shard.runPass();
        }

        @Override
        public void passRequested() {
            channel.eventLoop().execute(pass);
        }

        @Override
        public void wakeup() {
            channel.eventLoop().execute(pass);
        }
    }

    /** Records the method of each decoded request and passes everything on unchanged. */
    @ChannelHandler.Sharable
    private static final class MethodTap extends ChannelInboundHandlerAdapter {
        private final List<HttpMethod> methods;

        MethodTap(final List<HttpMethod> methods) {
            this.methods = methods;
        }

        @Override
        public void channelRead(final ChannelHandlerContext ctx, final Object msg) {
            if (msg instanceof HttpRequest) {
                methods.add(((HttpRequest) msg).method());
            }
            ctx.fireChannelRead(msg);
        }
    }
}
