package io.derpring.transport.engine;

import java.net.BindException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

import io.derpring.derpmap.DerpMap;
import io.derpring.derpmap.DerpMapBuilder;
import io.derpring.keys.NodeKey;
import io.derpring.keys.NodePrivateKey;
import io.derpring.internal.relay.RelayClient;
import io.derpring.internal.relay.RelayCounter;
import io.derpring.internal.relay.RelayShard;
import io.derpring.server.DerpRelayServer;
import io.derpring.server.ServerCounter;
import io.derpring.transport.Transport;
import io.netty.buffer.ByteBuf;

/**
 * Three {@link DerpRelayServer}s on 127.0.0.1 as regions 900, 901 and 902 of one DERP map (plain HTTP: the dialer's
 * explicit loopback mode), each on one loop with a fixed server key, so one can be killed and restarted behind the
 * same port. Closes everything it started.
 */
final class LoopbackRegions implements AutoCloseable {
    static final int R900 = 900;
    static final int R901 = 901;
    static final int R902 = 902;
    private static final int[] IDS = {R900, R901, R902};
    /** Not a region id: {@link #mapWithout} with it leaves no region out. */
    private static final int NO_REGION = 0;
    /** How long a restart keeps retrying a bind the kernel still holds (TIME_WAIT on the old listener's port). */
    private static final Duration REBIND_TIMEOUT = Duration.ofSeconds(10);

    private final Transport transport;
    private final DerpRelayServer[] relays = new DerpRelayServer[IDS.length];
    private final NodePrivateKey[] serverKeys = new NodePrivateKey[IDS.length];
    private final int[] ports = new int[IDS.length];
    private final List<DerpRelayServer> extras = new ArrayList<>();

    LoopbackRegions(final Transport transport) throws InterruptedException {
        this.transport = transport;
        try {
            for (int i = 0; i < IDS.length; i++) {
                serverKeys[i] = NodePrivateKey.generate();
                relays[i] = startRelay(0, serverKeys[i]);
                ports[i] = relays[i].localAddress().getPort();
            }
        } catch (final InterruptedException | RuntimeException e) {
            close();
            throw e;
        }
    }

    Transport transport() {
        return transport;
    }

    /** A relay on one loop (the machine has 2 cores), no metrics port. */
    DerpRelayServer startRelay(final int port, final NodePrivateKey key) throws InterruptedException {
        final DerpRelayServer server = DerpRelayServer.builder().listen(new InetSocketAddress("127.0.0.1", port))
            .transport(transport).threads(1).metricsAddress(null).serverPrivateKey(key)
            .shutdownTimeoutNs(Duration.ofSeconds(5).toNanos()).build();
        boolean started = false;
        try {
            server.start();
            started = true;
            return server;
        } finally {
            if (!started) {
                server.close(); // a failed bind leaves its loops running otherwise
            }
        }
    }

    /** One more relay (closed with the rest), e.g. a region's new node. */
    DerpRelayServer startExtraRelay() throws InterruptedException {
        final DerpRelayServer extra = startRelay(0, NodePrivateKey.generate());
        extras.add(extra);
        return extra;
    }

    DerpRelayServer relay(final int regionId) {
        final DerpRelayServer r = relays[index(regionId)];
        if (r == null) {
            throw new IllegalStateException("region " + regionId + "'s relay is stopped");
        }
        return r;
    }

    int port(final int regionId) {
        return ports[index(regionId)];
    }

    /** Stops a region's relay: its clients see their connections close. */
    void kill(final int regionId) {
        final int i = index(regionId);
        relays[i].close();
        relays[i] = null;
    }

    /** Starts a region's relay again on the same port with the same key (retrying while the port is held). */
    DerpRelayServer restart(final int regionId) throws InterruptedException {
        final int i = index(regionId);
        final long deadlineNs = System.nanoTime() + REBIND_TIMEOUT.toNanos();
        while (true) {
            try {
                relays[i] = startRelay(ports[i], serverKeys[i]);
                return relays[i];
            } catch (final InterruptedException e) {
                throw e;
            } catch (final Exception e) { // Netty's sync() rethrows the bind failure as is, checked or not
                if (!portInUse(e) || System.nanoTime() - deadlineNs > 0) {
                    throw new IllegalStateException("restart of region " + regionId + " on port " + ports[i], e);
                }
                LockSupport.parkNanos(50_000_000);
            }
        }
    }

    /** Regions 900–902 at their relays. */
    DerpMap map() {
        return mapWithout(NO_REGION);
    }

    /**
     * Regions 900–902, but without {@code removed}. Each has one loopback node: a node named by an IPv4 literal is
     * dialed there and never asks DNS.
     */
    DerpMap mapWithout(final int removed) {
        final DerpMapBuilder map = DerpMap.builder();
        for (final int id : IDS) {
            if (id != removed) {
                map.region(id, "r" + id, r -> r.node(id + "a", "127.0.0.1", port(id)));
            }
        }
        return map.build();
    }

    /** Regions 900–902, but region {@code changed}'s only node is {@code name} at {@code port}. */
    DerpMap mapWithNode(final int changed, final String name, final int port) {
        final DerpMapBuilder map = DerpMap.builder();
        for (final int id : IDS) {
            map.region(id, "r" + id, r -> r.node(id == changed ? name : id + "a", "127.0.0.1",
                id == changed ? port : port(id)));
        }
        return map.build();
    }

    // ---- what a relay saw ----

    boolean connectedAt(final int regionId, final NodeKey key) {
        final DerpRelayServer r = relays[index(regionId)];
        return r != null && r.relay().isConnected(key);
    }

    long accepted(final int regionId) {
        return relay(regionId).stats().server(ServerCounter.CONNECTIONS_ACCEPTED);
    }

    long counter(final int regionId, final RelayCounter counter) {
        return relay(regionId).relay().counter(counter);
    }

    /**
     * The last NotePreferred value {@code key}'s connection sent to this region's relay, or null if it is not
     * connected there. Read off the relay's loop: a copy of the shard's client list, retried if it moved meanwhile.
     */
    Boolean preferredAt(final int regionId, final NodeKey key) {
        final DerpRelayServer r = relays[index(regionId)];
        if (r == null) {
            return null;
        }
        for (int attempt = 0; attempt < 100; attempt++) {
            try {
                for (final RelayShard<ByteBuf> shard : r.relay().shards()) {
                    for (final RelayClient<ByteBuf> c : shard.clients()) {
                        if (c.key().equals(key) && !c.isClosed()) {
                            return c.isPreferred();
                        }
                    }
                }
                return null;
            } catch (final ConcurrentModificationException | IndexOutOfBoundsException e) {
                LockSupport.parkNanos(100_000);
            }
        }
        return null;
    }

    private static int index(final int regionId) {
        for (int i = 0; i < IDS.length; i++) {
            if (IDS[i] == regionId) {
                return i;
            }
        }
        throw new IllegalArgumentException("no region " + regionId);
    }

    /** JDK sockets throw BindException; Netty's native transports an IOException saying the same. */
    private static boolean portInUse(final Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof BindException || String.valueOf(c.getMessage()).contains("Address already in use")) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        for (int i = 0; i < relays.length; i++) {
            if (relays[i] != null) {
                relays[i].close();
                relays[i] = null;
            }
        }
        for (final DerpRelayServer extra : extras) {
            extra.close();
        }
        extras.clear();
    }
}
