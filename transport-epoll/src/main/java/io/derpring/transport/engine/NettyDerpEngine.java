package io.derpring.transport.engine;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.derpring.dataplane.Dataplane;
import org.agrona.concurrent.AgentInvoker;
import io.derpring.engine.DerpEngine;
import io.derpring.engine.DialerFactory;
import io.derpring.internal.engine.DerpEngineConfig;
import io.derpring.keys.DiscoPrivateKey;
import io.derpring.keys.NodePrivateKey;
import io.derpring.internal.metrics.Counters;
import io.derpring.metrics.EngineMetrics;
import io.derpring.region.RegionListener;
import io.derpring.runtime.JvmRequirements;
import io.derpring.transport.internal.EventLoops;
import io.derpring.transport.internal.client.ClientCounter;
import io.derpring.transport.internal.client.DerpClientSettings;
import io.derpring.transport.internal.client.NettyDerpDialer;
import io.derpring.transport.internal.engine.NettyTransportSettings;
import io.netty.channel.EventLoopGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link DerpEngine} on Netty, with the event loop group it runs on. Build with {@link #builder()}, which takes
 * every setting (see {@link NettyDerpEngineBuilder}):
 *
 * <pre>{@code
 * try (NettyDerpEngine derp = NettyDerpEngine.builder()
 *         .keys(nodeKey, discoKey)
 *         .dataplane(dataplane)
 *         .ioThreads(2)
 *         .ringSize(4096)
 *         .build()
 *         .start()) {
 *     derp.engine().updateDerpMap(map);
 *     derp.engine().updateNetmap(netmap);
 *     derp.engine().setHomeRegion(home);
 *     derp.engine().send(peer, buffer, 0, length);
 * }
 * }</pre>
 *
 * <p>{@link #close()} closes the engine first (every region's connection is asked to close on its loop, the
 * conductor and stage threads stop). A group the engine created is then shut down with the quiet period and waited
 * for within the shutdown timeout; that group is never shared, so an engine's close cannot stop another's sockets. A
 * group the embedder gave ({@link NettyDerpEngineBuilder#eventLoopGroup}) is left running: its owner closes it.
 * Idempotent.
 */
public final class NettyDerpEngine implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NettyDerpEngine.class);
    /** The name the ring gives its own fused stage thread, kept when the transport makes it. */
    static final String STAGE_THREAD_NAME = "derpring-inbound-stages";

    private final DerpEngineConfig config;
    private final NettyTransportSettings settings;
    private final EventLoopGroup group;
    private final boolean ownsGroup;
    private final Counters<ClientCounter> clientCounters;
    private final DerpEngine engine;
    private boolean closed;

    /** From {@link NettyDerpEngineBuilder#build()}: every value validated; {@code givenGroup} null to own one. */
    NettyDerpEngine(final DerpEngineConfig config, final NettyTransportSettings settings,
                    final EventLoopGroup givenGroup, final NodePrivateKey nodeKey, final DiscoPrivateKey discoKey,
                    final Dataplane dataplane, final RegionListener listener) {
        this.config = config;
        this.settings = settings;
        this.clientCounters = new Counters<>(ClientCounter.class);
        this.ownsGroup = givenGroup == null;
        this.group = ownsGroup ? EventLoops.create(settings.transport(), settings.ioThreads(),
            NettyTransportSettings.IO_THREAD_NAME, settings.pinThreads()) : givenGroup;
        // One overflow policy for the whole send path: the connections take the engine's.
        final DerpClientSettings client = settings.client().toBuilder()
            .outboundOverflow(config.regions().outboundOverflow()).build();
        final DialerFactory dialers = NettyDerpDialer.factory(settings.transport(), group, client,
            settings.securityOverride(), settings.trust(), clientCounters);
        DerpEngine built = null;
        try {
            built = new DerpEngine(withPinnedStages(config, settings.pinThreads()), nodeKey, discoKey, dataplane,
                dialers, listener);
        } finally {
            if (built == null) {
                shutdownGroup(); // the engine refused its inputs: leave no threads behind
            }
        }
        this.engine = built;
    }

    /**
     * Every setting, with its default and range: see {@link NettyDerpEngineBuilder}.
     *
     * @throws io.derpring.runtime.JvmRequirements.MissingJvmFlagException naming
     *         {@link JvmRequirements#AGRONA_FLAG} when the JVM was started without it: checked here, before any
     *         default touches Agrona
     */
    public static NettyDerpEngineBuilder builder() {
        JvmRequirements.requireAgronaAccess();
        return new NettyDerpEngineBuilder();
    }

    /**
     * With pinning on, the ring's stage thread is pinned like the I/O loops: the engine has no affinity code of its
     * own, so the transport supplies the thread factory. A factory already in the config is kept.
     */
    static DerpEngineConfig withPinnedStages(final DerpEngineConfig config, final boolean pinThreads) {
        if (!pinThreads || config.ring().stageThreadFactory() != null) {
            return config;
        }
        return config.withRing(config.ring().toBuilder()
            .stageThreadFactory(EventLoops.threadFactory(STAGE_THREAD_NAME, true)).build());
    }

    /**
     * Invoker mode ({@code stageThreading(StageThreading.INVOKED)}): starts no conductor or stage thread and returns
     * the started invoker whose {@code invoke()} runs one duty cycle of both; see {@link DerpEngine#startInvoker()}.
     * The I/O loops still run on the event loop group.
     */
    public AgentInvoker startInvoker() {
        return engine.startInvoker();
    }

    /** Starts the engine's threads; connections start when a DERP map and home arrive. Returns this. */
    public NettyDerpEngine start() {
        engine.start();
        return this;
    }

    /** The engine: DERP map, netmap and home updates, send, status. */
    public DerpEngine engine() {
        return engine;
    }

    /** {@link DerpEngine#connected()}: completes on the home region's first ServerInfo, fails after the timeout. */
    public CompletableFuture<Void> connected() {
        return engine.connected();
    }

    /** {@link DerpEngine#awaitConnected(int, Duration)}: completes once {@code regionId} is connected. */
    public CompletableFuture<Void> awaitConnected(final int regionId, final Duration timeout) {
        return engine.awaitConnected(regionId, timeout);
    }

    /** The engine's settings as built (for tests of the builder). */
    DerpEngineConfig config() {
        return config;
    }

    /** The transport's and each connection's settings as built (for tests of the builder). */
    NettyTransportSettings settings() {
        return settings;
    }

    /** The group every connection runs on: the engine's own, or the one the embedder gave. */
    EventLoopGroup group() {
        return group;
    }

    /** Counters of every connection this engine opened (dials, handshakes, drops at the socket). */
    Counters<ClientCounter> clientCounters() {
        return clientCounters;
    }

    /**
     * The engine's metrics, which include these connections' counters (the {@code client} group): the same object
     * as {@code engine().metrics()}.
     */
    public EngineMetrics metrics() {
        return engine.metrics();
    }

    /** Closes the engine, then stops the event loops it created (bounded by the shutdown timeout). Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            engine.close();
        } finally {
            shutdownGroup();
        }
    }

    private void shutdownGroup() {
        if (!ownsGroup) {
            return; // the embedder's threads: its owner shuts them down
        }
        final long timeoutMs = settings.shutdownTimeout().toMillis();
        final boolean done = group.shutdownGracefully(settings.shutdownQuietPeriod().toMillis(), timeoutMs,
            TimeUnit.MILLISECONDS).awaitUninterruptibly(timeoutMs + 1_000);
        if (!done) {
            LOG.warn("event loops did not stop within {} ms", timeoutMs);
        }
    }
}
