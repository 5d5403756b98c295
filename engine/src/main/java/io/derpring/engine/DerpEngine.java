package io.derpring.engine;

import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
import io.derpring.internal.region.OutboundRouter;
import io.derpring.internal.region.RegionConductor;
import io.derpring.internal.region.RegionCounter;
import io.derpring.internal.region.RegionGauges;
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
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
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
    /** The conductor parks at most this long when idle: the worst-case latency to wake a dormant region. */
    private static final long CONDUCTOR_MAX_PARK_NS = 1_000_000;

    private final NetmapHolder netmaps = new NetmapHolder();
    private final ObservedRoutes routes = new ObservedRoutes(Netmap.EMPTY);
    private final Counters<InboundCounter> inboundCounters = new Counters<>(InboundCounter.class);
    private final Counters<RegionCounter> regionCounters = new Counters<>(RegionCounter.class);
    private final DiscoDemuxHandler demux;
    private final InboundRing ring;
    private final RegionConductor conductor;
    private final OutboundRouter router;
    private final AgentRunner conductorRunner;
    private final EngineMetrics metrics;
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
        conductor = new RegionConductor(config.regions(), transport.create(ring, nodeKey),
            listener == null ? new RegionListener() { } : listener, routes, System::nanoTime,
            () -> ThreadLocalRandom.current().nextDouble(), regionCounters);
        router = new OutboundRouter(conductor, netmaps, routes, System::nanoTime);
        metrics = EngineMetricsCatalog.of(ring, inboundCounters, regionCounters, transport.connectionCounters(),
            new RegionGauges(conductor));
        final DistinctErrorLog errors = new DistinctErrorLog(LOG);
        conductorRunner = new AgentRunner(new BackoffIdleStrategy(10, 10, 1_000, CONDUCTOR_MAX_PARK_NS),
            error -> errors.record("region conductor", error), (AtomicCounter) null, conductor);
    }

    /** Starts the stage and conductor threads. */
    public synchronized DerpEngine start() {
        if (!started && !closed) {
            started = true;
            ring.start();
            AgentRunner.startOnThread(conductorRunner);
        }
        return this;
    }

    /** Applies a DERP map (SPEC §5.2): new regions get a task, changed ones reconnect, removed ones close. */
    public void updateDerpMap(final DerpMap map) {
        derpMap = map;
        conductor.updateDerpMap(map);
    }

    /** Installs a netmap snapshot; routes of peers that left are pruned first (SPEC §5.4). Single caller thread. */
    public void updateNetmap(final Netmap netmap) {
        netmaps.publish(netmap);
    }

    /** Selects our home region; 0 keeps the current one (SPEC §5.3). */
    public void setHomeRegion(final int regionId) {
        conductor.selectHome(regionId);
    }

    /** Installs the direct path that relayed CallMeMaybe messages teach; null removes it (SPEC §5.6). */
    public void installDirectPath(final DirectPathSink sink) {
        demux.directPath(sink);
    }

    /** Sends a packet to a netmap peer from any thread; {@link OutboundRouter#SENT}, QUEUED or DROPPED. */
    public int send(final NodeKey peer, final DirectBuffer buffer, final int offset, final int length) {
        return router.send(peer, buffer, offset, length);
    }

    /** Sends a sealed disco frame to {@code peer} through {@code regionId} (SPEC §5.8). */
    public int sendDisco(final NodeKey peer, final int regionId, final DirectBuffer frame, final int offset,
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

    /** The routes learned from inbound traffic (read-only use: region lookups). */
    public ObservedRoutes observedRoutes() {
        return routes;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (started) {
            conductorRunner.close(); // runs the conductor's onClose: every connection closes
        } else {
            conductor.onClose();
        }
        ring.close();
        LOG.info("engine closed");
    }

}
