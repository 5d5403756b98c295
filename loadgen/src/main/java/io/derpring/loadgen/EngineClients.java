package io.derpring.loadgen;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.concurrent.locks.LockSupport;

import io.derpring.engine.SendResult;
import io.derpring.derpmap.DerpMap;
import io.derpring.derpmap.DerpNode;
import io.derpring.derpmap.DerpRegion;
import io.derpring.derpmap.TransportSecurity;
import io.derpring.engine.DerpEngine;
import io.derpring.internal.engine.DerpEngineConfig;
import io.derpring.engine.DialerFactory;
import io.derpring.keys.DiscoKey;
import io.derpring.keys.DiscoPrivateKey;
import io.derpring.keys.NodeKey;
import io.derpring.keys.NodePrivateKey;
import io.derpring.metrics.EngineMetrics;
import io.derpring.internal.metrics.Counters;
import io.derpring.netmap.Netmap;
import io.derpring.internal.region.RegionSettings;
import io.derpring.region.RegionState;
import io.derpring.region.RegionStatus;
import io.derpring.internal.ring.InboundRingConfig;
import io.derpring.internal.ring.InboundCounter;
import io.derpring.internal.region.RegionCounter;
import io.derpring.runtime.InvalidConfigException;
import io.derpring.transport.Transport;
import io.derpring.transport.internal.client.ClientCounter;
import io.derpring.transport.internal.client.DerpClientSettings;
import io.derpring.transport.internal.client.NettyDerpDialer;
import io.netty.channel.EventLoopGroup;
import org.agrona.DirectBuffer;

/**
 * One full {@link DerpEngine} per node, two per pair, built with {@link NettyDerpDialer} on a shared event loop
 * group. Each engine's DERP map holds every region, its home is its node's region (the pair's, or with
 * {@code --cross-region} the sender's and the receiver's), and its netmap holds the pair at their homes, so
 * {@code send} takes the real route: router → region connection (woken on first use when not home) → relay → the peer
 * engine's ring stages → its {@link TrafficSink}. Each engine has its own sink (its own stage thread).
 *
 * <p>Region churn ({@link RegionChurn}) changes the DERP map, homes and netmaps of every engine from its own
 * thread; the engines take those updates from any thread.
 */
final class EngineClients implements LoadClients, RegionChurn.Regions {
    /** Each engine's ring; a smaller ring than the default 1024 keeps a many-pair run's memory modest. */
    static final int RING_SIZE = 256;
    /**
     * Pairs whose engines are started (and awaited) together: 16 engines, half of {@link
     * RawClients#MAX_CONNECTS_IN_FLIGHT}, because each engine also starts its own ring threads.
     */
    static final int PAIRS_PER_CONNECT_WAVE = RawClients.MAX_CONNECTS_IN_FLIGHT / 4;

    private final Counters<ClientCounter> clientCounters = new Counters<>(ClientCounter.class);
    private final DerpEngine[] senders;
    private final DerpEngine[] receivers;
    private final NodeKey[] senderKeys;
    private final NodeKey[] receiverKeys;
    private final DiscoKey[] senderDisco;
    private final DiscoKey[] receiverDisco;
    private final PairState[] pairs;
    private final boolean netmapHomes;
    private final List<RelayUrl> relays;
    private final boolean tlsInsecure;
    /** Each node's current home: {@code 2p} pair p's sender, {@code 2p + 1} its receiver (region churn moves them). */
    private final AtomicIntegerArray homes;
    /** Per region id: how often its node list was changed (churn thread only). */
    private final int[] nodeGenerations;
    /** Each engine's connection history by region id, from its watched dialer. */
    private final List<ConcurrentHashMap<Integer, ConnectionEvents.Place>> senderPlaces = new ArrayList<>();
    private final List<ConcurrentHashMap<Integer, ConnectionEvents.Place>> receiverPlaces = new ArrayList<>();

    /**
     * @param sinks    one per engine: {@code sinks.get(2p)} for pair p's sender, {@code 2p + 1} for its receiver
     * @param settings every connection's settings (a soak injects its clock here)
     * @param keys     where the nodes' keys come from
     * @param netmapHomes false ({@code --no-netmap-home}): a receiver's netmap leaves its sender's home out, so it
     *                    answers along the route the data came in on
     * @param regionRules the engines' region rules (the idle grace of {@code --idle-grace})
     * @param events   where every connection's start and end are told
     */
    EngineClients(final PairState[] pairs, final List<RelayUrl> relays, final boolean tlsInsecure,
                  final Transport transport, final EventLoopGroup group, final List<TrafficSink> sinks,
                  final int sizeBytes, final DerpClientSettings settings, final RunKeys keys,
                  final boolean netmapHomes, final RegionSettings regionRules, final ConnectionEvents events) {
        this.pairs = pairs;
        this.netmapHomes = netmapHomes;
        this.relays = relays;
        this.tlsInsecure = tlsInsecure;
        final int n = pairs.length;
        homes = new AtomicIntegerArray(2 * n);
        nodeGenerations = new int[relays.size() + 1];
        final DerpMap map = fullMap();
        final DialerFactory dialer = NettyDerpDialer.factory(transport, group, webSocketSettings(relays, settings),
            securityOverride(relays), null, clientCounters);
        final DerpEngineConfig config = new DerpEngineConfig(regionRules,
            InboundRingConfig.builder().ringSize(RING_SIZE)
                .slotCapacity(Math.max(InboundRingConfig.MIN_SLOT_CAPACITY, sizeBytes)).spillBuffers(0).build(),
            false, DerpEngineConfig.DEFAULT_DISCO_KEY_CACHE);
        senders = new DerpEngine[n];
        receivers = new DerpEngine[n];
        senderKeys = new NodeKey[n];
        receiverKeys = new NodeKey[n];
        senderDisco = new DiscoKey[n];
        receiverDisco = new DiscoKey[n];
        for (int p = 0; p < n; p++) {
            final NodePrivateKey s = keys.nodeKey();
            final NodePrivateKey r = keys.nodeKey();
            final DiscoPrivateKey sd = keys.discoKey();
            final DiscoPrivateKey rd = keys.discoKey();
            senderKeys[p] = s.publicKey();
            receiverKeys[p] = r.publicKey();
            senderDisco[p] = sd.publicKey();
            receiverDisco[p] = rd.publicKey();
            homes.set(2 * p, pairs[p].regionId);
            homes.set(2 * p + 1, pairs[p].receiverRegionId);
            senderPlaces.add(new ConcurrentHashMap<>());
            receiverPlaces.add(new ConcurrentHashMap<>());
            senders[p] = engine(config, s, sd, sinks.get(2 * p), WatchedDialer.factory(dialer, events,
                senderPlaces.get(p)), map, netmap(p, true), pairs[p].regionId);
            receivers[p] = engine(config, r, rd, sinks.get(2 * p + 1), WatchedDialer.factory(dialer, events,
                receiverPlaces.get(p)), map, netmap(p, false), pairs[p].receiverRegionId);
        }
        for (final TrafficSink sink : sinks) {
            sink.ackPath(this);
        }
    }

    /**
     * Pair {@code p}'s netmap as its sender (or receiver) sees it: both nodes at their current homes, except that
     * without netmap homes the receiver does not know its sender's.
     */
    private Netmap netmap(final int p, final boolean forSender) {
        final Netmap.Builder netmap = Netmap.builder();
        netmap.addPeer(senderKeys[p], senderDisco[p], forSender || netmapHomes ? homes.get(2 * p) : Netmap.NO_REGION);
        netmap.addPeer(receiverKeys[p], receiverDisco[p], homes.get(2 * p + 1));
        return netmap.build();
    }

    /** The DERP map of every region. */
    private DerpMap fullMap() {
        return mapOf(IntStream.rangeClosed(1, relays.size()).boxed().collect(Collectors.toList()));
    }

    /** The DERP map of {@code regionIds}; a region's node is named by its generation (a node-list change). */
    private DerpMap mapOf(final List<Integer> regionIds) {
        final List<DerpRegion> regions = new ArrayList<>();
        for (final int r : regionIds) {
            final DerpNode node = relays.get(r - 1).node(r, tlsInsecure);
            final DerpNode named = nodeGenerations[r] == 0 ? node : new DerpNode(node.name() + "-g" + nodeGenerations[r],
                node.regionId(), node.hostName(), node.certName(), node.ipv4(), node.ipv6(), node.stunPort(),
                node.stunOnly(), node.derpPort(), node.insecureForTests(), node.stunTestIp(), node.canPort80());
            regions.add(new DerpRegion(r, "lg" + r, "loadgen region " + r, 0, 0, false, false, List.of(named)));
        }
        return new DerpMap(regions, null, true);
    }

    /** One dialer serves every region, so all relays must agree on WebSocket or the DERP upgrade. */
    private static DerpClientSettings webSocketSettings(final List<RelayUrl> relays, final DerpClientSettings base) {
        final boolean webSocket = relays.get(0).webSocket();
        for (final RelayUrl r : relays) {
            if (r.webSocket() != webSocket) {
                throw new InvalidConfigException("--client engine needs every --relay on WebSocket (ws://, wss://) "
                    + "or every one on the DERP upgrade (http://, https://)");
            }
        }
        return relays.get(0).clientSettings(base);
    }

    /** One dialer serves every region, so all relays must agree on plain HTTP or TLS. */
    private static TransportSecurity securityOverride(final List<RelayUrl> relays) {
        final boolean tls = relays.get(0).tls();
        for (final RelayUrl r : relays) {
            if (r.tls() != tls) {
                throw new InvalidConfigException("--client engine needs every --relay on the same scheme (all "
                    + "http:// or all https://)");
            }
        }
        return relays.get(0).securityOverride();
    }

    private DerpEngine engine(final DerpEngineConfig config, final NodePrivateKey key, final DiscoPrivateKey disco,
                              final TrafficSink sink, final DialerFactory dialer, final DerpMap map,
                              final Netmap netmap, final int home) {
        final DerpEngine engine = new DerpEngine(config, key, disco, sink, dialer, null);
        engine.updateNetmap(netmap);
        engine.updateDerpMap(map);
        engine.setHomeRegion(home);
        return engine;
    }

    @Override
    public void connect(final long timeoutNs) throws InterruptedException {
        final long deadlineNs = System.nanoTime() + timeoutNs;
        // In waves (as RawClients): every engine dials on start, and a storm of handshakes outlasts the dial budget.
        for (int wave = 0; wave < senders.length; wave += PAIRS_PER_CONNECT_WAVE) {
            final int end = Math.min(senders.length, wave + PAIRS_PER_CONNECT_WAVE);
            for (int p = wave; p < end; p++) {
                senders[p].start();
                receivers[p].start();
            }
            for (int p = wave; p < end; p++) {
                awaitHomeConnected(senders[p], senderPlaces.get(p), homes.get(2 * p), deadlineNs);
                awaitHomeConnected(receivers[p], receiverPlaces.get(p), homes.get(2 * p + 1), deadlineNs);
            }
        }
    }

    /**
     * Until the engine's home is connected now, or has reached ServerInfo at least once: a relay that drops every
     * connection right after the handshake may never be caught CONNECTED by this poll, and such a run must end in a
     * report that says so (its connection events), not in a connect timeout.
     */
    private static void awaitHomeConnected(final DerpEngine engine,
                                           final ConcurrentHashMap<Integer, ConnectionEvents.Place> places,
                                           final int region, final long deadlineNs)
        throws InterruptedException {
        while (true) {
            final ConnectionEvents.Place home = places.get(region);
            if (homeConnected(engine, region) || (home != null && home.everConnected())) {
                return;
            }
            if (System.nanoTime() - deadlineNs > 0) {
                throw new IllegalStateException("engine did not connect to region " + region + ": " + engine.status());
            }
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }

    @Override
    public SendResult sendData(final int pair, final DirectBuffer packet, final int length) {
        return senders[pair].send(receiverKeys[pair], packet, 0, length);
    }

    @Override
    public SendResult sendAck(final int pair, final DirectBuffer ack, final int length) {
        return receivers[pair].send(senderKeys[pair], ack, 0, length);
    }

    /** The engine does not expose its connections' queues; the drain relies on the packet balance instead. */
    @Override
    public long queuedPackets() {
        return -1;
    }

    @Override
    public Map<String, Long> drops() {
        final Map<String, Long> out = new LinkedHashMap<>();
        ClientDropTally.add(out, "connection.", clientCounters, ClientDropTally.CONNECTION);
        for (int p = 0; p < senders.length; p++) {
            addEngine(out, senders[p].metrics());
            addEngine(out, receivers[p].metrics());
        }
        return out;
    }

    private static void addEngine(final Map<String, Long> out, final EngineMetrics metrics) {
        for (final InboundCounter c : ClientDropTally.RING) {
            final String name = c.name().toLowerCase(java.util.Locale.ROOT);
            ClientDropTally.add(out, "ring." + name, metrics.value("derpring_engine_inbound_" + name));
        }
        for (final RegionCounter c : ClientDropTally.ROUTER) {
            final String name = c.name().toLowerCase(java.util.Locale.ROOT);
            ClientDropTally.add(out, "router." + name, metrics.value("derpring_engine_region_" + name));
        }
    }

    @Override
    public boolean allConnected() {
        for (int p = 0; p < senders.length; p++) {
            if (!homeConnected(senders[p], homes.get(2 * p)) || !homeConnected(receivers[p], homes.get(2 * p + 1))) {
                return false;
            }
        }
        return true;
    }

    private static boolean homeConnected(final DerpEngine engine, final int region) {
        for (final RegionStatus s : engine.status()) {
            if (s.regionId() == region && s.state() == RegionState.CONNECTED) {
                return true;
            }
        }
        return false;
    }

    @Override
    public Counters<ClientCounter> clientCounters() {
        return clientCounters;
    }

    /** Every engine's region lifecycle counter {@code name} ({@link RegionCounter}, lower case), summed. */
    long regionCounter(final RegionCounter counter) {
        final String name = "derpring_engine_region_" + counter.name().toLowerCase(java.util.Locale.ROOT);
        long sum = 0;
        for (int p = 0; p < senders.length; p++) {
            sum += senders[p].metrics().value(name) + receivers[p].metrics().value(name);
        }
        return sum;
    }

    /** The engine whose region states the status view shows: pair 0's sender. */
    DerpEngine sampleEngine() {
        return senders[0];
    }

    int nodes() {
        return 2 * senders.length;
    }

    @Override
    public int homeOf(final int node) {
        return homes.get(node);
    }

    /** Churn: the DERP map without {@code regionId}, to every engine (nodes homed there lose their home). */
    @Override
    public void removeRegion(final int regionId) {
        final List<Integer> ids = new ArrayList<>();
        for (int r = 1; r <= relays.size(); r++) {
            if (r != regionId) {
                ids.add(r);
            }
        }
        applyMap(mapOf(ids));
    }

    /** Churn: the full DERP map again, and every node homed on a region that was removed takes it back. */
    @Override
    public void restoreRegions() {
        applyMap(fullMap());
        for (int node = 0; node < homes.length(); node++) {
            engine(node).setHomeRegion(homes.get(node));
        }
    }

    /** Churn: region {@code regionId}'s node list changes (its node is renamed), so its connections re-dial. */
    @Override
    public void changeNodes(final int regionId) {
        nodeGenerations[regionId]++;
        applyMap(fullMap());
    }

    /**
     * Churn: node {@code node} moves home to {@code regionId} (NotePreferred on both regions' connections, the
     * always-on flag moves), and its pair's netmaps follow.
     */
    @Override
    public void moveHome(final int node, final int regionId) {
        homes.set(node, regionId);
        engine(node).setHomeRegion(regionId);
        final int p = node / 2;
        senders[p].updateNetmap(netmap(p, true));
        receivers[p].updateNetmap(netmap(p, false));
    }

    private DerpEngine engine(final int node) {
        return node % 2 == 0 ? senders[node / 2] : receivers[node / 2];
    }

    private void applyMap(final DerpMap next) {
        for (int p = 0; p < senders.length; p++) {
            senders[p].updateDerpMap(next);
            receivers[p].updateDerpMap(next);
        }
    }

    @Override
    public void close() {
        for (int p = 0; p < senders.length; p++) {
            senders[p].close();
            receivers[p].close();
        }
    }
}
