package io.derpring.engine;

import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

import io.derpring.dataplane.Dataplane;
import io.derpring.internal.dataplane.DataplaneHandoff;
import io.derpring.derpmap.DerpMap;
import io.derpring.derpmap.DerpRegion;
import io.derpring.internal.disco.CallMeMaybeFilter;
import io.derpring.internal.engine.DerpEngineConfig;
import io.derpring.disco.DirectPathSink;
import io.derpring.internal.disco.DiscoDemuxHandler;
import io.derpring.keys.DiscoPrivateKey;
import io.derpring.keys.NodeKey;
import io.derpring.keys.NodePrivateKey;
import io.derpring.internal.metrics.Counters;
import io.derpring.internal.metrics.DistinctErrorLog;
import io.derpring.netmap.Netmap;
import io.derpring.internal.netmap.NetmapHolder;
import io.derpring.internal.region.ConductorDutyCycle;
import io.derpring.internal.region.ConnectWaiters;
import io.derpring.internal.region.GuardedRegionListener;
import io.derpring.internal.region.OutboundRouter;
import io.derpring.internal.region.RegionConductor;
import io.derpring.internal.region.RegionCounter;
import io.derpring.internal.region.RegionGauges;
import io.derpring.region.RegionConnectTimeoutException;
import io.derpring.region.RegionListener;
import io.derpring.region.RegionStatus;
import io.derpring.internal.ring.InboundCounter;
import io.derpring.internal.ring.InboundRing;
import io.derpring.internal.route.ObservedRouteLearner;
import io.derpring.internal.route.ObservedRoutes;
import io.derpring.internal.route.OutboundRegionChoice;
import io.derpring.metrics.EngineMetrics;
import io.derpring.runtime.JvmRequirements;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.CompositeAgent;
import org.agrona.concurrent.status.AtomicCounter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A multi-region DERP engine: one connection per region of the DERP map (home always on, others woken by traffic
 * and closed when idle), inbound packets through the ring's stages to the {@link Dataplane}, outbound packets to the
 * peer's region. See the package documentation for which thread calls what.
 *
 * <pre>
 *  send() --> OutboundRouter --> region's connection queue --> transport
 *  transport --> InboundRing.offer --> routes -> disco demux -> Dataplane
 *  conductor thread: DERP map, netmap, home, connect / idle / backoff
 * </pre>
 */
public final class DerpEngine implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DerpEngine.class);
    /** The idle conductor's first park; it doubles up to {@link DerpEngineConfig#conductorIdleParkNs()}. */
    private static final long CONDUCTOR_MIN_PARK_NS = DerpEngineConfig.MIN_CONDUCTOR_IDLE_PARK.toNanos();

    private final NetmapHolder netmaps = new NetmapHolder();
    private final ObservedRoutes routes = new ObservedRoutes(Netmap.EMPTY);
    private final Counters<InboundCounter> inboundCounters = new Counters<>(InboundCounter.class);
    private final Counters<RegionCounter> regionCounters = new Counters<>(RegionCounter.class);
    private final DiscoDemuxHandler demux;
    private final InboundRing ring;
    private final RegionConductor conductor;
    private final ConnectWaiters connectWaiters;
    private final ConductorDutyCycle conductorDuty;
    private final OutboundRouter router;
    private final AgentRunner conductorRunner;
    private final EngineMetrics metrics;
    private final DistinctErrorLog dutyCycleErrors = new DistinctErrorLog(LOG);
    /** The embedder's handle on the conductor and the stages after {@link #startInvoker()}, else null. */
    private AgentInvoker invoker;
    private volatile DerpMap derpMap;
    private boolean started;
    private boolean closed;

    public DerpEngine(final DerpEngineConfig config, final NodePrivateKey nodeKey, final DiscoPrivateKey discoKey,
                      final Dataplane dataplane, final DialerFactory transport, final RegionListener listener) {
        JvmRequirements.requireAgronaAccess();
        Objects.requireNonNull(nodeKey, "node key");
        Objects.requireNonNull(discoKey, "disco key");
        Objects.requireNonNull(dataplane, "dataplane");
        Objects.requireNonNull(transport, "transport");
        netmaps.addListener(routes);
        demux = new DiscoDemuxHandler(DerpEngineConfig.keyCacheFor(config, discoKey),
            new CallMeMaybeFilter(config.ipv6Candidates()), inboundCounters);
        ring = new InboundRing(config.ring(), netmaps, inboundCounters,
            new ObservedRouteLearner(routes, inboundCounters), demux,
            new DataplaneHandoff(dataplane, inboundCounters));
        // The waiters see region events first, on the conductor thread, then pass them on to the embedder's listener.
        // Futures complete on CompletableFuture's own async executor: the common pool, or a thread per completion
        // when that pool has fewer than 2 threads (a bare commonPool() with parallelism 0 would never run them).
        // The embedder's listener runs on the conductor thread: what it throws is caught there (GuardedRegionListener).
        connectWaiters = new ConnectWaiters(listener == null ? new RegionListener() { }
            : new GuardedRegionListener(listener, regionCounters, dutyCycleErrors),
            config.connectTimeout(), System::nanoTime, CompletableFuture::runAsync);
        conductor = new RegionConductor(config.regions(), transport.create(ring, nodeKey), connectWaiters, routes,
            System::nanoTime, () -> ThreadLocalRandom.current().nextDouble(), regionCounters);
        conductorDuty = new ConductorDutyCycle(conductor, connectWaiters);
        router = new OutboundRouter(conductor, netmaps, routes, System::nanoTime);
        metrics = EngineMetricsCatalog.of(ring, inboundCounters, regionCounters, transport.connectionCounters(),
            new RegionGauges(conductor));
        conductorRunner = new AgentRunner(new BackoffIdleStrategy(10, 10, CONDUCTOR_MIN_PARK_NS,
            config.conductorIdleParkNs()),
            error -> dutyCycleErrors.record("region conductor", error), (AtomicCounter) null, conductorDuty);
    }

    /**
     * Starts the stage and conductor threads.
     *
     * @throws IllegalStateException if the ring's stage threading is {@link StageThreading#INVOKED}: use
     *                               {@link #startInvoker()}
     */
    public synchronized DerpEngine start() {
        if (ring.config().threading() == StageThreading.INVOKED) {
            throw new IllegalStateException("ring stage threading is INVOKED: start with startInvoker()");
        }
        if (!started && !closed) {
            started = true;
            ring.start();
            AgentRunner.startOnThread(conductorRunner);
        }
        return this;
    }

    /**
     * Invoker mode, for embedders that own their threads: the engine starts no thread of its own, and each
     * {@link AgentInvoker#invoke()} runs one duty cycle of the conductor (DERP map, home, connect, idle, backoff)
     * and of the ring's stages (routes, disco, dataplane). Call {@code invoke()} from one thread, with the
     * embedder's idle strategy backing off when it returns 0; the conductor acts only while it is invoked. Needs
     * the ring's stage threading {@link StageThreading#INVOKED}; the transport's I/O threads are the transport's.
     * Close the engine, not the invoker, from the invoking thread or once it has stopped invoking.
     *
     * @return the started invoker
     * @throws IllegalStateException if the stage threading is not INVOKED, or the engine was started or closed
     */
    public synchronized AgentInvoker startInvoker() {
        if (ring.config().threading() != StageThreading.INVOKED) {
            throw new IllegalStateException("ring stage threading is " + ring.config().threading()
                + ": invoker mode needs INVOKED");
        }
        if (started || closed) {
            throw new IllegalStateException(closed ? "engine closed" : "engine already started");
        }
        started = true;
        invoker = new AgentInvoker(error -> dutyCycleErrors.record("engine duty cycle", error), (AtomicCounter) null,
            new CompositeAgent(conductorDuty, ring.stageAgent()));
        invoker.start();
        return invoker;
    }

    /**
     * Completes when the home region first receives ServerInfo (it is connected and traffic can flow). Fails with a
     * {@link RegionConnectTimeoutException}, whose cause is the home region's last connection error, when that has
     * not happened within {@link DerpEngineConfig#connectTimeout()} of the first {@link #setHomeRegion} (a map and a
     * home may come in either order; the engine does nothing before it knows its home). {@link #close()} fails it
     * with an {@code IllegalStateException}.
     *
     * <p>It settles once: the engine keeps reconnecting after a failure, and {@link #awaitConnected} waits again.
     * Each call returns a new view of the same outcome, so cancelling one does not affect the engine or other callers.
     * Dependent stages run on {@code CompletableFuture}'s default async executor, never on the conductor thread.
     */
    public CompletableFuture<Void> connected() {
        return connectWaiters.homeConnected();
    }

    /**
     * Waits for region {@code regionId} to be connected (ServerInfo received): completes at once if it is, else when
     * it connects, or fails with a {@link RegionConnectTimeoutException} (cause: the region's last connection error,
     * or null) when {@code timeout}, counted from this call, passes first. Waiting does not wake a dormant region;
     * traffic or {@link #setHomeRegion} does. Non-blocking: {@code join()} or {@code get()} the future to block.
     * Completed on {@code CompletableFuture}'s default async executor, never on the conductor thread;
     * {@link #close()} fails it with an {@code IllegalStateException}; before {@link #start()} nothing completes it.
     * At most {@link ConnectWaiters#MAX_PENDING_WAITERS} may be pending: beyond that the future fails at once with a
     * {@code RejectedExecutionException}.
     *
     * @param timeout in [{@link DerpEngineConfig#MIN_CONNECT_TIMEOUT}, {@link DerpEngineConfig#MAX_CONNECT_TIMEOUT}]
     * @throws io.derpring.runtime.InvalidConfigException when {@code timeout} is null or out of range
     */
    public CompletableFuture<Void> awaitConnected(final int regionId, final Duration timeout) {
        DerpEngineConfig.requireConnectTimeout("awaitConnected timeout", timeout);
        return connectWaiters.await(regionId, timeout);
    }

    /**
     * Applies a DERP map (SPEC §5.2): new regions get a task, changed ones reconnect, removed ones close. All or
     * nothing: a {@link DerpMap} is validated completely when it is parsed or built (a {@code DerpMapException} there
     * names the field), so the only map refused here is {@code null}, and a refused map changes nothing.
     *
     * @throws NullPointerException when {@code map} is null; the engine keeps its current map
     * @throws java.util.concurrent.RejectedExecutionException when the conductor has
     *         {@link RegionConductor#MAX_QUEUED_COMMANDS} commands waiting (counted); the engine keeps its current map
     */
    public void updateDerpMap(final DerpMap map) {
        Objects.requireNonNull(map, "DERP map");
        // Nothing is published before the last check: the map used to be stored first and then refused by the
        // conductor, so the status methods described a map that was never applied (issue 13 bug 4).
        conductor.updateDerpMap(map);
        derpMap = map;
    }

    /** Installs a netmap snapshot; routes of peers that left are pruned first (SPEC §5.4). Single caller thread. */
    public void updateNetmap(final Netmap netmap) {
        netmaps.publish(netmap);
    }

    /**
     * Selects our home region; 0 keeps the current one (SPEC §5.3).
     *
     * @throws java.util.concurrent.RejectedExecutionException when the conductor's command queue is full (counted)
     */
    public void setHomeRegion(final int regionId) {
        conductor.selectHome(regionId);
    }

    /**
     * Tells the engine that the host's local addresses changed (a default route moved, an interface went down): Go's
     * {@code maybeCloseDERPsOnRebind} (SPEC §5.11). Each region's connection whose socket's local address is not in
     * {@code currentLocalAddresses} (or not known yet) is closed, and the home region reconnects at once, without a
     * backoff; every other connected region is sent a Ping and closed if no Pong comes within
     * {@link RegionConductor#REBIND_PING_TIMEOUT} (3 s): its route may be gone although its address still exists.
     *
     * <p>A gateway usually learns of the change from its own network monitor, which knows the current addresses: pass
     * them here. {@link #rebind()} enumerates the host's interfaces instead. Any thread; the work happens on the
     * conductor's next duty cycle. An empty collection closes every connection.
     *
     * @throws NullPointerException when the collection or one of its addresses is null; nothing changes
     * @throws java.util.concurrent.RejectedExecutionException when the conductor's command queue is full (counted)
     */
    public void rebind(final Collection<? extends InetAddress> currentLocalAddresses) {
        Objects.requireNonNull(currentLocalAddresses, "current local addresses");
        final Set<InetAddress> valid = new HashSet<>();
        for (final InetAddress a : currentLocalAddresses) {
            valid.add(Objects.requireNonNull(a, "a current local address is null"));
        }
        conductor.rebind(Set.copyOf(valid));
    }

    /**
     * {@link #rebind(Collection)} with every address of every interface that is up, from {@link NetworkInterface}.
     *
     * @throws UncheckedIOException when the interfaces cannot be listed; nothing changes
     */
    public void rebind() {
        final List<InetAddress> addresses = new ArrayList<>();
        try {
            final Enumeration<NetworkInterface> interfaces = NetworkInterface.getNetworkInterfaces();
            while (interfaces != null && interfaces.hasMoreElements()) {
                final NetworkInterface nic = interfaces.nextElement();
                if (nic.isUp()) {
                    addresses.addAll(Collections.list(nic.getInetAddresses()));
                }
            }
        } catch (final SocketException e) {
            throw new UncheckedIOException("cannot list the host's network interfaces for rebind", e);
        }
        rebind(addresses);
    }

    /** Installs the direct path that relayed CallMeMaybe messages teach; null removes it (SPEC §5.6). */
    public void installDirectPath(final DirectPathSink sink) {
        demux.directPath(sink);
    }

    /**
     * Sends a packet to a netmap peer from any thread, without blocking or allocating. The bytes are copied before
     * this returns, so the buffer may be reused at once. Never throws for bad arguments: they are
     * {@link SendResult#REJECTED} and counted.
     *
     * @return {@link SendResult#ACCEPTED} or {@link SendResult#QUEUED} when taken; {@link SendResult#BACK_PRESSURED}
     *         when the region's queue is full (retry after an idle step: nothing was dropped);
     *         {@link SendResult#NO_ROUTE} or {@link SendResult#REJECTED} otherwise
     */
    public SendResult send(final NodeKey peer, final DirectBuffer buffer, final int offset, final int length) {
        return router.send(peer, buffer, offset, length);
    }

    /**
     * Sends a sealed disco frame to {@code peer} through {@code regionId} (SPEC §5.8), with the same results as
     * {@link #send}. Disco frames have their own smaller queue per region and connection, so data never starves them.
     */
    public SendResult sendDisco(final NodeKey peer, final int regionId, final DirectBuffer frame, final int offset,
                                final int length) {
        return router.sendDisco(peer, regionId, frame, offset, length);
    }

    /** STUN servers of the current DERP map: fixed IPv4 literals only, never a DNS name (SPEC §5.9). */
    public List<InetSocketAddress> stunServersV4() {
        final DerpMap map = derpMap;
        return map == null ? List.of() : map.stunServersV4();
    }

    /**
     * Each netmap peer whose packets have a region now, mapped to that region's {@code RegionCode} (RS
     * {@code relay_codes_for_peers}, SPEC §5.5): peers with no live region, or a region without a code, are left
     * out. For status output: allocates.
     */
    public Map<NodeKey, String> relayCodesForPeers() {
        final DerpMap map = derpMap;
        final Netmap netmap = netmaps.current();
        final Map<NodeKey, String> out = new LinkedHashMap<>();
        if (map == null) {
            return out;
        }
        for (int peerId = 0; peerId < netmap.size(); peerId++) {
            final NodeKey peer = netmap.nodeKey(peerId);
            final int region = router.regionFor(peer);
            final DerpRegion r = region == OutboundRegionChoice.NONE ? null : map.region(region);
            if (r != null && r.regionCode() != null && !r.regionCode().isEmpty()) {
                out.put(peer, r.regionCode());
            }
        }
        return out;
    }

    /** Per-region state, node, health, last error and connected-since. */
    public List<RegionStatus> status() {
        return conductor.status();
    }

    /**
     * Every number this engine exports, read live: inbound ring, outbound regions, the transport's connections
     * (when its {@link DialerFactory} counts them) and per-region queue depths. The same object on every call;
     * {@link EngineMetrics#writePrometheus} renders it as Prometheus text, {@code derpring-micrometer} binds it.
     */
    public EngineMetrics metrics() {
        return metrics;
    }

    /**
     * The region {@code peer}'s packets last arrived through (an observed route, SPEC §5.4), or 0 if none is known or
     * the key is not a netmap peer. For status output and tests; {@link #send} applies it itself.
     */
    public int observedRegionOf(final NodeKey peer) {
        return routes.regionOf(peer);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (invoker != null) {
            invoker.close(); // the conductor's onClose (every connection closes) and the stages' shutdown
        } else if (started) {
            conductorRunner.close(); // runs the conductor's onClose: every connection closes, waiters fail
        } else {
            conductorDuty.onClose();
        }
        ring.close();
        LOG.info("engine closed");
    }

}
