package io.derpring.server;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.derpring.internal.frame.DerpProtocol;
import io.derpring.internal.frame.FrameError;
import io.derpring.keys.MeshKey;
import io.derpring.keys.NodeKey;
import io.derpring.keys.NodePrivateKey;
import io.derpring.internal.metrics.Counters;
import io.derpring.internal.metrics.DistinctErrorLog;
import io.derpring.internal.metrics.ProcessMetrics;
import io.derpring.internal.relay.AdmissionChain;
import io.derpring.relay.AdmissionDecision;
import io.derpring.relay.ClientAdmission;
import io.derpring.relay.DuplicatePolicy;
import io.derpring.internal.relay.Relay;
import io.derpring.internal.relay.RelayConfig;
import io.derpring.internal.relay.RelayShard;
import io.derpring.internal.stun.SourceRateLimiter;
import io.derpring.internal.stun.StunCounter;
import io.derpring.runtime.InvalidConfigException;
import io.derpring.runtime.JvmRequirements;
import io.derpring.transport.internal.EventLoops;
import io.derpring.transport.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SingleThreadEventLoop;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A DERP relay server (SPEC §2.6, §3): HTTP/1.1 with the {@code /derp} upgrade on one port (or raw DERP), optional
 * TLS, Prometheus metrics on a separate port, on io_uring, epoll or NIO. Each event loop is one relay shard.
 *
 * <pre>{@code
 * try (DerpRelayServer server = DerpRelayServer.builder().listen(new InetSocketAddress("127.0.0.1", 0)).build().start()) {
 *     InetSocketAddress where = server.localAddress();
 * }
 * }</pre>
 * {@link #close()} stops accepting, closes every client (queued packets count as {@code shutdown} drops) and stops
 * the loops within {@link Settings#shutdownTimeoutNs()}; it is idempotent.
 */
public final class DerpRelayServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DerpRelayServer.class);

    private final Settings settings;
    private final NodePrivateKey serverPrivate;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    /** The metrics port needs little: one loop of its own. */
    static final int METRICS_THREADS = 1;
    /** A metrics request is a GET; anything longer than this is refused by the aggregator. */
    static final int METRICS_MAX_REQUEST_BYTES = 4096;

    private EventLoopGroup group;
    private EventLoopGroup metricsGroup;
    private ChannelGroup metricsChannels;
    private Relay<ByteBuf> relay;
    private ConnectionTracker tracker;
    private ChannelGroup channels;
    private Channel serverChannel;
    private Channel metricsChannel;
    private final IdentityHashMap<EventLoop, RelayShard<ByteBuf>> shardsByLoop = new IdentityHashMap<>();
    private final AllowListFile allowList;
    private ConnectionCaps caps;
    /** The plain-HTTP port needs as little as the metrics port: one loop. */
    static final int HTTP_PORT_THREADS = 1;
    /** Its requests are GETs for a redirect; a bigger one is refused by the aggregator (413). */
    static final int HTTP_PORT_MAX_REQUEST_BYTES = 4096;
    private EventLoopGroup httpPortGroup;
    private ChannelGroup httpPortChannels;
    private Channel httpPortChannel;
    private VerifyClientUrl verifyClient;
    private StunServer stun;
    private MeshClients mesh;

    private DerpRelayServer(final Settings settings) {
        this.settings = settings;
        this.serverPrivate = settings.serverPrivateKey != null ? settings.serverPrivateKey
            : settings.keyFile != null ? ServerKeyFile.loadOrCreate(settings.keyFile) : NodePrivateKey.generate();
        this.allowList = settings.allowListFile == null ? null
            : AllowListFile.load(settings.allowListFile, settings.allowListPollIntervalNs);
    }

    /**
     * SPEC §3.8: allow-list AND each callback AND the webhook, or null when none is configured (every client
     * admitted). The webhook is asked last, so the cheaper local checks spare the controller.
     */
    private AdmissionChain admissionChain() {
        final List<ClientAdmission> checks = new ArrayList<>(settings.clientAdmissions);
        if (verifyClient != null) {
            checks.add(verifyClient);
        }
        if (allowList == null && checks.isEmpty()) {
            return null;
        }
        return new AdmissionChain(allowList, checks);
    }

    /** The accept-time checks on the listening channel, or null when no accept limit or cap is set. */
    private AcceptGuard acceptGuard() {
        caps = new ConnectionCaps(settings.maxConnections, settings.maxConnectionsPerIp, tracker.counters);
        if (settings.acceptConnectionLimit == AcceptRateLimiter.UNLIMITED && caps.isUnlimited()) {
            return null;
        }
        return new AcceptGuard(new AcceptRateLimiter(settings.acceptConnectionLimit, settings.acceptConnectionBurst,
            settings.clock), caps, tracker.counters);
    }

    /**
     * A builder with every default.
     *
     * @throws JvmRequirements.MissingJvmFlagException naming {@link JvmRequirements#AGRONA_FLAG} when the JVM was
     *         started without it: checked here, before any default touches Agrona
     */
    public static Builder builder() {
        JvmRequirements.requireAgronaAccess();
        return new Builder();
    }

    /**
     * Binds and starts serving; returns this. All or nothing: if any part fails (a port is taken, TLS files are bad),
     * whatever was bound is closed and every event loop stopped before the failure is thrown; a failed bind is an
     * {@link IllegalStateException} naming the address.
     */
    public DerpRelayServer start() throws InterruptedException {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("already started");
        }
        JvmRequirements.requireAgronaAccess();
        try {
            startAll();
        } catch (final Throwable t) {
            stopAfterFailedStart();
            throw t;
        }
        LOG.info("DERP relay listening on {} ({}{}{}), server key {}, metrics {}", localAddress(),
            settings.transport.cliName(), settings.tlsCertificate != null ? ", TLS" : "",
            settings.rawDerp ? ", raw DERP" : "", serverPrivate.publicKey(), metricsAddress());
        return this;
    }

    private void startAll() throws InterruptedException {
        final SslContext ssl = settings.tlsCertificate == null ? null : TlsFiles.serverContext(settings.tlsCertificate, settings.tlsKey);
        group = EventLoops.create(settings.transport, settings.threads, "derp-relay", settings.pinThreads);
        final PooledByteBufAllocator allocator = PooledByteBufAllocator.DEFAULT;
        if (settings.verifyClientUrl != null) {
            verifyClient = new VerifyClientUrl(settings.verifyClientUrl, settings.verifyClientUrlFailOpen,
                settings.verifyClientUrlTimeoutNs, settings.verifyClientUrlMaxInFlight,
                new AdmissionAnswerCache(AdmissionAnswerCache.DEFAULT_TTL_NS, AdmissionAnswerCache.DEFAULT_MAX_ENTRIES),
                settings.clock);
            // Scheme and host only: the URL's path or query may carry a token.
            LOG.info("admission webhook: POST {}://{}, fail-open {}, timeout {} ms", settings.verifyClientUrl.getScheme(),
                settings.verifyClientUrl.getHost(), settings.verifyClientUrlFailOpen,
                TimeUnit.NANOSECONDS.toMillis(settings.verifyClientUrlTimeoutNs));
        }
        relay = new Relay<>(settings.relayConfig().toBuilder().admission(admissionChain()).build(),
            new PooledFrameMemory(allocator), serverPrivate.publicKey());
        for (final EventExecutor executor : group) {
            final LoopScheduler scheduler = new LoopScheduler((SingleThreadEventLoop) executor);
            final RelayShard<ByteBuf> shard = relay.addShard(scheduler);
            scheduler.attach(shard);
            shardsByLoop.put((EventLoop) executor, shard);
            executor.scheduleAtFixedRate(shard::onTimer, settings.timerTickNs, settings.timerTickNs, TimeUnit.NANOSECONDS);
        }
        channels = new DefaultChannelGroup("derp-clients", GlobalEventExecutor.INSTANCE);
        metricsChannels = new DefaultChannelGroup("derp-metrics-clients", GlobalEventExecutor.INSTANCE);
        final Counters<ServerCounter> serverCounters = new Counters<>(ServerCounter.class);
        final DirectMemoryBudget budget = new DirectMemoryBudget(settings.directMemoryBudgetBytes, allocator,
            serverCounters, channels, metricsChannels);
        group.next().scheduleAtFixedRate(budget, DirectMemoryBudget.CHECK_INTERVAL_NS,
            DirectMemoryBudget.CHECK_INTERVAL_NS, TimeUnit.NANOSECONDS);
        tracker = new ConnectionTracker(channels, serverCounters, budget);
        final ServerContext context = new ServerContext(serverPrivate, settings, relay, shardsByLoop, tracker,
            new DistinctErrorLog(LOG));
        final ServerBootstrap bootstrap = new ServerBootstrap().group(group).channel(settings.transport.serverSocketChannel())
            .option(ChannelOption.SO_BACKLOG, settings.backlog)
            .option(ChannelOption.SO_REUSEADDR, true) // as Go's net.Listen: a restart rebinds despite TIME_WAIT
            .childOption(ChannelOption.ALLOCATOR, allocator)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
                new WriteBufferWaterMark(settings.writeBufferLowBytes, settings.writeBufferHighBytes))
            .childHandler(new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(final Channel ch) {
                    if (settings.socketSendBufferBytes > 0) {
                        ch.config().setOption(ChannelOption.SO_SNDBUF, settings.socketSendBufferBytes);
                    }
                    ch.pipeline().addLast("tracker", tracker);
                    if (ssl != null) {
                        ch.pipeline().addLast("tls", ssl.newHandler(ch.alloc()));
                    }
                    final HandshakeDeadline deadline = new HandshakeDeadline(ch, tracker, settings.handshakeTimeoutNs);
                    if (settings.rawDerp) {
                        ch.pipeline().addLast("derp", new DerpConnectionHandler(context,
                            context.shardFor(ch.eventLoop()), deadline, true));
                    } else {
                        ch.pipeline().addLast("http", new HttpServerCodec(settings.maxHttpInitialLineBytes,
                            settings.maxHttpHeaderBytes, 8192));
                        ch.pipeline().addLast("router", new HttpRouter(context, deadline));
                    }
                }
            });
        final AcceptGuard guard = acceptGuard();
        if (guard != null) {
            bootstrap.handler(guard);
        }
        serverChannel = bind(bootstrap, settings.listen, "DERP");
        if (!settings.meshWith.isEmpty()) {
            try {
                mesh = MeshClients.start(settings, relay, serverPrivate, group, context::shardFor);
            } catch (final javax.net.ssl.SSLException e) {
                throw new IllegalStateException("cannot set up TLS for mesh peers: " + e.getMessage(), e);
            }
        }
        if (settings.metricsAddress != null) {
            // Its own loop: nothing the metrics port does (rendering, a flood of requests) can starve DERP traffic.
            metricsGroup = EventLoops.create(settings.transport, METRICS_THREADS, "derp-relay-metrics", false);
            metricsChannel = bind(new ServerBootstrap().group(metricsGroup).channel(settings.transport.serverSocketChannel())
                .childOption(ChannelOption.ALLOCATOR, allocator)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
                    new WriteBufferWaterMark(settings.writeBufferLowBytes, settings.writeBufferHighBytes))
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(final Channel ch) {
                        metricsChannels.add(ch);
                        budget.onAccepted(ch);
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(METRICS_MAX_REQUEST_BYTES),
                            new BoundedHttpHandler(BoundedHttpHandler.metrics(() -> RelayMetricsText.renderWithProcess(
                                stats(), relay.meshPeers(), ProcessMetrics.system())),
                                serverCounters, ServerCounter.METRICS_TIMEOUTS, settings.maxHttpRequestsPerConnection,
                                settings.metricsTimeoutNs));
                    }
                }), settings.metricsAddress, "metrics");
        }
        if (settings.httpListen != null) {
            startHttpPort(allocator, budget, serverCounters);
        }
        if (settings.stunAddress != null) {
            stun = StunServer.start(settings.transport, settings.stunAddress, settings.clock, allocator,
                new SourceRateLimiter(SourceRateLimiter.DEFAULT_BUCKETS, settings.stunPacketsPerSecond,
                    settings.stunBurst), settings.shutdownTimeoutNs);
        }
        if (allowList != null) {
            allowList.startWatching(tracker.counters); // last: a failed start leaves no watcher thread
        }
    }

    /**
     * derper's {@code -http-port}: {@code /generate_204} and redirects to HTTPS ({@link HttpsRedirect}), on a loop of
     * its own as the metrics port, so a flood of plain-HTTP requests cannot take time from DERP traffic.
     */
    private void startHttpPort(final PooledByteBufAllocator allocator, final DirectMemoryBudget budget,
                               final Counters<ServerCounter> serverCounters) throws InterruptedException {
        httpPortGroup = EventLoops.create(settings.transport, HTTP_PORT_THREADS, "derp-relay-http", false);
        httpPortChannels = new DefaultChannelGroup("derp-http-port-clients", GlobalEventExecutor.INSTANCE);
        final HttpsRedirect redirect = new HttpsRedirect(serverCounters);
        httpPortChannel = bind(new ServerBootstrap().group(httpPortGroup).channel(settings.transport.serverSocketChannel())
            .childOption(ChannelOption.ALLOCATOR, allocator)
            .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
                new WriteBufferWaterMark(settings.writeBufferLowBytes, settings.writeBufferHighBytes))
            .childHandler(new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(final Channel ch) {
                    httpPortChannels.add(ch);
                    budget.onAccepted(ch);
                    ch.pipeline().addLast(new HttpServerCodec(settings.maxHttpInitialLineBytes, settings.maxHttpHeaderBytes,
                            8192),
                        new HttpObjectAggregator(HTTP_PORT_MAX_REQUEST_BYTES),
                        new BoundedHttpHandler(redirect, serverCounters, ServerCounter.HTTP_PORT_TIMEOUTS,
                            settings.maxHttpRequestsPerConnection, settings.httpPortTimeoutNs));
                }
            }), settings.httpListen, "plain HTTP");
    }

    private static Channel bind(final ServerBootstrap bootstrap, final InetSocketAddress where, final String what)
        throws InterruptedException {
        final ChannelFuture bound = bootstrap.bind(where).await();
        if (!bound.isSuccess()) {
            final Throwable cause = bound.cause();
            throw new IllegalStateException("cannot listen for " + what + " on " + where + ": " + cause.getMessage(), cause);
        }
        return bound.channel();
    }

    /** Undoes a partial start: closes what was bound and stops every loop, waiting until their threads ended. */
    private void stopAfterFailedStart() {
        closed.set(true);
        if (mesh != null) {
            mesh.stop();
        }
        if (allowList != null) {
            allowList.close();
        }
        if (verifyClient != null) {
            verifyClient.close();
        }
        for (final Channel c : new Channel[] {serverChannel, metricsChannel, httpPortChannel}) {
            if (c != null) {
                c.close().awaitUninterruptibly(settings.shutdownTimeoutNs, TimeUnit.NANOSECONDS);
            }
        }
        if (stun != null) {
            stun.close(settings.shutdownTimeoutNs);
        }
        for (final EventLoopGroup g : new EventLoopGroup[] {group, metricsGroup, httpPortGroup}) {
            if (g != null) {
                g.shutdownGracefully(0, settings.shutdownTimeoutNs, TimeUnit.NANOSECONDS)
                    .awaitUninterruptibly(settings.shutdownTimeoutNs + TimeUnit.SECONDS.toNanos(1), TimeUnit.NANOSECONDS);
            }
        }
    }

    /** The bound DERP address (the real port when 0 was asked for). */
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) serverChannel.localAddress();
    }

    /** The bound plain-HTTP address ({@code --http-listen}), or null when that port is off. */
    public InetSocketAddress httpAddress() {
        return httpPortChannel == null ? null : (InetSocketAddress) httpPortChannel.localAddress();
    }

    /** The bound STUN (UDP) address, or null when STUN is off. */
    public InetSocketAddress stunAddress() {
        return stun == null ? null : stun.localAddress();
    }

    /** The bound metrics address, or null when metrics are off. */
    public InetSocketAddress metricsAddress() {
        return metricsChannel == null ? null : (InetSocketAddress) metricsChannel.localAddress();
    }

    public NodeKey publicKey() {
        return serverPrivate.publicKey();
    }

    public Settings settings() {
        return settings;
    }

    /** Client connections (DERP port) whose reading is paused now, for any reason; allocates nothing. */
    int connectionsNotReading() {
        int n = 0;
        for (final Channel c : channels) {
            if (!c.config().isAutoRead()) {
                n++;
            }
        }
        return n;
    }

    /** Plain-HTTP port connections whose reading is paused now (for tests); allocates nothing. */
    int httpPortConnectionsNotReading() {
        int n = 0;
        for (final Channel c : httpPortChannels) {
            if (!c.config().isAutoRead()) {
                n++;
            }
        }
        return n;
    }

    /** This server's mesh clients, one per {@code meshWith} address (tests). */
    List<MeshClient> meshClients() {
        return mesh == null ? List.of() : mesh.clients();
    }

    /** The mesh peers this server watches (empty without {@code meshWith}). */
    public List<io.derpring.internal.relay.MeshPeer<ByteBuf>> meshPeers() {
        return relay.meshPeers();
    }

    /** The relay, for tests and embedding (its counters, connected keys). */
    public Relay<ByteBuf> relay() {
        return relay;
    }

    /** Every number the server keeps (allocates). */
    public Stats stats() {
        final Map<ConnectionEnd, Long> ends = new EnumMap<>(ConnectionEnd.class);
        for (final ConnectionEnd e : ConnectionEnd.values()) {
            ends.put(e, tracker.ends.get(e));
        }
        final Map<ServerCounter, Long> server = new EnumMap<>(ServerCounter.class);
        for (final ServerCounter c : ServerCounter.values()) {
            server.put(c, tracker.counters.get(c));
        }
        final Map<FrameError, Long> errors = new EnumMap<>(FrameError.class);
        for (final FrameError e : FrameError.values()) {
            final long n = tracker.frameErrors(e);
            if (n > 0) {
                errors.put(e, n);
            }
        }
        final Map<AdmissionDecision, Long> admissions = new EnumMap<>(AdmissionDecision.class);
        for (final AdmissionDecision d : AdmissionDecision.values()) {
            admissions.put(d, relay.admissions(d));
        }
        final Map<StunCounter, Long> stunCounts = new EnumMap<>(StunCounter.class);
        if (stun != null) {
            for (final StunCounter c : StunCounter.values()) {
                stunCounts.put(c, stun.counters().get(c));
            }
        }
        return new Stats(relay.snapshot(), ends, server, errors, admissions, verifyClientOutcomes(admissions),
            stunCounts);
    }

    /** Empty when the webhook is off; its mesh_skipped is the relay's count of mesh peers admitted past the chain. */
    private Map<VerifyClientOutcome, Long> verifyClientOutcomes(final Map<AdmissionDecision, Long> admissions) {
        final Map<VerifyClientOutcome, Long> outcomes = new EnumMap<>(VerifyClientOutcome.class);
        if (verifyClient != null) {
            for (final VerifyClientOutcome o : VerifyClientOutcome.values()) {
                outcomes.put(o, o == VerifyClientOutcome.MESH_SKIPPED ? admissions.get(AdmissionDecision.MESH_PEER)
                    : verifyClient.outcome(o));
            }
        }
        return outcomes;
    }

    /** The connection caps in force (for tests: slots in use, the per-IP table). */
    ConnectionCaps caps() {
        return caps;
    }

    /** The counters at one moment; {@code verifyClient} is empty when the admission webhook is off. */
    public record Stats(Relay.Snapshot relay, Map<ConnectionEnd, Long> ends, Map<ServerCounter, Long> server,
                        Map<FrameError, Long> frameErrors, Map<AdmissionDecision, Long> admissions,
                        Map<VerifyClientOutcome, Long> verifyClient, Map<StunCounter, Long> stun) {
        public long admission(final AdmissionDecision d) {
            return admissions.get(d);
        }

        /** 0 when the webhook is off. */
        public long verifyClient(final VerifyClientOutcome o) {
            return verifyClient.getOrDefault(o, 0L);
        }

        public long end(final ConnectionEnd e) {
            return ends.get(e);
        }

        public long server(final ServerCounter c) {
            return server.get(c);
        }

        public long frameError(final FrameError e) {
            return frameErrors.getOrDefault(e, 0L);
        }

        /** A STUN counter; 0 when STUN is off (the map is then empty). */
        public long stun(final StunCounter c) {
            return stun.getOrDefault(c, 0L);
        }
    }

    /**
     * Stops accepting, closes every connection (counting queued packets as {@code shutdown} drops) and stops the
     * event loops, all within {@link Settings#shutdownTimeoutNs()}. Idempotent; safe from any thread but a loop's.
     */
    @Override
    public void close() {
        if (!started.get() || !closed.compareAndSet(false, true)) {
            return;
        }
        final long deadlineNs = System.nanoTime() + settings.shutdownTimeoutNs;
        try {
            if (serverChannel != null) {
                serverChannel.close().awaitUninterruptibly(remainingMs(deadlineNs));
            }
            if (metricsChannel != null) {
                metricsChannel.close().awaitUninterruptibly(remainingMs(deadlineNs));
                metricsChannels.close().awaitUninterruptibly(remainingMs(deadlineNs));
            }
            if (mesh != null) {
                mesh.stop(); // first: no reconnects while the loops stop
            }
            if (httpPortChannel != null) {
                httpPortChannel.close().awaitUninterruptibly(remainingMs(deadlineNs));
                httpPortChannels.close().awaitUninterruptibly(remainingMs(deadlineNs));
            }
            tracker.beginShutdown();
            relay.beginShutdown();
            for (final Map.Entry<EventLoop, RelayShard<ByteBuf>> e : shardsByLoop.entrySet()) {
                final RelayShard<ByteBuf> shard = e.getValue();
                final Future<?> done = e.getKey().submit(shard::shutdown);
                done.awaitUninterruptibly(remainingMs(deadlineNs));
            }
            channels.close().awaitUninterruptibly(remainingMs(deadlineNs)); // those still in HTTP or handshake
        } finally {
            if (allowList != null) {
                allowList.close();
            }
            if (verifyClient != null) {
                verifyClient.close();
            }
            if (stun != null) {
                stun.close(Math.max(1, deadlineNs - System.nanoTime()));
            }
            if (metricsGroup != null) {
                metricsGroup.shutdownGracefully(0, Math.max(1, remainingMs(deadlineNs)), TimeUnit.MILLISECONDS);
            }
            group.shutdownGracefully(0, Math.max(1, remainingMs(deadlineNs)), TimeUnit.MILLISECONDS)
                .awaitUninterruptibly(remainingMs(deadlineNs) + 1000);
            if (metricsGroup != null) {
                metricsGroup.terminationFuture().awaitUninterruptibly(remainingMs(deadlineNs) + 1000);
            }
            if (httpPortGroup != null) {
                httpPortGroup.shutdownGracefully(0, Math.max(1, remainingMs(deadlineNs)), TimeUnit.MILLISECONDS)
                    .awaitUninterruptibly(remainingMs(deadlineNs) + 1000);
            }
            LOG.info("DERP relay on {} stopped", serverChannel == null ? "?" : serverChannel.localAddress());
        }
    }

    private static long remainingMs(final long deadlineNs) {
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNs - System.nanoTime()));
    }

    /** Every setting, with its default and source. Immutable. */
    public static final class Settings {
        /** derpserver.go accept: 10 s (SPEC §2.2). */
        public static final long DEFAULT_HANDSHAKE_TIMEOUT_NS = DerpProtocol.HANDSHAKE_DEADLINE_NS;
        /** Netty's defaults: writes pause above 64 KiB pending and resume below 32 KiB. */
        public static final int DEFAULT_WRITE_BUFFER_LOW_BYTES = 32 * 1024;
        public static final int DEFAULT_WRITE_BUFFER_HIGH_BYTES = 64 * 1024;
        /** How often each loop checks KeepAlive and write deadlines. */
        public static final long DEFAULT_TIMER_TICK_NS = TimeUnit.MILLISECONDS.toNanos(250);
        public static final long DEFAULT_SHUTDOWN_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(5);
        /** Request line and header limits of the HTTP stage (Netty's defaults). */
        public static final int DEFAULT_MAX_HTTP_INITIAL_LINE_BYTES = 4096;
        public static final int DEFAULT_MAX_HTTP_HEADER_BYTES = 8192;
        /**
         * HTTP requests one connection may make before its upgrade (DERP port) or at all (metrics port); the next is
         * answered 429 and the connection closed. Probes and captive-portal checks make a few per connection.
         */
        public static final int DEFAULT_MAX_HTTP_REQUESTS_PER_CONNECTION = 100;
        public static final int MAX_HTTP_REQUESTS_PER_CONNECTION = 1 << 20;
        /** A metrics connection must complete each request and its answer within this (a half-sent one is closed). */
        public static final long DEFAULT_METRICS_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(10);
        /** Default direct-memory budget: this share of the JVM's limit, so the relay pauses reading first. */
        public static final int DEFAULT_DIRECT_MEMORY_BUDGET_PERCENT = 75;
        /** Smallest budget accepted: below this the pooled allocator's first chunks alone would exceed it. */
        public static final long MIN_DIRECT_MEMORY_BUDGET_BYTES = 16L << 20;
        /** derper {@code --accept-connection-limit} default: +Inf, no limit (connections per second otherwise). */
        public static final double DEFAULT_ACCEPT_CONNECTION_LIMIT = AcceptRateLimiter.UNLIMITED;
        /** derper {@code --accept-connection-burst} default: {@code math.MaxInt} (here {@code Integer.MAX_VALUE}). */
        public static final int DEFAULT_ACCEPT_CONNECTION_BURST = AcceptRateLimiter.DEFAULT_BURST;
        /** derpring {@code --max-connections} / {@code --max-connections-per-ip}: 0, no cap (derper has none). */
        public static final int UNLIMITED_CONNECTIONS = ConnectionCaps.UNLIMITED;
        /** derper's port-80 server {@code ReadTimeout}: a request and its answer must complete within this. */
        public static final long DEFAULT_HTTP_PORT_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(30);
        /** How often the {@code --allow-list} file is checked for changes. */
        public static final long DEFAULT_ALLOW_LIST_POLL_INTERVAL_NS = AllowListFile.DEFAULT_POLL_INTERVAL_NS;
        /** derper {@code --verify-client-url-fail-open} default: true. */
        public static final boolean DEFAULT_VERIFY_CLIENT_URL_FAIL_OPEN = true;
        /** derpserver.go verifyClient: 5 s per admission request. */
        public static final long DEFAULT_VERIFY_CLIENT_URL_TIMEOUT_NS = VerifyClientUrl.DEFAULT_TIMEOUT_NS;
        /** Admission requests waiting on the controller at once (derpring's; Go has no cap). */
        public static final int DEFAULT_VERIFY_CLIENT_URL_MAX_IN_FLIGHT = VerifyClientUrl.DEFAULT_MAX_IN_FLIGHT;
        public static final int MAX_VERIFY_CLIENT_URL_MAX_IN_FLIGHT = VerifyClientUrl.MAX_IN_FLIGHT_LIMIT;

        /** Answers per STUN source per second (default {@link SourceRateLimiter#DEFAULT_PACKETS_PER_SECOND}). */
        public static final int DEFAULT_STUN_PACKETS_PER_SECOND = SourceRateLimiter.DEFAULT_PACKETS_PER_SECOND;
        public static final int DEFAULT_STUN_BURST = SourceRateLimiter.DEFAULT_BURST;
        /** One answer per nanosecond: the limiter's clock resolution. */
        public static final int MAX_STUN_PACKETS_PER_SECOND = 1_000_000_000;

        final InetSocketAddress listen;
        final Transport transport;
        final int threads;
        final boolean pinThreads;
        final int backlog;
        final boolean rawDerp;
        final Path tlsCertificate;
        final Path tlsKey;
        final InetSocketAddress metricsAddress;
        final NodePrivateKey serverPrivateKey;
        final MeshKey meshKey;
        final DuplicatePolicy duplicatePolicy;
        final int queueDepth;
        final long keepAliveIntervalNs;
        final long keepAliveJitterNs;
        final long writeDeadlineNs;
        final long handshakeTimeoutNs;
        final long timerTickNs;
        final long shutdownTimeoutNs;
        final int writeBufferLowBytes;
        final int writeBufferHighBytes;
        final int socketSendBufferBytes;
        final int maxHttpInitialLineBytes;
        final int maxHttpHeaderBytes;
        final long maxQueuedBytesPerShard;
        final int maxHttpRequestsPerConnection;
        final long metricsTimeoutNs;
        final long directMemoryBudgetBytes;
        final NanoClock clock;
        final long perClientRateLimitBytesPerSec;
        final long perClientRateBurstBytes;
        final long senderPauseNs;
        final int meshMaxKeys;
        final int meshMaxQueuedFrames;
        final int maxSourcesPerReceiver;
        final int shardCommandCapacity;
        final double acceptConnectionLimit;
        final int acceptConnectionBurst;
        final int maxConnections;
        final int maxConnectionsPerIp;
        final Path allowListFile;
        final long allowListPollIntervalNs;
        final List<ClientAdmission> clientAdmissions;
        final Path keyFile;
        final InetSocketAddress httpListen;
        final long httpPortTimeoutNs;
        final URI verifyClientUrl;
        final boolean verifyClientUrlFailOpen;
        final long verifyClientUrlTimeoutNs;
        final int verifyClientUrlMaxInFlight;
        final InetSocketAddress stunAddress;
        final int stunPacketsPerSecond;
        final int stunBurst;
        final List<MeshAddress> meshWith;
        final String hostname;
        final Path meshTrust;

        private Settings(final Builder b) {
            listen = Objects.requireNonNull(b.listen, "listen");
            transport = b.transport != null ? b.transport : Transport.detect();
            if (!transport.isAvailable()) {
                throw new InvalidConfigException("transport " + transport.cliName() + " is not available here");
            }
            threads = InvalidConfigException.requireInRange("threads", b.threads, 1, 1024);
            pinThreads = b.pinThreads;
            backlog = InvalidConfigException.requireInRange("backlog", b.backlog, 1, 1 << 20);
            rawDerp = b.rawDerp;
            if ((b.tlsCertificate == null) != (b.tlsKey == null)) {
                throw new InvalidConfigException("TLS needs both a certificate chain file and a key file");
            }
            tlsCertificate = b.tlsCertificate;
            tlsKey = b.tlsKey;
            metricsAddress = b.metricsAddress;
            serverPrivateKey = b.serverPrivateKey;
            meshKey = b.meshKey;
            meshWith = List.copyOf(b.meshWith);
            if (!meshWith.isEmpty() && meshKey == null) {
                throw new InvalidConfigException("meshing with other relays needs a mesh key (--mesh-psk-file or "
                    + "TAILSCALE_DERPER_MESH_KEY)");
            }
            hostname = b.hostname;
            meshTrust = b.meshTrust;
            duplicatePolicy = b.duplicatePolicy;
            queueDepth = b.queueDepth;
            keepAliveIntervalNs = b.keepAliveIntervalNs;
            keepAliveJitterNs = b.keepAliveJitterNs;
            writeDeadlineNs = b.writeDeadlineNs;
            handshakeTimeoutNs = positive("handshakeTimeoutNs", b.handshakeTimeoutNs);
            timerTickNs = positive("timerTickNs", b.timerTickNs);
            shutdownTimeoutNs = positive("shutdownTimeoutNs", b.shutdownTimeoutNs);
            writeBufferLowBytes = InvalidConfigException.requireInRange("writeBufferLowBytes", b.writeBufferLowBytes, 1, 1 << 30);
            writeBufferHighBytes = InvalidConfigException.requireInRange("writeBufferHighBytes", b.writeBufferHighBytes,
                writeBufferLowBytes, 1 << 30);
            socketSendBufferBytes = InvalidConfigException.requireInRange("socketSendBufferBytes", b.socketSendBufferBytes, 0, 1 << 30);
            maxHttpInitialLineBytes = InvalidConfigException.requireInRange("maxHttpInitialLineBytes", b.maxHttpInitialLineBytes, 64, 1 << 20);
            maxHttpHeaderBytes = InvalidConfigException.requireInRange("maxHttpHeaderBytes", b.maxHttpHeaderBytes, 64, 1 << 20);
            maxQueuedBytesPerShard = b.maxQueuedBytesPerShard;
            maxHttpRequestsPerConnection = InvalidConfigException.requireInRange("maxHttpRequestsPerConnection",
                b.maxHttpRequestsPerConnection, 1, MAX_HTTP_REQUESTS_PER_CONNECTION);
            metricsTimeoutNs = positive("metricsTimeoutNs", b.metricsTimeoutNs);
            directMemoryBudgetBytes = b.directMemoryBudgetBytes != 0 ? b.directMemoryBudgetBytes
                : DirectMemoryBudget.defaultBudgetBytes(DEFAULT_DIRECT_MEMORY_BUDGET_PERCENT);
            if (directMemoryBudgetBytes < MIN_DIRECT_MEMORY_BUDGET_BYTES) {
                throw new InvalidConfigException("directMemoryBudgetBytes = " + directMemoryBudgetBytes
                    + " must be >= " + MIN_DIRECT_MEMORY_BUDGET_BYTES);
            }
            clock = b.clock;
            perClientRateLimitBytesPerSec = b.perClientRateLimitBytesPerSec;
            perClientRateBurstBytes = b.perClientRateBurstBytes;
            senderPauseNs = b.senderPauseNs;
            meshMaxKeys = b.meshMaxKeys;
            meshMaxQueuedFrames = b.meshMaxQueuedFrames;
            maxSourcesPerReceiver = b.maxSourcesPerReceiver;
            shardCommandCapacity = b.shardCommandCapacity;
            acceptConnectionLimit = AcceptRateLimiter.requireLimit(b.acceptConnectionLimit);
            acceptConnectionBurst = AcceptRateLimiter.requireBurst(b.acceptConnectionBurst);
            maxConnections = ConnectionCaps.requireCap("maxConnections", b.maxConnections);
            maxConnectionsPerIp = ConnectionCaps.requireCap("maxConnectionsPerIp", b.maxConnectionsPerIp);
            allowListFile = b.allowListFile;
            allowListPollIntervalNs = positive("allowListPollIntervalNs", b.allowListPollIntervalNs);
            clientAdmissions = List.copyOf(b.clientAdmissions);
            if (b.keyFile != null && b.serverPrivateKey != null) {
                throw new InvalidConfigException("a server private key and a key file are alternatives: set one");
            }
            keyFile = b.keyFile;
            if (b.httpListen != null && b.tlsCertificate == null) {
                throw new InvalidConfigException("the plain-HTTP port redirects to HTTPS: it needs TLS (as derper's "
                    + "-http-port, served only with TLS)");
            }
            httpListen = b.httpListen;
            httpPortTimeoutNs = positive("httpPortTimeoutNs", b.httpPortTimeoutNs);
            verifyClientUrl = requireHttpUrl(b.verifyClientUrl);
            verifyClientUrlFailOpen = b.verifyClientUrlFailOpen;
            verifyClientUrlTimeoutNs = positive("verifyClientUrlTimeoutNs", b.verifyClientUrlTimeoutNs);
            if (verifyClientUrl != null && verifyClientUrlTimeoutNs >= handshakeTimeoutNs) {
                // Otherwise the handshake deadline would always refuse first and fail-open could never admit.
                throw new InvalidConfigException("verifyClientUrlTimeoutNs = " + verifyClientUrlTimeoutNs
                    + " must be < handshakeTimeoutNs = " + handshakeTimeoutNs);
            }
            verifyClientUrlMaxInFlight = InvalidConfigException.requireInRange("verifyClientUrlMaxInFlight",
                b.verifyClientUrlMaxInFlight, 1, MAX_VERIFY_CLIENT_URL_MAX_IN_FLIGHT);
            stunAddress = b.stunAddress;
            stunPacketsPerSecond = InvalidConfigException.requireInRange("stunPacketsPerSecond", b.stunPacketsPerSecond,
                1, MAX_STUN_PACKETS_PER_SECOND);
            stunBurst = InvalidConfigException.requireInRange("stunBurst", b.stunBurst, 1, Integer.MAX_VALUE);
            relayConfig(); // validates the relay's own ranges now, not at start()
        }

        /** Null stays null (webhook off); else http or https with a host. The URL is not echoed: it may hold a token. */
        private static URI requireHttpUrl(final URI url) {
            if (url == null) {
                return null;
            }
            final String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || url.getHost() == null) {
                throw new InvalidConfigException("verifyClientUrl must be an http:// or https:// URL with a host (scheme "
                    + (scheme.isEmpty() ? "missing" : "'" + scheme + "'") + ")");
            }
            return url;
        }

        private static long positive(final String setting, final long v) {
            if (v <= 0) {
                throw new InvalidConfigException(setting + " = " + v + " must be > 0");
            }
            return v;
        }

        RelayConfig relayConfig() {
            return RelayConfig.builder().queueDepth(queueDepth).duplicatePolicy(duplicatePolicy)
                .keepAliveIntervalNs(keepAliveIntervalNs).keepAliveJitterNs(keepAliveJitterNs)
                .writeDeadlineNs(writeDeadlineNs).meshKey(meshKey).maxQueuedBytesPerShard(maxQueuedBytesPerShard)
                .perClientRateLimitBytesPerSec(perClientRateLimitBytesPerSec).perClientRateBurstBytes(perClientRateBurstBytes)
                .senderPauseNs(senderPauseNs).maxKeysPerMeshPeer(meshMaxKeys)
                .maxQueuedMeshFrames(meshMaxQueuedFrames).maxSourcesPerReceiver(maxSourcesPerReceiver)
                .shardCommandCapacity(shardCommandCapacity).clock(clock).build();
        }

        public InetSocketAddress listen() {
            return listen;
        }

        public Transport transport() {
            return transport;
        }

        /** The mesh peers to watch (derper {@code --mesh-with}). */
        public List<MeshAddress> meshWith() {
            return meshWith;
        }

        /** This server's name (derper {@code --hostname}). */
        public String hostname() {
            return hostname;
        }

        /** True when a mesh key is configured; the key itself is never exposed. */
        public boolean hasMeshKey() {
            return meshKey != null;
        }

        public long handshakeTimeoutNs() {
            return handshakeTimeoutNs;
        }

        public long shutdownTimeoutNs() {
            return shutdownTimeoutNs;
        }

        public long writeDeadlineNs() {
            return writeDeadlineNs;
        }

        public long senderPauseNs() {
            return senderPauseNs;
        }

        public int meshMaxKeys() {
            return meshMaxKeys;
        }

        public int maxHttpRequestsPerConnection() {
            return maxHttpRequestsPerConnection;
        }

        public long metricsTimeoutNs() {
            return metricsTimeoutNs;
        }

        public long directMemoryBudgetBytes() {
            return directMemoryBudgetBytes;
        }

        /** The admission webhook's URL, or null when it is off. */
        public URI verifyClientUrl() {
            return verifyClientUrl;
        }

        public boolean verifyClientUrlFailOpen() {
            return verifyClientUrlFailOpen;
        }

        public long verifyClientUrlTimeoutNs() {
            return verifyClientUrlTimeoutNs;
        }

        public int verifyClientUrlMaxInFlight() {
            return verifyClientUrlMaxInFlight;
        }

        /** Where STUN listens, or null when it is off. */
        public InetSocketAddress stunAddress() {
            return stunAddress;
        }
    }

    /** Collects settings; every one has Go's default or a documented derpring default. */
    public static final class Builder {
        private InetSocketAddress listen = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        private Transport transport;
        private int threads = EventLoops.defaultThreads();
        private boolean pinThreads;
        private int backlog = 1024;
        private boolean rawDerp;
        private Path tlsCertificate;
        private Path tlsKey;
        private InetSocketAddress metricsAddress = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        private NodePrivateKey serverPrivateKey;
        private MeshKey meshKey;
        private DuplicatePolicy duplicatePolicy = DuplicatePolicy.LAST_WRITER_IS_ACTIVE;
        private int queueDepth = RelayConfig.DEFAULT_QUEUE_DEPTH;
        private long keepAliveIntervalNs = DerpProtocol.KEEP_ALIVE_NS;
        private long keepAliveJitterNs = DerpProtocol.KEEP_ALIVE_JITTER_NS;
        private long writeDeadlineNs = RelayConfig.DEFAULT_WRITE_DEADLINE_NS;
        private long handshakeTimeoutNs = Settings.DEFAULT_HANDSHAKE_TIMEOUT_NS;
        private long timerTickNs = Settings.DEFAULT_TIMER_TICK_NS;
        private long shutdownTimeoutNs = Settings.DEFAULT_SHUTDOWN_TIMEOUT_NS;
        private int writeBufferLowBytes = Settings.DEFAULT_WRITE_BUFFER_LOW_BYTES;
        private int writeBufferHighBytes = Settings.DEFAULT_WRITE_BUFFER_HIGH_BYTES;
        private int socketSendBufferBytes;
        private int maxHttpInitialLineBytes = Settings.DEFAULT_MAX_HTTP_INITIAL_LINE_BYTES;
        private int maxHttpHeaderBytes = Settings.DEFAULT_MAX_HTTP_HEADER_BYTES;
        private long maxQueuedBytesPerShard = RelayConfig.DEFAULT_MAX_QUEUED_BYTES_PER_SHARD;
        private int maxHttpRequestsPerConnection = Settings.DEFAULT_MAX_HTTP_REQUESTS_PER_CONNECTION;
        private long metricsTimeoutNs = Settings.DEFAULT_METRICS_TIMEOUT_NS;
        private long directMemoryBudgetBytes;
        private NanoClock clock = SystemNanoClock.INSTANCE;
        private long perClientRateLimitBytesPerSec = RelayConfig.UNLIMITED_RATE;
        private long perClientRateBurstBytes;
        private long senderPauseNs = RelayConfig.DEFAULT_SENDER_PAUSE_NS;
        private int meshMaxKeys = RelayConfig.DEFAULT_MAX_KEYS_PER_MESH_PEER;
        private int meshMaxQueuedFrames = RelayConfig.DEFAULT_MAX_QUEUED_MESH_FRAMES;
        private int maxSourcesPerReceiver = RelayConfig.DEFAULT_MAX_SOURCES_PER_RECEIVER;
        private int shardCommandCapacity = RelayConfig.DEFAULT_SHARD_COMMAND_CAPACITY;
        private double acceptConnectionLimit = Settings.DEFAULT_ACCEPT_CONNECTION_LIMIT;
        private int acceptConnectionBurst = Settings.DEFAULT_ACCEPT_CONNECTION_BURST;
        private int maxConnections = Settings.UNLIMITED_CONNECTIONS;
        private int maxConnectionsPerIp = Settings.UNLIMITED_CONNECTIONS;
        private Path allowListFile;
        private long allowListPollIntervalNs = Settings.DEFAULT_ALLOW_LIST_POLL_INTERVAL_NS;
        private final List<ClientAdmission> clientAdmissions = new ArrayList<>();
        private Path keyFile;
        private InetSocketAddress httpListen;
        private long httpPortTimeoutNs = Settings.DEFAULT_HTTP_PORT_TIMEOUT_NS;
        private URI verifyClientUrl;
        private boolean verifyClientUrlFailOpen = Settings.DEFAULT_VERIFY_CLIENT_URL_FAIL_OPEN;
        private long verifyClientUrlTimeoutNs = Settings.DEFAULT_VERIFY_CLIENT_URL_TIMEOUT_NS;
        private int verifyClientUrlMaxInFlight = Settings.DEFAULT_VERIFY_CLIENT_URL_MAX_IN_FLIGHT;
        private InetSocketAddress stunAddress;
        private int stunPacketsPerSecond = Settings.DEFAULT_STUN_PACKETS_PER_SECOND;
        private int stunBurst = Settings.DEFAULT_STUN_BURST;
        private final List<MeshAddress> meshWith = new ArrayList<>();
        private String hostname = "";
        private Path meshTrust;

        private Builder() {
        }

        /** derper {@code --mesh-with}: the other relays of the region to watch and forward to; needs a mesh key. */
        public Builder meshWith(final List<MeshAddress> peers) {
            meshWith.clear();
            meshWith.addAll(peers);
            return this;
        }

        /** derper {@code --hostname}: this server's name; a {@code --mesh-with} entry with this name is skipped. */
        public Builder hostname(final String v) {
            hostname = Objects.requireNonNull(v);
            return this;
        }

        /** PEM CA certificates that mesh peers' TLS certificates must chain to; default: the JVM trust store. */
        public Builder meshTrust(final Path pemFile) {
            meshTrust = pemFile;
            return this;
        }

        /**
         * derper {@code --verify-client-url}: POST {@code {"NodePublic":"nodekey:…","Source":"<ip>"}} for each new
         * non-mesh client to this http(s) URL; only a 200 answer {@code {"Allow":true}} admits. Asked after the
         * allow-list and the {@link #clientAdmission} callbacks; a fresh answer per key and source is reused for
         * 10 s. Null (the default): off.
         */
        public Builder verifyClientUrl(final URI v) {
            verifyClientUrl = v;
            return this;
        }

        /**
         * derper {@code --verify-client-url-fail-open}: admit when the controller cannot be reached, does not answer
         * within the timeout, or already has the in-flight cap of requests waiting. A non-200 status, bad JSON or
         * {@code "Allow":false} refuses either way. Default true, as derper.
         */
        public Builder verifyClientUrlFailOpen(final boolean v) {
            verifyClientUrlFailOpen = v;
            return this;
        }

        /** Each admission request's time limit; must be below the handshake timeout. Default 5 s, as Go's. */
        public Builder verifyClientUrlTimeoutNs(final long v) {
            verifyClientUrlTimeoutNs = v;
            return this;
        }

        /**
         * Admission requests waiting on the controller at once; a client over it is decided by the fail-open flag
         * without asking (counted). Default {@link Settings#DEFAULT_VERIFY_CLIENT_URL_MAX_IN_FLIGHT}.
         */
        public Builder verifyClientUrlMaxInFlight(final int v) {
            verifyClientUrlMaxInFlight = v;
            return this;
        }

        /**
         * SPEC §3.7: each non-mesh client's receive rate in bytes per second; reading pauses while a client is over it
         * (nothing is dropped). Default {@link RelayConfig#UNLIMITED_RATE} (0): off, as in derper.
         */
        public Builder perClientRateLimitBytesPerSec(final long v) {
            perClientRateLimitBytesPerSec = v;
            return this;
        }

        /** The receive bucket's depth in bytes; raised to 65 568 (one full SendPacket) when lower. Default 0. */
        public Builder perClientRateBurstBytes(final long v) {
            perClientRateBurstBytes = v;
            return this;
        }

        /**
         * How long reading a client may pause because a destination it wrote to is backlogged (queue half full, socket
         * not writable), instead of reading its packets only to drop them there; the bound keeps its other destinations
         * from waiting behind one slow reader longer than this per backlog. Default
         * {@link RelayConfig#DEFAULT_SENDER_PAUSE_NS} (10 ms); {@link RelayConfig#SENDER_PAUSE_OFF} (0) drops at the
         * full queue without pausing, as derper does; at most {@link RelayConfig#MAX_SENDER_PAUSE_NS}.
         */
        public Builder senderPauseNs(final long v) {
            senderPauseNs = v;
            return this;
        }

        /**
         * The most keys one mesh peer may report present; PeerPresent for more is refused and counted
         * ({@code derp_mesh_peer_keys_refused_total}). Default {@link RelayConfig#DEFAULT_MAX_KEYS_PER_MESH_PEER};
         * {@link RelayConfig#MIN_MAX_KEYS_PER_MESH_PEER} .. {@link RelayConfig#MAX_MAX_KEYS_PER_MESH_PEER}.
         */
        public Builder meshMaxKeys(final int v) {
            meshMaxKeys = v;
            return this;
        }

        /**
         * The most PeerPresent/PeerGone updates waiting for one mesh watcher; one more closes the watcher (it
         * reconnects for a fresh dump), counted in {@code derp_closed_mesh_watcher_overflow_total}. Default
         * {@link RelayConfig#DEFAULT_MAX_QUEUED_MESH_FRAMES}.
         */
        public Builder meshMaxQueuedFrames(final int v) {
            meshMaxQueuedFrames = v;
            return this;
        }

        /**
         * The most source keys one client remembers for its PeerGone notices; a packet from one more is still
         * delivered, counted in {@code derp_peer_gone_sources_refused_total}. Default
         * {@link RelayConfig#DEFAULT_MAX_SOURCES_PER_RECEIVER}.
         */
        public Builder maxSourcesPerReceiver(final int v) {
            maxSourcesPerReceiver = v;
            return this;
        }

        /**
         * The most cross-shard commands (PeerGone notices, ClosePeer, watcher updates) waiting for one event loop,
         * counted in {@code derp_shard_commands_refused_total} when full. Default
         * {@link RelayConfig#DEFAULT_SHARD_COMMAND_CAPACITY}.
         */
        public Builder shardCommandCapacity(final int v) {
            shardCommandCapacity = v;
            return this;
        }

        /**
         * derper {@code --accept-connection-limit}: connections accepted per second; the rest are closed at accept
         * and counted. Default {@link Double#POSITIVE_INFINITY}: no limit.
         */
        public Builder acceptConnectionLimit(final double perSecond) {
            acceptConnectionLimit = perSecond;
            return this;
        }

        /** derper {@code --accept-connection-burst}: accepts allowed at once. Default {@code Integer.MAX_VALUE}. */
        public Builder acceptConnectionBurst(final int v) {
            acceptConnectionBurst = v;
            return this;
        }

        /** Open connections in total (checked at accept, before TLS and HTTP); 0 (the default) means no cap. */
        public Builder maxConnections(final int v) {
            maxConnections = v;
            return this;
        }

        /**
         * Open connections from one source, an IPv4 address or an IPv6 /64 (checked at accept); 0 (the default) means
         * no cap. A connection that proves the mesh key stops counting (SPEC §3.8).
         */
        public Builder maxConnectionsPerIp(final int v) {
            maxConnectionsPerIp = v;
            return this;
        }

        /**
         * SPEC §3.8: only node keys in this file (one {@code nodekey:<hex>} per line, {@code #} comments) may
         * connect, mesh peers aside. Read at {@link #build()} (a bad file fails it), then re-read when it changes;
         * a bad change keeps the previous list. Null (the default): no list.
         */
        public Builder allowList(final Path file) {
            allowListFile = file;
            return this;
        }

        /** How often the allow-list file is checked for a change. Default 2 s. */
        public Builder allowListPollIntervalNs(final long v) {
            allowListPollIntervalNs = v;
            return this;
        }

        /**
         * SPEC §3.8: an embedder's asynchronous admission check, asked for every non-mesh client after its ClientInfo;
         * the handshake waits for it within the handshake deadline. May be called several times: the allow-list and
         * every callback must all admit (AND).
         */
        public Builder clientAdmission(final ClientAdmission v) {
            clientAdmissions.add(Objects.requireNonNull(v, "clientAdmission"));
            return this;
        }

        /** Where to listen: an IPv4 or IPv6 address (e.g. {@code [::1]}); port 0 picks a free one. */
        public Builder listen(final InetSocketAddress v) {
            listen = v;
            return this;
        }

        /** Default: the best available ({@link Transport#detect()}). */
        public Builder transport(final Transport v) {
            transport = v;
            return this;
        }

        /** Event loops = relay shards. Default: one per core. */
        public Builder threads(final int v) {
            threads = v;
            return this;
        }

        public Builder pinThreads(final boolean v) {
            pinThreads = v;
            return this;
        }

        public Builder backlog(final int v) {
            backlog = v;
            return this;
        }

        /** Test setting: DERP from the first byte, no HTTP upgrade. */
        public Builder rawDerp(final boolean v) {
            rawDerp = v;
            return this;
        }

        /** TLS from PEM files: the certificate chain and its PKCS#8 private key. */
        public Builder tls(final Path certificateChainPem, final Path privateKeyPem) {
            tlsCertificate = certificateChainPem;
            tlsKey = privateKeyPem;
            return this;
        }

        /** Default: 127.0.0.1, port 0. Null turns the metrics port off. */
        public Builder metricsAddress(final InetSocketAddress v) {
            metricsAddress = v;
            return this;
        }

        /** Default: a fresh key per start. */
        public Builder serverPrivateKey(final NodePrivateKey v) {
            serverPrivateKey = v;
            return this;
        }

        public Builder meshKey(final MeshKey v) {
            meshKey = v;
            return this;
        }

        public Builder duplicatePolicy(final DuplicatePolicy v) {
            duplicatePolicy = Objects.requireNonNull(v);
            return this;
        }

        public Builder queueDepth(final int v) {
            queueDepth = v;
            return this;
        }

        public Builder keepAliveIntervalNs(final long v) {
            keepAliveIntervalNs = v;
            return this;
        }

        public Builder keepAliveJitterNs(final long v) {
            keepAliveJitterNs = v;
            return this;
        }

        /**
         * derper {@code --tcp-write-timeout}: a client on which no written frame wholly leaves for this long is closed
         * (the clock restarts with each frame that leaves). Default 2 s; mesh peers get 30 s
         * ({@link RelayConfig#DEFAULT_MESH_WRITE_DEADLINE_NS}).
         */
        public Builder writeDeadlineNs(final long v) {
            writeDeadlineNs = v;
            return this;
        }

        public Builder handshakeTimeoutNs(final long v) {
            handshakeTimeoutNs = v;
            return this;
        }

        public Builder timerTickNs(final long v) {
            timerTickNs = v;
            return this;
        }

        public Builder shutdownTimeoutNs(final long v) {
            shutdownTimeoutNs = v;
            return this;
        }

        public Builder writeBufferWaterMark(final int lowBytes, final int highBytes) {
            writeBufferLowBytes = lowBytes;
            writeBufferHighBytes = highBytes;
            return this;
        }

        /** SO_SNDBUF for client connections; 0 = the OS default. */
        public Builder socketSendBufferBytes(final int v) {
            socketSendBufferBytes = v;
            return this;
        }

        public Builder maxHttpInitialLineBytes(final int v) {
            maxHttpInitialLineBytes = v;
            return this;
        }

        public Builder maxHttpHeaderBytes(final int v) {
            maxHttpHeaderBytes = v;
            return this;
        }

        public Builder maxQueuedBytesPerShard(final long v) {
            maxQueuedBytesPerShard = v;
            return this;
        }

        /** Default {@link Settings#DEFAULT_MAX_HTTP_REQUESTS_PER_CONNECTION}. */
        public Builder maxHttpRequestsPerConnection(final int v) {
            maxHttpRequestsPerConnection = v;
            return this;
        }

        /** Default {@link Settings#DEFAULT_METRICS_TIMEOUT_NS}. */
        public Builder metricsTimeoutNs(final long v) {
            metricsTimeoutNs = v;
            return this;
        }

        /**
         * Direct memory (pooled, Netty's and the JDK's) over which all reading pauses until use falls back under; 0
         * (the default) means {@link Settings#DEFAULT_DIRECT_MEMORY_BUDGET_PERCENT} of the JVM's direct-memory limit.
         */
        public Builder directMemoryBudgetBytes(final long v) {
            directMemoryBudgetBytes = v;
            return this;
        }

        /** The relay's clock (KeepAlive, write deadline, PeerGone limiter). */
        public Builder clock(final NanoClock v) {
            clock = Objects.requireNonNull(v);
            return this;
        }

        /**
         * derper {@code -c}: the server key lives in this JSON file ({@code {"PrivateKey":"privkey:<64 hex>"}}), read
         * at {@link #build()}; a missing file is created owner-only (0600) with a new key, so the key survives
         * restarts. An unreadable or malformed file fails {@link #build()} naming it; it is never replaced. Null (the
         * default): a fresh key per start. Not with {@link #serverPrivateKey}.
         */
        public Builder keyFile(final Path file) {
            keyFile = file;
            return this;
        }

        /**
         * derper's STUN server (UDP, on the same transport): answers tailnode Binding requests as Go does; port 0 picks
         * a free one. Null (the default here, unlike the CLI) keeps it off, so test relays don't fight over 3478.
         */
        public Builder stun(final InetSocketAddress v) {
            stunAddress = v;
            return this;
        }

        /**
         * derper {@code -http-port}: a plain-HTTP port answering {@code /generate_204} and redirecting everything else
         * to HTTPS (302 for GET and HEAD, 400 otherwise). Needs {@link #tls}. Null (the default): off.
         */
        public Builder httpListen(final InetSocketAddress v) {
            httpListen = v;
            return this;
        }

        /** The plain-HTTP port's per-request timeout. Default {@link Settings#DEFAULT_HTTP_PORT_TIMEOUT_NS}. */
        public Builder httpPortTimeoutNs(final long v) {
            httpPortTimeoutNs = v;
            return this;
        }

        /**
         * Answers per STUN source (an IPv4 address or IPv6 /64) per second, and how many at once; over it requests
         * are ignored and counted ({@code rate_limited}). Sources share a fixed table, so spoofing cannot grow memory.
         * Default {@link Settings#DEFAULT_STUN_PACKETS_PER_SECOND}, burst {@link Settings#DEFAULT_STUN_BURST}.
         */
        public Builder stunRateLimit(final int packetsPerSecond, final int burst) {
            stunPacketsPerSecond = packetsPerSecond;
            stunBurst = burst;
            return this;
        }

        public DerpRelayServer build() {
            return new DerpRelayServer(new Settings(this));
        }
    }
}
