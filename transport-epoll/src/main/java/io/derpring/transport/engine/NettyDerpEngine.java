package io.derpring.transport.engine;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

import io.derpring.dataplane.Dataplane;
import io.derpring.engine.DerpEngine;
import io.derpring.engine.DerpEngineConfig;
import io.derpring.engine.DialerFactory;
import io.derpring.keys.DiscoPrivateKey;
import io.derpring.keys.NodePrivateKey;
import io.derpring.internal.metrics.Counters;
import io.derpring.region.RegionListener;
import io.derpring.transport.internal.EventLoops;
import io.derpring.transport.internal.client.ClientCounter;
import io.derpring.transport.internal.client.DerpClientSettings;
import io.derpring.transport.internal.client.NettyDerpDialer;
import io.netty.channel.EventLoopGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link DerpEngine} on Netty, with the event loop group it runs on. Build with {@link #builder()}:
 *
 * <pre>{@code
 * try (NettyDerpEngine derp = NettyDerpEngine.builder()
 *         .config(DerpEngineConfig.defaults())
 *         .transport(NettyTransportSettings.defaults())
 *         .keys(nodeKey, discoKey)
 *         .dataplane(dataplane)
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
 * conductor and stage threads stop), then shuts the group down with the settings' quiet period and waits for it
 * within the shutdown timeout. Idempotent. The group is created here and never shared: an engine's close cannot stop
 * another's sockets.
 */
public final class NettyDerpEngine implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NettyDerpEngine.class);

    private final NettyTransportSettings settings;
    private final EventLoopGroup group;
    private final Counters<ClientCounter> clientCounters;
    private final DerpEngine engine;
    private boolean closed;

    private NettyDerpEngine(final Builder b) {
        this.settings = b.transport;
        this.clientCounters = new Counters<>(ClientCounter.class);
        this.group = EventLoops.create(settings.transport(), settings.ioThreads(),
            NettyTransportSettings.IO_THREAD_NAME, settings.pinThreads());
        // One overflow policy for the whole send path: the connections take the engine's.
        final DerpClientSettings client = settings.client().toBuilder()
            .outboundOverflow(b.config.regions().outboundOverflow()).build();
        final DialerFactory dialers = NettyDerpDialer.factory(settings.transport(), group, client,
            settings.securityOverride(), settings.trust(), clientCounters);
        DerpEngine built = null;
        try {
            built = new DerpEngine(b.config, b.nodeKey, b.discoKey, b.dataplane, dialers, b.listener);
        } finally {
            if (built == null) {
                shutdownGroup(); // the engine refused its inputs: leave no threads behind
            }
        }
        this.engine = built;
    }

    public static Builder builder() {
        return new Builder();
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

    public NettyTransportSettings settings() {
        return settings;
    }

    /** Counters of every connection this engine opened (dials, handshakes, drops at the socket). */
    public Counters<ClientCounter> clientCounters() {
        return clientCounters;
    }

    /** The engine's metrics plus the connections' ("client." prefix). Allocates: for scrapes. */
    public Map<String, Long> metrics() {
        final Map<String, Long> out = new LinkedHashMap<>(engine.metrics());
        clientCounters.snapshot().forEach((k, v) -> out.put("client." + k.name().toLowerCase(), v));
        return out;
    }

    /** Closes the engine, then stops the event loops (bounded by the shutdown timeout). Idempotent. */
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
        final long timeoutMs = settings.shutdownTimeout().toMillis();
        final boolean done = group.shutdownGracefully(settings.shutdownQuietPeriod().toMillis(), timeoutMs,
            TimeUnit.MILLISECONDS).awaitUninterruptibly(timeoutMs + 1_000);
        if (!done) {
            LOG.warn("event loops did not stop within {} ms", timeoutMs);
        }
    }

    /** Everything an engine is built from; {@link #build()} checks the required parts. */
    public static final class Builder {
        private DerpEngineConfig config = DerpEngineConfig.defaults();
        private NettyTransportSettings transport;
        private NodePrivateKey nodeKey;
        private DiscoPrivateKey discoKey;
        private Dataplane dataplane;
        private RegionListener listener;

        private Builder() {
        }

        /** Engine settings (idle grace, backoff, queues, ring); default {@link DerpEngineConfig#defaults()}. */
        public Builder config(final DerpEngineConfig config) {
            this.config = config;
            return this;
        }

        /** Netty settings; default {@link NettyTransportSettings#defaults()}. */
        public Builder transport(final NettyTransportSettings transport) {
            this.transport = transport;
            return this;
        }

        /** Our node key (the DERP handshake) and disco key (relayed CallMeMaybe). Required. */
        public Builder keys(final NodePrivateKey nodeKey, final DiscoPrivateKey discoKey) {
            this.nodeKey = nodeKey;
            this.discoKey = discoKey;
            return this;
        }

        /** Where relayed packets go (inbound stage thread). Required. */
        public Builder dataplane(final Dataplane dataplane) {
            this.dataplane = dataplane;
            return this;
        }

        /** Region lifecycle events (conductor thread); optional. */
        public Builder listener(final RegionListener listener) {
            this.listener = listener;
            return this;
        }

        public NettyDerpEngine build() {
            Objects.requireNonNull(config, "engine config");
            Objects.requireNonNull(nodeKey, "node key");
            Objects.requireNonNull(discoKey, "disco key");
            Objects.requireNonNull(dataplane, "dataplane");
            if (transport == null) {
                transport = NettyTransportSettings.defaults();
            }
            return new NettyDerpEngine(this);
        }
    }
}
