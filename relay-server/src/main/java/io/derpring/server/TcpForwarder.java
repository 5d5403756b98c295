package io.derpring.server;

import static io.derpring.metrics.MetricType.COUNTER;
import static io.derpring.metrics.MetricType.GAUGE;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.derpring.internal.metrics.Counters;
import io.derpring.internal.metrics.ProcessMetrics;
import io.derpring.internal.metrics.PrometheusText;
import io.derpring.runtime.InvalidConfigException;
import io.derpring.transport.Transport;
import io.derpring.transport.internal.EventLoops;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;

/**
 * The dumb TCP forwarder, the baseline a relay is measured against ({@code derpring forwarder}, {@code loadgen
 * --baseline tcp}): Netty on the relay's transport, its event loops, allocator and write-buffer water marks, and
 * nothing of DERP. Each client sends a hello naming itself and its peer, then length-prefixed packets
 * ({@link ForwarderProtocol}) that go unchanged to the peer. What a relay does on top of this (framing, keys, queues,
 * counters) is what the comparison measures.
 *
 * <p>Bounded: at most {@code maxConnections} open, {@link ForwarderProtocol#MAX_PACKET_LENGTH} per packet,
 * a hello within {@code helloTimeoutNs}; a client sending before its peer's hello is not read until then. Its metrics
 * port serves its counters and the process families ({@code process_cpu_seconds_total}) through the relay's bounded
 * HTTP handler.
 */
public final class TcpForwarder implements AutoCloseable {
    public static final int DEFAULT_MAX_CONNECTIONS = 10_000;
    public static final int MAX_MAX_CONNECTIONS = 1_000_000;
    public static final long DEFAULT_HELLO_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(5);
    private static final int METRICS_THREADS = 1;
    private static final int INITIAL_PAGE_CHARS = 4096;

    private final Counters<ForwarderCounter> counters = new Counters<>(ForwarderCounter.class);
    private final Counters<ServerCounter> metricsCounters = new Counters<>(ServerCounter.class);
    private final AtomicInteger open = new AtomicInteger();
    /** Id to connection; guarded by itself (hellos only: the packet path never touches it). */
    private final Map<Integer, ForwarderConnection> byId = new HashMap<>();
    private final int maxConnections;
    private final long helloTimeoutNs;
    private final ProcessMetrics process = ProcessMetrics.system();
    private EventLoopGroup group;
    private EventLoopGroup metricsGroup;
    private Channel server;
    private Channel metrics;

    private TcpForwarder(final int maxConnections, final long helloTimeoutNs) {
        this.maxConnections = InvalidConfigException.requireInRange("max connections", maxConnections, 1,
            MAX_MAX_CONNECTIONS);
        if (helloTimeoutNs <= 0) {
            throw new InvalidConfigException("hello timeout must be positive");
        }
        this.helloTimeoutNs = helloTimeoutNs;
    }

    /**
     * Starts listening on {@code listen} (packets) and {@code metricsAddress} (Prometheus text; null = none).
     *
     * @param threads event loop threads for the client connections
     */
    public static TcpForwarder start(final InetSocketAddress listen, final InetSocketAddress metricsAddress,
                                     final Transport transport, final int threads, final int maxConnections,
                                     final long helloTimeoutNs) throws InterruptedException {
        final TcpForwarder f = new TcpForwarder(maxConnections, helloTimeoutNs);
        try {
            f.bind(listen, metricsAddress, transport, threads);
        } catch (final RuntimeException | InterruptedException e) {
            f.close();
            throw e;
        }
        return f;
    }

    private void bind(final InetSocketAddress listen, final InetSocketAddress metricsAddress, final Transport transport,
                      final int threads) throws InterruptedException {
        final PooledByteBufAllocator allocator = PooledByteBufAllocator.DEFAULT;
        final WriteBufferWaterMark marks = new WriteBufferWaterMark(
            DerpRelayServer.Settings.DEFAULT_WRITE_BUFFER_LOW_BYTES, DerpRelayServer.Settings.DEFAULT_WRITE_BUFFER_HIGH_BYTES);
        group = EventLoops.create(transport, threads, "derpring-forwarder", false);
        server = new ServerBootstrap().group(group).channel(transport.serverSocketChannel())
            .childOption(ChannelOption.ALLOCATOR, allocator).childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, marks)
            .childHandler(new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(final Channel ch) {
                    ch.pipeline().addLast(new ForwarderConnection(TcpForwarder.this));
                }
            }).bind(listen).sync().channel();
        if (metricsAddress != null) {
            metricsGroup = EventLoops.create(transport, METRICS_THREADS, "derpring-forwarder-metrics", false);
            metrics = new ServerBootstrap().group(metricsGroup).channel(transport.serverSocketChannel())
                .childOption(ChannelOption.ALLOCATOR, allocator)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, marks)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(final Channel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(),
                            new HttpObjectAggregator(DerpRelayServer.METRICS_MAX_REQUEST_BYTES),
                            new BoundedHttpHandler(BoundedHttpHandler.metrics(TcpForwarder.this::metricsPage),
                                metricsCounters, ServerCounter.METRICS_TIMEOUTS,
                                DerpRelayServer.Settings.DEFAULT_MAX_HTTP_REQUESTS_PER_CONNECTION,
                                DerpRelayServer.Settings.DEFAULT_METRICS_TIMEOUT_NS));
                    }
                }).bind(metricsAddress).sync().channel();
        }
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) server.localAddress();
    }

    /** Null when started without a metrics address. */
    public InetSocketAddress metricsAddress() {
        return metrics == null ? null : (InetSocketAddress) metrics.localAddress();
    }

    public long counter(final ForwarderCounter c) {
        return counters.get(c);
    }

    /** Connections open now (admitted: not those closed at accept). */
    public int openConnections() {
        return open.get();
    }

    Counters<ForwarderCounter> counters() {
        return counters;
    }

    long helloTimeoutNs() {
        return helloTimeoutNs;
    }

    /** One more connection, unless the cap is reached. */
    boolean admit() {
        if (open.incrementAndGet() > maxConnections) {
            open.decrementAndGet();
            return false;
        }
        return true;
    }

    /**
     * Records the hello's ids and links the connection with its peer if the peer is here already (else the peer's
     * hello links them). False when the id is taken.
     */
    boolean register(final ForwarderConnection c, final int ownId, final int peerId) {
        final ForwarderConnection peer;
        final ForwarderConnection waiting;
        synchronized (byId) {
            if (byId.putIfAbsent(ownId, c) != null) {
                return false;
            }
            c.ownId = ownId;
            c.peerId = peerId;
            peer = byId.get(peerId);
            // Whoever named this id as its peer before this hello waits for it: at most one per id here, as a
            // pair is two connections naming each other; a connection id named by several is served to the first.
            waiting = findWaiting(ownId);
        }
        if (peer != null) {
            c.linked(peer);
        }
        if (waiting != null) {
            waiting.linked(c);
        }
        return true;
    }

    private ForwarderConnection findWaiting(final int id) {
        for (final ForwarderConnection other : byId.values()) {
            if (other.peerId == id && other.peer == null) {
                return other;
            }
        }
        return null;
    }

    /** A connection closed: forget its id, and close the connections that were sending to it. */
    void closed(final ForwarderConnection c) {
        open.decrementAndGet();
        synchronized (byId) {
            if (c.ownId >= 0) {
                byId.remove(c.ownId, c);
            }
        }
        final ForwarderConnection to = c.peer;
        if (to != null) {
            to.sources.remove(c);
        }
        for (final ForwarderConnection source : c.sources) {
            source.close(ForwarderCounter.CLOSED_PEER_GONE);
        }
    }

    /** The metrics page: the forwarder's counters, then the process families. */
    String metricsPage() {
        final StringBuilder out = new StringBuilder(INITIAL_PAGE_CHARS);
        PrometheusText.single(out, "forwarder_connections", "Open client connections.", GAUGE, open.get());
        PrometheusText.header(out, "forwarder_connections_closed_total", "Connections the forwarder closed, by reason.",
            COUNTER);
        for (final ForwarderCounter c : ForwarderCounter.values()) {
            if (c.closeReason() != null) {
                PrometheusText.sample(out, "forwarder_connections_closed_total", "reason", c.closeReason(),
                    counters.get(c));
            }
        }
        for (final ForwarderCounter c : ForwarderCounter.values()) {
            if (c.closeReason() == null) {
                PrometheusText.single(out, "forwarder_" + c.name().toLowerCase(Locale.ROOT)
                    + PrometheusText.COUNTER_SUFFIX, c.label(), COUNTER, counters.get(c));
            }
        }
        PrometheusText.single(out, "forwarder_metrics_timeouts_total", ServerCounter.METRICS_TIMEOUTS.label(), COUNTER,
            metricsCounters.get(ServerCounter.METRICS_TIMEOUTS));
        process.write(out);
        return out.toString();
    }

    @Override
    public void close() {
        if (server != null) {
            server.close().awaitUninterruptibly();
        }
        if (metrics != null) {
            metrics.close().awaitUninterruptibly();
        }
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        if (metricsGroup != null) {
            metricsGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }
}
