package io.derpring.loadgen.fault;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.derpring.internal.frame.FrameType;
import io.derpring.transport.internal.EventLoops;
import io.derpring.transport.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.ReferenceCountUtil;

/**
 * A loopback TCP proxy that injects faults into DERP connections: it binds an ephemeral 127.0.0.1 port once and
 * forwards each accepted connection to a target that can change (a restarted relay on a new port), so clients keep
 * one address for the whole run.
 *
 * <p>Bounded: at most {@link #MAX_CONNECTIONS} connections (more are closed at accept and counted); a direction stops
 * reading while its far side is not writable, so the proxy holds at most about one write-buffer high water mark
 * ({@link #WRITE_BUFFER_HIGH_BYTES}) plus one read per direction. One event loop thread (NIO: SO_LINGER 0 gives a
 * real RST) owns every connection's state; the fault methods hop onto it.
 *
 * <p>It reads the DERP frames it forwards ({@link FrameCounter}) to cut a reset through the middle of a frame, and to
 * count the packet frames a fault lost inside it: {@link #packetFramesLostInside()}.
 */
public final class FaultProxy implements AutoCloseable {
    /**
     * A bound on sockets and memory: with {@link #WRITE_BUFFER_HIGH_BYTES} per direction the proxy holds at most
     * 256 × 2 × 256 KiB = 128 MiB. A soak opens two per pair, plus the frozen ones a half-open fault holds.
     */
    public static final int MAX_CONNECTIONS = 256;
    /** Frozen (half-open) connections are reset after this: cleanup once the client has long given up. */
    public static final long HALF_OPEN_HOLD_NS = TimeUnit.SECONDS.toNanos(10);
    /** A reset waits this long for a frame to cut through; an idle connection is then reset at a frame boundary. */
    public static final long RESET_CUT_WAIT_NS = TimeUnit.MILLISECONDS.toNanos(250);
    /** While throttled, reads are this small, so the pause after each stays short and the rate smooth. */
    public static final int SLOW_READ_CHUNK_BYTES = 1024;
    /**
     * A direction stops reading above the high mark and resumes below the low one. Netty's 64 KiB default moved
     * only about 0.5 MB/s on a loaded two-core machine (one high mark per event loop wake-up); 256 KiB keeps the
     * proxy from being the bottleneck while memory stays bounded ({@link #MAX_CONNECTIONS}).
     */
    public static final int WRITE_BUFFER_LOW_BYTES = 128 * 1024;
    public static final int WRITE_BUFFER_HIGH_BYTES = 256 * 1024;

    private static final RecvByteBufAllocator NORMAL_READS = new AdaptiveRecvByteBufAllocator();
    private static final RecvByteBufAllocator SLOW_READS = new FixedRecvByteBufAllocator(SLOW_READ_CHUNK_BYTES);

    private final EventLoopGroup group;
    private final EventLoop loop;
    private final Channel server;
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private volatile InetSocketAddress target;
    /** Relay-to-client bytes per second while throttled; 0 = full speed. */
    private volatile long slowReaderBytesPerSecond;

    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong refusedOverCap = new AtomicLong();
    private final AtomicLong targetUnreachable = new AtomicLong();
    private final AtomicLong resetsMidFrame = new AtomicLong();
    private final AtomicLong resetsAtBoundary = new AtomicLong();
    private final AtomicLong halfOpened = new AtomicLong();
    private final AtomicLong halfOpenExpired = new AtomicLong();
    private final AtomicLong packetFramesLostInside = new AtomicLong();
    private final AtomicLong throttlePauses = new AtomicLong();

    private final int maxConnections;
    private final long halfOpenHoldNs;

    private FaultProxy(final InetSocketAddress target, final int maxConnections, final long halfOpenHoldNs)
        throws InterruptedException {
        this.target = target;
        this.maxConnections = maxConnections;
        this.halfOpenHoldNs = halfOpenHoldNs;
        this.group = EventLoops.create(Transport.NIO, 1, "derpring-fault-proxy", false);
        this.loop = group.next();
        final ChannelFuture bound = new ServerBootstrap().group(group).channel(Transport.NIO.serverSocketChannel())
            .childOption(ChannelOption.AUTO_READ, false)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
                new WriteBufferWaterMark(WRITE_BUFFER_LOW_BYTES, WRITE_BUFFER_HIGH_BYTES))
            .childHandler(new ChannelInitializer<>() {
                @Override
                protected void initChannel(final Channel ch) {
                    accept(ch);
                }
            })
            .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync();
        this.server = bound.channel();
    }

    /** Binds 127.0.0.1 on an ephemeral port and forwards to {@code target}. */
    public static FaultProxy start(final InetSocketAddress target) throws InterruptedException {
        return new FaultProxy(target, MAX_CONNECTIONS, HALF_OPEN_HOLD_NS);
    }

    /** Tests: a smaller connection cap and a shorter half-open hold. */
    static FaultProxy start(final InetSocketAddress target, final int maxConnections, final long halfOpenHoldNs)
        throws InterruptedException {
        return new FaultProxy(target, maxConnections, halfOpenHoldNs);
    }

    /** Where clients connect; the same for the proxy's whole life. */
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) server.localAddress();
    }

    /** New connections go to {@code newTarget}; open ones keep theirs. */
    public void retarget(final InetSocketAddress newTarget) {
        this.target = newTarget;
    }

    /**
     * Cuts every open connection mid-frame and resets it (RST both ways): the next bytes read on it are passed on up
     * to the middle of a frame, then both sockets close with SO_LINGER 0. A connection that carries nothing within
     * {@link #RESET_CUT_WAIT_NS} is reset where it stands. Returns how many were marked, once all are.
     */
    public int reset() throws InterruptedException {
        final List<Link> now = List.copyOf(links);
        loop.submit(() -> now.forEach(Link::resetSoon)).sync();
        return now.size();
    }

    /** Freezes every open connection: no byte moves either way, sockets stay open. Returns how many. */
    public int halfOpen() throws InterruptedException {
        final List<Link> now = List.copyOf(links);
        loop.submit(() -> now.forEach(Link::freeze)).sync();
        return now.size();
    }

    /** Throttles relay-to-client bytes of every connection to {@code bytesPerSecond}; 0 = back to full speed. */
    public void slowReader(final long bytesPerSecond) {
        if (bytesPerSecond < 0) {
            throw new IllegalArgumentException("bytes per second = " + bytesPerSecond);
        }
        slowReaderBytesPerSecond = bytesPerSecond;
        loop.execute(() -> links.forEach(Link::applyReadRate));
    }

    /** One line per open connection: both channels' state, the fault flags, packet frames each way (diagnostics). */
    public String describeConnections() throws InterruptedException {
        final StringBuilder b = new StringBuilder();
        loop.submit(() -> links.forEach(l -> b.append(l.describe()).append('\n'))).sync();
        return b.toString();
    }

    public int openConnections() {
        return links.size();
    }

    public long accepted() {
        return accepted.get();
    }

    public long refusedOverCap() {
        return refusedOverCap.get();
    }

    /** Connections closed at once because the target refused them (the relay was down). */
    public long targetUnreachable() {
        return targetUnreachable.get();
    }

    public long resetsMidFrame() {
        return resetsMidFrame.get();
    }

    /** Resets of connections that carried nothing to cut within {@link #RESET_CUT_WAIT_NS}. */
    public long resetsAtBoundary() {
        return resetsAtBoundary.get();
    }

    public long halfOpened() {
        return halfOpened.get();
    }

    /**
     * Frozen connections the proxy itself reset after {@link #HALF_OPEN_HOLD_NS}. A frozen connection is not read, so
     * the proxy cannot see its client close it; every frozen connection ends this way.
     */
    public long halfOpenExpired() {
        return halfOpenExpired.get();
    }

    /**
     * Packet frames (SendPacket towards the relay, RecvPacket towards the client) lost inside the proxy when a
     * connection ended: read in full but not written in full, plus a frame the proxy had begun to read and whose rest
     * never came. Counted when both sides of a connection have closed. Every one of them is a packet its sender wrote
     * to a connection and its receiver never read, so this is a part of what the load generator measures as lost in
     * transit; the rest of that was in the sockets' and the endpoints' buffers.
     */
    public long packetFramesLostInside() {
        return packetFramesLostInside.get();
    }

    /** Times a throttled direction paused reading to hold its rate (a slow reader at work). */
    public long throttlePauses() {
        return throttlePauses.get();
    }

    @Override
    public void close() {
        server.close().awaitUninterruptibly();
        loop.submit(() -> List.copyOf(links).forEach(Link::resetNow)).awaitUninterruptibly(2, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    private void accept(final Channel client) {
        accepted.incrementAndGet();
        if (links.size() >= maxConnections) {
            refusedOverCap.incrementAndGet();
            client.close();
            return;
        }
        final Link link = new Link(client);
        links.add(link);
        link.open();
    }

    /** One proxied connection: the client's channel, the relay's, and a direction each way. */
    private final class Link {
        private final Channel client;
        private Channel relay;
        private Direction toRelay;
        private Direction toClient;
        private boolean frozen;
        private boolean resetPending;
        /** Cut: nothing more is passed on either way; the reset follows. */
        private boolean cut;
        private boolean done;

        Link(final Channel client) {
            this.client = client;
        }

        String describe() {
            return "client " + client.remoteAddress() + " open=" + client.isOpen() + " active=" + client.isActive()
                + " autoRead=" + client.config().isAutoRead() + " writable=" + client.isWritable() + " | relay open="
                + relay.isOpen() + " active=" + relay.isActive() + " autoRead=" + relay.config().isAutoRead()
                + " writable=" + relay.isWritable() + " frozen=" + frozen + " cut=" + cut + " resetPending="
                + resetPending + " | packet frames read/written to relay " + toRelay.framesRead + "/"
                + toRelay.framesWritten + ", to client " + toClient.framesRead + "/" + toClient.framesWritten
                + (toClient.pausedForRate ? ", throttled" : "");
        }

        void open() {
            final ChannelFuture connecting = new Bootstrap().group(loop).channel(Transport.NIO.socketChannel())
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK,
                    new WriteBufferWaterMark(WRITE_BUFFER_LOW_BYTES, WRITE_BUFFER_HIGH_BYTES))
                .handler(new ChannelInboundHandlerAdapter())
                .connect(target);
            relay = connecting.channel();
            toRelay = new Direction(this, client, relay, new FrameCounter(FrameType.SEND_PACKET), false);
            toClient = new Direction(this, relay, client, new FrameCounter(FrameType.RECV_PACKET), true);
            client.pipeline().addLast(toRelay);
            relay.pipeline().addLast(toClient);
            client.closeFuture().addListener(f -> ended());
            relay.closeFuture().addListener(f -> ended());
            connecting.addListener(f -> {
                if (!f.isSuccess()) {
                    targetUnreachable.incrementAndGet();
                    client.close();
                    return;
                }
                applyReadRate();
                client.config().setAutoRead(true);
                relay.config().setAutoRead(true);
            });
        }

        void applyReadRate() {
            if (relay != null) {
                relay.config().setRecvByteBufAllocator(slowReaderBytesPerSecond > 0 ? SLOW_READS : NORMAL_READS);
                if (slowReaderBytesPerSecond == 0) {
                    toClient.rateWindowOver(); // a pause still running was set for the old rate: end it now
                }
            }
        }

        void freeze() {
            if (done || silent()) {
                return;
            }
            frozen = true;
            halfOpened.incrementAndGet();
            client.config().setAutoRead(false);
            relay.config().setAutoRead(false);
            loop.schedule(() -> {
                if (!done) {
                    halfOpenExpired.incrementAndGet();
                    resetNow();
                }
            }, halfOpenHoldNs, TimeUnit.NANOSECONDS);
        }

        /** No byte may be passed on: frozen, or cut for a reset. */
        boolean silent() {
            return frozen || cut;
        }

        void resetSoon() {
            if (done || silent() || resetPending) {
                return;
            }
            resetPending = true;
            loop.schedule(() -> {
                if (resetPending && !done) {
                    resetsAtBoundary.incrementAndGet();
                    resetNow();
                }
            }, RESET_CUT_WAIT_NS, TimeUnit.NANOSECONDS);
        }

        /** On a read while a reset is pending: true when this chunk was used for the cut (and the reset is under way). */
        boolean cutHere(final Direction d, final ByteBuf chunk) {
            if (!resetPending) {
                return false;
            }
            final int at = d.counter.midFrameCut(chunk);
            if (at < 0) {
                return false;
            }
            resetPending = false;
            this.cut = true;
            resetsMidFrame.incrementAndGet();
            final ByteBuf prefix = chunk.retainedSlice(chunk.readerIndex(), at);
            d.account(chunk, false);
            d.to.writeAndFlush(prefix).addListener(f -> resetNow());
            // A far side that reads nothing would hold the prefix, and the reset, forever.
            loop.schedule(this::resetNow, RESET_CUT_WAIT_NS, TimeUnit.NANOSECONDS);
            return true;
        }

        void resetNow() {
            resetPending = false;
            rst(client);
            if (relay != null) {
                rst(relay);
            }
        }

        private void rst(final Channel ch) {
            if (ch.isOpen()) {
                ch.config().setOption(ChannelOption.SO_LINGER, 0);
                ch.close();
            }
        }

        /** One side closed: pass on what is already written, then close the other (unless frozen: silence). */
        void sideClosed(final Channel closed) {
            if (silent()) {
                return;
            }
            final Channel other = closed == client ? relay : client;
            if (other != null && other.isActive()) {
                other.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> other.close());
            }
        }

        private void ended() {
            if (done || client.isOpen() || relay.isOpen()) {
                return;
            }
            done = true;
            links.remove(this);
            // After this task, every write promise of both channels has completed (closing failed the pending ones).
            loop.execute(() -> packetFramesLostInside.addAndGet(toRelay.lost() + toClient.lost()));
        }
    }

    /** Bytes one way: read from {@code from}, written to {@code to}, counted by a {@link FrameCounter}. */
    private final class Direction extends ChannelInboundHandlerAdapter {
        private final Link link;
        private final Channel from;
        private final Channel to;
        private final FrameCounter counter;
        private final boolean throttled;
        private long framesRead;
        private long framesWritten;
        private boolean pausedForRate;

        Direction(final Link link, final Channel from, final Channel to, final FrameCounter counter,
                  final boolean throttled) {
            this.link = link;
            this.from = from;
            this.to = to;
            this.counter = counter;
            this.throttled = throttled;
        }

        @Override
        public void channelRead(final ChannelHandlerContext ctx, final Object msg) {
            final ByteBuf chunk = (ByteBuf) msg;
            try {
                if (link.silent() || !to.isActive()) {
                    account(chunk, false); // read, and never to be written: lost here
                    return;
                }
                if (link.cutHere(this, chunk)) {
                    return;
                }
                final int frames = account(chunk, true);
                final int bytes = chunk.readableBytes();
                to.writeAndFlush(chunk.retain()).addListener(f -> {
                    if (f.isSuccess()) {
                        framesWritten += frames;
                    }
                });
                if (!to.isWritable()) {
                    from.config().setAutoRead(false);
                }
                final long rate = slowReaderBytesPerSecond;
                if (throttled && rate > 0) {
                    pausedForRate = true;
                    throttlePauses.incrementAndGet();
                    from.config().setAutoRead(false);
                    loop.schedule(this::rateWindowOver, TimeUnit.SECONDS.toNanos(bytes) / rate,
                        TimeUnit.NANOSECONDS);
                }
            } finally {
                ReferenceCountUtil.release(chunk);
            }
        }

        /** Counts the packet frames completed in {@code chunk}; returns them for the write's listener. */
        int account(final ByteBuf chunk, final boolean forwarded) {
            final int frames = counter.feed(chunk);
            framesRead += frames;
            return forwarded ? frames : 0;
        }

        void rateWindowOver() {
            pausedForRate = false;
            resumeIfAllowed();
        }

        void resumeIfAllowed() {
            if (!link.silent() && !pausedForRate && to.isWritable() && from.isActive()) {
                from.config().setAutoRead(true);
            }
        }

        long lost() {
            return framesRead - framesWritten + (counter.insidePacketFrame() ? 1 : 0);
        }

        @Override
        public void channelWritabilityChanged(final ChannelHandlerContext ctx) {
            // This channel is the far side of the other direction: its writability gates that direction's reads.
            final Direction other = this == link.toRelay ? link.toClient : link.toRelay;
            if (ctx.channel().isWritable()) {
                other.resumeIfAllowed();
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void channelInactive(final ChannelHandlerContext ctx) {
            link.sideClosed(from);
        }

        @Override
        public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause) {
            ctx.close(); // a reset from either end: close like an end of stream
        }
    }
}
