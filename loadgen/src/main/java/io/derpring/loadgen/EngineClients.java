package io.derpring.loadgen;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.derpring.engine.SendResult;
import io.derpring.derpmap.DerpMap;
import io.derpring.derpmap.DerpRegion;
import io.derpring.derpmap.TransportSecurity;
import io.derpring.engine.DerpEngine;
import io.derpring.internal.engine.DerpEngineConfig;
import io.derpring.engine.DialerFactory;
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
 * group. Each engine's DERP map holds every region, its home is its pair's region, and its netmap holds the pair
 * (both nodes homed there), so {@code send} takes the real route: router → region connection → relay → the peer
 * engine's ring stages → its {@link TrafficSink}. Each engine has its own sink (its own stage thread).
 */
final class EngineClients implements LoadClients {
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
    private final PairState[] pairs;
    private final DerpMap map;

    /**
     * @param sinks    one per engine: {@code sinks.get(2p)} for pair p's sender, {@code 2p + 1} for its receiver
     * @param settings every connection's settings (a soak injects its clock here)
     * @param keys     where the nodes' keys come from
     */
    EngineClients(final PairState[] pairs, final List<RelayUrl> relays, final boolean tlsInsecure,
                  final Transport transport, final EventLoopGroup group, final List<TrafficSink> sinks,
                  final int sizeBytes, final DerpClientSettings settings, final RunKeys keys) {
        this.pairs = pairs;
        final int n = pairs.length;
        final List<DerpRegion> regions = new ArrayList<>();
        for (int r = 1; r <= relays.size(); r++) {
            regions.add(new DerpRegion(r, "lg" + r, "loadgen region " + r, 0, 0, false, false,
                List.of(relays.get(r - 1).node(r, tlsInsecure))));
        }
        map = new DerpMap(regions, null, true);
        final DialerFactory dialer = NettyDerpDialer.factory(transport, group, webSocketSettings(relays, settings),
            securityOverride(relays), null, clientCounters);
        final DerpEngineConfig config = new DerpEngineConfig(RegionSettings.defaults(),
            InboundRingConfig.builder().ringSize(RING_SIZE)
                .slotCapacity(Math.max(InboundRingConfig.MIN_SLOT_CAPACITY, sizeBytes)).spillBuffers(0).build(),
            false, DerpEngineConfig.DEFAULT_DISCO_KEY_CACHE);
        senders = new DerpEngine[n];
        receivers = new DerpEngine[n];
        senderKeys = new NodeKey[n];
        receiverKeys = new NodeKey[n];
        for (int p = 0; p < n; p++) {
            final NodePrivateKey s = keys.nodeKey();
            final NodePrivateKey r = keys.nodeKey();
            final DiscoPrivateKey sd = keys.discoKey();
            final DiscoPrivateKey rd = keys.discoKey();
            senderKeys[p] = s.publicKey();
            receiverKeys[p] = r.publicKey();
            final Netmap.Builder netmap = Netmap.builder();
            netmap.addPeer(senderKeys[p], sd.publicKey(), pairs[p].regionId);
            netmap.addPeer(receiverKeys[p], rd.publicKey(), pairs[p].regionId);
            final Netmap pairMap = netmap.build();
            senders[p] = engine(config, s, sd, sinks.get(2 * p), dialer, pairMap, pairs[p].regionId);
            receivers[p] = engine(config, r, rd, sinks.get(2 * p + 1), dialer, pairMap, pairs[p].regionId);
        }
        for (final TrafficSink sink : sinks) {
            sink.ackPath(this);
        }
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
                              final TrafficSink sink, final DialerFactory dialer, final Netmap netmap,
                              final int home) {
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
                awaitHomeConnected(senders[p], pairs[p].regionId, deadlineNs);
                awaitHomeConnected(receivers[p], pairs[p].regionId, deadlineNs);
            }
        }
    }

    private static void awaitHomeConnected(final DerpEngine engine, final int region, final long deadlineNs)
        throws InterruptedException {
        while (true) {
            if (homeConnected(engine, region)) {
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
            if (!homeConnected(senders[p], pairs[p].regionId) || !homeConnected(receivers[p], pairs[p].regionId)) {
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

    @Override
    public void close() {
        for (int p = 0; p < senders.length; p++) {
            senders[p].close();
            receivers[p].close();
        }
    }
}
